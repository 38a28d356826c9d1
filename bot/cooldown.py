"""A per-user cooldown: at most ``rate`` questions in any ``per`` seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class UserCooldown:
    """Sliding-window limiter keyed by user id; ``per == 0`` disables it."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("rate must be at least 1")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float | None:
        """Count one question; return seconds to wait (and count nothing) when over the rate."""
        if self.per <= 0:
            return None
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        self._prune(now)
        return None

    def _prune(self, now: float) -> None:
        if len(self._hits) < 1024:
            return
        for user_id in [u for u, h in self._hits.items() if not h or now - h[-1] >= self.per]:
            del self._hits[user_id]
