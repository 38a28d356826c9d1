"""Score extracted quotes against the gold quotes.

A predicted quote matches a gold quote of the same article when their words
overlap strongly: token Jaccard >= 0.8, or one is a contiguous part of the
other covering at least half of it. Words are compared after normalising case,
whitespace and quote marks (’ and ' are the same). Matching is one-to-one,
best pairs first, so an inner quote cannot steal its parent's gold match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from index.quotes.gold import GoldQuote, WhoSaidCase, load_gold, load_who_said
from index.quotes.models import Quote

__all__ = [
    "ErrorKind",
    "ExtractionScores",
    "GoldQuote",
    "QuoteError",
    "WhoSaidCase",
    "load_gold",
    "load_who_said",
    "match_score",
    "score_extraction",
]

MIN_JACCARD: Final = 0.8
MIN_CONTAINED_SHARE: Final = 0.5
_TOKEN: Final = re.compile(r"\w+(?:'\w+)*")


class ErrorKind(Enum):
    MISSED = "missed"
    SPURIOUS = "spurious"
    WRONG_SPEAKER = "wrong speaker"
    WRONG_SAID_TO = "wrong said_to"
    WRONG_REPORTED_BY = "wrong reported_by"


@dataclass(frozen=True, slots=True)
class QuoteError:
    """One difference from the gold, readable with ``str()``."""

    kind: ErrorKind
    article_id: str
    text: str
    expected: str | None = None
    got: str | None = None

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        where = f"[{self.article_id}] {excerpt!r}"
        if self.kind in (ErrorKind.MISSED, ErrorKind.SPURIOUS):
            return f"{self.kind.value}: {where}"
        return f"{self.kind.value}: {where}: expected {self.expected!r}, got {self.got!r}"


@dataclass(frozen=True, slots=True)
class ExtractionScores:
    """Precision and recall of extraction; accuracies over the matched quotes."""

    precision: float
    recall: float
    speaker_accuracy: float
    said_to_accuracy: float
    reported_by_accuracy: float
    predicted: int
    gold: int
    matched: int
    errors: tuple[QuoteError, ...]

    def report(self) -> str:
        """A few lines for a terminal: the scores, then every error."""
        head = (
            f"precision {self.precision:.3f} ({self.matched}/{self.predicted})  "
            f"recall {self.recall:.3f} ({self.matched}/{self.gold})  "
            f"speaker {self.speaker_accuracy:.3f}  said_to {self.said_to_accuracy:.3f}  "
            f"reported_by {self.reported_by_accuracy:.3f}"
        )
        return "\n".join([head, *(f"  {e}" for e in self.errors)])


def score_extraction(
    predicted: Mapping[str, Sequence[Quote]], gold: list[GoldQuote]
) -> ExtractionScores:
    """Compare the quotes extracted per article id with the gold quotes."""
    gold_by_article: dict[str, list[GoldQuote]] = {}
    for item in gold:
        gold_by_article.setdefault(item.article_id, []).append(item)
    errors: list[QuoteError] = []
    pairs: list[tuple[str, Quote, GoldQuote]] = []
    for article_id in sorted(set(predicted) | set(gold_by_article)):
        found = list(predicted.get(article_id, ()))
        expected = gold_by_article.get(article_id, [])
        matched = _match(found, expected)
        pairs.extend((article_id, found[p], expected[g]) for p, g in matched)
        matched_p = {p for p, _ in matched}
        matched_g = {g for _, g in matched}
        errors.extend(
            QuoteError(ErrorKind.MISSED, article_id, g.text, g.speaker)
            for i, g in enumerate(expected)
            if i not in matched_g
        )
        errors.extend(
            QuoteError(ErrorKind.SPURIOUS, article_id, q.text, None, q.speaker)
            for i, q in enumerate(found)
            if i not in matched_p
        )
    field_errors = [e for pair in pairs for e in _field_errors(*pair)]
    n_predicted = sum(len(v) for v in predicted.values())
    return ExtractionScores(
        precision=_ratio(len(pairs), n_predicted),
        recall=_ratio(len(pairs), len(gold)),
        speaker_accuracy=_accuracy(pairs, field_errors, ErrorKind.WRONG_SPEAKER),
        said_to_accuracy=_accuracy(pairs, field_errors, ErrorKind.WRONG_SAID_TO),
        reported_by_accuracy=_accuracy(pairs, field_errors, ErrorKind.WRONG_REPORTED_BY),
        predicted=n_predicted,
        gold=len(gold),
        matched=len(pairs),
        errors=tuple(errors + field_errors),
    )


def match_score(predicted: str, gold: str) -> float:
    """How well two quote texts match (0 when they do not match at all)."""
    a, b = _tokens(predicted), _tokens(gold)
    if not a or not b:
        return 0.0
    jaccard = len(set(a) & set(b)) / len(set(a) | set(b))
    if jaccard >= MIN_JACCARD:
        return jaccard
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    share = len(short) / len(long)
    if share >= MIN_CONTAINED_SHARE and _contains(long, short):
        return share
    return 0.0


def _match(found: list[Quote], expected: list[GoldQuote]) -> list[tuple[int, int]]:
    scored = [
        (score, p, g)
        for p, quote in enumerate(found)
        for g, item in enumerate(expected)
        if (score := match_score(quote.text, item.text)) > 0
    ]
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, p, g in scored:
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
            pairs.append((p, g))
    return pairs


def _field_errors(article_id: str, quote: Quote, item: GoldQuote) -> list[QuoteError]:
    errors: list[QuoteError] = []
    for kind, got, expected in (
        (ErrorKind.WRONG_SPEAKER, quote.speaker, item.speaker),
        (ErrorKind.WRONG_SAID_TO, quote.said_to, item.said_to),
        (ErrorKind.WRONG_REPORTED_BY, quote.reported_by, item.reported_by),
    ):
        if not _same(got, expected):
            errors.append(QuoteError(kind, article_id, item.text, expected, got))
    return errors


def _accuracy(
    pairs: list[tuple[str, Quote, GoldQuote]], errors: list[QuoteError], kind: ErrorKind
) -> float:
    wrong = sum(1 for e in errors if e.kind is kind)
    return _ratio(len(pairs) - wrong, len(pairs))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _tokens(text: str) -> list[str]:
    normalised = text.casefold().replace("’", "'").replace("‘", "'")
    return _TOKEN.findall(normalised)


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))
