"""The quote model shared by extraction, attribution, evaluation and the index.

A :class:`Quote` always points back into the article's original text: ``span``
covers the quoted region from its first opening mark to its last closing mark
(a multi-paragraph or split quote covers everything in between), ``parts`` are
the quoted segments themselves. ``text`` is what a reader would call the quote:
the words without the outer marks, segments joined with a space.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.models import Span


@dataclass(frozen=True, slots=True)
class Quote:
    """One direct quote of an article and, when known, who said it to whom.

    ``parent`` is the index of the enclosing quote in the same article's list
    for reported speech inside a quote; ``reported_by`` is then the speaker of
    that enclosing quote (the person telling it). ``cue`` is the attribution
    text that was used (``"Klementieff said"``), for debugging and evaluation.
    """

    text: str
    span: Span
    parts: tuple[Span, ...]
    speaker: str | None = None
    said_to: str | None = None
    reported_by: str | None = None
    parent: int | None = None
    in_headline: bool = False
    cue: str | None = None

    @property
    def is_nested(self) -> bool:
        """True for a quote reported inside another quote."""
        return self.parent is not None
