"""The retrieval core behind the CLI and the bot: load, ask, who-said, reindex.

``CorpusService`` holds the live index snapshot. Questions read whichever
snapshot is live when they start; a reindex builds a new snapshot in a
temporary folder, verifies it by loading it back, publishes it with an atomic
rename and only then swaps it in. One reindex at a time, across processes.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from index.articles import load_corpus
from index.batching import QueryBatcher
from index.embedding import Embedder, load_embedder
from index.errors import IndexMismatch, IndexUnavailable, ReindexInProgress
from index.models import (
    ArticleInfo,
    BuildReport,
    CorpusInfo,
    QuoteMatch,
    SearchResult,
    StoredQuote,
    WhoSaidResult,
)
from index.protocols import ProgressCallback
from index.query import clean_question, normalise_query
from index.quote_search import QuoteSearcher
from index.search import SearchConfig, Searcher
from index.settings import IndexSettings, Precision
from index.snapshot import IndexSnapshot
from index.speaker_quotes import exactly_named, grouped_by_statement, speaker_names
from index.store import (
    build_lock,
    load_snapshot,
    new_build_folder,
    publish,
    remove_leftovers,
    resolve_current,
    save_snapshot,
)

log = logging.getLogger(__name__)

SEARCH_SLOTS = 2
"""Questions searched at the same time, once encoded. Searching is mostly Python (it
holds the GIL): more threads at it only make an event loop in the same process wait
longer for the GIL (see bench/load.py), while many may wait for their encodes together."""


@dataclass(frozen=True)
class _Live:
    snapshot: IndexSnapshot
    searcher: Searcher
    quotes: QuoteSearcher


class CorpusService:
    """Thread-safe answers from the live index, and atomic reindexing."""

    def __init__(
        self,
        settings: IndexSettings,
        embedder: Embedder | None = None,
        embedder_factory: Callable[[str, Precision], Embedder] = load_embedder,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._embedder_factory = embedder_factory
        self._live: _Live | None = None
        self._reindex_lock = threading.Lock()
        self._embedder_lock = threading.Lock()
        self._search_slots = threading.BoundedSemaphore(SEARCH_SLOTS)
        self._batcher: QueryBatcher | None = None

    # -- lifecycle ---------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        with self._embedder_lock:
            if self._embedder is None:
                self._embedder = self._embedder_factory(
                    self.settings.embedding_model, self.settings.embedding_precision
                )
            return self._embedder

    @property
    def batcher(self) -> QueryBatcher:
        """Encodes questions from concurrent callers together (see ``index.batching``)."""
        embedder = self.embedder
        with self._embedder_lock:
            if self._batcher is None:
                self._batcher = QueryBatcher(embedder)
            return self._batcher

    def close(self) -> None:
        """Stop the batching worker thread (the service can still be used afterwards)."""
        with self._embedder_lock:
            batcher, self._batcher = self._batcher, None
        if batcher is not None:
            batcher.close()

    def load(self) -> IndexSnapshot:
        """Load the index on disk; raise ``IndexUnavailable`` (or a subclass) if unusable."""
        folder = resolve_current(self.settings.index_dir)
        snapshot = load_snapshot(folder, model=self.settings.embedding_model)
        self._swap_in(snapshot)
        return snapshot

    def open(self) -> BuildReport | None:
        """Load the index, building it first when it is missing, stale or corrupt.

        Returns the build report when a build was needed, else ``None``.
        """
        try:
            self.load()
            return None
        except IndexMismatch as reason:
            log.warning("rebuilding the index: %s", reason)
        except IndexUnavailable as reason:
            log.warning("building the index: %s", reason)
        return self.reindex()

    @property
    def loaded(self) -> bool:
        return self._live is not None

    def _require(self) -> _Live:
        live = self._live
        if live is None:
            raise IndexUnavailable("the index is not loaded yet")
        return live

    def _swap_in(self, snapshot: IndexSnapshot) -> None:
        embedder = self.embedder
        config = SearchConfig()
        if self.settings.min_answer_score:
            config = SearchConfig(
                answer_threshold=config.answer_threshold + self.settings.min_answer_score
            )
        self._live = _Live(
            snapshot=snapshot,
            searcher=Searcher(snapshot, embedder, config),
            quotes=QuoteSearcher(snapshot, embedder),
        )

    @property
    def snapshot(self) -> IndexSnapshot:
        return self._require().snapshot

    # -- questions -----------------------------------------------------------

    def ask(self, question: str, k: int = 3) -> SearchResult:
        text = clean_question(question, self.settings.max_question_chars)
        live = self._require()
        encoding = self.batcher.encode_with_tokens(text)
        with self._search_slots:
            return live.searcher.search_vector(
                text,
                encoding.vector,
                max(1, min(k, 10)),
                tokens=encoding.tokens,
                token_words=encoding.token_words,
            )

    def who_said(self, quote: str, k: int = 3) -> WhoSaidResult:
        text = normalise_query(quote, self.settings.max_question_chars, what="quote")
        live = self._require()
        vector = self.batcher.encode(text)
        with self._search_slots:
            return live.quotes.search(text, max(1, min(k, 10)), vector=vector)

    def quotes(self, speaker: str | None = None) -> list[StoredQuote]:
        """The stored quotes, or those of one speaker (any part of the name)."""
        return self._require().quotes.quotes(speaker)

    def speakers(self, prefix: str = "", limit: int = 25) -> list[str]:
        """Quoted speakers for autocomplete, best matches for ``prefix`` first."""
        live = self._live
        if live is None:
            return []
        return speaker_names(live.snapshot.quotes, prefix, limit)

    def speaker_quotes(self, speaker: str) -> list[QuoteMatch]:
        """Every quote of one speaker, each with its sources: the speaker named exactly,
        else everyone :meth:`quotes` finds for the name (``Mr. Cruise``: Tom Cruise)."""
        live = self._require()
        if not speaker.strip():
            return []
        named = exactly_named(live.snapshot.quotes, speaker) or live.quotes.quotes(speaker)
        return grouped_by_statement(named, live.snapshot.articles_by_id)

    def quote_suggestions(self, prefix: str, limit: int = 25) -> list[str]:
        live = self._live
        if live is None:
            return []
        return live.quotes.suggestions(prefix, limit)

    def info(self) -> CorpusInfo:
        snapshot = self._require().snapshot
        manifest = snapshot.manifest
        return CorpusInfo(
            articles=tuple(
                ArticleInfo(source=a.source, path=a.path, passages=a.passages, quotes=a.quotes)
                for a in snapshot.articles
            ),
            built_at=manifest.built_at,
            model=manifest.model,
            passages=manifest.passage_count,
            quotes=manifest.quote_count,
        )

    # -- reindex -------------------------------------------------------------

    def _stored_snapshot(self) -> IndexSnapshot | None:
        """The index on disk, when usable, so a fresh process can reuse its unchanged articles."""
        try:
            return load_snapshot(
                resolve_current(self.settings.index_dir), model=self.settings.embedding_model
            )
        except IndexUnavailable as reason:
            log.info("no reusable index on disk (%s): embedding every article", reason)
            return None

    @property
    def reindexing(self) -> bool:
        return self._reindex_lock.locked()

    def reindex(self, progress: ProgressCallback | None = None) -> BuildReport:
        """Rebuild from the seeds folder and swap the new index in once verified."""
        if not self._reindex_lock.acquire(blocking=False):
            raise ReindexInProgress("a reindex is already running")
        try:
            with build_lock(self.settings.index_dir):
                return self._rebuild(progress)
        finally:
            self._reindex_lock.release()

    def _rebuild(self, progress: ProgressCallback | None) -> BuildReport:
        # imported here: answering questions never needs the builder or the quote extractor
        from index.builder import build_snapshot, check_corpus

        started = time.perf_counter()
        index_dir = self.settings.index_dir
        remove_leftovers(index_dir)
        corpus = load_corpus(self.settings.seeds_dir)
        check_corpus(corpus)  # before self.embedder: no model load for a missing/empty folder
        previous = self._live.snapshot if self._live is not None else self._stored_snapshot()
        folder = new_build_folder(index_dir)
        try:
            snapshot, report = build_snapshot(
                corpus,
                self.embedder,
                max_chars=self.settings.passage_max_chars,
                previous=previous,
                progress=progress,
                workspace=folder,
            )
            save_snapshot(snapshot, folder)
            # the copy on disk is the one that goes live: free the built one (and what it
            # was built from) before loading it back, or a big build is held twice
            del snapshot, previous, corpus
            verified = load_snapshot(folder, model=self.embedder.name)
            published = publish(index_dir, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._swap_in(verified)
        if progress is not None:
            progress("done", 1.0)
        seconds = round(time.perf_counter() - started, 3)
        log.info(
            "index built at %s: %d articles, %d passages, %d quotes in %.2fs",
            published,
            report.articles,
            report.passages,
            report.quotes,
            seconds,
        )
        from dataclasses import replace

        return replace(report, seconds=seconds)
