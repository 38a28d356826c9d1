"""Properties for any Unicode input, end to end (what the unit properties do not cover).

``tests/test_index_chunking.py`` and ``tests/test_bot_rendering.py`` already check cleaning
and chunking of generated text, and rendering of generated results. These properties run
whole paths on hostile input — line and paragraph separators other than ``\\n``, NUL,
BOMs, combining marks, right-to-left and astral characters, lone surrogates:

* any bytes as an article file: read, or refused with a reason — nothing else;
* any article text through the builder: every passage and sentence maps back to the
  article, and any question about it renders within Discord's limits;
* any question typed by a user, through validation, the service and rendering: a
  rendered answer or a refusal for the user, never an exception, never over a limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from bot.embeds import card_to_embed
from bot.errors import InvalidQuestionError
from bot.questions import validate_question
from bot.rendering import PLAIN, Card, Limits, card_to_text, discord_len, render_answer
from index.articles import ArticleRejected, LoadedCorpus, read_article
from index.builder import build_snapshot
from index.embedding import HashingEmbedder
from index.errors import BuildFailed, InvalidQuery
from index.models import Article
from index.search import Searcher
from index.service import CorpusService
from index.settings import IndexSettings

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)

HOSTILE = st.sampled_from(
    [
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1d",
        "\x1e",
        "\x85",
        "\u2028",
        "\u2029",
        "\x00",
        "\ufeff",
        "\u200b",
        "\u200d",
        "e\u0301",
        "👩‍👩‍👧",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "مرحبا بالعالم. ",
        "שלום עולם. ",
        "東京で撮影された。",
        "İstanbul'da ıslak. ",
        "ﬁnal ﬂight. ",
        "“",
        "”",
        '"',
        "«",
        "»",
        ". ",
        "? ",
        "…",
        "Mr. ",
        "@everyone ",
        "**",
        "`",
        "> ",
        "# ",
        "Tom Cruise refused to kick Pom Klementieff. ",
        "She has jumped over a hundred times, she said. ",
        "Related stories\n",
        "Topics: news\n",
    ]
)
WORD = st.one_of(
    st.sampled_from(
        [
            "Tom",
            "Cruise",
            "refused",
            "to",
            "kick",
            "she",
            "jumped",
            "a",
            "hundred",
            "times",
            "Norway",
            "東京",
            "مرحبا",
            "שלום",
            "İstanbul",
            "ﬁnal",
            "e\u0301te\u0301",
            "𝔘𝔫𝔦",
            "👩‍👩‍👧",
            "@everyone",
            "@here",
            "**bold**",
            "`code`",
            "_x_",
            "||spoiler||",
        ]
    ),
    st.text(alphabet=st.characters(categories=["L", "N", "M"]), min_size=1, max_size=8),
)
SENTENCE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(WORD, min_size=3, max_size=14),
    st.sampled_from([". ", ". ", ". ", "? ", "! ", "… ", ".” ", ".\n", ".\n\n", " "]),
)
ANY_TEXT = st.lists(
    st.one_of(SENTENCE, SENTENCE, SENTENCE, HOSTILE, st.text(max_size=12)), min_size=2, max_size=40
).map("".join)
WITH_SURROGATES = st.lists(
    st.one_of(HOSTILE, st.text(max_size=8), st.characters(categories=["Cs"])), max_size=30
).map("".join)

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_card_fits(card: Card) -> None:
    assert discord_len(card.title) <= Limits.TITLE
    assert discord_len(card.description) <= Limits.DESCRIPTION
    assert len(card.fields) <= Limits.FIELDS
    for f in card.fields:
        assert 0 < discord_len(f.name) <= Limits.FIELD_NAME
        assert 0 < discord_len(f.value) <= Limits.FIELD_VALUE
    assert card.size() <= Limits.TOTAL
    assert len(card_to_embed(card)) <= Limits.TOTAL
    for text in (card.title, card.description, *(f.value for f in card.fields)):
        assert not MASS_MENTION.search(text)
    assert len(re.findall(r"(?<!\\)\*\*", card.description)) % 2 == 0


# ------------------------------------------------------------------ article files


@PROPERTY
@given(
    raw=st.one_of(
        st.binary(max_size=400),
        ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        ANY_TEXT.map(lambda t: t.encode("utf-16")),
    )
)
def test_any_bytes_are_read_as_an_article_or_refused_with_a_reason(
    raw: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("article") / "article.txt"
    path.write_bytes(raw)
    try:
        article = read_article(path)
    except ArticleRejected as rejected:
        assert rejected.reason.strip()
        return
    assert article.text.strip()
    assert "\r" not in article.text and "\x00" not in article.text
    assert article.title.strip()
    assert article.id == "article"


# ------------------------------------------------------------------ articles, end to end


@pytest.fixture(scope="module")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@PROPERTY
@given(text=ANY_TEXT, title=st.one_of(st.none(), st.text(max_size=40)), data=st.data())
def test_any_article_maps_back_and_any_answer_about_it_fits_discord(
    text: str, title: str | None, data: st.DataObject, embedder: HashingEmbedder
) -> None:
    article = Article(
        id="a",
        title=title or "Untitled",
        text=text,
        path="a.txt",
        content_hash="h",
        url=data.draw(st.sampled_from([None, "https://example.com/a", "javascript:alert(1)"])),
        outlet=data.draw(st.sampled_from([None, "The @everyone Times"])),
    )
    try:
        snapshot, report = build_snapshot(LoadedCorpus((article,), ()), embedder, max_chars=300)
    except BuildFailed:
        event("nothing indexable")
        return  # nothing indexable (and said so)
    event(f"{min(len(snapshot.passages), 3)}+ passages")
    assert report.articles == 1
    for passage in snapshot.passages:
        assert 0 <= passage.start < passage.end <= len(text)
        assert len(passage.sentences) == len(passage.sentence_ranges) > 0
        for span, (a, b) in zip(passage.sentences, passage.sentence_ranges, strict=True):
            assert passage.start <= span.start < span.end <= passage.end
            assert text[span.start : span.end] == passage.text[a:b]
    for quote in snapshot.quotes:
        assert 0 <= quote.start <= quote.end <= len(text)

    words = re.findall(r"\w+", text)
    assume(words)
    question = " ".join(data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=6)))
    searcher = Searcher(snapshot, embedder)
    try:
        vector = embedder.encode_queries([question])[0]
        result = searcher.search_vector(question, vector, 3)
    except InvalidQuery:
        return
    event(f"answered={result.answered}")
    for hit in result.passages:
        assert hit.highlight in hit.text or not hit.highlight
    assert_card_fits(render_answer(result))
    assert not MASS_MENTION.search(card_to_text(render_answer(result, PLAIN)))


# ------------------------------------------------------------------ questions, end to end


@pytest.fixture(scope="module")
def seed_hashing_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    root = tmp_path_factory.mktemp("unicode-service")
    service = CorpusService(
        IndexSettings(
            _env_file=None,  # type: ignore[call-arg]
            seeds_dir=SEEDS,
            index_dir=root / "index",
            embedding_model="test-hashing",
        ),
        embedder=HashingEmbedder(),
    )
    service.open()
    yield service
    service.close()


@PROPERTY
@given(typed=WITH_SURROGATES)
def test_any_question_gets_a_rendered_answer_or_a_refusal(
    typed: str, seed_hashing_service: CorpusService
) -> None:
    try:
        question = validate_question(typed, 500)
        result = seed_hashing_service.ask(question)
        who = seed_hashing_service.who_said(question)
    except (InvalidQuestionError, InvalidQuery) as refused:
        event("refused")
        assert str(refused).strip()
        return
    event(f"asked, answered={result.answered}")
    assert_card_fits(render_answer(result))
    from bot.rendering import render_who_said

    assert_card_fits(render_who_said(who))
    card_to_text(render_answer(result, PLAIN))
