"""What a user types: refused with a helpful message, or normalised and searched."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.embedding import HashingEmbedder
from index.errors import InvalidQuery
from index.query import clean_question, normalise_query, strip_question_noise
from index.service import CorpusService
from index.settings import IndexSettings


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[CorpusService]:
    """The seeds indexed with the HashingEmbedder, shared by this module's tests."""
    embedder = HashingEmbedder()
    settings = IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds_dir,
        index_dir=tmp_path_factory.mktemp("query-index"),
        embedding_model=embedder.name,
        max_question_chars=500,
    )
    built = CorpusService(settings, embedder=embedder)
    built.reindex()
    yield built
    built.close()


BAD_QUESTIONS = [
    ("", "empty"),
    ("   \n\t  ", "empty"),
    ("\u200b\u200c\u200d\u2060\ufeff", "empty"),
    ("\u200f\u200e\u202e", "empty"),
    ("?!?! … -- ***", "no words"),
    ("🎬🔥🤔 👀", "no words"),
    ("x" * 501, "too long"),
]
BAD_IDS = ["empty", "whitespace", "zero-width", "direction-marks", "punctuation", "emoji", "long"]


@pytest.mark.parametrize(("question", "problem"), BAD_QUESTIONS, ids=BAD_IDS)
def test_bad_question_is_refused_with_a_helpful_message(
    service: CorpusService, question: str, problem: str
) -> None:
    with pytest.raises(InvalidQuery) as raised:
        service.ask(question)
    message = str(raised.value)
    assert problem in message
    assert message.startswith("The question")
    if problem == "too long":
        assert "501" in message
        assert "500" in message
    else:
        assert "type a few words" in message


@pytest.mark.parametrize(("quote", "problem"), BAD_QUESTIONS, ids=BAD_IDS)
def test_bad_quote_is_refused_naming_a_quote(
    service: CorpusService, quote: str, problem: str
) -> None:
    with pytest.raises(InvalidQuery, match=f"The quote .*{problem}"):
        service.who_said(quote)


def test_question_at_the_limit_is_accepted(service: CorpusService) -> None:
    question = ("Who plays Grace " * 40)[:499] + "?"
    assert len(question) == 500
    assert service.ask(question).question == question


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("\u200fWho plays Grace?\u200f", "Who plays Grace?"),
        ("\u202bWho\u202c plays\u200b Grace?", "Who plays Grace?"),
        ("Ｗｈｏ ｐｌａｙｓ Ｇｒａｃｅ？", "Who plays Grace?"),
        ("Who  plays\u00a0\u3000Grace?\n", "Who plays Grace?"),
        (
            "Was it filmed in Hellesylt, Norway, or Ålesund?".replace("Å", "A\u030a"),
            "Was it filmed in Hellesylt, Norway, or Ålesund?",
        ),
        ("@everyone how many times has Pom jumped?", "@everyone how many times has Pom jumped?"),
    ],
    ids=[
        "rtl-marks",
        "embedding-and-zero-width",
        "fullwidth",
        "odd-spaces",
        "combining",
        "everyone",
    ],
)
def test_odd_unicode_is_normalised(typed: str, normalised: str) -> None:
    assert normalise_query(typed) == normalised


def test_normalised_question_gets_the_same_answer(service: CorpusService) -> None:
    plain = service.ask("Paris chaotic element in the story")
    assert plain.answered
    for variant in [
        "\u200fParis chaotic element in the story\u200f",
        "Ｐａｒｉｓ ｃｈａｏｔｉｃ element in the story",
        "Paris\u200b chaotic\u00a0element in the story",
    ]:
        assert service.ask(variant) == plain


@pytest.mark.parametrize(("k", "most"), [(-5, 1), (0, 1), (1, 1), (2, 2), (50, 10)])
def test_number_of_passages_is_bounded(service: CorpusService, k: int, most: int) -> None:
    result = service.ask("Tom Cruise refused to kick Pom Klementieff in the stomach", k=k)
    assert result.answered
    assert 1 <= len(result.passages) <= most


