"""The shape of one article as the quote rules see it.

Paragraphs (given by the cleaner, or split on blank lines), which leading
paragraphs are headlines, which are written in Title Case, every quoted
segment (block quotes printed without marks among them), and the narrative
text with the quoted words masked out, plus the clause before or after a
position within its sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from index.models import Span
from index.quotes.block_quotes import block_quote_segments
from index.quotes.marks import Segment, pair_quote_marks
from index.quotes.text import clean_paragraphs, mask_spans, words

MAX_HEADLINE_PARAGRAPHS: Final = 3
MAX_HEADLINE_WORDS: Final = 40
MAX_CLAUSE: Final = 1000
"""How far (in characters) a clause before or after a quote is looked for."""
_SMALL_WORDS: Final = frozenset(
    {"a", "an", "the", "of", "and", "in", "on", "to", "for", "at", "by", "or"}
)
_TRAILING_CLOSERS: Final = "\"”’')]}»› \t\n"
_SENTENCE_STOP: Final = re.compile(r"[.!?…]+[\"”’')\]]*\s")
_ABBREVIATION_BEFORE_STOP: Final = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|No|Inc|Ltd|Co|[A-Z])$"
)


@dataclass(frozen=True, slots=True)
class Layout:
    """An article's paragraphs, headline flags, quoted segments and masked narrative."""

    text: str
    paragraphs: tuple[Span, ...]
    headline: tuple[bool, ...]
    title_case: tuple[bool, ...]
    segments: tuple[Segment, ...]
    masked: str
    by_paragraph: tuple[tuple[Segment, ...], ...]
    children: dict[int, tuple[Segment, ...]]
    _top_starts: tuple[tuple[int, ...], ...]
    _top_ends: tuple[tuple[int, ...], ...]

    def segments_in(self, paragraph: int) -> tuple[Segment, ...]:
        """The quoted segments of one paragraph (all depths), in order."""
        return self.by_paragraph[paragraph] if 0 <= paragraph < len(self.by_paragraph) else ()

    def paragraph_of(self, position: int) -> int:
        starts = [p.start for p in self.paragraphs]
        return max(0, bisect_right(starts, position) - 1)

    def clause_before(self, position: int) -> tuple[str, int]:
        """The text from the start of the sentence (or the previous quote) to ``position``."""
        index = self.paragraph_of(position)
        floor = self.paragraphs[index].start
        ends = self._top_ends[index]
        before = bisect_right(ends, position)
        if before:
            floor = max(floor, ends[before - 1])
        floor = max(floor, position - MAX_CLAUSE)
        region = self.masked[floor:position]
        start = 0
        for stop in _SENTENCE_STOP.finditer(region):
            if not _ABBREVIATION_BEFORE_STOP.search(region, 0, stop.start()):
                start = stop.end()
        return region[start:], floor + start

    def clause_inside_quote(self, position: int) -> str:
        """The words of the enclosing quote before ``position``, back to a sentence end.

        Used for a quote inside a quote: ``I was squeezing abs. [I said], '…``
        gives ``[I said], ``.
        """
        index = self.paragraph_of(position)
        container = next(
            (s for s in self.segments_in(index) if s.depth == 0 and s.start < position < s.end),
            None,
        )
        if container is None:
            return ""
        floor = container.inner.start
        for segment in self.children.get(container.chain, ()):
            if container.start < segment.end <= position:
                floor = max(floor, segment.end)
        return inner_context(self.text, floor, position)

    def clause_after(self, position: int) -> tuple[str, int]:
        """The text from ``position`` to the end of its sentence (or the next quote)."""
        index = self.paragraph_of(max(0, position - 1))
        ceiling = self.paragraphs[index].end
        starts = self._top_starts[index]
        after = bisect_left(starts, position)
        if after < len(starts):
            ceiling = min(ceiling, starts[after])
        ceiling = min(ceiling, position + MAX_CLAUSE)
        region = self.masked[position:ceiling]
        for stop in _SENTENCE_STOP.finditer(region + " "):
            if not _ABBREVIATION_BEFORE_STOP.search(region, 0, stop.start()):
                return region[: stop.end()].rstrip(), position
        return region, position


def build_layout(text: str, paragraphs: Sequence[Span] | None = None) -> Layout:
    """Pair the quote marks of ``text`` and mask the quoted words out of the narrative."""
    spans = tuple(clean_paragraphs(text, paragraphs))
    headline = _headline_flags(text, spans)
    marked = pair_quote_marks(text, spans)
    segments = tuple(
        sorted(
            marked + block_quote_segments(text, spans, headline, marked),
            key=lambda s: (s.start, -s.end),
        )
    )
    masked = mask_spans(text, [s.inner for s in segments if s.depth == 0])
    title_case = tuple(_is_title_case(masked[p.start : p.end]) for p in spans)
    by_paragraph: list[list[Segment]] = [[] for _ in spans]
    children: dict[int, list[Segment]] = {}
    for segment in segments:
        by_paragraph[segment.paragraph].append(segment)
        if segment.parent_chain is not None:
            children.setdefault(segment.parent_chain, []).append(segment)
    top = [[s for s in group if s.depth == 0] for group in by_paragraph]
    return Layout(
        text,
        spans,
        headline,
        title_case,
        segments,
        masked,
        by_paragraph=tuple(tuple(s) for s in by_paragraph),
        children={chain: tuple(group) for chain, group in children.items()},
        _top_starts=tuple(tuple(s.start for s in group) for group in top),
        _top_ends=tuple(tuple(sorted(s.end for s in group)) for group in top),
    )


def _headline_flags(text: str, paragraphs: Sequence[Span]) -> tuple[bool, ...]:
    """Leading short paragraphs that do not end like a sentence are headlines."""
    flags = [False] * len(paragraphs)
    for index, paragraph in enumerate(paragraphs[:MAX_HEADLINE_PARAGRAPHS]):
        content = text[paragraph.start : paragraph.end].rstrip(_TRAILING_CLOSERS)
        if content.endswith(".") or len(words(content)) > MAX_HEADLINE_WORDS:
            break
        flags[index] = True
    return tuple(flags)


def _is_title_case(paragraph: str) -> bool:
    """Most words capitalised (headlines, lists of related stories)."""
    significant = [w for w in words(paragraph) if w.lower() not in _SMALL_WORDS]
    if len(significant) < 3:
        return False
    capitalised = sum(1 for w in significant if w[:1].isupper())
    return capitalised / len(significant) >= 0.7


def inner_context(text: str, floor: int, position: int) -> str:
    """The last clause of ``text[floor:position]`` (after the last full stop)."""
    region = text[floor:position]
    for stop in (". ", "! ", "? "):
        cut = region.rfind(stop)
        if cut >= 0 and not _inside_brackets(region, cut):
            region = region[cut + 2 :] if cut + 2 <= len(region) else ""
    return region


def _inside_brackets(region: str, position: int) -> bool:
    return region.count("(", 0, position) > region.count(")", 0, position)
