"""Progress of a reindex, from a worker thread to a rate-limited message edit."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable

from bot.rendering import progress_text

log = logging.getLogger(__name__)


class ThrottledProgress:
    """Receives ``(stage, fraction)`` from any thread; edits at most every ``interval`` s.

    :meth:`callback` is the ``ProgressCallback`` given to ``AnswerService.reindex``: it only
    hands the values to the event loop (``call_soon_threadsafe``). On the loop, the latest
    value wins: one edit runs at a time and waits so that two edits are never closer than
    ``interval``. :meth:`close` stops it before the final message is shown.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        edit: Callable[[str], Awaitable[object]],
        interval: float,
        *,
        render: Callable[[str, float], str] = progress_text,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loop = loop
        self._edit = edit
        self._interval = interval
        self._render = render
        self._clock = clock
        self._latest: tuple[str, float] | None = None
        self._last_edit = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._editing = False
        # Edits run in the context of the code that made this object (not the worker's):
        # context variables such as discord.py's webhook adapter must follow.
        self._context = contextvars.copy_context()
        self.edits = 0

    def callback(self, stage: str, fraction: float) -> None:
        """Thread safe: called by the reindex worker."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is watching
            self._loop.call_soon_threadsafe(self._update, stage, fraction, context=self._context)

    def _update(self, stage: str, fraction: float) -> None:
        if self._closed:
            return
        self._latest = (stage, fraction)
        if self._task is None or self._task.done():
            self._task = self._loop.create_task(self._flush())

    async def _flush(self) -> None:
        while self._latest is not None and not self._closed:
            wait = self._last_edit + self._interval - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            stage, fraction = self._latest
            self._latest = None
            self._last_edit = self._clock()
            self._editing = True
            try:
                await self._edit(self._render(stage, fraction))
                self.edits += 1
            except Exception as error:  # a progress edit is cosmetic: never fail the reindex
                log.warning("could not show reindex progress: %s", error)
            finally:
                self._editing = False

    async def close(self) -> None:
        """Stop: drop a pending edit, wait for one in flight (the final message comes last)."""
        self._closed = True
        task = self._task
        if task is None or task.done():
            return
        if not self._editing:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
