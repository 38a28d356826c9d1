"""Pronouns resolved with the parse: people the parser recognises, titles, subjects first."""

from __future__ import annotations

import re

import pytest

from index.quotes import extract_quotes
from index.quotes.entities import Entity, ParseFacts
from index.quotes.people import Registry, build_registry
from index.quotes.text import split_paragraphs


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.parent is None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a person no title or speech verb introduces, recognised by the parser
        (
            "Andrea Lund took her son to the harbour on Sunday.\n\n"
            '"It was the best day we have had in years," she said.',
            ["Andrea Lund"],
        ),
        # places and days are not people: "New Hampshire Monday" is no speaker
        (
            "Bernie Sanders lost Ohio, Florida and North Carolina on Tuesday. In a speech in "
            'Phoenix, he barely mentioned those states. "We will keep on fighting," he said.',
            ["Bernie Sanders"],
        ),
        # "Mr." with a dot belongs to the name and gives the gender
        (
            'Mr. Carlow spoke first. "To do it now is a mistake," Mr. Carlow said. The day '
            "before, Mr. Brandt was just as blunt, claiming that the mayor wanted more money. "
            '"You would have to be insane," he said.',
            ["Mr. Carlow", "Mr. Brandt"],
        ),
        # the subject of the sentence before, not the last name in it
        (
            "Mr. Whitfield softened his tone on Thursday. Asked who leads the party, he named "
            'Mr. Moss. "I would say Moss for now, and maybe for a long time," he said.',
            ["Mr. Whitfield"],
        ),
        # the subject of the nearer sentence (gender unknown) beats a woman named earlier
        (
            "Ms. Lewin was an intern at the time. The columnist Ruth Marcol wrote on Tuesday "
            'that the past still matters. "He has smeared people for their looks," she wrote.',
            ["Ruth Marcol"],
        ),
    ],
)
def test_pronoun_speakers(text: str, expected: list[str | None]) -> None:
    assert speakers(text) == expected


def test_two_subjects_of_one_verb_leave_a_pronoun_unresolved() -> None:
    text = 'Ola Berg and Kim Sand met the press. "We are not done," she said.'
    assert speakers(text) == [None]


def test_a_title_before_a_surname_joins_the_full_name() -> None:
    text = (
        "Sen. Tom Harlan of Ohio, a former teacher, arrived late. Mr. Harlan then spoke. "
        '"Schools need money," he said.'
    )
    assert speakers(text) == ["Tom Harlan"]


def test_the_council_is_the_council_named_before() -> None:
    text = (
        "The Lakeside City Council voted on Monday to close the pool.\n\n"
        '"We had no other choice this year," the council said in a statement.'
    )
    assert speakers(text) == ["Lakeside City Council"]


def test_an_organisation_noun_without_a_name_before_stays_unknown() -> None:
    text = 'Ann Roe met the board on Monday. "We had no other choice this year," the board said.'
    assert speakers(text) == [None]


def test_the_main_subject_beats_a_man_named_after_it() -> None:
    text = (
        "Gov. Ken Marsh, one of the candidates beaten by Mr. Hollis in the race, had pledged "
        'to back the nominee. "It is just sad that we have such poor choices," he told a '
        "local station."
    )
    assert speakers(text) == ["Ken Marsh"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Vermont Sen. Bernie Sanders arrived on Saturday. Sanders said he was proud.",
            "Bernie Sanders",
        ),
        ("Retired Air Force Gen. Norman Ham arrived. Ham said he was proud.", "Norman Ham"),
    ],
)
def test_a_title_abbreviated_with_a_dot_is_not_part_of_the_name(text: str, name: str) -> None:
    paragraphs = split_paragraphs(text)
    people = build_registry(text, paragraphs, tuple(False for _ in paragraphs)).people
    assert [p.name for p in people] == [name]


