"""Pair quotation marks into quoted segments.

Handles straight and curly marks (and guillemets), mismatched pairs (“…"),
apostrophes (wouldn't, Cruise’s, actress'), quotes nested in quotes, stray
openers (``"chaotic and a "rebel"``: the first mark is dropped) and the news
convention for quotes running over several paragraphs: every paragraph of the
quote opens with a mark, only the last one closes. Such a quote is one *chain*
of segments, one per paragraph. Two apostrophes in a row (``''Yes,'' she
said``, a typewriter convention of some newspapers) are one double mark; in a
run of three the single mark is the inner one (``'no.'''`` closes a single
then a double quote, ``'''Sir`` opens a double then a single one).

The result never depends on anything but the marks and their neighbours, and
every segment lies inside its paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from index.models import Span


class Family(Enum):
    """Double and single marks nest inside each other, never inside their own kind."""

    DOUBLE = "double"
    SINGLE = "single"


_FAMILY: Final[dict[str, Family]] = {
    **dict.fromkeys('"“”„‟«»＂〝〞', Family.DOUBLE),
    **dict.fromkeys("'‘’‚‛‹›", Family.SINGLE),
}
_OPENING_GLYPHS: Final = frozenset("“„‟«‘‚‛‹〝")
_CLOSING_GLYPHS: Final = frozenset("”»’›〞")
_LEFT_OPENING_CONTEXT: Final = frozenset("([{<—–-/")
_RIGHT_CLOSING_CONTEXT: Final = frozenset(".,;:!?)]}>…—–-/*")
QUOTE_MARKS: Final = frozenset(_FAMILY)
DOUBLE_MARKS: Final = frozenset(m for m, f in _FAMILY.items() if f is Family.DOUBLE)
_LOOKAHEAD: Final = 400


@dataclass(frozen=True, slots=True)
class Segment:
    """One quoted stretch inside a paragraph, from its opening mark.

    ``end`` is just after the closing mark, or the paragraph end when the quote
    is left open there (``closed`` is then false). Segments of one quote
    running over several paragraphs share ``chain``; ``parent_chain`` is the
    chain of the quote this one is nested in.
    """

    chain: int
    start: int
    end: int
    closed: bool
    family: Family
    depth: int
    parent_chain: int | None
    paragraph: int
    opening_width: int = 1
    """Characters of the opening mark (2 for ``''``); likewise ``closing_width``."""
    closing_width: int = 1

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def inner(self) -> Span:
        """The quoted words, without the marks."""
        inner_end = self.end - self.closing_width if self.closed else self.end
        return Span(min(self.start + self.opening_width, inner_end), inner_end)


@dataclass(frozen=True, slots=True)
class _Mark:
    """One quotation mark: a character, or two apostrophes read as one double mark."""

    position: int
    width: int
    family: Family

    @property
    def end(self) -> int:
        return self.position + self.width


@dataclass(slots=True)
class _Open:
    chain: int
    position: int
    family: Family
    parent_chain: int | None
    depth: int
    width: int = 1


class _Role(Enum):
    OPEN = "open"
    CLOSE = "close"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class _Context:
    glyph: str
    family: Family
    previous: str | None
    following: str | None
    previous_opened: bool

    @property
    def left_opening(self) -> bool:
        p = self.previous
        return p is None or p.isspace() or p in _LEFT_OPENING_CONTEXT or self.previous_opened

    @property
    def left_word(self) -> bool:
        return not self.left_opening

    @property
    def right_word(self) -> bool:
        f = self.following
        return f is not None and not f.isspace() and f not in ")]}>"

    @property
    def right_closing(self) -> bool:
        f = self.following
        return f is None or f.isspace() or f in _RIGHT_CLOSING_CONTEXT or f in QUOTE_MARKS

    @property
    def opener_like(self) -> bool:
        return self.right_word and (self.left_opening or self.glyph in _OPENING_GLYPHS)

    @property
    def closer_like(self) -> bool:
        return self.left_word and (self.right_closing or self.glyph in _CLOSING_GLYPHS)


def pair_quote_marks(text: str, paragraphs: Sequence[Span]) -> list[Segment]:
    """All quoted segments of ``text`` inside ``paragraphs`` (sorted, non-overlapping)."""
    pairer = _Pairer(text, paragraphs)
    return pairer.run()


class _Pairer:
    """Walks the paragraphs in order, carrying a quote left open into the next one."""

    def __init__(self, text: str, paragraphs: Sequence[Span]) -> None:
        self.text = text
        self.paragraphs = paragraphs
        self.next_chain = 0
        self.segments: list[Segment] = []

    def run(self) -> list[Segment]:
        carried: _Open | None = None
        for index, paragraph in enumerate(self.paragraphs):
            carried = self._paragraph(index, paragraph, carried)
        return sorted(self.segments, key=lambda s: (s.start, -s.end))

    def _paragraph(self, index: int, paragraph: Span, carried: _Open | None) -> _Open | None:
        start = carried.position + carried.width if carried is not None else paragraph.start
        segments, left_open = self._pair_from(start, paragraph, index, carried)
        stray = self._stray_single_opener(index, left_open, carried)
        while stray is not None:
            kept = [s for s in segments if s.end <= stray.position]
            again, left_open = self._pair_from(stray.end, paragraph, index, None)
            segments = kept + again
            stray = self._stray_single_opener(index, left_open, None)
        self.segments.extend(segments)
        if not left_open:
            return None
        outer = left_open[0]
        following = self._continuation_mark(index + 1, outer.family)
        self.segments.append(
            Segment(
                outer.chain,
                outer.position,
                paragraph.end,
                False,
                outer.family,
                outer.depth,
                outer.parent_chain,
                index,
                opening_width=outer.width,
            )
        )
        if following is None:
            return None
        return _Open(outer.chain, following.position, outer.family, None, 0, following.width)

    def _stray_single_opener(
        self, index: int, left_open: list[_Open], carried: _Open | None
    ) -> _Mark | None:
        """A single mark left open for good at the paragraph end is an apostrophe."""
        if not left_open:
            return None
        outer = left_open[0]
        if outer.family is not Family.SINGLE or (carried and outer.chain == carried.chain):
            return None
        if self._continuation_mark(index + 1, Family.SINGLE) is not None:
            return None
        return _Mark(outer.position, outer.width, outer.family)

    def _continuation_mark(self, index: int, family: Family) -> _Mark | None:
        if index >= len(self.paragraphs):
            return None
        paragraph = self.paragraphs[index]
        first = next(marks_in(self.text, paragraph.start, paragraph.end), None)
        if first is None or first.position != paragraph.start or first.family is not family:
            return None
        following = self.text[first.end] if first.end < paragraph.end else None
        if following is None or following.isspace():
            return None
        return first

    def _pair_from(
        self, start: int, paragraph: Span, index: int, carried: _Open | None
    ) -> tuple[list[Segment], list[_Open]]:
        """Pair the marks from ``start`` to the paragraph end; also return those left open."""
        stack: list[_Open] = [carried] if carried is not None else []
        segments: list[Segment] = []
        opened_until: int | None = None
        for mark in marks_in(self.text, start, paragraph.end):
            role = self._role(mark, paragraph, stack, previous_opened=opened_until == mark.position)
            if role is _Role.OPEN:
                self._open(stack, mark, paragraph)
                opened_until = mark.end
            elif role is _Role.CLOSE:
                segment = self._close(stack, mark, index)
                if segment is not None:
                    segments.append(segment)
        return segments, stack

    def _role(
        self, mark: _Mark, paragraph: Span, stack: list[_Open], *, previous_opened: bool
    ) -> _Role:
        text = self.text
        i, family = mark.position, mark.family
        glyph = '"' if mark.width > 1 else text[i]
        context = _Context(
            glyph=glyph,
            family=family,
            previous=text[i - 1] if i > paragraph.start else None,
            following=text[mark.end] if mark.end < paragraph.end else None,
            previous_opened=previous_opened,
        )
        if mark.width == 1 and family is Family.SINGLE and _is_apostrophe(text, i, paragraph):
            return _Role.NONE
        if any(o.family is family for o in stack):
            return self._role_when_pending(i, context, paragraph)
        if context.opener_like:
            if glyph in _CLOSING_GLYPHS and family is Family.SINGLE:
                following = context.following or ""
                return _Role.OPEN if following.isupper() else _Role.NONE
            return _Role.OPEN
        if family is Family.DOUBLE and glyph not in _CLOSING_GLYPHS and context.right_word:
            return _Role.OPEN
        return _Role.NONE

    def _role_when_pending(self, i: int, context: _Context, paragraph: Span) -> _Role:
        if context.closer_like:
            if context.family is Family.SINGLE and self._possessive_before_word(i, paragraph):
                return _Role.NONE
            return _Role.CLOSE
        if context.opener_like:
            return _Role.OPEN
        if context.family is Family.DOUBLE and context.left_word:
            return _Role.CLOSE
        return _Role.NONE

    def _possessive_before_word(self, i: int, paragraph: Span) -> bool:
        """``actors' work``: an apostrophe, when a real closing mark follows later."""
        text = self.text
        if i == 0 or text[i - 1] not in "sS":
            return False
        if not (i + 2 < paragraph.end and text[i + 1] == " " and text[i + 2].islower()):
            return False
        for j in range(i + 1, min(paragraph.end, i + _LOOKAHEAD)):
            if _FAMILY.get(text[j]) is Family.SINGLE and not _is_apostrophe(text, j, paragraph):
                before = text[j - 1]
                if not before.isspace():
                    return True
        return False

    def _open(self, stack: list[_Open], mark: _Mark, paragraph: Span) -> None:
        for k, element in enumerate(stack):
            if element.family is mark.family and not self._nests_in(element, mark, paragraph):
                del stack[k:]
                break
        parent = stack[-1].chain if stack else None
        stack.append(
            _Open(self.next_chain, mark.position, mark.family, parent, len(stack), mark.width)
        )
        self.next_chain += 1

    def _nests_in(self, element: _Open, mark: _Mark, paragraph: Span) -> bool:
        """``"He goes, “Ask me no questions.” I wish I knew."``: a curly quote inside a
        straight one (same family, other style) is nested when the straight quote opens
        its paragraph or closes later in it."""
        text = self.text
        if not (element.width == 1 and text[element.position] == '"'):
            return False
        if mark.width != 1 or text[mark.position] not in _OPENING_GLYPHS:
            return False
        return element.position == paragraph.start or '"' in text[mark.end : paragraph.end]

    def _close(self, stack: list[_Open], mark: _Mark, index: int) -> Segment | None:
        for k in range(len(stack) - 1, -1, -1):
            if stack[k].family is mark.family:
                element = stack[k]
                del stack[k:]
                return Segment(
                    element.chain,
                    element.position,
                    mark.end,
                    True,
                    mark.family,
                    element.depth,
                    element.parent_chain,
                    index,
                    opening_width=element.width,
                    closing_width=mark.width,
                )
        return None


