"""Split paragraphs into sentences, knowing which boundaries fall inside a quotation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.models import Span

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[\w\"“‘(\[])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "inc",
        "ltd",
        "co",
        "corp",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "approx",
        "dept",
        "est",
        "vol",
        "rev",
        "hon",
        "pres",
        "supt",
    ]
)
_NUMBER_ABBREVIATIONS = frozenset(["no", "nos"])
"""Abbreviations only before a number ("No. 5"); elsewhere the word "no" ends sentences."""
_OPENERS = "\"'“‘([„«"
_OPENING_DOUBLE = "“„«"
_CLOSING_DOUBLE = "”»"


@dataclass(frozen=True, slots=True)
class SplitSentence:
    """A sentence span and whether the boundary after it falls inside a quotation."""

    span: Span
    ends_inside_quote: bool


def split_sentences(text: str, paragraph: Span) -> list[SplitSentence]:
    """Sentences of ``text[paragraph.start:paragraph.end]``, as spans into ``text``."""
    body = text[paragraph.start : paragraph.end]
    sentences: list[SplitSentence] = []
    quotes = _QuoteState()
    start = 0
    for match in _BOUNDARY.finditer(body):
        end = match.end()
        if _is_abbreviation(body, match.start(), end) or _continues(body, end):
            continue
        quotes.feed(body[start:end])
        _append(sentences, body, paragraph.start, start, end, inside=quotes.inside)
        start = end
    quotes.feed(body[start:])
    _append(sentences, body, paragraph.start, start, len(body), inside=quotes.inside)
    return sentences


def _append(
    sentences: list[SplitSentence],
    body: str,
    offset: int,
    start: int,
    end: int,
    *,
    inside: bool,
) -> None:
    segment = body[start:end]
    stripped = segment.strip()
    if not stripped:
        return
    lead = len(segment) - len(segment.lstrip())
    begin = offset + start + lead
    sentences.append(SplitSentence(Span(begin, begin + len(stripped)), inside))


def _next_word(body: str, end: int) -> str:
    """The first character of the word after a boundary, past spaces and opening quotes."""
    position = end
    while position < len(body) and (body[position].isspace() or body[position] in _OPENERS):
        position += 1
    return body[position : position + 1]


def _continues(body: str, end: int) -> bool:
    """The sentence goes on in lower case: '“Stop!” she said.', 'at 10 a.m. on Monday'.

    This is also how "a.m."/"p.m." are handled: no split before a lower-case word,
    a split before a capitalised one ("at 10 a.m. The next day ...").
    """
    return _next_word(body, end).islower()


def _is_abbreviation(body: str, dot: int, end: int) -> bool:
    if body[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (body[word_start - 1].isalpha() or body[word_start - 1] == "."):
        word_start -= 1
    word = body[word_start:dot].casefold()
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and body[word_start].isupper():
        return True  # an initial: "J. Smith"
    if word in _NUMBER_ABBREVIATIONS:
        return _next_word(body, end).isdigit()
    return word in _ABBREVIATIONS


class _QuoteState:
    """Tracks whether the text fed so far ends inside a double-quoted stretch."""

    def __init__(self) -> None:
        self.depth = 0
        self.straight_open = False

    def feed(self, chunk: str) -> None:
        for ch in chunk:
            if ch in _OPENING_DOUBLE:
                self.depth += 1
            elif ch in _CLOSING_DOUBLE:
                self.depth = max(0, self.depth - 1)
            elif ch == '"':
                self.straight_open = not self.straight_open

    @property
    def inside(self) -> bool:
        return self.depth > 0 or self.straight_open


def opens_with_quote(text: str, span: Span) -> bool:
    """Whether a paragraph starts with an opening double quote (a continued quotation)."""
    head = text[span.start : span.start + 1]
    return head in _OPENING_DOUBLE or head == '"'
