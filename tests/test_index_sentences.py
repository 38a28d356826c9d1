"""Sentence splitting: abbreviations and initials hold a sentence together, ends split it."""

from __future__ import annotations

import pytest

from index.models import Span
from index.sentences import split_sentences

PREFIX = "Earlier paragraph, not part of the split.\n"


def sentences(paragraph: str) -> list[str]:
    """The sentences of ``paragraph``, split where it sits after some other text."""
    text = PREFIX + paragraph + "\nA later paragraph."
    span = Span(len(PREFIX), len(PREFIX) + len(paragraph))
    return [text[s.span.start : s.span.end] for s in split_sentences(text, span)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Smith met U.S. officials on Monday.",
        "J. K. Rowling signed copies in St. Louis.",
        "Dr. Jones and Gen. Smith met on Jan. 5 to discuss the plan.",
        "Mrs. Patel told the U.K. parliament that talks, e.g. on trade, went well.",
        "Shares of Acme Inc. rose 3.5 per cent on the news.",
        "The No. 1 seed, Prof. Ruiz, withdrew.",
    ],
)
def test_abbreviations_and_initials_do_not_split(sentence: str) -> None:
    assert sentences(sentence) == [sentence]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Is it safe? Yes! He left.", ["Is it safe?", "Yes!", "He left."]),
        (
            "He asked: “Is it safe?” Nobody answered.",
            ["He asked: “Is it safe?”", "Nobody answered."],
        ),
        ("“I love haste.” Then she jumped.", ["“I love haste.”", "Then she jumped."]),
        ('He said "Go home." Then he left.', ['He said "Go home."', "Then he left."]),
        ("She shouted ‘Now!’ The crowd cheered.", ["She shouted ‘Now!’", "The crowd cheered."]),
        ("He paused… Then he spoke.", ["He paused…", "Then he spoke."]),
        ("Mr. Smith arrived. Mr. Jones left.", ["Mr. Smith arrived.", "Mr. Jones left."]),
    ],
)
def test_question_marks_exclamations_and_closing_quotes_split(
    paragraph: str, expected: list[str]
) -> None:
    assert sentences(paragraph) == expected


def test_spans_point_into_the_full_text() -> None:
    text = PREFIX + "  First one.   Second one?  "
    span = Span(len(PREFIX), len(text))
    found = split_sentences(text, span)
    assert [text[s.span.start : s.span.end] for s in found] == ["First one.", "Second one?"]
    assert all(s.span.start >= len(PREFIX) for s in found)


def test_boundary_inside_a_quotation_is_flagged() -> None:
    text = '"I was squeezing abs. He would not do it." Then she laughed.'
    found = split_sentences(text, Span(0, len(text)))
    assert [s.ends_inside_quote for s in found] == [True, False, False]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Asked if he would run again, he said no. The party was stunned.",
            ["Asked if he would run again, he said no.", "The party was stunned."],
        ),
        (
            "It was like ‘No, no, no, no, no.’ I was like, ‘But it’ll help me!’",
            ["It was like ‘No, no, no, no, no.’", "I was like, ‘But it’ll help me!’"],
        ),
    ],
)
def test_sentence_ending_in_the_word_no_splits(paragraph: str, expected: list[str]) -> None:
    assert sentences(paragraph) == expected


def test_time_abbreviations_do_not_split() -> None:
    sentence = "The meeting starts at 10 a.m. on Monday and ends at 5 p.m. sharp."
    assert sentences(sentence) == [sentence]


def test_quoted_exclamation_followed_by_attribution_does_not_split() -> None:
    assert sentences("“Stop!” she said. Then she left.") == ["“Stop!” she said.", "Then she left."]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("He wore the No. 5 shirt. He scored.", ["He wore the No. 5 shirt.", "He scored."]),
        (
            "It ends at 5 p.m. The next day it resumes.",
            ["It ends at 5 p.m.", "The next day it resumes."],
        ),
        ("“Why?” asked Tom. “Because.”", ["“Why?” asked Tom.", "“Because.”"]),
    ],
    ids=["number-abbreviation", "time-then-new-sentence", "quoted-question-then-attribution"],
)
def test_abbreviations_and_quotes_split_only_where_a_sentence_starts(
    paragraph: str, expected: list[str]
) -> None:
    assert sentences(paragraph) == expected
