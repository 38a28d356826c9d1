"""Find the direct quotes of an article: speech, not titles or scare quotes.

Quoted segments come from :mod:`index.quotes.marks`. A segment (or a chain of
segments over several paragraphs) is speech when English news syntax says so:
an attribution cue before or after it (``X said:``, ``," said X``), a colon
introducing it, a full quoted sentence standing on its own, or a headline
pattern (``'Quote': X does …``, ``X Says …: 'Quote'``, ``'Quote,' Says X``).
Short quoted phrases inside a sentence without a cue ("help", 'Mission:
Impossible', “Dead Reckoning”) are titles or scare quotes and are skipped.
A quote split by its attribution (``"First," she said, "second."``) becomes
one quote; quotes inside a speech quote are kept as nested quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from index.models import Span
from index.quotes.attribution import attribute_in_layout, paragraphs_to_parse, parse_layout
from index.quotes.cues import cue_after, cue_before, inner_cue, is_attribution_between
from index.quotes.layout import Layout, build_layout
from index.quotes.marks import Segment
from index.quotes.models import Quote
from index.quotes.parsing import (
    EMPTY,
    ParsedArticle,
    Parser,
    ParseRequest,
    RepeatedParagraphs,
    default_parser,
    parse_articles,
)
from index.quotes.syntax import has_speech_verb
from index.quotes.text import words

_TERMINAL: Final = frozenset(".,!?…—–-:;")
_TRAILING: Final = " \t\n\"”’'»›)]}*"
ARTICLES_PER_PARSE: Final = 32
"""Articles whose paragraphs go through the parser together (their parses are then dropped)."""
PARTIAL_QUOTE_WORDS: Final = 4
"""A quotation of this many words inside a sentence with a speech verb is a (partial) quote;
shorter ones (``called it "a mess"``) are left out as scare quotes, as PolNeAR's definition does."""
_FUNCTION_WORDS: Final = frozenset(
    {"a", "an", "the", "of", "and", "in", "on", "to", "for", "at", "by", "or", "with", "from"}
)


@dataclass(frozen=True, slots=True)
class _Unit:
    """Top-level segments read as one quote (a chain, or a split quote's chains)."""

    segments: tuple[Segment, ...]
    split: bool = False

    @property
    def chains(self) -> frozenset[int]:
        return frozenset(s.chain for s in self.segments)

    @property
    def first(self) -> Segment:
        return self.segments[0]

    @property
    def last(self) -> Segment:
        return self.segments[-1]


def extract_quotes(
    text: str, paragraphs: Sequence[Span] | None = None, parser: Parser | None = None
) -> list[Quote]:
    """Every direct quote of an article, attributed to its speaker where the text says.

    ``paragraphs`` are the article's content paragraphs (boilerplate removed);
    without them the text is split on blank lines. Quotes are ordered by
    position; a nested quote comes after the quote it is in (``parent``). ``parser``
    defaults to spaCy's small English model (:func:`~index.quotes.parsing.default_parser`).
    """
    layout = build_layout(text, paragraphs)
    parsed = parse_layout(layout, parser or default_parser())
    return attribute_in_layout(layout, locate_quotes(layout, parsed), parsed)


def extract_quotes_of_articles(
    articles: Sequence[tuple[str, Sequence[Span] | None]], parser: Parser | None = None
) -> list[list[Quote]]:
    """:func:`extract_quotes` of each ``(text, paragraphs)``, in order.

    The articles' paragraphs are parsed :data:`ARTICLES_PER_PARSE` articles at a time,
    in one parser call: one ``nlp.pipe`` call per article costs more. A paragraph that
    several articles hold is parsed once (:class:`~index.quotes.parsing.RepeatedParagraphs`);
    to know which, every article's layout is built first (a small fraction of the parse)
    and built again when its batch comes, rather than kept.
    """
    parser = parser or default_parser()
    requests = [_parse_request(build_layout(text, paragraphs)) for text, paragraphs in articles]
    repeated = RepeatedParagraphs(requests)
    found: list[list[Quote]] = []
    for first in range(0, len(articles), ARTICLES_PER_PARSE):
        layouts = [
            build_layout(text, paragraphs)
            for text, paragraphs in articles[first : first + ARTICLES_PER_PARSE]
        ]
        batch = requests[first : first + ARTICLES_PER_PARSE]
        for layout, parsed in zip(layouts, parse_articles(batch, parser, repeated), strict=True):
            found.append(attribute_in_layout(layout, locate_quotes(layout, parsed), parsed))
    return found


