"""Text plumbing for the quote rules: paragraphs, masks, sentences, words.

Everything works on offsets into the original article text, so that a quote or
a mention found here can be cited exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from index.models import Span

_BLANK_LINE: Final = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_END: Final = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s+(?:[\"“‘'«(\[]|[^\W_]))|\n+")
_ABBREVIATION: Final = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|vs|etc|No|Inc|Ltd|Co)"
    r"|\b[A-Z]|\be\.g|\bi\.e)\.$"
)
_WORD: Final = re.compile(r"[^\W_][\w'’\-]*")
MASK_CHAR: Final = "\u2063"
"""Invisible separator used to blank out quoted words in the narrative text."""


def split_paragraphs(text: str) -> list[Span]:
    """Split ``text`` on blank lines; spans are trimmed of surrounding whitespace."""
    spans: list[Span] = []
    start = 0
    for match in _BLANK_LINE.finditer(text):
        spans.extend(_trimmed(text, start, match.start()))
        start = match.end()
    spans.extend(_trimmed(text, start, len(text)))
    return spans


def clean_paragraphs(text: str, paragraphs: Sequence[Span] | None) -> list[Span]:
    """The paragraphs to work on: given ones clamped, sorted, trimmed, non-overlapping."""
    if paragraphs is None:
        return split_paragraphs(text)
    result: list[Span] = []
    last_end = 0
    for span in sorted(paragraphs, key=lambda s: (s.start, s.end)):
        start = max(span.start, last_end)
        end = min(span.end, len(text))
        if start >= end:
            continue
        trimmed = _trimmed(text, start, end)
        result.extend(trimmed)
        last_end = end
    return result


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end)] if start < end else []


def mask_spans(text: str, spans: Iterable[Span], keep_final_stop: bool = True) -> str:
    """``text`` with the inside of each span replaced by :data:`MASK_CHAR`.

    Offsets are preserved. With ``keep_final_stop`` a sentence-ending mark right
    before the span's end (``."``) is kept so that sentence splitting still sees
    where a quoted sentence ends.
    """
    chars = list(text)
    for span in spans:
        for i in range(span.start, min(span.end, len(chars))):
            chars[i] = MASK_CHAR
        if keep_final_stop:
            _restore_final_stop(text, chars, span)
    return "".join(chars)


def _restore_final_stop(text: str, chars: list[str], span: Span) -> None:
    i = min(span.end, len(text)) - 1
    while i > span.start and not text[i].isalnum():
        if text[i] in ".!?…":
            chars[i] = text[i]
            return
        i -= 1


def sentence_spans(text: str, paragraph: Span) -> list[Span]:
    """The sentences of one paragraph of (usually masked) ``text``."""
    spans: list[Span] = []
    start = paragraph.start
    segment = text[paragraph.start : paragraph.end]
    for match in _SENTENCE_END.finditer(segment):
        if _is_abbreviation(segment, match.start(), match.group()):
            continue
        end = paragraph.start + match.end()
        spans.extend(_trimmed(text, start, end))
        start = end
    spans.extend(_trimmed(text, start, paragraph.end))
    return spans


def _is_abbreviation(segment: str, stop: int, mark: str) -> bool:
    if mark[0] != ".":
        return False
    return _ABBREVIATION.search(segment, max(0, stop - 8), stop + 1) is not None


def words(text: str) -> list[str]:
    """The words of ``text`` (letters/digits with inner apostrophes and hyphens)."""
    return _WORD.findall(text)
