"""The textacy side of ``bench/quotes_vs_textacy.py``, on articles written here."""

from __future__ import annotations

import pytest

from index.cleaning import clean_article
from index.models import Article

pytest.importorskip("textacy")

from bench.quotes_vs_textacy import textacy_system
from index.quote_benchmark import QuoteSystem


@pytest.fixture(scope="module")
def system() -> QuoteSystem:
    return textacy_system()[0]


def _article(text: str) -> Article:
    return Article(id="a", title="A Title", text=text, path="a.txt", content_hash="0")


def test_textacy_quotes_point_into_the_text_with_the_speaker_as_written(
    system: QuoteSystem,
) -> None:
    text = (
        "Economists Weigh In\n\n"
        "“The plan would add trillions of dollars to the national debt,” said "
        "Douglas Holtz-Eakin, a former budget official.\n"
    )
    article = _article(text)
    quotes = system.extract(article, clean_article(text, article.title))
    assert len(quotes) == 1
    quote = quotes[0]
    part = quote.parts[0]
    assert text[part.start : part.end] == quote.text
    assert quote.text.startswith("The plan would add trillions")
    assert quote.speaker is not None and "Holtz-Eakin" in quote.speaker


def test_an_unclosed_quote_loses_only_its_own_paragraph(system: QuoteSystem) -> None:
    text = (
        "Budget Talks\n\n"
        "“We will not sign any budget that cuts the schools again,” said Maria Delgado.\n\n"
        "“This paragraph opens a quote that the next one goes on with\n\n"
        "“and closes here, as newspapers write long quotes,” she said.\n"
    )
    article = _article(text)
    quotes = system.extract(article, clean_article(text, article.title))
    assert any(q.speaker == "Maria Delgado" and "schools" in q.text for q in quotes)
