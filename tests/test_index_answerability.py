"""Whether candidates can answer at all: the question's words covered. Pure functions, no
model."""

from __future__ import annotations

import numpy as np
import pytest

from index.answerability import (
    LIGHT_WORDS,
    HeldTerms,
    counted_words,
    covers_one_of,
    held,
    missing_numbers,
    number_value,
    question_words,
    uncovered_share,
)
from index.embedding import token_words
from index.lexical import tokenize
from index.search import coverage


def _words(question: str, similarities: list[float]) -> list[str]:
    return [w.term for w in question_words(*_inputs(question, similarities))]


def _inputs(
    question: str, similarities: list[float]
) -> tuple[tuple[str, ...], np.ndarray, dict[str, float]]:
    words = tuple(w for w in question.casefold().rstrip("?").split() if tokenize(w))
    return words, np.array(similarities[: len(words)]), {t: 1.0 for t in tokenize(question)}


def test_light_words_of_a_question_are_left_out() -> None:
    terms = _words("How many lighthouses did the keeper paint?", [0.9, 0.9, 0.9, 0.9])
    assert terms == ["lighthouse", "keeper", "paint"]
    assert "many" in LIGHT_WORDS and "make" in LIGHT_WORDS


def test_a_word_nothing_holds_or_resembles_is_uncovered() -> None:
    words, sims, weights = _inputs("What did the keeper eat for breakfast?", [0.9, 0.2, 0.1])
    found = question_words(words, sims, weights)
    share = uncovered_share(found, {"keeper", "lighthous"}, similarity=0.3)
    assert share == 2 / 3  # "eat" and "breakfast"; "keeper" is in the passage


def test_a_paraphrase_close_in_meaning_is_covered() -> None:
    words, sims, weights = _inputs("When did the keeper ride his bike?", [0.9, 0.6, 0.8])
    found = question_words(words, sims, weights)
    assert uncovered_share(found, {"keeper"}, similarity=0.3) == 0.0


def test_rare_words_weigh_more() -> None:
    words, sims, _ = _inputs("Is the keeper married?", [0.9, 0.1])
    found = question_words(words, sims, {"keeper": 1.0, "marri": 3.0})
    assert uncovered_share(found, {"keeper"}, similarity=0.3) == 0.75


def test_words_without_token_similarities_count_as_covered() -> None:
    found = question_words((), None, {"keeper": 1.0, "breakfast": 1.0})
    assert uncovered_share(found, set(), similarity=0.3) == 0.0


def test_the_same_word_stemmed_differently_is_held() -> None:
    assert held("rehearse", {"rehears"})
    assert held("chase", {"chas", "lisbon"})
    assert not held("breakfast", {"break"})
    assert not held("cat", {"cats"})  # too short to guess


def test_token_words_name_the_word_each_token_starts_in() -> None:
    text = "Who painted Skerryvore's lamp?"
    spans = [(4, 11), (12, 16), (16, 22), (25, 29)]  # painted, sker, ##ryvore, lamp
    assert token_words(text, spans) == ("painted", "skerryvore", "skerryvore", "lamp")
    assert token_words(text, [(22, 23)]) == ("",)  # the apostrophe


def test_a_number_the_passages_never_state_is_missing() -> None:
    present = set(tokenize("The harbour festival's Part One opens on May 3 with 40 boats."))
    assert missing_numbers(tokenize("When does Part Two open?"), present) == ["two"]
    assert missing_numbers(tokenize("Why did the 2019 festival close?"), present) == ["2019"]


def test_a_number_stated_in_digits_words_or_inside_a_term_is_there() -> None:
    present = set(tokenize("Three ferries sailed; the F1 team came; 7 of them stayed."))
    assert missing_numbers(tokenize("Where did the 3 ferries sail?"), present) == []
    assert missing_numbers(tokenize("Which Formula 1 team came?"), present) == []
    assert missing_numbers(tokenize("Why did seven stay?"), present) == []


def test_one_is_no_number_a_question_must_find() -> None:
    assert number_value("one") is None  # "which one", "the one who"
    assert number_value("07") == "7" and number_value("twelve") == "12"


def test_coverage_counts_words_stemmed_differently_and_weighs_rare_ones() -> None:
    weights = {"direct": 1.0, "harbour": 3.0}
    sentence = HeldTerms.of(tokenize("Director Jane Moss made the harbour film."))
    other = HeldTerms.of(tokenize("The harbour film opened on Friday."))
    assert list(coverage(weights, [sentence, other])) == [1.0, 0.75]
    title = HeldTerms.of(tokenize("Who directed the harbour film"))
    assert list(coverage(weights, [other], [title])) == [1.0]


@pytest.mark.parametrize(
    "term", ["rehearse", "rehears", "break", "breakfast", "chas", "chase", "direct", "cat"]
)
def test_held_terms_hold_what_held_says(term: str) -> None:
    present = tokenize("They rehearsed the chase at breakfast, said the director of Cats.")
    assert HeldTerms.of(present).holds(term) == held(term, present)


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many acres burned on the island?", ("acre", "burn")),
        ("How many Harbour Festival boats sailed?", ("boat", "sail")),
        ("How many lighthouses did the keeper paint?", ("lighthouse",)),
        ("How many people live on the island?", ()),  # a light word: the rest says what
        ("How many times has she jumped?", ()),
        ("Who painted the lamp?", ()),
    ],
)
def test_what_how_many_counts(question: str, counted: tuple[str, ...]) -> None:
    assert counted_words(question) == counted


def test_a_count_must_be_of_one_of_the_counted_words() -> None:
    words, sims, weights = _inputs("How many acres burned?", [0.9, 0.2, 0.4])
    found = question_words(words, sims, weights)
    assert not covers_one_of(found, {"structur", "destroy"}, 0.5, ("acre", "burn"))
    assert covers_one_of(found, {"acre"}, 0.5, ("acre", "burn"))
    assert covers_one_of(found, set(), 0.5, ())


def test_how_often_is_a_question_frame_not_a_word_to_find() -> None:
    assert _words("How often do the ferries run?", [0.1, 0.9, 0.9]) == ["ferry", "run"]
