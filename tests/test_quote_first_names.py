"""The gender a first name suggests: clearly gendered names only."""

from __future__ import annotations

import pytest

from index.quotes.first_names import first_name_gender


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Hillary", "female"), ("margaret", "female"), ("Donald", "male"), ("MIKE", "male")],
)
def test_clearly_gendered_names(name: str, expected: str) -> None:
    assert first_name_gender(name) == expected


@pytest.mark.parametrize("name", ["Chris", "Kelly", "Jordan", "Zorblax", ""])
def test_names_given_to_both_or_unknown_stay_unknown(name: str) -> None:
    assert first_name_gender(name) is None