def test_everyone_mention_in_a_question_is_harmless(service: CorpusService) -> None:
    result = service.ask("@everyone Paris chaotic element in the story @here")
    assert result.answered
    assert "[Paris is] very, very, very much a chaotic element" in result.passages[0].highlight
    assert service.who_said("@everyone you can just go for it").query.startswith("@everyone")
    assert result.question == "Paris chaotic element in the story"  # what was searched


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=80))
def test_any_text_is_either_refused_or_cleanly_normalised(text: str) -> None:
    try:
        cleaned = normalise_query(text, max_chars=60)
    except InvalidQuery as error:
        assert str(error).startswith("The question")
        return
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert 0 < len(cleaned) <= 60
    assert any(unicodedata.category(ch)[0] in "LN" for ch in cleaned)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in cleaned)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=120))
def test_any_text_is_refused_or_answered_never_crashes(service: CorpusService, text: str) -> None:
    try:
        result = service.ask(text)
    except InvalidQuery:
        return
    assert result.answered == bool(result.passages)
    assert len(result.passages) <= 3
    for hit in result.passages:
        assert hit.highlight in hit.text
        assert hit.sources


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("@everyone who plays Grace?", "who plays Grace?"),
        ("@here who plays Grace? @everyone", "who plays Grace?"),
        ("<@123456789012345678> who plays Grace?", "who plays Grace?"),
        ("<@!123> <@&456> who plays Grace?", "who plays Grace?"),
        ("<#789> who plays Grace?", "who plays Grace?"),
        ("hi, who plays Grace?", "who plays Grace?"),
        ("Hey bot! who plays Grace?", "who plays Grace?"),
        ("hello there: who plays Grace?", "who plays Grace?"),
        ("Good morning everyone, who plays Grace?", "who plays Grace?"),
        ("NewsDesk, who plays Grace?", "who plays Grace?"),
        ("@NewsDesk who plays Grace?", "who plays Grace?"),
        ("hey newsdesk: who plays Grace?", "who plays Grace?"),
        ("who plays Grace, NewsDesk?", "who plays Grace?"),
        ("what did NewsDesk readers ask?", "what did NewsDesk readers ask?"),
        ("Hillary who?", "Hillary who?"),
        ("Hey Jude was written by whom?", "Hey Jude was written by whom?"),
        ("who plays Grace?", "who plays Grace?"),
        ("-5 degrees in Rome?", "-5 degrees in Rome?"),
        ("<@1>, <@&2>: -5 degrees in Rome?", "-5 degrees in Rome?"),
        ("hi - who plays Grace?", "who plays Grace?"),
        ("NewsDesk - who plays Grace?", "who plays Grace?"),
        ("NewsDesk -5 degrees in Rome?", "-5 degrees in Rome?"),
    ],
)
def test_question_noise_is_stripped_and_the_question_kept(typed: str, question: str) -> None:
    assert strip_question_noise(typed, ["NewsDesk"]) == question


@pytest.mark.parametrize("typed", ["hi", "@everyone", "<@123> hello there!", "hey NewsDesk"])
def test_only_noise_is_refused_with_a_clear_message(typed: str) -> None:
    assert strip_question_noise(typed, ["NewsDesk"]) == ""
    with pytest.raises(InvalidQuery, match="only greets or mentions"):
        clean_question(typed, names=["NewsDesk"])


def test_noise_does_not_change_the_answer(service: CorpusService) -> None:
    plain = service.ask("who plays Grace?")
    assert plain.answered
    for noisy in [
        "@everyone who plays Grace?",
        "hey bot, who plays Grace? @here",
        "<@1> who plays Grace?",
    ]:
        assert service.ask(noisy) == plain


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=80), name=st.text(max_size=12))
def test_stripping_noise_is_idempotent_and_never_adds_words(text: str, name: str) -> None:
    once = strip_question_noise(text, [name])
    assert strip_question_noise(once, [name]) == once
    assert set(re.findall(r"\w+", once)) <= set(re.findall(r"\w+", text))
