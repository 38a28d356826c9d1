"""Interview layouts: answers set without quotation marks, and quotes mixing mark styles."""

from __future__ import annotations

from index.builder import _marked_statements
from index.models import Span, StoredQuote
from index.quotes import extract_quotes


def _by_text(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {q.text: (q.speaker, q.reported_by) for q in extract_quotes(text)}


def test_unmarked_answer_after_a_colon_lead_in_is_the_interviewees_quote() -> None:
    text = (
        "The singer Marta Velasquez talked to us before her tour. Asked about the new "
        "album, here is what Marta Velasquez had to say:\n\n"
        "I wrote most of these songs on the road, and we recorded them in a barn. "
        "My band never complained once.\n\n"
        "The tour starts in Lisbon next month. As she continued:\n\n"
        "I still get nervous before every show, even after twenty years of playing.\n"
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Marta Velasquez", "Marta Velasquez"]
    assert quotes[0].text.startswith("I wrote most of these songs on the road")
    assert quotes[1].text.startswith("I still get nervous before every show")


def test_narrative_or_a_list_after_a_colon_is_not_a_quote() -> None:
    text = (
        "The mayor of Dunmore, Alan Fisk, listed the closures on Monday:\n\n"
        "Three schools, two libraries and the central swimming pool will shut in March.\n\n"
        "The reasons were given in the council's report:\n\n"
        "Budget cuts.\n"
    )
    assert extract_quotes(text) == []


def test_curly_quote_inside_a_straight_quote_is_nested_and_the_quote_goes_on() -> None:
    text = (
        'The painter Lena Kowalczyk described her teacher, Oskar Brandt. "I showed Oskar the '
        'canvas and he just stared at me," said Kowalczyk. "Then he goes, “Paint it again, '
        'and paint it slower.” I was furious, but he was right, and I did it again."\n'
    )
    quotes = _by_text(text)
    whole = next(t for t in quotes if t.startswith("Then he goes") or "Then he goes" in t)
    assert "I was furious, but he was right" in whole
    assert quotes[whole] == ("Lena Kowalczyk", None)
    assert quotes["Paint it again, and paint it slower."] == ("Oskar Brandt", "Lena Kowalczyk")


def test_straight_quote_left_open_at_the_end_keeps_its_curly_inner_quote() -> None:
    text = (
        "Director Ruth Amsel spoke about the heroine. Amsel went on to say:\n\n"
        '"You cannot call her the “lonely genius,” because she has friends everywhere '
        "and she relies on them.\n"
    )
    quotes = _by_text(text)
    outer = next(t for t in quotes if t.startswith("You cannot call her"))
    assert outer.endswith("she relies on them.")
    assert quotes[outer][0] == "Ruth Amsel"


def test_only_quotes_opening_with_a_mark_hold_their_sentences_in_one_passage() -> None:
    text = 'Lead in:\n\nI sing. We play.\n\n"One. Two," she said.'
    block = StoredQuote(0, "a", "I sing. We play.", 10, 26, "Ann Lee")
    marked = StoredQuote(1, "a", "One. Two,", 28, 39, "Ann Lee")
    assert text[block.start : block.end] == "I sing. We play."
    assert _marked_statements(text, [block, marked]) == [Span(28, 39)]


INTERVIEW = (
    "Actor Paul Kendrick and director Carla Pryce sat down with us to talk about the film.\n\n"
    "Q: How did the stunt come together?\n\n"
    "Paul Kendrick: We trained for a year before we tried it, and I was terrified.\n\n"
    "Q: And the script?\n\n"
    "CP: I rewrote the ending three times because the first version did not work.\n\n"
    "PK: She never stops writing, and we love her for it.\n"
)


def test_labelled_interview_answers_are_quotes_of_the_person_labelled() -> None:
    quotes = _by_text(INTERVIEW)
    assert quotes == {
        "We trained for a year before we tried it, and I was terrified.": ("Paul Kendrick", None),
        "I rewrote the ending three times because the first version did not work.": (
            "Carla Pryce",
            None,
        ),
        "She never stops writing, and we love her for it.": ("Paul Kendrick", None),
    }


def test_initials_shared_by_two_people_name_nobody() -> None:
    text = INTERVIEW.replace(
        "to talk about the film.", "to talk about the film. Producer Pete Kane joined them later."
    )
    assert _by_text(text)["She never stops writing, and we love her for it."] == (None, None)


def test_a_surname_label_is_the_full_name_introduced_earlier() -> None:
    text = (
        "Director Carla Pryce spoke to us about her new thriller.\n\n"
        "Q: Was the shoot hard?\n\n"
        "Pryce: The desert heat was brutal, and we lost two weeks to sandstorms.\n\n"
        "Q: Would you go back?\n\n"
        "Pryce: I would go back tomorrow, because the light there is like nowhere else.\n"
    )
    assert {q.speaker for q in extract_quotes(text)} == {"Carla Pryce"}
    assert len(extract_quotes(text)) == 2
