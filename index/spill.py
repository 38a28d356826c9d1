"""Rows of vectors kept on disk while an index is built, then written out as one ``.npy``.

A build embeds its passages in order of length, not in the order the index keeps
them, so the content-token vectors of every sentence (the largest part of an index:
about 40 MB per 1,000 articles) would all be held in memory until the last batch.
:class:`RowSpill` appends each batch's rows to a temporary file instead, and
:func:`write_rows_npy` writes the final array, block after block in the index's
order, straight into its ``.npy`` file: the rows never sit in memory all at once.
The file is byte for byte what ``numpy.save`` writes for the same array.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class SpilledRows:
    """``count`` rows written to a :class:`RowSpill`, from row ``first``."""

    first: int
    count: int

    def __len__(self) -> int:
        return self.count


RowBlock = npt.NDArray[Any] | SpilledRows
"""Rows in memory, or rows on disk in a :class:`RowSpill`."""


class RowSpill:
    """An append-only temporary file of rows of one width and dtype (deleted when closed)."""

    def __init__(self, width: int, dtype: npt.DTypeLike, folder: Path) -> None:
        self.width = width
        self.dtype = np.dtype(dtype)
        self._row_bytes = width * self.dtype.itemsize
        # closed by close() or the with-block: a spill outlives the call that opens it
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".spill-")  # noqa: SIM115 - see close()
        self._rows = 0

    def append(self, rows: npt.NDArray[Any]) -> SpilledRows:
        if rows.ndim != 2 or rows.shape[1] != self.width or rows.dtype != self.dtype:
            raise ValueError(f"rows of shape {rows.shape} and type {rows.dtype} don't fit")
        self._file.write(_bytes_of(rows))
        block = SpilledRows(self._rows, len(rows))
        self._rows += len(rows)
        return block

    def read_bytes(self, block: SpilledRows) -> bytes:
        self._file.flush()
        size = block.count * self._row_bytes
        data = os.pread(self._file.fileno(), size, block.first * self._row_bytes)
        if len(data) != size:
            raise OSError(f"spill file is short: {len(data)} of {size} bytes")
        return data

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RowSpill:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def write_rows_npy(
    path: Path,
    blocks: Iterable[RowBlock],
    shape: tuple[int, int],
    dtype: npt.DTypeLike,
    *,
    spill: RowSpill | None = None,
) -> np.memmap[Any, np.dtype[Any]]:
    """Write ``blocks`` one after another as an array of ``shape`` (rows, width) in ``path``
    (``.npy``); return the file memory-mapped, read-only. ``SpilledRows`` blocks are read
    from ``spill``."""
    rows, width = shape
    kind = np.dtype(dtype)
    header = {
        "descr": np.lib.format.dtype_to_descr(kind),
        "fortran_order": False,
        "shape": (rows, width),
    }
    written = 0
    with path.open("wb") as handle:
        np.lib.format.write_array_header_1_0(handle, header)
        for block in blocks:
            if isinstance(block, SpilledRows):
                if spill is None:
                    raise ValueError("spilled rows without their spill file")
                handle.write(spill.read_bytes(block))
            else:
                if block.ndim != 2 or block.shape[1] != width:
                    raise ValueError(f"a block of shape {block.shape} in rows of width {width}")
                handle.write(_bytes_of(block.astype(kind, copy=False)))
            written += len(block)
    if written != rows:
        raise ValueError(f"{written} rows written, {rows} announced")
    mapped: np.memmap[Any, np.dtype[Any]] = np.load(path, mmap_mode="r", allow_pickle=False)
    return mapped


def _bytes_of(rows: npt.NDArray[Any]) -> memoryview | bytes:
    """The rows' bytes in C order, without a copy when they are contiguous."""
    if not rows.size:
        return b""
    return memoryview(np.ascontiguousarray(rows).data).cast("B")
