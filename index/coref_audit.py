"""Score ``coref`` speakers against a hand audit of their silver labels (``--coref-audit``).

PolNeAR's speaker for a quote whose source is a pronoun or a noun phrase (``he
said``, ``the senator said``) comes from automatic coreference: a silver label.
An audit file (``index/evaldata/polnear_dev_coref_audit.json``, see
``index/evaldata/README.md``) gives, for such quotes, the speaker a careful
reader names: ``article_id``, ``start`` and ``end`` (the gold quote's offsets),
``speaker`` (null when the article does not tell), ``key`` and a short ``why``.

The scoring uses the benchmark's rule (:func:`index.polnear.speaker_is_right`):
a speaker is right when the key is one of its words. The silver label agrees
with the audit when the audit's key is one of the silver speaker's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.polnear import (
    Attribution,
    GoldQuote,
    PolnearError,
    SpeakerScore,
    read_json_items,
    speaker_is_right,
)

AUDITED_RESOLUTION = "coref"

QuoteRef = tuple[str, int, int]
"""A gold quote as an audit names it: (article id, start, end)."""


@dataclass(frozen=True, slots=True)
class AuditLabel:
    """A hand-checked speaker for one gold quote (``speaker`` None: the article does not tell)."""

    article_id: str
    start: int
    end: int
    speaker: str | None
    key: str | None
    why: str = ""

    @property
    def ref(self) -> QuoteRef:
        return (self.article_id, self.start, self.end)

    @property
    def known(self) -> bool:
        return self.speaker is not None and self.key is not None


@dataclass(frozen=True, slots=True)
class CorefAuditScores:
    """Coref speaker accuracy against the silver labels and against the audit, side by side."""

    labels: int
    """Audit labels whose gold quote is in the evaluated split."""
    unknown: int
    """Of those, labelled UNKNOWN (excluded from the audit accuracy)."""
    silver_agrees: int
    """Of the known labels, how many the silver label agrees with."""
    silver: SpeakerScore
    """The system on the audited quotes it matched, against the silver key."""
    audit: SpeakerScore
    """The system on the audited quotes it matched with a known label, against the audit key."""
    agreeing: SpeakerScore
    """As ``audit``, on the quotes where the silver label agrees with the audit."""
    unaudited: int = 0
    """Matched coref quotes the audit has no label for (not in any figure above)."""


def load_audit(path: Path) -> tuple[AuditLabel, ...]:
    """Read an audit file; raise ``PolnearError`` with a clear message."""
    labels = read_json_items(path, "items", _label, "coref audit")
    refs = [label.ref for label in labels]
    if len(set(refs)) != len(refs):
        raise PolnearError(f"{path}: a quote is labelled twice")
    return labels


def _label(item: dict[str, Any]) -> AuditLabel:
    speaker, key = item["speaker"], item.get("key")
    if (speaker is None) != (key is None):
        raise ValueError(f"speaker and key must both be given or both be null: {item!r}")
    return AuditLabel(
        article_id=str(item["article_id"]),
        start=int(item["start"]),
        end=int(item["end"]),
        speaker=None if speaker is None else str(speaker),
        key=None if key is None else str(key),
        why=str(item.get("why", "")),
    )


def quote_ref(gold: GoldQuote) -> QuoteRef:
    """The (article, start, end) an audit names this gold quote by."""
    return (gold.article_id, gold.parts[0].start, gold.parts[-1].end)


def silver_agrees(gold: GoldQuote, label: AuditLabel) -> bool:
    """Whether the silver speaker names the audit's speaker (the audit key is one of its words)."""
    return label.known and speaker_is_right(gold.speaker, label.key)


def score_coref_audit(
    attributions: Iterable[Attribution],
    gold: Sequence[GoldQuote],
    labels: Iterable[AuditLabel],
) -> CorefAuditScores:
    """The system's coref attributions scored against the silver labels and the audit.

    ``gold`` is the evaluated split's gold quotes: labels of quotes outside it are
    ignored; ``attributions`` are the system's matched, scored quotes
    (:attr:`index.polnear.QuoteScores.attributions`).
    """
    by_ref = {quote_ref(g): g for g in gold if g.resolution == AUDITED_RESOLUTION}
    audit = {label.ref: label for label in labels if label.ref in by_ref}
    known = [label for label in audit.values() if label.known]
    agree = sum(silver_agrees(by_ref[label.ref], label) for label in known)
    silver, hand, agreeing = _Tally(), _Tally(), _Tally()
    unaudited = 0
    for item in attributions:
        if item.gold.resolution != AUDITED_RESOLUTION:
            continue
        label = audit.get(quote_ref(item.gold))
        if label is None:
            unaudited += 1
            continue
        silver.add(speaker_is_right(item.got, item.gold.key))
        if not label.known:
            continue
        right = speaker_is_right(item.got, label.key)
        hand.add(right)
        if silver_agrees(item.gold, label):
            agreeing.add(right)
    return CorefAuditScores(
        labels=len(audit),
        unknown=len(audit) - len(known),
        silver_agrees=agree,
        silver=silver.score(),
        audit=hand.score(),
        agreeing=agreeing.score(),
        unaudited=unaudited,
    )


class _Tally:
    def __init__(self) -> None:
        self.quotes = 0
        self.right = 0

    def add(self, right: bool) -> None:
        self.quotes += 1
        self.right += right

    def score(self) -> SpeakerScore:
        return SpeakerScore(self.quotes, self.right)
