"""Micro-batching of query encoding across threads.

Callers in many threads ask for one vector each; one worker thread encodes
whatever has queued up in a single model call. Nothing waits on a timer: while
the model encodes one batch, the questions arriving meanwhile form the next, so
a lone question pays no extra latency and a burst is encoded in a few batches.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.embedding import Embedder, QueryEncoding, encode_with_tokens

log = logging.getLogger(__name__)

MAX_BATCH = 64


@dataclass(frozen=True, slots=True)
class _Request:
    text: str
    future: Future[QueryEncoding]


class QueryBatcher:
    """Encodes queries from any thread, batching those that arrive together."""

    def __init__(self, embedder: Embedder, max_batch: int = MAX_BATCH) -> None:
        self._embedder = embedder
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.encoded = 0

    def encode(self, text: str) -> npt.NDArray[np.float32]:
        """The normalised vector of ``text``; blocks until its batch is encoded."""
        return self.encode_with_tokens(text).vector

    def encode_with_tokens(self, text: str) -> QueryEncoding:
        """The vector of ``text`` and its token vectors (when the embedder gives them)."""
        self._ensure_worker()
        future: Future[QueryEncoding] = Future()
        self._queue.put(_Request(text, future))
        return future.result()

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=5)
            self._worker = None

    def _ensure_worker(self) -> None:
        if self._worker is not None:
            return
        with self._start_lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="query-batcher", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._encode(batch)
            if stop:
                return

    def _encode(self, batch: list[_Request]) -> None:
        try:
            vectors = encode_with_tokens(self._embedder, [r.text for r in batch])
        except BaseException as error:  # hand every failure to the callers waiting on it
            log.exception("query encoding failed")
            for request in batch:
                request.future.set_exception(error)
            return
        self.batches += 1
        self.encoded += len(batch)
        for request, vector in zip(batch, vectors, strict=True):
            request.future.set_result(vector)
