"""Pack an article's sentences into overlapping passages.

A passage never cuts a sentence, and never cuts a quotation while the quotation
fits in one passage (a quotation running over several sentences, or over
several paragraphs, stays whole). Consecutive passages share their boundary
unit, so an answer that straddles two passages is still found whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.models import Span
from index.sentences import opens_with_quote, split_sentences

PARAGRAPH_JOINER = "\n"


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage before it is numbered: its sentence spans and display text."""

    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]
    sentence_ranges: tuple[tuple[int, int], ...]
    """Where each sentence lies in ``text``."""


def chunk_paragraphs(
    text: str,
    paragraphs: tuple[Span, ...] | list[Span],
    max_chars: int = 600,
    statements: Sequence[Span] = (),
) -> list[Chunk]:
    """Chunks of the body ``paragraphs`` of ``text``, each at most ``max_chars`` long.

    ``statements`` are spans to keep in one chunk when they fit: a quote split by its
    attribution (``"…," she said. "…"``) is one statement, though the quote marks
    close in between.

    (A single sentence longer than ``max_chars`` is cut at word boundaries, the
    only case where a cut falls inside a sentence.)
    """
    units = _quote_safe_units(text, paragraphs, max_chars, statements)
    chunks: list[Chunk] = []
    index = 0
    while index < len(units):
        taken = [units[index]]
        while index + len(taken) < len(units):
            candidate = [*taken, units[index + len(taken)]]
            if len(_render(text, candidate)) > max_chars:
                break
            taken = candidate
        chunks.append(_make_chunk(text, taken))
        consumed = len(taken)
        if index + consumed >= len(units):
            break
        # overlap: the next chunk starts with this chunk's last unit when it is short
        overlap = 1 if consumed > 1 and len(_render(text, taken[-1:])) <= max_chars // 3 else 0
        index += consumed - overlap
    return chunks


Unit = tuple[Span, ...]
"""Consecutive sentences that must stay together (one quotation)."""


def _quote_safe_units(
    text: str,
    paragraphs: tuple[Span, ...] | list[Span],
    max_chars: int,
    statements: Sequence[Span] = (),
) -> list[Unit]:
    units: list[list[Span]] = []
    previous_inside_quote = False
    for paragraph in paragraphs:
        for position, sentence in enumerate(split_sentences(text, paragraph)):
            if position == 0:
                # a quotation left open at a paragraph's end goes on in the next
                # paragraph when that one opens with a quote mark
                glue = previous_inside_quote and opens_with_quote(text, paragraph)
            else:
                glue = previous_inside_quote
            glue = glue or _inside_statement(sentence.span.start, statements)
            for piece_index, piece in enumerate(_split_long(text, sentence.span, max_chars)):
                if (
                    units
                    and glue
                    and piece_index == 0
                    and _fits(text, [*units[-1], piece], max_chars)
                ):
                    units[-1].append(piece)
                else:
                    units.append([piece])
            previous_inside_quote = sentence.ends_inside_quote
    return [tuple(unit) for unit in units]


def _inside_statement(position: int, statements: Sequence[Span]) -> bool:
    """True when a statement began before ``position`` and goes on after it."""
    return any(s.start < position < s.end for s in statements)


def _fits(text: str, spans: list[Span], max_chars: int) -> bool:
    return len(_render(text, [tuple(spans)])) <= max_chars


def _split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut a sentence longer than ``max_chars`` at word boundaries."""
    if len(span) <= max_chars:
        return [span]
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind(" "), window.rfind("\n"))
        end = start + (cut if cut > max_chars // 2 else max_chars)
        pieces.append(_trimmed(text, start, end))
        start = end
        while start < span.end and text[start].isspace():
            start += 1
    if start < span.end:
        pieces.append(_trimmed(text, start, span.end))
    return [piece for piece in pieces if len(piece) > 0]


def _trimmed(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _render(text: str, units: list[Unit] | tuple[Unit, ...]) -> str:
    spans = [span for unit in units for span in unit]
    return render_spans(text, spans)


def render_spans(text: str, spans: list[Span] | tuple[Span, ...]) -> str:
    """The display text of consecutive sentence spans: original text within a
    paragraph, paragraphs joined by a newline."""
    return layout_spans(text, spans)[0]


def layout_spans(
    text: str, spans: list[Span] | tuple[Span, ...]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The display text of ``spans`` and where each span lies in it."""
    parts: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    run_start = spans[0].start
    run_end = spans[0].end
    run_offset = 0
    ranges.append((0, len(spans[0])))
    for span in spans[1:]:
        between = text[run_end : span.start]
        if "\n" in between or not _only_spaces(between):
            parts.append(text[run_start:run_end])
            length += run_end - run_start + len(PARAGRAPH_JOINER)
            run_start = span.start
            run_offset = length
        ranges.append((run_offset + span.start - run_start, run_offset + span.end - run_start))
        run_end = span.end
    parts.append(text[run_start:run_end])
    return PARAGRAPH_JOINER.join(parts), tuple(ranges)


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]*")


def _only_spaces(between: str) -> bool:
    return _SPACES.fullmatch(between) is not None


def _make_chunk(text: str, units: list[Unit]) -> Chunk:
    spans = tuple(span for unit in units for span in unit)
    rendered, ranges = layout_spans(text, spans)
    return Chunk(
        start=spans[0].start,
        end=spans[-1].end,
        text=rendered,
        sentences=spans,
        sentence_ranges=ranges,
    )
