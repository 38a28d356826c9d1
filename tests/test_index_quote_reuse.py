"""An unchanged article keeps its stored quotes on reindex, unless the quote extractor changed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from index import quote_index
from index.articles import load_corpus
from index.builder import build_snapshot
from index.cleaning import CleanedArticle, clean_article
from index.embedding import HashingEmbedder
from index.models import Article, StoredQuote
from index.quote_index import QUOTE_EXTRACTOR_VERSION, extract_articles_quotes
from index.quotes.parsing import default_parser

ARTICLE = (
    "Harbour ferry returns after storm repairs\n\n"
    "The Alder Point ferry sailed again on Friday after three weeks in dry dock.\n\n"
    "\u201cWe rebuilt the whole rudder and the passengers can finally come home,\u201d said "
    "Mara Quill, the ferry's captain.\n"
)


class CountingExtractor:
    """The project's quote extractor, remembering which articles it was asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(
        self, articles: Sequence[tuple[Article, CleanedArticle]]
    ) -> list[list[StoredQuote]]:
        self.asked.extend(article.id for article, _ in articles)
        return extract_articles_quotes(articles)


def test_quotes_are_reused_with_the_same_extractor_version_and_found_again_with_another(
    tmp_path: Path,
) -> None:
    (tmp_path / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    embedder = HashingEmbedder()
    first, _ = build_snapshot(corpus, embedder)
    assert [(q.speaker, q.text[:10]) for q in first.quotes] == [("Mara Quill", "We rebuilt")]

    same = CountingExtractor()
    reused, report = build_snapshot(corpus, embedder, previous=first, quote_extractor=same)
    assert same.asked == []
    assert report.reused_articles == 1
    assert [q.speaker for q in reused.quotes] == ["Mara Quill"]

    changed = CountingExtractor()
    rebuilt, report = build_snapshot(
        corpus,
        embedder,
        previous=reused,
        quote_extractor=changed,
        quote_extractor_version=QUOTE_EXTRACTOR_VERSION + 1,
    )
    assert changed.asked == ["ferry"]
    assert report.reused_articles == 0
    assert [q.speaker for q in rebuilt.quotes] == ["Mara Quill"]
    assert rebuilt.manifest.chunking["quote_extractor"] == QUOTE_EXTRACTOR_VERSION + 1


def test_a_large_build_lets_the_parser_go_and_finds_the_same_quotes_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    [article] = load_corpus(tmp_path).articles
    articles = [(article, clean_article(article.text, article.title))]
    monkeypatch.setattr(quote_index, "FREE_PARSER_FROM", 2)
    kept = quote_index.extract_build_quotes(articles)
    assert default_parser.cache_info().currsize == 1  # one article: the parser stays
    monkeypatch.setattr(quote_index, "FREE_PARSER_FROM", 1)
    again = quote_index.extract_build_quotes(articles)
    assert default_parser.cache_info().currsize == 0  # its memory is given back
    assert again == kept
    assert [q.speaker for q in again[0]] == ["Mara Quill"]
