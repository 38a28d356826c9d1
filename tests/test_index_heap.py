"""Freed memory goes back to the system after an embedding batch (glibc's malloc_trim)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from index.heap import release_free_memory

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="resident memory is read from /proc"
)

MB = 1 << 20


def resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * 4096


def test_freed_blocks_between_live_ones_leave_resident_memory_when_released() -> None:
    blocks = [bytearray(b"x" * (64 * 1024)) for _ in range(3200)]  # ~200 MB on the heap
    kept = blocks[9::10]  # one live block in ten: the heap can't shrink from its top
    del blocks
    fragmented = resident_bytes()
    assert release_free_memory()
    released = resident_bytes()
    assert fragmented - released > 100 * MB
    assert all(block[:1] == b"x" for block in kept)