def _parse_request(layout: Layout) -> ParseRequest:
    return ParseRequest(layout.text, layout.paragraphs, paragraphs_to_parse(layout))


def locate_quotes(layout: Layout, parsed: ParsedArticle = EMPTY) -> list[Quote]:
    """The quotes of an article, without speakers (``parsed``: see :func:`parse_layout`)."""
    units = _merge_split_quotes(layout, _chains(layout))
    located: list[tuple[Quote, int, int | None]] = []
    for unit_index, unit in enumerate(units):
        if not _is_speech(layout, parsed, unit):
            continue
        located.append((_quote_of(layout, unit.segments), unit_index, None))
        for inner in _inner_speech(layout, unit):
            located.append((_quote_of(layout, (inner,)), -1, unit_index))
    located.sort(key=lambda item: (item[0].span.start, -item[0].span.end))
    index_of_unit = {unit: i for i, (_, unit, _) in enumerate(located) if unit >= 0}
    return [
        quote if parent is None else _with_parent(quote, index_of_unit[parent])
        for quote, _, parent in located
    ]


def _with_parent(quote: Quote, parent: int) -> Quote:
    return replace(quote, parent=parent)


def _chains(layout: Layout) -> list[_Unit]:
    by_chain: dict[int, list[Segment]] = {}
    for segment in layout.segments:
        if segment.depth == 0:
            by_chain.setdefault(segment.chain, []).append(segment)
    units = [_Unit(tuple(sorted(s, key=lambda x: x.start))) for s in by_chain.values()]
    return sorted(units, key=lambda u: u.first.start)


