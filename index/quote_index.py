"""Adapter from the quote extractor to the quotes stored in the index."""

from __future__ import annotations

from collections.abc import Callable

from index.cleaning import CleanedArticle
from index.models import Article, Span, StoredQuote
from index.quotes import Quote, extract_quotes
from index.sentences import split_sentences

QuoteExtractor = Callable[[Article, CleanedArticle], list[Quote]]
"""Finds and attributes the quotes of one cleaned article (``article_quotes`` is the project's)."""


def extract_article_quotes(article: Article, cleaned: CleanedArticle) -> list[StoredQuote]:
    """The quotes of one article's headline and body, numbered from 0 within the article."""
    return [
        to_stored(article.id, i, quote) for i, quote in enumerate(article_quotes(article, cleaned))
    ]


def article_quotes(article: Article, cleaned: CleanedArticle) -> list[Quote]:
    """The quotes of one article's headline and body, as the extractor gives them (with parts)."""
    blocks = sorted(
        [*([cleaned.headline] if cleaned.headline is not None else []), *cleaned.paragraphs],
        key=lambda span: span.start,
    )
    if not blocks:
        return []
    return extract_quotes(article.text, blocks)


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
    )


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
