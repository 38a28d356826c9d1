"""``python -m bench.versus_txtai`` runs the parts asked for."""

from __future__ import annotations

from bench.versus_txtai import parts_to_run


def test_only_memory_runs_the_memory_part_alone() -> None:
    assert parts_to_run(["memory"], []) == {"memory"}


def test_every_part_runs_unless_skipped() -> None:
    assert parts_to_run([], ["build", "quality"]) == {"latency", "memory"}
