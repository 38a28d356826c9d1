"""Rows stored in consecutive blocks (a passage's sentences, a sentence's tokens or
statements): block ``i`` is rows ``offsets[i]:offsets[i + 1]``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt


def row_offsets(lengths: Sequence[int]) -> npt.NDArray[np.int64]:
    """Where each of consecutive blocks of ``lengths`` rows starts, and the total at the
    end: block ``i`` is rows ``offsets[i]:offsets[i + 1]``."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def block_rows(offsets: npt.NDArray[np.int64], blocks: Iterable[int]) -> npt.NDArray[np.int64]:
    """The rows of ``blocks``, in order, where block ``b`` is rows
    ``offsets[b]:offsets[b + 1]``."""
    return np.concatenate(
        [np.arange(offsets[b], offsets[b + 1]) for b in blocks] or [np.zeros(0, np.int64)]
    )
