"""The interface the bot and the terminal mode call on the retrieval core.

Every method is synchronous and may block (model inference, disk I/O): callers
on an event loop run them in a worker thread. Implementations are thread safe:
questions may be asked from several threads while a reindex runs in another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from index.models import BuildReport, CorpusInfo, QuoteMatch, SearchResult, WhoSaidResult

ProgressCallback = Callable[[str, float], None]
"""Called with a short stage description and the fraction done (0.0 to 1.0)."""


class AnswerService(Protocol):
    def ask(self, question: str, k: int = 3) -> SearchResult:
        """Answer a question from the articles. Raises ``InvalidQuery`` on bad input."""
        ...

    def who_said(self, quote: str, k: int = 3) -> WhoSaidResult:
        """Find who said a quote (exact, partial or paraphrased)."""
        ...

    def quote_suggestions(self, prefix: str, limit: int = 25) -> list[str]:
        """Known quotes for autocomplete, best matches for ``prefix`` first."""
        ...

    def speakers(self, prefix: str = "", limit: int = 25) -> list[str]:
        """Quoted speakers for autocomplete, best matches for ``prefix`` first."""
        ...

    def speaker_quotes(self, speaker: str) -> list[QuoteMatch]:
        """Every quote of one speaker (named exactly, else any part of the name)."""
        ...

    def info(self) -> CorpusInfo:
        """The indexed articles and how the index was built."""
        ...

    @property
    def reindexing(self) -> bool:
        """True while a reindex runs."""
        ...

    def reindex(self, progress: ProgressCallback | None = None) -> BuildReport:
        """Reread the seeds folder, build, verify and swap in a new index.

        Raises ``ReindexInProgress`` when another reindex is running. Questions
        keep being answered from the old index until the new one is swapped in.
        """
        ...
