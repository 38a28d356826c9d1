"""A reindex killed with SIGKILL midway, in a real subprocess.

The child process runs ``CorpusService.reindex`` (HashingEmbedder) and stops at a chosen
point — while embedding, while writing the temporary build folder, or after the build was
moved into ``builds/`` but before ``current`` was switched — prints a marker, and is killed
there with SIGKILL. The live index must stay the one ``current`` named before, load, and
answer exactly as before; whatever the build left behind is removed by the next reindex.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from index.embedding import HashingEmbedder
from index.models import SearchResult
from index.service import CorpusService
from index.settings import IndexSettings
from index.store import BUILDS, CURRENT, TEMP_PREFIX, load_snapshot, resolve_current

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
MARKER = "KILL-ME-NOW"
QUESTIONS = (
    "who refused to kick whom?",
    "where was the motorbike stunt filmed?",
    "how many times has she jumped?",
)

CHILD = textwrap.dedent(
    f"""
    import os, sys, time
    from pathlib import Path

    import index.store as store
    from index.embedding import HashingEmbedder
    from index.service import CorpusService
    from index.settings import IndexSettings

    seeds, index_dir, phase = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def hang():
        print({MARKER!r}, flush=True)
        time.sleep(600)

    progress = None
    if phase == "embedding":
        def progress(stage, fraction):
            if stage.startswith("embedded"):
                hang()
    elif phase == "saving":
        save_npy = store._save_npy
        def slow_save(path, array):
            save_npy(path, array)
            hang()
        store._save_npy = slow_save
    elif phase == "publishing":
        replace = os.replace
        def replace_then_hang(src, dst):
            replace(src, dst)
            if Path(dst).parent.name == {BUILDS!r}:
                hang()
        os.replace = replace_then_hang

    settings = IndexSettings(
        _env_file=None, seeds_dir=seeds, index_dir=index_dir, embedding_model="test-hashing"
    )
    service = CorpusService(settings, embedder=HashingEmbedder())
    service.reindex(progress)
    print("FINISHED", flush=True)
    """
)


def settings_for(seeds: Path, index_dir: Path) -> IndexSettings:
    return IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds,
        index_dir=index_dir,
        embedding_model="test-hashing",
    )


def answers(service: CorpusService) -> list[SearchResult]:
    return [service.ask(question) for question in QUESTIONS]


def run_child_until_marker(seeds: Path, index_dir: Path, phase: str) -> subprocess.Popen[str]:
    """Start the child reindex and return once it sits at ``phase`` (it printed the marker)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(seeds), str(index_dir), phase],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if line.strip() == MARKER:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=60)
    if MARKER not in lines:
        child.kill()
        _, err = child.communicate(timeout=10)
        pytest.fail(f"the child never reached {phase!r}: {lines}\n{err}")
    return child


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed articles plus 40 synthetic ones: enough for several embedding batches."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    write_corpus(seeds, 40, seed=11)
    return seeds


@pytest.mark.parametrize("phase", ["embedding", "saving", "publishing"])
def test_sigkilled_reindex_leaves_the_live_index_intact_and_is_cleaned_up(
    corpus: Path, tmp_path: Path, phase: str, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    settings = settings_for(corpus, index_dir)
    first = CorpusService(settings, embedder=HashingEmbedder())
    try:
        first.reindex()
        before = answers(first)
    finally:
        first.close()
    live = resolve_current(index_dir)
    builds_before = sorted(p.name for p in (index_dir / BUILDS).iterdir())

    # new work for the killed build: 60 more articles, one seed edited
    write_corpus(corpus, 100, seed=12)
    edited = corpus / "001_03ff597da4ffc749.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA late paragraph.\n")

    child = run_child_until_marker(corpus, index_dir, phase)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # the live index is untouched: same folder, loads with its checksums, same answers
    assert (index_dir / CURRENT).is_symlink()
    assert resolve_current(index_dir) == live
    load_snapshot(live, model="test-hashing")
    reopened = CorpusService(settings, embedder=HashingEmbedder())
    try:
        assert reopened.open() is None  # loaded as it is: no rebuild needed
        assert answers(reopened) == before

        leftovers = sorted(p.name for p in index_dir.iterdir() if p.name.startswith(TEMP_PREFIX))
        builds_now = sorted(p.name for p in (index_dir / BUILDS).iterdir())
        if phase in ("embedding", "saving"):  # the build folder is made before embedding
            [leftover] = leftovers
            if phase == "saving":
                assert any((index_dir / leftover).iterdir()), "the killed build wrote nothing"
        else:
            assert leftovers == []
        if phase == "publishing":
            assert len(builds_now) == len(builds_before) + 1  # moved in, never made current
        else:
            assert builds_now == builds_before

        # the next reindex removes what the killed one left and publishes normally
        caplog.set_level(logging.INFO, logger="index")
        report = reopened.reindex()
        assert not [p for p in index_dir.iterdir() if p.name.startswith(TEMP_PREFIX)]
        if phase == "saving":
            assert "removed leftovers of interrupted builds" in caplog.text
        new_live = resolve_current(index_dir)
        assert new_live != live and new_live.parent.name == BUILDS
        assert report.articles == 103
        assert "001_03ff597da4ffc749" in report.changed
        assert len(list((index_dir / BUILDS).iterdir())) <= 2  # current + one previous
        assert reopened.ask(QUESTIONS[0]).answered
    finally:
        reopened.close()


def test_sigkilled_first_build_leaves_no_index_and_the_next_start_builds_one(
    corpus: Path, tmp_path: Path
) -> None:
    """Killed while saving the very first build: no ``current``; the next open() builds."""
    index_dir = tmp_path / "index"
    child = run_child_until_marker(corpus, index_dir, "saving")
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert not (index_dir / CURRENT).exists()
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(TEMP_PREFIX)]

    service = CorpusService(settings_for(corpus, index_dir), embedder=HashingEmbedder())
    try:
        report = service.open()
        assert report is not None and report.articles == 43
        assert not [p for p in index_dir.iterdir() if p.name.startswith(TEMP_PREFIX)]
        assert service.ask(QUESTIONS[0]).answered
    finally:
        service.close()