def _merge_split_quotes(layout: Layout, units: list[_Unit]) -> list[_Unit]:
    """``"First part," she said, "second part."`` is one quote."""
    merged: list[_Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if previous is not None and _continues_after_attribution(layout, previous, unit):
            merged[-1] = _Unit(previous.segments + unit.segments, split=True)
        else:
            merged.append(unit)
    return merged


def _continues_after_attribution(layout: Layout, first: _Unit, second: _Unit) -> bool:
    end, start = first.last, second.first
    if not end.closed or end.paragraph != start.paragraph:
        return False
    if len(first.segments) == 1 and _has_cue_before(layout, first):
        return False  # 'X said: "A." He added: "B."' are two quotes
    if not is_attribution_between(layout.masked[end.end : start.start]):
        return False
    if _has_cue_after(layout, second):
        return False
    first_text = _segment_text(layout, end)
    second_text = _segment_text(layout, start)
    return _ends_like_clause(first_text) or second_text[:1].islower()


def _has_cue_before(layout: Layout, unit: _Unit) -> bool:
    pre, offset = layout.clause_before(unit.first.start)
    return cue_before(pre, offset) is not None


def _has_cue_after(layout: Layout, unit: _Unit) -> bool:
    if not unit.last.closed:
        return False
    post, offset = layout.clause_after(unit.last.end)
    return cue_after(post, offset) is not None


def _is_speech(layout: Layout, parsed: ParsedArticle, unit: _Unit) -> bool:
    content = " ".join(_segment_text(layout, s) for s in unit.segments)
    if not any(c.isalnum() for c in content):
        return False
    pre, pre_offset = layout.clause_before(unit.first.start)
    post, post_offset = layout.clause_after(unit.last.end) if unit.last.closed else ("", 0)
    if layout.headline[unit.first.paragraph]:
        return _is_headline_speech(pre, pre_offset, post, post_offset, content)
    if unit.split or len(unit.segments) > 1:
        return True
    title, terminal = is_title_like(content), _ends_like_clause(content)
    if (
        not title
        and len(words(content)) >= PARTIAL_QUOTE_WORDS
        and (not pre.strip() or has_speech_verb(parsed, unit.first.span))
    ):
        return True
    before = cue_before(pre, pre_offset)
    if before is not None and before.verb is not None:
        return terminal or not title  # 'said "Oppenheimer" was' is a title
    if before is not None:
        return not title  # a colon alone: 'the film's title: "Dead Reckoning"'

    starts_sentence = not pre.strip()
    if cue_after(post, post_offset) is not None and (terminal or starts_sentence):
        return not (title and not terminal)
    return starts_sentence and terminal and not title and _ends_or_new_sentence(post)


def _is_headline_speech(
    pre: str, pre_offset: int, post: str, post_offset: int, content: str
) -> bool:
    """``'Quote': X …``, ``X Says …: 'Quote'``, ``'Quote,' Says X`` and the like."""
    if post.lstrip()[:1] == ":":
        return len(words(content)) >= 2 and not is_title_like(content)
    before = cue_before(pre, pre_offset)
    if pre.rstrip().endswith(":") and not post.strip():
        return before is not None and (before.verb is not None or _is_only_a_name(pre))
    after = cue_after(post, post_offset)
    if after is not None and after.reference is not None:
        return True
    return before is not None and before.reference is not None and not before.colon


def _is_only_a_name(pre: str) -> bool:
    tokens = words(pre)
    return 0 < len(tokens) <= 4 and all(t[:1].isupper() for t in tokens)


def _inner_speech(layout: Layout, unit: _Unit) -> list[Segment]:
    """Quotes directly inside a speech quote that are reported speech, not titles."""
    found: list[Segment] = []
    children = (s for chain in sorted(unit.chains) for s in layout.children.get(chain, ()))
    for segment in children:
        if segment.depth != 1:
            continue
        content = _segment_text(layout, segment)
        pre = layout.clause_inside_quote(segment.start)
        if inner_cue(pre) is not None or _is_sentence_like(content):
            found.append(segment)
    return found


def _quote_of(layout: Layout, segments: Sequence[Segment]) -> Quote:
    parts = tuple(s.span for s in segments)
    text = " ".join(_segment_text(layout, s) for s in segments)
    span = Span(parts[0].start, parts[-1].end)
    return Quote(
        text=text, span=span, parts=parts, in_headline=layout.headline[segments[0].paragraph]
    )


def _segment_text(layout: Layout, segment: Segment) -> str:
    inner = segment.inner
    return layout.text[inner.start : inner.end].strip()


def is_title_like(content: str) -> bool:
    """Title Case words (film titles, names), not a spoken sentence."""
    tokens = words(content)
    if not tokens:
        return False
    if len(tokens) == 1:
        return tokens[0][:1].isupper()
    significant = [t for t in tokens if t.lower() not in _FUNCTION_WORDS]
    capitalised = [t for t in significant if t[:1].isupper() or t[:1].isdigit()]
    return len(capitalised) >= 2 and len(capitalised) >= 0.75 * len(significant)


def _ends_like_clause(content: str) -> bool:
    stripped = content.rstrip(_TRAILING)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _is_sentence_like(content: str) -> bool:
    stripped = content.lstrip("([ ")
    return (
        stripped[:1].isupper()
        and len(words(content)) >= 2
        and content.rstrip(_TRAILING)[-1:] in {".", "!", "?", "…", ","}
        and not is_title_like(content)
    )


def _ends_or_new_sentence(post: str) -> bool:
    rest = post.strip()
    return not rest or rest[:1].isupper()
