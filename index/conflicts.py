"""Sources that disagree: the best answers give different values for the same fact.

"When does Dead Reckoning open?" — one article says July 15, another July 10.
Both answers stay in the result; the conflict names each value with the sentence
that gives it and its sources, so a reader sees the disagreement instead of one
side picked silently.

Two answers disagree when the question asks for a value (a date, a number, an
age, a sum of money...), both answering sentences state one precisely (a day of
the month, a figure in digits), they are about the same thing (close in meaning),
they come from different articles, and their values have nothing in common.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.answer_types import AnswerType, answer_values
from index.models import Conflict, ConflictingClaim, SourceRef

SAME_FACT_SIMILARITY = 0.55
"""Answering sentences at least this close (cosine) are taken to be about the same fact."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One ranked answer, as conflict detection sees it."""

    highlight: str
    vector: npt.NDArray[np.float32]
    """The highlight sentence's vector."""
    sources: tuple[SourceRef, ...]


def find_conflict(
    kind: AnswerType | None,
    answers: Sequence[Answer],
    same_fact_similarity: float = SAME_FACT_SIMILARITY,
) -> tuple[Conflict | None, list[int]]:
    """The conflict among ``answers`` (best first) on the value the question asks for,
    and the positions in ``answers`` of its claims (empty when there is none).

    The best answer stating a value anchors it; every later answer about the
    same fact whose value differs from all the claims so far becomes a claim.
    """
    if kind is None:
        return None, []
    claims: list[tuple[Answer, frozenset[str], str]] = []
    positions: list[int] = []
    for position, answer in enumerate(answers):
        values = answer_values(answer.highlight, kind)
        if not values:
            continue
        if not claims:
            claims.append((answer, _keys(values, None), _written(values)))
            positions.append(position)
            continue
        anchor = claims[0][0]
        if float(answer.vector @ anchor.vector) < same_fact_similarity:
            continue
        if any(_shares_source(answer, claim) for claim, _, _ in claims):
            continue
        keys = _keys(values, claims[0][1])
        if keys and all(keys.isdisjoint(other) for _, other, _ in claims):
            claims.append((answer, keys, _written(values)))
            positions.append(position)
    if len(claims) < 2:
        return None, []
    conflict = Conflict(
        kind=kind.value,
        claims=tuple(
            ConflictingClaim(value=written, highlight=answer.highlight, sources=answer.sources)
            for answer, _, written in claims
        ),
    )
    return conflict, positions


def _keys(values: tuple[tuple[str, str], ...], anchor: frozenset[str] | None) -> frozenset[str]:
    """The keys to compare: for dates, days of the month when the sentence gives one
    (and, against an anchor, of the same precision as the anchor's)."""
    days = frozenset(key for key, _ in values if not key.startswith("year "))
    years = frozenset(key for key, _ in values if key.startswith("year "))
    if anchor is None:
        return days or years or frozenset(key for key, _ in values)
    anchor_is_days = any(not key.startswith("year ") for key in anchor)
    if anchor_is_days:
        return days
    return years


def _written(values: tuple[tuple[str, str], ...]) -> str:
    return values[0][1]


def _shares_source(first: Answer, second: Answer) -> bool:
    ids = {source.id for source in first.sources}
    return any(source.id in ids for source in second.sources)
