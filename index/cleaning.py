"""Separate an article's body from the page furniture around it.

Scraped news pages carry boilerplate: notification prompts, "Related stories"
blocks and the headlines listed under them, image credits and captions, tag
lines, repeated headlines and "Topics:" footers. Cleaning classifies every line
of the original text and keeps the spans of the body paragraphs, so that every
passage built from them maps back to the original text exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from index.models import Span


class LineKind(StrEnum):
    BODY = "body"
    HEADLINE = "headline"
    HEADING = "heading"
    NOTIFICATION = "notification prompt"
    RELATED = "related stories"
    CREDIT = "image credit"
    CAPTION = "caption"
    FOOTER = "topics footer"
    DUPLICATE = "repeated line"
    SHORT = "tag line"


@dataclass(frozen=True, slots=True)
class ClassifiedLine:
    span: Span
    kind: LineKind


@dataclass(frozen=True, slots=True)
class CleanedArticle:
    """The article's lines, classified; ``paragraphs`` are the body's spans."""

    lines: tuple[ClassifiedLine, ...]

    @property
    def paragraphs(self) -> tuple[Span, ...]:
        return tuple(line.span for line in self.lines if line.kind is LineKind.BODY)

    @property
    def headline(self) -> Span | None:
        for line in self.lines:
            if line.kind is LineKind.HEADLINE:
                return line.span
        return None

    @property
    def removed(self) -> tuple[ClassifiedLine, ...]:
        return tuple(
            line for line in self.lines if line.kind not in (LineKind.BODY, LineKind.HEADLINE)
        )

    def body_text(self, text: str) -> str:
        return "\n\n".join(text[p.start : p.end] for p in self.paragraphs)


_NOTIFICATION = re.compile(
    r"(enable|turn on|allow)\s+(push\s+)?notifications"
    r"|never miss (out on )?(a|any|your)"
    r"|send you (some )?(reminders|notifications|alerts)"
    r"|click\s+['‘\"“]?ok['’\"”]?"
    r"|sign up (for|to) (our|the) newsletter"
    r"|subscribe to (our|the) newsletter"
    r"|we use cookies|accept (all )?cookies",
    re.IGNORECASE,
)
_RELATED_HEADER = re.compile(
    r"^(related( stories| articles| news| content| coverage)?|read more|more from \S.*|"
    r"recommended( for you)?|you (may|might) also like|more stories|"
    r"trending( now)?|most read|popular now|see also|also read)\s*:?$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^((featured |header |lead |top )?(image|photo|picture|video)( credit)?s?|credits?|"
    r"source|photograph|photography)\s*:",
    re.IGNORECASE,
)
_AGENCY_CREDIT = re.compile(
    r"^(getty( images)?|ap( photo)?|reuters|afp|shutterstock|alamy|pa( images| wire)?|"
    r"epa|rex( features)?)\b.{0,60}$",
    re.IGNORECASE,
)
_SLASH_CREDIT = re.compile(r"^[A-Z][\w.&'’\- ]{1,40}(/[A-Z][\w.&'’\- ]{1,40})+$")
_FOOTER = re.compile(
    r"^(topics|tags|filed under|categories|related topics|more on)\s*:", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?…](\s*[\"'”’)\]])*\s*$")
_WORD = re.compile(r"\w+", re.UNICODE)

RELATED_BLOCK_MAX_LINES = 8
HEADLINE_MAX_CHARS = 200
HEADLINE_SEARCH_LINES = 6


def clean_article(text: str, title: str | None = None) -> CleanedArticle:
    """Classify each non-blank line of ``text``.

    ``title``, when known, identifies the headline line; otherwise the first
    heading-like line near the top is taken as the headline.
    """
    spans = _line_spans(text)
    title_key = _normalise(title) if title else None
    kinds: list[LineKind] = []
    seen: set[str] = set()
    in_related = 0
    headline_seen = False
    for index, span in enumerate(spans):
        line = text[span.start : span.end]
        key = _normalise(line)
        next_line = (
            text[spans[index + 1].start : spans[index + 1].end] if index + 1 < len(spans) else ""
        )
        kind = _classify(line, next_line, in_related > 0, headline_seen)
        if title_key and key == title_key and kind is not LineKind.NOTIFICATION:
            kind = LineKind.HEADING
        if kind is LineKind.RELATED:
            in_related = (
                RELATED_BLOCK_MAX_LINES if _RELATED_HEADER.match(line.strip()) else (in_related - 1)
            )
        else:
            in_related = 0
        if kind in (LineKind.BODY, LineKind.HEADLINE, LineKind.HEADING) and key in seen:
            kind = LineKind.DUPLICATE
        if (
            kind is LineKind.HEADING
            and not headline_seen
            and (key == title_key if title_key else index < HEADLINE_SEARCH_LINES)
        ):
            kind = LineKind.HEADLINE
        if kind is LineKind.HEADLINE:
            headline_seen = True
        if kind is not LineKind.DUPLICATE:
            seen.add(key)
        kinds.append(kind)
    _demote_captions(kinds)
    return CleanedArticle(
        tuple(ClassifiedLine(span, kind) for span, kind in zip(spans, kinds, strict=True))
    )


def _line_spans(text: str) -> list[Span]:
    """Spans of the non-blank lines, without their surrounding whitespace."""
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped or not _has_letters(stripped):
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append(Span(start, start + len(stripped)))
    return spans


def _has_letters(line: str) -> bool:
    return any(unicodedata.category(ch).startswith(("L", "N")) for ch in line)


def _normalise(line: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", line).casefold()))


def _classify(line: str, next_line: str, in_related: bool, headline_seen: bool) -> LineKind:
    stripped = line.strip()
    if _NOTIFICATION.search(stripped) and len(stripped) < 300:
        return LineKind.NOTIFICATION
    if _RELATED_HEADER.match(stripped):
        return LineKind.RELATED
    if _FOOTER.match(stripped):
        return LineKind.FOOTER
    if _is_credit(stripped):
        return LineKind.CREDIT
    ends_sentence = bool(_SENTENCE_END.search(stripped))
    if in_related and not ends_sentence:
        return LineKind.RELATED
    if headline_seen and next_line and _is_credit(next_line.strip()) and len(stripped) < 300:
        return LineKind.CAPTION
    if not ends_sentence and len(stripped) <= HEADLINE_MAX_CHARS:
        words = len(_WORD.findall(stripped))
        if words <= 3 and not headline_seen:
            return LineKind.SHORT
        return LineKind.HEADING
    return LineKind.BODY


def _is_credit(line: str) -> bool:
    if _CREDIT.match(line):
        return True
    if len(line) > 80 or _SENTENCE_END.search(line):
        return False
    return bool(_AGENCY_CREDIT.match(line) or _SLASH_CREDIT.match(line))


def _demote_captions(kinds: list[LineKind]) -> None:
    """Headings after the body has started are captions or sub-heads, not content."""
    body_started = False
    for index, kind in enumerate(kinds):
        if kind is LineKind.BODY:
            body_started = True
        elif kind is LineKind.HEADING and body_started:
            kinds[index] = LineKind.CAPTION
