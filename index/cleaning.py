"""Separate an article's body from the page furniture around it.

Scraped news pages carry boilerplate: notification prompts, "Related stories"
blocks and the headlines listed under them, image credits and captions, tag
lines, repeated headlines and "Topics:" footers; datelines glued to the first
line ("date 2023-07-11 …"), bylines and time stamps, spoiler banners, editors'
notes, navigation ("Skip to main content"), and subheadings ("Why Rome?").
Interview layouts are body: the "Q:" lines and the answers labelled with their
speaker ("Simon Pegg: …", "SP: …"), however short. Bulleted lists after the
headline are body ("Cons • Maybe too many characters"). Cleaning classifies
every line of the original text and keeps the spans of the body paragraphs, so
that every passage built from them maps back to the original text exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from index.interview_labels import SPEAKER_LABEL, interview_labels
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
    DATELINE = "dateline"
    BYLINE = "byline"
    SPOILER = "spoiler banner"
    NOTE = "editor's note"
    NAVIGATION = "navigation"
    SUBHEADING = "subheading"


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
_QUOTE_ATTRIBUTION = re.compile(
    r"[\"”’'],?\s+(said|says|told|added|explained|wrote|recalled)\b"
    r"|\b(said|says|told|added)\b[^\"“”]{0,60}[:,]\s*[\"“]",
    re.IGNORECASE,
)
NOTIFICATION_MAX_WORDS = 30
_RELATED_HEADER = re.compile(
    r"^(related( stories| articles| news| content| coverage)?|read more|more from( [^\s.!?]+){1,5}|"
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
_ENDS_WITH_PERIOD = re.compile(r"\.(\s*[\"'”’)\]])*\s*$")
_PROMPT_LEAD = re.compile(r"^\W*(please|to make sure you|make sure you|so you)\W*$", re.IGNORECASE)
_INNER_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(\[]*[A-Z]")

_GLUED_DATELINE = re.compile(r"date \d{4}-\d{2}-\d{2}\b")
"""A machine dateline some scrapers glue to the start of the first line."""
_WEEKDAYS = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*"
_MONTH_NAMES = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_CLOCK = r"\d{1,2}[:.]\d{2}(\s*[ap]\.?\s?m\.?)?(\s+[A-Z]{2,4})?"
_DATELINE = re.compile(
    rf"^((published|updated|posted|last updated|first published)( on)?\s*:?\s*)?"
    rf"({_WEEKDAYS},?\s+)?"
    rf"(\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH_NAMES},?\s+\d{{4}}|{_MONTH_NAMES}\s+\d{{1,2}}(st|nd|rd|th)?,?"
    rf"\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_CLOCK})"
    rf"(,?\s+(at\s+)?{_CLOCK})?(\s*\|.*)?$"
    rf"|^(update|updated|posted|published)\s*:?\s*{_CLOCK}$"
    rf"|^date \d{{4}}-\d{{2}}-\d{{2}}$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(by|words by|written by|reporting by)\s+[A-Z][\w.'’\-]+(\s+[A-Z][\w.'’\-]+){0,3}"
    r"((\s*,\s*|\s+and\s+|\s*&\s*)[A-Z][\w.'’\-]+(\s+[A-Z][\w.'’\-]+){0,3})*"
    r"(\s*[,|·•-]\s*[^.!?]{0,60})?$",
)
_SPOILER = re.compile(
    r"\bspoilers? (ahead|below|follow|lie ahead|are ahead|warning|alert)\b|\bcontains? "
    r"(major |heavy |full |some |plot )?spoilers\b|\b(major|heavy|full) spoilers\b"
    r"|^\W*(warning|note|editor'?s note|caution|heads up|be warned)\b.{0,80}\bspoil"
    r"|^\W*this (post|article|story|review|piece|feature|recap) (spoils|discusses|reveals)\b",
    re.IGNORECASE,
)
SPOILER_MAX_CHARS = 250
_EDITOR_NOTE = re.compile(
    r"\bread the latest( here)?\b|\bour earlier (story|report|coverage) (is )?below\b"
    r"|^\W*(editor'?s note|correction|clarification)\s*:"
    r"|\bthis (story|article|piece|post) (has been|was) (updated|corrected)\b"
    r"|\b(this|the) (piece|interview|article|story) was (written|conducted|recorded) "
    r"(during|before) the .{0,60}\bstrikes?\b"
    r"|\bwithout the labou?r of the (writers|actors)\b",
    re.IGNORECASE,
)
NOTE_MAX_CHARS = 300
_NAVIGATION = re.compile(
    r"^(skip to (the )?(main )?content|open this photo in gallery:?|home\s*[»›>/|].*"
    r"|back to top|jump to (the )?(comments|content)|advertisement|listen to (this )?article.{0,40}"
    r"|share( this)?( article| story| on [\w ]{1,30})?|(view|see) (image )?gallery.{0,40}"
    r"|close|menu|search|sign in|log in|subscribe( now)?)$",
    re.IGNORECASE,
)
_TRAILING_CREDIT = re.compile(
    r"\((image|photo|picture|video) credit[^)]{0,80}\)$|\((photo|picture|image) by [^)]{1,80}\)$"
    r"|\((ap|afp|reuters|getty( images)?|pa|epa)( photo| images?)?\)$"
    r"|/(getty images|ap|afp|reuters|shutterstock|alamy|epa)$",
    re.IGNORECASE,
)
CAPTION_MAX_CHARS = 400
_BULLET = re.compile(r"^[•·▪●◦‣*–\-]\s+\S")
SUBHEADING_MAX_WORDS = 6

RELATED_BLOCK_MAX_LINES = 8
RELATED_HEADLINE_MAX_WORDS = 20
"""A line of a related block ending in '?' or '!' is still a headline up to this length."""
BODY_MIN_WORDS = 12
"""A line ending with a period and this many words is body, even inside a related block."""
TAG_LINE_MAX_WORDS = 3
HEADLINE_MAX_CHARS = 200
LEAD_IN_MIN_WORDS = 8
"""A sentence this long ending with a colon introduces what follows (a quote, a list, a
video): body, not a heading."""
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
    labels = interview_labels(text[span.start : span.end] for span in spans)
    for index, span in enumerate(spans):
        line = text[span.start : span.end]
        key = _normalise(line)
        following = spans[index + 1] if index + 1 < len(spans) else None
        preceding = spans[index - 1] if index else None
        next_line = text[following.start : following.end] if following else ""
        attached = following is not None and not _blank_line_between(text, span, following)
        alone = (following is None or not attached) and (
            preceding is None or _blank_line_between(text, preceding, span)
        )
        begun = headline_seen or LineKind.BODY in kinds
        context = _Context(next_line, attached, in_related > 0, begun, alone, labels)
        kind = _classify(line, context)
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
            and LineKind.BODY not in kinds
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
    """Spans of the non-blank lines, without their surrounding whitespace; a dateline
    glued to the start of a line ("date 2023-07-11 Headline…") is a line of its own."""
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped or not _has_letters(stripped):
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        glued = _GLUED_DATELINE.match(stripped)
        if glued is not None and glued.end() < len(stripped):
            rest = start + glued.end()
            while rest < end and text[rest].isspace():
                rest += 1
            spans.append(Span(start, start + glued.end()))
            start = rest
        spans.append(Span(start, end))
    return spans


def _has_letters(line: str) -> bool:
    return any(unicodedata.category(ch).startswith(("L", "N")) for ch in line)


def _normalise(line: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", line).casefold()))


def _blank_line_between(text: str, first: Span, second: Span) -> bool:
    """Whether a blank line separates two lines (they are in different blocks)."""
    between = text[first.end : second.start].split("\n")[1:-1]
    return any(not part.strip() for part in between)


@dataclass(frozen=True, slots=True)
class _Context:
    """What classifying one line looks at around it."""

    next_line: str
    attached: bool
    """``next_line`` follows with no blank line between."""
    in_related: bool
    headline_seen: bool
    """The headline, or the first body line, has been seen: the article has begun."""
    alone: bool
    """The line is a block of its own (blank lines, or the text's ends, around it)."""
    interview_labels: frozenset[str]


def _classify(line: str, context: _Context) -> LineKind:
    """The kind of one line."""
    stripped = line.strip()
    furniture = _furniture_kind(stripped)
    if furniture is not None:
        return furniture
    if context.in_related and not _looks_like_body(stripped):
        return LineKind.RELATED
    label = SPEAKER_LABEL.match(stripped)
    if label is not None and label["label"] in context.interview_labels:
        return LineKind.BODY  # a question or an answer of an interview, however short
    headline_seen = context.headline_seen
    if headline_seen and _BULLET.match(stripped):
        return LineKind.BODY
    if (
        headline_seen
        and context.attached
        and _is_credit(context.next_line.strip())
        and len(stripped) < 300
    ) or (len(stripped) <= CAPTION_MAX_CHARS and _TRAILING_CREDIT.search(stripped)):
        return LineKind.CAPTION  # a caption sits above its credit, or ends with it
    if headline_seen and context.alone and _is_subheading(stripped):
        return LineKind.SUBHEADING
    if _is_lead_in(stripped):
        return LineKind.BODY
    if _is_heading_like(stripped):
        if not headline_seen and _is_tag_line(stripped, context.next_line.strip()):
            return LineKind.SHORT
        return LineKind.HEADING
    return LineKind.BODY


def _furniture_kind(line: str) -> LineKind | None:
    """The kind of a line that is page furniture whatever surrounds it."""
    if _is_notification(line):
        return LineKind.NOTIFICATION
    if _RELATED_HEADER.match(line):
        return LineKind.RELATED
    if _FOOTER.match(line):
        return LineKind.FOOTER
    if _is_credit(line):
        return LineKind.CREDIT
    if _NAVIGATION.match(line):
        return LineKind.NAVIGATION
    if _DATELINE.match(line):
        return LineKind.DATELINE
    if _BYLINE.match(line):
        return LineKind.BYLINE
    if len(line) <= SPOILER_MAX_CHARS and _SPOILER.search(line):
        return LineKind.SPOILER
    if len(line) <= NOTE_MAX_CHARS and _EDITOR_NOTE.search(line):
        return LineKind.NOTE
    return None


def _is_subheading(line: str) -> bool:
    """A short question standing alone between paragraphs ("Why Rome?"): a sub-head."""
    if not line.endswith("?") or any(mark in line for mark in '"“”«»'):
        return False
    return len(_WORD.findall(line)) <= SUBHEADING_MAX_WORDS


def _is_notification(line: str) -> bool:
    """A prompt to allow notifications, sign up, accept cookies...

    Prompts are short and UI-like: the prompt wording opens the line, or the line
    carries two signals ("never miss out ... send you reminders"). A body sentence
    that merely mentions one ("I never miss a game," said the fan) is not a prompt.
    """
    if len(line) >= 300 or _QUOTE_ATTRIBUTION.search(line):
        return False
    signals = list(_NOTIFICATION.finditer(line))
    if len(signals) >= 2:
        return True
    if not signals or len(_WORD.findall(line)) > NOTIFICATION_MAX_WORDS:
        return False
    lead = line[: signals[0].start()]
    return not _WORD.search(lead) or _PROMPT_LEAD.match(lead) is not None


def _is_lead_in(line: str) -> bool:
    """A sentence ending with a colon that introduces a quote, a list or a video.

    "Jokes aside, the actor used the opportunity to discuss how he prepared:" is
    body; a label ("Biggest domestic markets:", "Watch the trailer:") is too short
    or in title case to be one.
    """
    if not line.endswith(":"):
        return False
    words = _WORD.findall(line)
    return len(words) >= LEAD_IN_MIN_WORDS and not _is_title_case(words)


def _is_heading_like(line: str) -> bool:
    return not _SENTENCE_END.search(line) and len(line) <= HEADLINE_MAX_CHARS


def _is_tag_line(line: str, next_line: str) -> bool:
    """A short line above the headline ("Pom Klementieff", "News"), not a short headline.

    A short first line followed by a longer heading-like line (or another short
    one) is a tag line; a short line followed by the body is the headline.
    """
    words = len(_WORD.findall(line))
    if words > TAG_LINE_MAX_WORDS or not next_line:
        return False
    if not _is_heading_like(next_line) or _is_credit(next_line) or _is_notification(next_line):
        return False
    next_words = len(_WORD.findall(next_line))
    return next_words > words or next_words <= TAG_LINE_MAX_WORDS


def _looks_like_body(line: str) -> bool:
    """Whether a line inside a related-stories block is real body text, ending the block.

    The headlines listed in such a block are short and single: they stay furniture
    even when they end with '?' or '!' ("Is your home ready for winter?").
    """
    if len(line) > HEADLINE_MAX_CHARS:
        return True
    if not _SENTENCE_END.search(line):
        return False
    if _INNER_BOUNDARY.search(line):
        return True  # several sentences
    if _QUOTE_ATTRIBUTION.search(line):
        return True
    words = _WORD.findall(line)
    if _ENDS_WITH_PERIOD.search(line):
        return len(words) >= BODY_MIN_WORDS or not _is_title_case(words)
    return len(words) > RELATED_HEADLINE_MAX_WORDS


def _is_title_case(words: list[str]) -> bool:
    """Most of the longer words capitalised, as in "Ten Tips For Driving In Snow"."""
    longer = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if not longer:
        return True
    return sum(w[0].isupper() for w in longer) >= 0.6 * len(longer)


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