def marks_in(text: str, start: int, end: int) -> Iterator[_Mark]:
    """The quotation marks of ``text[start:end]`` in order, apostrophes included.

    Two ASCII apostrophes in a row are one double mark. In a run of three the double
    mark is the outer one: first after a space or an opening bracket (``'''Sir``),
    last otherwise (``'no.'''``).
    """
    i = start
    while i < end:
        family = _FAMILY.get(text[i])
        if family is None:
            i += 1
            continue
        run = _apostrophes_at(text, i, end)
        if run not in (2, 3):
            yield _Mark(i, 1, family)
            i += 1
            continue
        opening = i == start or text[i - 1].isspace() or text[i - 1] in _LEFT_OPENING_CONTEXT
        if run == 3 and not opening:
            yield _Mark(i, 1, Family.SINGLE)
            i += 1
        yield _Mark(i, 2, Family.DOUBLE)
        i += 2
        if run == 3 and opening:
            yield _Mark(i, 1, Family.SINGLE)
            i += 1


def _apostrophes_at(text: str, i: int, end: int) -> int:
    """How many ASCII apostrophes start at ``i`` (0 when ``text[i]`` is another mark)."""
    j = i
    while j < end and text[j] == "'":
        j += 1
    return j - i


def _is_apostrophe(text: str, i: int, paragraph: Span) -> bool:
    """wouldn't, Cruise’s, ’90s: a single mark that is not a quotation mark."""
    previous = text[i - 1] if i > paragraph.start else ""
    following = text[i + 1] if i + 1 < paragraph.end else ""
    if previous.isalnum() and following.isalnum():
        return True
    after = text[i + 1 : min(i + 4, paragraph.end)]
    return (not previous or previous.isspace()) and len(after) >= 2 and after[:2].isdigit()
