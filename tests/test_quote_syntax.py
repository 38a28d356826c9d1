"""Quote extraction and speakers read from the dependency parse (spaCy's small English model).

Every text here is written for the test: one construction of English news copy each.
"""

from __future__ import annotations

import pytest

from index.quotes import extract_quotes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def top_level(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in extract_quotes(text) if q.parent is None]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        (
            "Maria Ortega, the site engineer, ran the depot project. Ortega went on to detail, "
            '"We rebuilt the whole depot in nine months."',
            "We rebuilt the whole depot in nine months.",
            "Maria Ortega",
        ),
        (
            "Daniel Morales joined the board in May. From there Morales elaborated, "
            '"Nobody expected the vote to be this close."',
            "Nobody expected the vote to be this close.",
            "Daniel Morales",
        ),
        (
            "Senator Helen Crane spoke after the vote. Crane said the bill was "
            '"a gift to the people who need it least" and left.',
            "a gift to the people who need it least",
            "Helen Crane",
        ),
        (
            'Mayor Tom Varga called the plan "the worst deal this city has signed" on Monday.',
            "the worst deal this city has signed",
            "Tom Varga",
        ),
        (
            "Union leader Priya Shah described the offer as "
            '"an insult to every nurse on the ward."',
            "an insult to every nurse on the ward.",
            "Priya Shah",
        ),
        (
            "Coach Ellen Park was asked about the loss. Park tweeted that the team "
            '"will be back stronger next season."',
            "will be back stronger next season.",
            "Ellen Park",
        ),
    ],
)
def test_partial_and_introduced_quotes_get_the_subject_of_the_speech_verb(
    text: str, quote: str, speaker: str
) -> None:
    assert (quote, speaker) in top_level(text)


def test_a_quote_after_an_attributed_one_in_the_same_paragraph_keeps_its_speaker() -> None:
    text = (
        'Council leader Rosa Lind defended the budget. "We had no other choice," Lind said. '
        '"Every other option meant closing libraries."'
    )
    quotes = top_level(text)
    assert "Every other option meant closing libraries." in quotes[-1][0]
    assert {speaker for _, speaker in quotes} == {"Rosa Lind"}


def test_a_paragraph_ending_with_a_colon_introduces_the_next_quote() -> None:
    text = (
        "Governor Alan Brook answered the critics at length on Friday. Brook continued:\n\n"
        '"The roads will be finished by the spring, whatever the weather does."'
    )
    assert top_level(text) == [
        ("The roads will be finished by the spring, whatever the weather does.", "Alan Brook")
    ]


def test_he_added_after_a_quote_is_the_speaker_just_quoted() -> None:
    text = (
        'Campaign manager Jason Webb said the numbers were "moving in the right direction."'
        '\n\n"We see this as the right moment to take the message to every state," he added.'
    )
    speakers = [speaker for _, speaker in top_level(text)]
    assert speakers == ["Jason Webb", "Jason Webb"]


@pytest.mark.parametrize(
    "text",
    [
        # a quoted phrase of four words or more without any speech verb is a scare quote or a title
        "He even did 'the most dangerous stunt of his career' on the first day of filming.",
        'Tickets for "The Lord of the Rings" sold out within an hour.',
        # a short quoted phrase is left out even after a speech verb (PolNeAR: 4 words or more)
        'Critics called it "a mess" and moved on.',
    ],
)
def test_scare_quotes_and_titles_stay_out(text: str) -> None:
    assert top_level(text) == []


def test_the_speaker_is_a_recognised_name_not_the_capitalised_words_before_the_quote() -> None:
    text = (
        "Residents of Hillsborough Bay gathered on Sunday. Unlike Obama, Governor Rick Salas "
        'said the storm response had been "faster than anything this state has seen."'
    )
    assert top_level(text) == [("faster than anything this state has seen.", "Rick Salas")]


