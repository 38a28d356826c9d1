"""Token vectors kept on disk during a build come out as the very file numpy would save."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.builder import joined_rows
from index.spill import RowSpill, write_rows_npy


def _rows(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-127, 128, (count, 6), dtype=np.int8)


def test_rows_spilled_and_in_memory_make_the_file_numpy_saves(tmp_path: Path) -> None:
    first, second, third = _rows(3, 1), _rows(0, 2), _rows(5, 3)
    with RowSpill(6, np.int8, tmp_path) as spill:
        spilled_third = spill.append(third)
        spilled_first = spill.append(first)
        mapped = write_rows_npy(
            tmp_path / "tokens.npy",
            [spilled_first, second, spilled_third],
            (8, 6),
            np.int8,
            spill=spill,
        )
    expected = np.concatenate([first, second, third])
    np.save(tmp_path / "expected.npy", expected)
    assert (tmp_path / "tokens.npy").read_bytes() == (tmp_path / "expected.npy").read_bytes()
    assert np.array_equal(mapped, expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected.npy", "tokens.npy"]


def test_a_spill_refuses_rows_of_another_width(tmp_path: Path) -> None:
    with RowSpill(6, np.int8, tmp_path) as spill, pytest.raises(ValueError):
        spill.append(np.zeros((2, 5), np.int8))


def test_announcing_more_rows_than_written_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="3 rows written, 4 announced"):
        write_rows_npy(tmp_path / "t.npy", [_rows(3, 1)], (4, 6), np.int8)


def test_slices_lying_one_after_another_are_joined_without_a_copy() -> None:
    whole = np.arange(40, dtype=np.float32).reshape(10, 4)
    joined = joined_rows([whole[2:4], whole[4:4], whole[4:7]], 4, np.float32)
    assert np.array_equal(joined, whole[2:7])
    assert np.shares_memory(joined, whole)


def test_blocks_of_separate_arrays_or_out_of_order_are_copied() -> None:
    whole = np.arange(40, dtype=np.float32).reshape(10, 4)
    swapped = joined_rows([whole[4:6], whole[0:4]], 4, np.float32)
    assert np.array_equal(swapped, np.concatenate([whole[4:6], whole[0:4]]))
    assert not np.shares_memory(swapped, whole)
    other = np.ones((2, 4), np.float32)
    mixed = joined_rows([whole[0:2], other], 4, np.float32)
    assert np.array_equal(mixed[2:], other)
    assert joined_rows([], 4, np.float32).shape == (0, 4)
