"""A small in-memory ``AnswerService`` for the bot's tests (no model, no index)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from index.errors import InvalidQuery, ReindexInProgress
from index.models import (
    ArticleInfo,
    BuildReport,
    CorpusInfo,
    PassageHit,
    QuoteMatch,
    SearchResult,
    SkippedFile,
    SourceRef,
    WhoSaidResult,
)
from index.protocols import ProgressCallback

SOURCES = {
    "001": SourceRef(
        id="001_03ff597da4ffc749",
        title="Tom Cruise refused to kick Pom Klementieff in the stomach as they filmed "
        "Mission Impossible 7",
        url="https://example.com/news/cruise-kick",
        outlet="Example News",
    ),
    "002": SourceRef(
        id="002_371d6967d823f2f5",
        title="'He wouldn't do it': Pom Klementieff urged Tom Cruise to kick her in the stomach",
    ),
    "000": SourceRef(
        id="000_c0f8695bc582e640",
        title="Pom Klementieff Says Tom Cruise Got Her Into Skydiving: ‘I Love The Run’",
        outlet="Example Daily",
    ),
}


@dataclass(frozen=True)
class FakePassage:
    text: str
    highlight: str
    source: SourceRef


PASSAGES = (
    FakePassage(
        "He might be one of the greatest action heroes of all time. According to Pom "
        "Klementieff, Tom Cruise refused to kick her in the stomach during a fight scene. "
        "She says he just wouldn't do it.",
        "According to Pom Klementieff, Tom Cruise refused to kick her in the stomach during "
        "a fight scene.",
        SOURCES["001"],
    ),
    FakePassage(
        "Tom Cruise refused to kick Pom Klementieff in the stomach for a scene in 'Mission: "
        "Impossible - Dead Reckoning Part 1'. The French actress insisted it would help her "
        "performance.",
        "Tom Cruise refused to kick Pom Klementieff in the stomach for a scene in 'Mission: "
        "Impossible - Dead Reckoning Part 1'.",
        SOURCES["002"],
    ),
    FakePassage(
        'Klementieff said Cruise got her into skydiving. "I love the run," she said of the '
        "jumps they made together.",
        "Klementieff said Cruise got her into skydiving.",
        SOURCES["000"],
    ),
)

QUOTES = (
    QuoteMatch(
        speaker="Pom Klementieff",
        quote="He wouldn't do it",
        said_to="E! News",
        score=0.9,
        sources=(SOURCES["002"], SOURCES["001"]),
        wordings=("He wouldn't do it", "he just wouldn't do it"),
    ),
    QuoteMatch(
        speaker="Pom Klementieff",
        quote="I love the run",
        said_to=None,
        score=0.8,
        sources=(SOURCES["000"],),
        wordings=("I love the run",),
    ),
)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "who",
        "what",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "was",
        "were",
        "of",
        "in",
        "on",
        "to",
        "for",
        "and",
        "or",
        "her",
        "his",
        "him",
        "she",
        "he",
        "it",
        "they",
        "them",
        "i",
        "you",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS}


@dataclass
class FakeAnswerService:
    """Word-overlap answers over three passages; records calls; can be slowed or blocked."""

    delay: float = 0.0
    reindex_gate: threading.Event | None = None
    reindex_steps: int = 5
    reindex_step_delay: float = 0.0
    fail_with: BaseException | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    passages: tuple[FakePassage, ...] = PASSAGES
    quotes: tuple[QuoteMatch, ...] = QUOTES
    on_ask: Callable[[str], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    reindex_started: threading.Event = field(default_factory=threading.Event)
    generation: int = 1

    def _record(self, name: str, argument: Any) -> None:
        with self._lock:
            self.calls.append((name, argument))
        if self.fail_with is not None:
            raise self.fail_with
        if self.delay:
            time.sleep(self.delay)

    def called(self, name: str) -> list[Any]:
        with self._lock:
            return [argument for call, argument in self.calls if call == name]

    # -- AnswerService ---------------------------------------------------------------

    def ask(self, question: str, k: int = 3) -> SearchResult:
        self._record("ask", question)
        if self.on_ask is not None:
            self.on_ask(question)
        words = _words(question)
        if not words:
            raise InvalidQuery("the question has no searchable words")
        scored = sorted(
            ((len(words & _words(p.text)) / len(words), p) for p in self.passages),
            key=lambda pair: -pair[0],
        )
        hits = tuple(
            PassageHit(text=p.text, highlight=p.highlight, score=score, sources=(p.source,))
            for score, p in scored[:k]
            if score >= 0.5
        )
        return SearchResult(question=question, answered=bool(hits), passages=hits)

    def who_said(self, quote: str, k: int = 3) -> WhoSaidResult:
        self._record("who_said", quote)
        words = _words(quote)
        matches = tuple(
            m for m in self.quotes if words and words <= _words(" ".join((m.quote, *m.wordings)))
        )
        return WhoSaidResult(query=quote, matches=matches[:k])

    def quote_suggestions(self, prefix: str, limit: int = 25) -> list[str]:
        self._record("quote_suggestions", prefix)
        wanted = prefix.lower().strip()
        return [m.quote for m in self.quotes if wanted in m.quote.lower()][:limit]

    def speakers(self, prefix: str = "", limit: int = 25) -> list[str]:
        self._record("speakers", prefix)
        wanted = prefix.lower().strip()
        names = dict.fromkeys(m.speaker for m in self.quotes if m.speaker)
        return [n for n in names if any(w.startswith(wanted) for w in n.lower().split())][:limit]

    def speaker_quotes(self, speaker: str) -> list[QuoteMatch]:
        self._record("speaker_quotes", speaker)
        wanted = speaker.lower().strip()
        return [m for m in self.quotes if m.speaker and wanted in m.speaker.lower()]

    def info(self) -> CorpusInfo:
        self._record("info", None)
        articles = tuple(
            ArticleInfo(source=p.source, path=f"{p.source.id}.txt", passages=4, quotes=1)
            for p in self.passages
        )
        return CorpusInfo(
            articles=articles,
            built_at="2025-01-02T03:04:05+00:00",
            model=f"fake-model (generation {self.generation})",
            passages=12,
            quotes=len(self.quotes),
        )

    @property
    def reindexing(self) -> bool:
        return self._reindex_lock.locked()

    def reindex(self, progress: ProgressCallback | None = None) -> BuildReport:
        if not self._reindex_lock.acquire(blocking=False):
            raise ReindexInProgress("a reindex is already running")
        try:
            self._record("reindex", None)
            self.reindex_started.set()
            started = time.perf_counter()
            for step in range(self.reindex_steps):
                if progress is not None:
                    progress(f"embedding article {step + 1} of {self.reindex_steps}", step / 5)
                if self.reindex_step_delay:
                    time.sleep(self.reindex_step_delay)
            if self.reindex_gate is not None and not self.reindex_gate.wait(timeout=30):
                raise TimeoutError("reindex gate never opened")
            self.generation += 1
            if progress is not None:
                progress("done", 1.0)
            return BuildReport(
                articles=3,
                passages=12,
                quotes=2,
                seconds=round(time.perf_counter() - started, 3),
                skipped=(SkippedFile("notes.pdf", "not a .txt or .md file"),),
                added=("003_new_article",),
                removed=(),
                changed=("001_03ff597da4ffc749",),
                reused_articles=1,
            )
        finally:
            self._reindex_lock.release()


def make(settings: object) -> FakeAnswerService:
    """Factory for ``python -m bot --service tests.bot_support.fake_service:make``."""
    return FakeAnswerService()
