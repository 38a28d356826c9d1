"""Chunking: passages map back to the original text, never cut a sentence or a quotation."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.articles import load_corpus
from index.builder import build_snapshot
from index.chunking import Chunk, chunk_paragraphs
from index.cleaning import clean_article
from index.embedding import HashingEmbedder
from index.models import Article, Passage, Span
from index.sentences import split_sentences
from index.snapshot import IndexSnapshot

SEED_000 = "000_c0f8695bc582e640"
SEED_001 = "001_03ff597da4ffc749"
SEED_002 = "002_371d6967d823f2f5"


@pytest.fixture(scope="module")
def articles(seeds_dir: Path) -> dict[str, Article]:
    return {a.id: a for a in load_corpus(seeds_dir).articles}


@pytest.fixture(scope="module")
def snapshot(seeds_dir: Path) -> IndexSnapshot:
    built, _ = build_snapshot(load_corpus(seeds_dir), HashingEmbedder(), max_chars=600)
    return built


def assert_maps_back(text: str, passage: Passage | Chunk, max_chars: int) -> None:
    """Every sentence of the passage is the original text at its span, at its range."""
    assert passage.sentences, "a passage without sentences"
    assert len(passage.sentences) == len(passage.sentence_ranges)
    assert 0 <= passage.start < passage.end <= len(text)
    assert passage.start == passage.sentences[0].start
    assert passage.end == passage.sentences[-1].end
    assert len(passage.text) <= max_chars
    previous_end = 0
    for span, (a, b) in zip(passage.sentences, passage.sentence_ranges, strict=True):
        assert passage.start <= span.start < span.end <= passage.end
        assert text[span.start : span.end] == passage.text[a:b]
        assert a >= previous_end, "sentence ranges overlap or go backwards"
        previous_end = b


def test_every_seed_passage_maps_back_exactly(
    articles: dict[str, Article], snapshot: IndexSnapshot
) -> None:
    assert len(snapshot.passages) >= 3
    for passage in snapshot.passages:
        assert_maps_back(articles[passage.article_id].text, passage, 600)


@pytest.mark.parametrize("max_chars", [200, 300, 600, 1500])
def test_seed_passages_fit_max_chars(articles: dict[str, Article], max_chars: int) -> None:
    for article in articles.values():
        cleaned = clean_article(article.text, article.title)
        chunks = chunk_paragraphs(article.text, cleaned.paragraphs, max_chars)
        assert chunks
        for chunk in chunks:
            assert_maps_back(article.text, chunk, max_chars)


def test_no_body_sentence_is_cut(articles: dict[str, Article], snapshot: IndexSnapshot) -> None:
    for article in articles.values():
        passages = [p for p in snapshot.passages if p.article_id == article.id]
        held = {span for p in passages for span in p.sentences}
        cleaned = clean_article(article.text, article.title)
        for paragraph in cleaned.paragraphs:
            for sentence in split_sentences(article.text, paragraph):
                text = article.text[sentence.span.start : sentence.span.end]
                assert sentence.span in held, f"cut or lost: {text!r}"
                assert any(text in p.text for p in passages)


QUOTATIONS = [
    (
        SEED_000,
        "“I love haste, I love precision, I love how sharp it makes me.",
        "it smells like mist, it’s magical.”",
    ),
    (
        SEED_002,
        '"I kept telling him to just kick me here.',
        "I was like, 'But it's going to help me!' But he wouldn't do it.\"",
    ),
    (
        SEED_001,
        "“I was squeezing abs.",
        "I was like, ‘But it’s going to help me!’ But he wouldn’t do it.”",
    ),
]


@pytest.mark.parametrize("max_chars", [300, 600])
@pytest.mark.parametrize(("article_id", "opening", "closing"), QUOTATIONS)
def test_multi_sentence_quotation_stays_in_one_passage(
    articles: dict[str, Article], article_id: str, opening: str, closing: str, max_chars: int
) -> None:
    article = articles[article_id]
    cleaned = clean_article(article.text, article.title)
    chunks = chunk_paragraphs(article.text, cleaned.paragraphs, max_chars)
    with_opening = [c.text for c in chunks if opening in c.text]
    assert with_opening, "the quotation is in no passage"
    for text in with_opening:
        assert closing in text, f"quotation cut after {opening!r} in {text!r}"
        assert text.index(opening) < text.index(closing)


@pytest.mark.parametrize(
    ("opening", "inside", "closing"),
    [
        pytest.param(  # a quotation over two paragraphs
            "I kept telling him to just kick me here.",
            "\"I was squeezing abs. [I said], 'You can just go for it.'",
            "But he wouldn't do it.\"",
            id="multi-paragraph",
        ),
        pytest.param(  # one statement, though its quote marks close around the attribution
            "“I kept telling him to kick me here,”",
            "Klementieff said. “I was clenching my abs.",
            "But he wouldn’t do that.”",
            id="split by its attribution",
        ),
    ],
)
def test_seed_statement_stays_in_one_passage(
    snapshot: IndexSnapshot, opening: str, inside: str, closing: str
) -> None:
    holders = [p for p in snapshot.passages if opening in p.text]
    assert holders
    for passage in holders:
        assert inside in passage.text
        assert closing in passage.text


def test_statement_is_not_cut_between_its_parts_when_it_fits() -> None:
    first = "The council met on Monday to vote on the new park."
    opening = "“We listened to every family,” the mayor said."
    closing = "“The park will open in spring.”"
    text = f"Council backs new park after long debate\n\n{first} {opening} {closing}"
    cleaned = clean_article(text)
    statement = Span(text.index(opening), text.index(closing) + len(closing))
    max_chars = len(first) + len(opening) + 5

    plain = chunk_paragraphs(text, cleaned.paragraphs, max_chars)
    assert any(c.text.endswith(opening) for c in plain), "the case no longer needs statements"

    chunks = chunk_paragraphs(text, cleaned.paragraphs, max_chars, statements=[statement])
    holders = [c for c in chunks if opening in c.text]
    assert holders
    for chunk in holders:
        assert closing in chunk.text
        assert_maps_back(text, chunk, max_chars)


SHORT_SENTENCES = [
    "The mayor spoke first.",
    "She thanked the volunteers.",
    "Then the band played.",
    "Children ran to the stage.",
    "A storm was forecast.",
    "Nobody seemed to mind.",
    "The fair closed at nine.",
    "Traffic was light.",
]


def test_consecutive_passages_overlap_when_sentences_are_short() -> None:
    text = "Summer fair draws record crowds to the town park\n\n" + "\n\n".join(
        " ".join(SHORT_SENTENCES[i:] + SHORT_SENTENCES[:i]) for i in range(3)
    )
    cleaned = clean_article(text)
    chunks = chunk_paragraphs(text, cleaned.paragraphs, 200)
    assert len(chunks) >= 3
    for first, second in itertools.pairwise(chunks):
        shared = set(first.sentences) & set(second.sentences)
        assert shared, f"no overlap between {first.text!r} and {second.text!r}"
        assert first.sentences[-1] == second.sentences[0]
    for chunk in chunks:
        assert_maps_back(text, chunk, 200)


def test_long_sentence_is_cut_at_word_boundaries_within_max_chars() -> None:
    sentence = "The report lists " + ", ".join(f"item number {i}" for i in range(120)) + "."
    text = f"Inventory published in full\n\n{sentence}\n"
    cleaned = clean_article(text)
    chunks = chunk_paragraphs(text, cleaned.paragraphs, 200)
    assert len(chunks) > 1
    for chunk in chunks:
        assert_maps_back(text, chunk, 200)
    covered = "".join(text[s.start : s.end] for c in chunks for s in c.sentences)
    assert covered.replace(" ", "") == sentence.replace(" ", "")


# -- properties ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        "\n",
        "\n\n",
        " ",
        "\u00a0",
        "\t",
        ". ",
        "? ",
        "! ",
        "…",
        "Mr. ",
        "U.S. ",
        "J. K. ",
        " she said. ",
        "Related stories\n",
        "Topics: news\n",
        "Getty Images\n",
        "Click 'OK' then 'Allow'\n",
    ]
)
ARTICLE_TEXT = st.lists(st.one_of(st.text(max_size=30), _PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE_TEXT, max_chars=st.integers(min_value=20, max_value=1500))
def test_any_text_cleans_and_chunks_into_passages_that_map_back(text: str, max_chars: int) -> None:
    cleaned = clean_article(text)
    for paragraph in cleaned.paragraphs:
        assert 0 <= paragraph.start < paragraph.end <= len(text)
    for chunk in chunk_paragraphs(text, cleaned.paragraphs, max_chars):
        assert_maps_back(text, chunk, max_chars)


@settings(max_examples=300, deadline=None)
@given(text=ARTICLE_TEXT)
def test_sentences_cover_every_visible_character_of_a_paragraph(text: str) -> None:
    paragraph = Span(0, len(text))
    sentences = split_sentences(text, paragraph)
    covered = set()
    previous_end = 0
    for sentence in sentences:
        assert previous_end <= sentence.span.start < sentence.span.end <= len(text)
        covered.update(range(sentence.span.start, sentence.span.end))
        previous_end = sentence.span.end
    visible = {i for i, ch in enumerate(text) if not ch.isspace()}
    assert visible <= covered
