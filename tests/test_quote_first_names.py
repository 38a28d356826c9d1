"""The gender a first name suggests: clearly gendered names only."""

from __future__ import annotations

import pytest

from index.quotes.first_names import first_name_gender
from index.quotes.people import build_registry
from index.quotes.text import split_paragraphs


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hillary", "female"),
        ("margaret", "female"),
        ("Donald", "male"),
        ("MIKE", "male"),
        ("RoseAnn", "female"),
        ("Huma", "female"),
        ("Reince", "male"),
        ("Rahm", "male"),
    ],
)
def test_clearly_gendered_names(name: str, expected: str) -> None:
    assert first_name_gender(name) == expected


@pytest.mark.parametrize("name", ["Chris", "Kelly", "Jordan", "Marty", "Marine", "Zorblax", ""])
def test_names_given_to_both_or_unknown_stay_unknown(name: str) -> None:
    assert first_name_gender(name) is None


def _gender_of_first_person(text: str) -> str | None:
    paragraphs = split_paragraphs(text)
    registry = build_registry(text, paragraphs, tuple(False for _ in paragraphs))
    return registry.people[0].gender


@pytest.mark.parametrize(("pronouns", "gender"), [(3, "female"), (4, None), (5, "male")])
def test_a_first_name_outweighs_a_few_pronouns_about_somebody_left_unnamed(
    pronouns: int, gender: str | None
) -> None:
    # the senator is never named in these sentences: each "he" is about him, not Jane
    sentences = " ".join(["Jane Sanders spoke after he did."] * pronouns)
    assert _gender_of_first_person(f"Jane Sanders, 66, said so. {sentences}") == gender
