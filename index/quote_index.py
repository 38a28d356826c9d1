"""Adapter from the quote extractor to the quotes stored in the index."""

from __future__ import annotations

from index.cleaning import CleanedArticle
from index.models import Article, StoredQuote


def extract_article_quotes(article: Article, cleaned: CleanedArticle) -> list[StoredQuote]:
    """The quotes of one article, numbered from 0 within the article."""
    return []