def test_a_first_name_tells_whom_she_means_among_people_named_once() -> None:
    text = (
        "Daniel Okafor met Margaret Lindqvist at the county fair on Sunday.\n\n"
        '"We have waited ten years for this road to be fixed," she said.'
    )
    assert speakers(text) == ["Margaret Lindqvist"]


def test_a_first_name_outweighs_the_nearer_subject_of_unknown_gender() -> None:
    text = (
        "The plant was opened by Margaret Lindqvist on Monday. Donald Esterhuy, who runs it, "
        'gave the tour.\n\n"Nobody believed we could build it in a year," she said.'
    )
    assert speakers(text) == ["Margaret Lindqvist"]


def test_in_a_sentence_left_unparsed_the_first_mention_beats_a_later_name() -> None:
    text = (
        "Mayor Peter Lindqvist toured the depot on Monday. He praised the drivers more than "
        "Mr. Hale's staff.\n\n"
        "The depot opened in 1990 and serves the whole valley.\n\n"
        '"We need more buses on the night routes," he said.'
    )
    assert speakers(text) == ["Peter Lindqvist"]


def test_a_pronoun_in_a_heading_in_capitals_is_no_mention() -> None:
    text = (
        "Dr. Mehmet Ozan hosts a health show.\n\n"
        '"The pills he sells have no evidence behind them at all," said Paul Weir, a '
        "professor of surgery.\n\n"
        "THE SENATE WARNED HIM — Ozan's advice earned him a hearing, where he said the pills "
        'were "a miracle in a bottle for anyone who wants to lose weight."'
    )
    assert speakers(text) == ["Paul Weir", "Mehmet Ozan"]


def test_the_campaign_is_the_campaign_of_the_name_written_before_it() -> None:
    text = (
        "The Ostrander campaign opened an office in Dayton on Monday.\n\n"
        'Asked about the poll, the campaign said in a statement: "We trust the voters, not '
        'the pundits."'
    )
    assert speakers(text) == ["Ostrander campaign"]


def test_a_document_is_no_speaker_for_the_name_written_before_it() -> None:
    text = (
        "Judge Ana Ruiz signed the Ostrander order on Friday.\n\n"
        'The order said the county "must reopen the polling places at once."'
    )
    assert speakers(text) == [None]


@pytest.mark.parametrize(
    "leader",
    [
        "The leader of the Civic League, Jonathan Greenwald,",
        "The leader of the union, Jonathan Greenwald,",
    ],
)
def test_a_role_noun_is_the_person_named_in_apposition_to_it(leader: str) -> None:
    text = (
        "Mayor Tom Hale opened the meeting on Monday.\n\n"
        f"{leader} warned against the cuts. He said the families "
        '"know all too well what can happen when one group is singled out."'
    )
    assert speakers(text) == ["Jonathan Greenwald"]


def test_a_word_the_parser_reads_once_as_a_person_and_more_often_as_a_place_is_nobody() -> None:
    text = "Luay Sami moved to Clarkston. Clarkston is small. People in Clarkston are kind."
    paragraphs = split_paragraphs(text)
    entities = tuple(
        Entity(m.start(), m.end(), label, "Clarkston")
        for m, label in zip(re.finditer("Clarkston", text), ("PERSON", "GPE", "GPE"), strict=True)
    )
    subject = frozenset({text.index("Clarkston is")})
    facts = ParseFacts(entities=entities, parsed=((0, len(text)),), subjects=subject)
    registry = build_registry(text, paragraphs, tuple(False for _ in paragraphs), facts)
    assert "Clarkston" not in [p.name for p in registry.people]
    alone = ParseFacts(entities=entities[:1], parsed=((0, len(text)),), subjects=subject)
    registry = build_registry(text, paragraphs, tuple(False for _ in paragraphs), alone)
    assert "Clarkston" in [p.name for p in registry.people]


def test_the_name_in_apposition_to_the_subject_is_the_subject() -> None:
    text = (
        "Tom Cole has run the city since 2002.\n\nCole's pollster, Douglas Shane, says his man "
        'has the money and the time. "The mayor would be able to build support rapidly," he says.'
    )
    assert speakers(text) == ["Douglas Shane"]


