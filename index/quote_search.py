"""Who said it: match a quote, exact, partial or paraphrased, to the stored quotes.

Scoring blends meaning (cosine between the query and each quote's vector) with
words (idf-weighted share of the query's terms found in the quote), and an
exact substring is a sure match. Quotes that say the same thing, by the same
speaker, are one match listing every wording and every source.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.embedding import Embedder
from index.lexical import tokenize
from index.models import QuoteMatch, SourceRef, StoredQuote, WhoSaidResult
from index.snapshot import IndexSnapshot


@dataclass(frozen=True, slots=True)
class QuoteSearchConfig:
    match_threshold: float = 0.35
    """Below this score a quote is not a match."""
    semantic_weight: float = 0.7
    lexical_weight: float = 0.3
    same_statement: float = 0.8
    """Quotes of one speaker this similar (cosine) are wordings of one statement."""
    margin: float = 0.15
    """Further matches must score within this margin of the best one."""


_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


class QuoteSearcher:
    def __init__(
        self,
        snapshot: IndexSnapshot,
        embedder: Embedder,
        config: QuoteSearchConfig | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.config = config or QuoteSearchConfig()
        self._plain = [_plain(q.text) for q in snapshot.quotes]
        self._terms = [set(tokenize(q.text)) for q in snapshot.quotes]
        document_frequency: Counter[str] = Counter()
        for terms in self._terms:
            document_frequency.update(terms)
        count = max(1, len(snapshot.quotes))
        self._idf = {
            t: math.log(1.0 + (count - df + 0.5) / (df + 0.5))
            for t, df in document_frequency.items()
        }
        self._unseen_idf = math.log(1.0 + (count + 0.5) / 0.5)
        self._part_owners = np.repeat(
            np.arange(len(snapshot.quotes)), np.diff(snapshot.quote_part_offsets)
        )
        """For each row of ``quote_part_vectors``, the quote it belongs to."""

    def search(
        self, query: str, k: int = 3, vector: npt.NDArray[np.float32] | None = None
    ) -> WhoSaidResult:
        """Quotes matching ``query``; ``vector`` is its embedding when already computed."""
        quotes = self.snapshot.quotes
        if not quotes:
            return WhoSaidResult(query=query, matches=())
        if vector is None:
            vector = self.embedder.encode_queries([query])[0]
        scores = self._scores(query, vector)
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        if best < self.config.match_threshold:
            return WhoSaidResult(query=query, matches=())
        floor = max(self.config.match_threshold, best - self.config.margin)
        groups: list[list[int]] = []
        grouped: set[int] = set()
        for row in order:
            if scores[row] < floor or len(groups) == k:
                break
            if int(row) in grouped:
                continue
            group = self._statement_of(int(row))
            grouped.update(group)
            groups.append(group)
        matches = [self._match(group, scores) for group in groups]
        return WhoSaidResult(query=query, matches=tuple(matches))

    def _scores(self, query: str, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        semantic = self.snapshot.quote_vectors @ vector
        parts = self.snapshot.quote_part_vectors
        if len(parts):
            # a quote matches as well as its best sentence does
            np.maximum.at(semantic, self._part_owners, parts @ vector)
        query_terms = set(tokenize(query))
        weights = {t: self._idf.get(t, self._unseen_idf) for t in query_terms}
        total = sum(weights.values())
        lexical = np.array(
            [
                sum(w for t, w in weights.items() if t in terms) / total if total else 0.0
                for terms in self._terms
            ]
        )
        scores = self.config.semantic_weight * semantic + self.config.lexical_weight * lexical
        plain_query = _plain(query)
        if len(plain_query) >= 8:
            for row, text in enumerate(self._plain):
                if plain_query in text:
                    # a sure match; the shorter the quote around it, the more specific
                    specificity = len(plain_query) / max(len(text), 1)
                    scores[row] = max(scores[row], 0.9 + 0.1 * specificity)
        return np.asarray(scores, dtype=np.float64)

    def _statement_of(self, head: int) -> list[int]:
        """The quote ``head`` and every other wording of the same statement: quotes by
        the same speaker whose vectors are this close, whatever their score."""
        quotes = self.snapshot.quotes
        similarities = self.snapshot.quote_vectors @ self.snapshot.quote_vectors[head]
        same = [
            row
            for row in np.argsort(-similarities)
            if int(row) != head
            and similarities[row] >= self.config.same_statement
            and quotes[row].speaker == quotes[head].speaker
            and quotes[row].reported_by == quotes[head].reported_by
        ]
        return [head, *(int(row) for row in same)]

    def _match(self, group: list[int], scores: npt.NDArray[np.float64]) -> QuoteMatch:
        quotes = [self.snapshot.quotes[row] for row in group]
        head = quotes[0]
        wordings: list[str] = []
        sources: list[SourceRef] = []
        for quote in quotes:
            if quote.text not in wordings:
                wordings.append(quote.text)
            source = self.snapshot.articles_by_id[quote.article_id].source
            if source not in sources:
                sources.append(source)
        said_to = next((q.said_to for q in quotes if q.said_to), None)
        return QuoteMatch(
            speaker=head.speaker,
            quote=head.text,
            said_to=said_to,
            score=round(float(scores[group[0]]), 4),
            sources=tuple(sources),
            wordings=tuple(wordings),
            reported_by=head.reported_by,
        )

    def suggestions(self, prefix: str, limit: int = 25) -> list[str]:
        """Known quotes for autocomplete: those starting with, then containing, ``prefix``."""
        wanted = _plain(prefix)
        seen: set[str] = set()
        starts: list[str] = []
        contains: list[str] = []
        for quote, plain in zip(self.snapshot.quotes, self._plain, strict=True):
            if plain in seen or len(plain) < 3:
                continue
            seen.add(plain)
            if not wanted or plain.startswith(wanted):
                starts.append(quote.text)
            elif wanted in plain:
                contains.append(quote.text)
        return (starts + contains)[:limit]

    def quotes(self, speaker: str | None = None) -> list[StoredQuote]:
        """Every stored quote, or every quote of the people ``speaker`` names: any part of
        their canonical name or of a name an article wrote (``Mr. Cruise``: all of Tom
        Cruise's quotes)."""
        if speaker is None:
            return list(self.snapshot.quotes)
        wanted = _plain(speaker)
        people = {
            q.speaker
            for q in self.snapshot.quotes
            if any(name and wanted in _plain(name) for name in (q.speaker, q.speaker_as_written))
        }
        return [q for q in self.snapshot.quotes if q.speaker is not None and q.speaker in people]
