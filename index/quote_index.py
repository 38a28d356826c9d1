"""Adapter from the quote extractor to the quotes stored in the index."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from index.cleaning import CleanedArticle
from index.models import Article, Span, StoredQuote
from index.quotes import Quote
from index.quotes.extraction import extract_quotes_of_articles
from index.quotes.parsing import release_default_parser
from index.sentences import split_sentences
from index.speakers import SpeakerDirectory

QUOTE_EXTRACTOR_VERSION = 3
"""Bumped when the quotes found or their speakers change, so an index built before does not
reuse its stored quotes (nor the passages, which are chunked around the quotes)."""
FREE_PARSER_FROM = 100
"""After extracting the quotes of this many articles at once, the parser is let go: an index
build then needs the memory for its embedding, and reloading the parser for the next build
(about a second) is little next to a build of 100 articles (over a minute on CPU)."""
QuoteExtractor = Callable[[Article, CleanedArticle], list[Quote]]
"""Finds and attributes the quotes of one cleaned article (``article_quotes`` is the project's)."""
ArticlesQuoteExtractor = Callable[[Sequence[tuple[Article, CleanedArticle]]], list[list[Quote]]]
"""The same for many articles at once, in order (``articles_quotes`` is the project's)."""


def extract_articles_quotes(
    articles: Sequence[tuple[Article, CleanedArticle]],
) -> list[list[StoredQuote]]:
    """The quotes of each article's headline and body, numbered from 0 within the article."""
    return [
        [to_stored(article.id, i, quote) for i, quote in enumerate(quotes)]
        for (article, _), quotes in zip(articles, articles_quotes(articles), strict=True)
    ]


def extract_build_quotes(
    articles: Sequence[tuple[Article, CleanedArticle]],
) -> list[list[StoredQuote]]:
    """:func:`extract_articles_quotes`, then the parser's memory given back when the batch
    had :data:`FREE_PARSER_FROM` articles or more."""
    found = extract_articles_quotes(articles)
    if len(articles) >= FREE_PARSER_FROM:
        release_default_parser()
    return found


def article_quotes(article: Article, cleaned: CleanedArticle) -> list[Quote]:
    """The quotes of one article's headline and body, as the extractor gives them (with parts)."""
    return articles_quotes([(article, cleaned)])[0]


def articles_quotes(articles: Sequence[tuple[Article, CleanedArticle]]) -> list[list[Quote]]:
    """:func:`article_quotes` of each article, the articles parsed together in batches."""
    found: list[list[Quote]] = [[] for _ in articles]
    todo: list[int] = []
    inputs: list[tuple[str, Sequence[Span] | None]] = []
    for position, (article, cleaned) in enumerate(articles):
        blocks = sorted(
            [*([cleaned.headline] if cleaned.headline is not None else []), *cleaned.paragraphs],
            key=lambda span: span.start,
        )
        if blocks:
            todo.append(position)
            inputs.append((article.text, blocks))
    for position, quotes in zip(todo, extract_quotes_of_articles(inputs), strict=True):
        found[position] = quotes
    return found


def quote_sentences(text: str) -> list[str]:
    """The sentences of a quote of several sentences; none for a one-sentence quote."""
    sentences = [text[s.span.start : s.span.end] for s in split_sentences(text, Span(0, len(text)))]
    return sentences if len(sentences) > 1 else []


def to_stored(article_id: str, number: int, quote: Quote) -> StoredQuote:
    return StoredQuote(
        id=number,
        article_id=article_id,
        text=quote.text,
        start=quote.span.start,
        end=quote.span.end,
        speaker=quote.speaker,
        said_to=quote.said_to,
        reported_by=quote.reported_by,
        parent=quote.parent,
        in_headline=quote.in_headline,
        speaker_as_written=quote.speaker,
        reported_by_as_written=quote.reported_by,
    )


def with_canonical_speakers(quotes: Sequence[StoredQuote]) -> list[StoredQuote]:
    """The quotes of a whole index with ``speaker`` and ``reported_by`` set to the canonical
    name of each person or organisation across all of them (as written kept aside)."""
    written = [
        (q.speaker_as_written or q.speaker, q.reported_by_as_written or q.reported_by)
        for q in quotes
    ]
    directory = SpeakerDirectory(
        (q.article_id, name)
        for q, names in zip(quotes, written, strict=True)
        for name in names
        if name
    )
    return [
        replace(
            q,
            speaker=directory.canonical(q.article_id, speaker),
            reported_by=directory.canonical(q.article_id, reported_by),
            speaker_as_written=speaker,
            reported_by_as_written=reported_by,
        )
        for q, (speaker, reported_by) in zip(quotes, written, strict=True)
    ]


def to_quote(stored: StoredQuote) -> Quote:
    """Back to the extractor's model, e.g. to score stored quotes against the gold."""
    span = Span(stored.start, stored.end)
    return Quote(
        text=stored.text,
        span=span,
        parts=(span,),
        speaker=stored.speaker,
        said_to=stored.said_to,
        reported_by=stored.reported_by,
        parent=stored.parent,
        in_headline=stored.in_headline,
    )