def test_mrs_and_mr_with_one_surname_are_the_wife_and_the_husband() -> None:
    text = (
        '"We will win," said Bill Halvorsen on Monday, and "we will," said Hillary Halvorsen.\n\n'
        "Mr. Halvorsen stayed silent. A woman asked Mrs. Halvorsen about the women who said "
        "they were harassed by Mr. Halvorsen.\n\nMrs. Halvorsen did not hesitate."
    )
    paragraphs = split_paragraphs(text)
    registry = build_registry(text, paragraphs, tuple(False for _ in paragraphs))
    wife = registry.lookup("Mrs. Halvorsen")
    assert wife is not None and registry.people[wife].name == "Hillary Halvorsen"
    last = text.rindex("Mrs. Halvorsen")
    assert [registry.people[m.person].name for m in registry.mentions if m.start >= last] == [
        "Hillary Halvorsen"
    ]
    husband = registry.lookup("Mr. Halvorsen")
    assert husband is not None and registry.people[husband].name == "Bill Halvorsen"


def test_a_party_and_state_after_a_name_introduce_a_politician() -> None:
    text = (
        "The report was sent to several committees on Monday.\n\n"
        "House Intelligence Republican Mike Pomper (R-Kans.), who has seen the messages, agreed "
        'with that point.\n\n"Some of the information in these emails presents a risk to our '
        'security," he said.'
    )
    assert speakers(text) == ["Mike Pomper"]


def test_she_after_a_surname_husband_and_wife_share_means_the_wife() -> None:
    text = (
        "Hillary Halvorsen appeared on the morning show on Friday.\n\n"
        "Halvorsen and her husband, former President Bill Halvorsen, attended the wedding in "
        "2005. She has since said that it was fun.\n\n"
        "\u201cI actually said she is right. He is fun,\u201d the host said.\n\n"
        "But he wanted to know, \u201cHow surprised are you?\u201d\n\n"
        "\u201cI think it has been most surprising to see him traffic in prejudice,\u201d "
        "Halvorsen said. \u201cSome of his comments do not fit.\u201d\n\n"
        "\u201cIt is going to be interesting to see what he does with it,\u201d she continued."
    )
    assert speakers(text)[-1] == "Hillary Halvorsen"


def _registry(text: str) -> Registry:
    paragraphs = split_paragraphs(text)
    return build_registry(text, paragraphs, tuple(False for _ in paragraphs))


def test_a_given_name_borne_by_one_gender_introduces_a_person() -> None:
    registry = _registry("And oh yes, Carly Fiorelli: what, exactly, are her qualifications?")
    assert [p.name for p in registry.people] == ["Carly Fiorelli"]
    assert registry.people[0].gender == "female"


def test_the_surname_before_a_suffix_is_the_short_form() -> None:
    registry = _registry(
        "Representative Morris J. Brooks Jr. of Alabama won. Later Representative Brooks spoke."
    )
    brooks = registry.lookup("Brooks")
    assert brooks is not None and registry.people[brooks].name == "Morris J Brooks Jr"


def test_a_pronoun_before_the_one_name_of_a_sentence_tells_nothing_of_its_gender() -> None:
    registry = _registry(
        "After the shooting she issued a plan to expand checks. Mayor Lu Obara later adopted a "
        "similar approach. By Sunday she had canceled a joint rally with Obara."
    )
    assert [(p.name, p.gender) for p in registry.people] == [("Lu Obara", None)]


def test_the_subject_of_the_verb_whose_statement_says_the_quote_speaks() -> None:
    text = (
        "Last year, Marco Rubio issued a statement calling the deal "
        "\u201ca historic mistake that will haunt us for years.\u201d"
    )
    assert speakers(text) == ["Marco Rubio"]