def test_a_quote_paragraph_of_its_own_takes_the_subject_of_the_paragraph_before() -> None:
    text = (
        "Local baker Luca Moretti praised the governor's handling of the floods.\n\n"
        '"We need someone who is going to cut through the noise and get things done."'
    )
    assert top_level(text)[-1][1] == "Luca Moretti"


def test_an_organisation_introducing_a_quote_is_named_without_its_article() -> None:
    text = (
        "The Daily Ledger ran the story on Monday, and the Harbour Trust responded:\n\n"
        '"The figures in that report are out of date and the harbour is safe."'
    )
    assert top_level(text)[-1][1] == "Harbour Trust"


def test_a_pronoun_after_the_only_person_named_in_the_sentence_before() -> None:
    text = (
        "Shop owner Linda Harris has run the corner store for twenty years. "
        '"Nobody from the council ever came to ask us," she said.'
    )
    assert top_level(text) == [("Nobody from the council ever came to ask us,", "Linda Harris")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a title glued in front of the name is not part of it
        (
            "Senate Majority Whip John Ryder (R-Tex.) spoke on the floor of the chamber after "
            'the vote on the bill. "This is the one shot we have," Ryder said.',
            "John Ryder",
        ),
        (
            '"We had a good night in every region of the country," said Russian President '
            "Vladimir Petrov.",
            "Vladimir Petrov",
        ),
        # an abbreviated title's dot does not cut the name off
        (
            '"The candidates just do not understand the army," said Army Capt. Jonas Pardew, '
            "who was polled.",
            "Jonas Pardew",
        ),
        (
            '"I was hoping for a better field this year," said Air Force 1st Lt. Tyler Livens.',
            "Tyler Livens",
        ),
        # a title cut off at its dot is nobody ("Ohio Gov"): the name after it is the speaker
        ('"The money is not there," said former Ohio Gov. and party chairman Ann Fry.', "Ann Fry"),
        # a first name that is also a word
        (
            '"It is a pretty expensive model," said Will Dorne, a professor at the college.',
            "Will Dorne",
        ),
    ],
)
def test_titles_around_a_name_are_not_the_speaker(text: str, speaker: str | None) -> None:
    (found,) = top_level(text)
    assert found[1] == speaker


def test_the_next_speech_verb_when_the_nearest_ones_subject_is_no_person() -> None:
    text = (
        "Edwin Klane wrote about the couple for years. Klane said his 1996 book detailed "
        'how the senator was "intrinsically part of the effort to discredit these women."'
    )
    assert top_level(text) == [
        ("intrinsically part of the effort to discredit these women.", "Edwin Klane")
    ]


def test_a_speech_verb_reached_through_a_preposition() -> None:
    text = (
        "Prime Minister Avi Rosen won a fourth term in March. Rosen rallied supporters by "
        'warning darkly that "the rule of the right is in danger" on the eve of the vote.'
    )
    assert top_level(text) == [("the rule of the right is in danger", "Avi Rosen")]


def test_a_quote_after_a_sentence_saying_who_speaks_in_the_same_paragraph() -> None:
    text = (
        "Sam Lew, the communications director for the party, said in a statement. "
        '"There are no paper ballots to recount in the state."'
    )
    assert top_level(text) == [("There are no paper ballots to recount in the state.", "Sam Lew")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "continue to be" is the aspect of another verb, not the speaker's verb
        (
            "In a statement released after the senator left the race, Tom Cruse said he is "
            'certain Marc Rubin will continue to be "a champion for opportunity in this country."',
            "Tom Cruse",
        ),
        (
            "Walter Hewitt sniped that Fiorino, a first-time chief executive, was "
            '"learning on the job," while Fiorino and other leaders penned a series of letters.',
            "Walter Hewitt",
        ),
        ('Mara Lind continued: "We will not stop until the law is changed."', "Mara Lind"),
    ],
)
def test_the_speaker_of_a_partial_quote_is_the_subject_of_its_speech_verb(
    text: str, speaker: str
) -> None:
    (found,) = top_level(text)
    assert found[1] == speaker
