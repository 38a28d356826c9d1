"""Self-contained statements for an article's sentences (``index.statements``): the rules,
on text written for these tests."""

from __future__ import annotations

import pytest

from index.statements import article_statements


def statements_of(*sentences: str) -> list[tuple[str, ...]]:
    return article_statements(list(sentences), rewrite_references=True)


def test_the_index_reads_no_rewritten_sentence_by_default() -> None:
    found = article_statements(
        [
            "Martha Quist, the bakery's founder, retired.",
            "She sold it to a chain in March.",
        ]
    )
    assert found == [("Martha Quist is the bakery's founder.",), ()]


def test_a_pronoun_becomes_the_last_person_of_its_gender_named() -> None:
    found = statements_of(
        "Martha Quist ran the bakery on Elm Road for thirty years.",
        "She sold it to a chain in March.",
    )
    assert found == [(), ("Martha Quist sold it to a chain in March.",)]


def test_a_pronoun_skips_a_person_of_the_other_gender() -> None:
    found = statements_of(
        "Martha Quist hired Peter Lund as her apprentice.",
        "She paid him well.",
    )
    assert found[1] == ("Martha Quist paid him well.",)


def test_the_name_replaces_only_the_first_pronoun() -> None:
    found = statements_of(
        "Peter Lund opened a second shop.",
        "He said his customers followed him across town.",
    )
    assert found[1] == ("Peter Lund said his customers followed him across town.",)


def test_a_possessive_pronoun_becomes_the_name_with_an_apostrophe() -> None:
    found = statements_of("Martha Quist retired.", "Her recipes are still used.")
    assert found[1] == ("Martha Quist's recipes are still used.",)


def test_a_sentence_naming_somebody_first_keeps_its_pronouns() -> None:
    found = statements_of("Martha Quist retired.", "Peter Lund said she was missed.")
    assert found[1] == ()


def test_a_pronoun_inside_a_quotation_is_left_alone() -> None:
    found = statements_of(
        "Peter Lund opened a second shop.",
        "“He never asked me,” said a neighbour.",
        "The shop was busy.",
        "“We knew he would do well.",
        "Everybody did.”",
    )
    assert found[1] == ()
    assert found[3] == ()


def test_a_role_noun_becomes_the_one_person_holding_the_role() -> None:
    found = statements_of(
        "The festival hired director Ana Ruiz for its opening film.",
        "The director said the shoot took six weeks.",
    )
    assert "Ana Ruiz said the shoot took six weeks." in found[1]


def test_a_role_noun_held_by_two_people_is_left_alone() -> None:
    found = statements_of(
        "Director Ana Ruiz and director Paul Brenner met.",
        "The director said the shoot took six weeks.",
    )
    assert found[1] == ()


def test_an_apposition_is_spelled_out() -> None:
    found = statements_of("Jo Diaz, the union's chief negotiator, said talks had stalled.")
    assert "Jo Diaz is the union's chief negotiator." in found[0]


def test_an_apposition_before_the_name_is_spelled_out() -> None:
    found = statements_of("The union's chief negotiator, Jo Diaz, said talks had stalled.")
    assert "Jo Diaz is the union's chief negotiator." in found[0]


def test_a_bare_role_is_no_statement_of_its_own() -> None:
    """ "Jo Diaz is the star." is mostly the name: near any question naming her."""
    found = statements_of("On stage, star Joan Diaz said she was tired.")
    assert found == [()]


@pytest.mark.parametrize(
    "sentence",
    [
        "In the new film, Marlow (Dana Whitfield) outwits the villain.",
        "In the new film, Dana Whitfield (Marlow) outwits the villain.",
    ],
)
def test_a_parenthesis_pairing_a_character_and_a_player_is_spelled_out(sentence: str) -> None:
    assert "Dana Whitfield plays Marlow." in statements_of(sentence)[0]


def test_a_parenthesis_outside_a_story_about_roles_is_no_statement() -> None:
    found = statements_of(
        "The committee's chair (Dana Whitfield) opened the session.",
        "Its Treasurer (Dana Whitfield) resigned on Monday.",
        "Paul Brenner (Joan) spoke first.",
    )
    assert found == [(), (), ()]


def test_an_apposition_keeps_the_capitals_of_its_words() -> None:
    found = statements_of("Harbourtown's NBA star Joan Diaz scored 30 points.")
    assert "Joan Diaz is Harbourtown's NBA star." in found[0]


def test_a_list_of_names_is_no_apposition() -> None:
    found = statements_of("The prize went to the Harbour Trust, Joan Diaz, and Paul Brenner.")
    assert found == [()]


def test_a_clause_between_commas_is_no_apposition() -> None:
    found = statements_of("By Joan Diaz, the vote will have been counted, officials said.")
    assert found == [()]


def test_a_parenthesis_with_an_abbreviation_or_a_party_is_no_statement() -> None:
    found = statements_of(
        "The World Health Organization (WHO) met.",
        "Senator Dana Whitfield (D-Ohio) voted against it.",
    )
    assert found == [(), ()]