def test_a_word_the_parser_reads_as_a_person_but_never_as_a_subject_is_nobody() -> None:
    text = "Trump wrote on Twitter again. He went back to Twitter later. Twitter loved it."
    paragraphs = split_paragraphs(text)
    entities = tuple(
        Entity(m.start(), m.end(), "PERSON", "Twitter") for m in re.finditer("Twitter", text)
    )
    everywhere = ((0, len(text)),)
    registry = build_registry(
        text, paragraphs, (False,), ParseFacts(entities=entities[:2], parsed=everywhere)
    )
    assert "Twitter" not in [p.name for p in registry.people]
    subject = ParseFacts(
        entities=entities, parsed=everywhere, subjects=frozenset({text.rindex("Twitter")})
    )
    registry = build_registry(text, paragraphs, (False,), subject)
    assert "Twitter" in [p.name for p in registry.people]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        (
            "Admiral Harry Harris leads the United States Pacific Command, who said so. Later "
            "Pacific Command said it again.",
            ["Harry Harris"],
        ),
        (
            "In San Francisco, Juan Manriquez carried a photo at the Pride March, 46, who said "
            "so. Pride March said it again.",
            ["Juan Manriquez"],
        ),
        (
            "Bernie Sanders, 74, spoke first. Top Sanders aide Tad Devine, who runs the ads, said "
            "so. Top Sanders, 50, said it again.",
            ["Bernie Sanders", "Tad Devine"],
        ),
    ],
)
def test_a_command_a_march_or_a_top_aide_is_no_person(text: str, people: list[str]) -> None:
    assert [p.name for p in _registry(text).people] == people


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Bernie Sanders spoke in Miami on Sunday.\n\nHis campaign protested that the rules "
            "were \u201cunfair to every independent voter in the state.\u201d",
            "Bernie Sanders campaign",
        ),
        (
            "Hillary Clinton spoke in Miami on Sunday, and Clinton talks freely now. Her economic "
            "plan promises to \u201clift up participation in the workforce, especially for "
            "women.\u201d",
            "Hillary Clinton",
        ),
        (  # "it" after a person's campaign
            "Donald Trump said women should be punished. Trump\u2019s campaign immediately "
            "backtracked, putting out a statement. In cases of abortion, it said, \u201cthe woman "
            "is a victim.\u201d",
            "Donald Trump campaign",
        ),
        (  # "it" with no person's organisation before: nobody
            "The company sold the plant in May. In a statement, it said the sale was \u201cthe "
            "right decision for our workers.\u201d",
            None,
        ),
    ],
)
def test_his_campaign_and_her_plan_speak_for_the_person_the_possessive_means(
    text: str, speaker: str | None
) -> None:
    assert speakers(text) == [speaker]


_FILLER = "The deficit grew again this year, and lawmakers argued about it for weeks. " * 60


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (  # a name after a role and a phrase of time
            "Paul Manafort pressed diplomats in Ukraine.\n\nWith Mr. Manafort's help, the party "
            "was ''working to change its image into that of a legitimate political party,'' wrote "
            "the American ambassador at the time, John E. Herbst.",
            "John E Herbst",
        ),
        (  # the office named far before
            f"The Congressional Budget Office published its outlook on Tuesday.\n\n{_FILLER}\n\n"
            "Over the long term, according to the budget office, the rise in annual deficits "
            "''is mainly attributable to the aging of the population.''",
            "Congressional Budget Office",
        ),
    ],
)
def test_a_role_or_an_office_is_the_name_it_stands_for(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        (
            "Secretary of State John Kerrigan, 72, flew to Vienna. Kerrigan said so.",
            ["John Kerrigan"],
        ),
        ("Like Tom Hale, who spoke first, the mayor said so. Hale agreed.", ["Tom Hale"]),
        ("Unlike Tom Hale, who spoke first, the mayor said so. Hale agreed.", ["Tom Hale"]),
    ],
)
def test_a_preposition_or_of_state_before_a_name_is_no_part_of_it(
    text: str, people: list[str]
) -> None:
    assert [p.name for p in _registry(text).people] == people
