"""Give the heap's free memory back to the operating system (glibc's ``malloc_trim``).

The model's activations have a different shape in every batch; glibc keeps the
freed blocks of one batch in its heap, and the next batch, needing other sizes,
takes new ones: resident memory climbs batch after batch although little is
alive. ``malloc_trim(0)`` between batches returns the free pages. It is a no-op
where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Return the heap's free pages to the system; False when this C library can't."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
