"""Answer kinds, their values and conflicts between sources: pure functions, no model."""

from __future__ import annotations

import numpy as np
import pytest

from index.answer_types import (
    AnswerType,
    answer_values,
    kind_names,
    offers,
    question_type,
    refusal_kind,
)
from index.conflicts import Answer, find_conflict
from index.lexical import stem
from index.models import SourceRef


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much money did the sequel make at the box office?", AnswerType.MONEY),
        ("What was the film's budget?", AnswerType.MONEY),
        ("How much did the studio pay for the rights?", AnswerType.MONEY),
        ("How tall is the actor?", AnswerType.HEIGHT),
        ("What is his height?", AnswerType.HEIGHT),
        ("How long is the film?", AnswerType.DURATION),
        ("What is the running time of the documentary?", AnswerType.DURATION),
        ("How much does the champion weigh?", AnswerType.WEIGHT),
        ("How many goals did she score?", AnswerType.COUNT),
        ("How many miles did she run?", AnswerType.NUMBER),
        ("How much of the town burned?", AnswerType.NUMBER),
        ("What is the singer's net worth?", AnswerType.MONEY),
        ("What is her age?", AnswerType.AGE),
        ("How long does the film run?", AnswerType.DURATION),
        ("When does the film open?", AnswerType.DATE),
        ("How old is the director?", AnswerType.AGE),
        ("How deep is the wreck below the surface?", AnswerType.DEPTH),
        ("How many feet down did the divers go?", AnswerType.DEPTH),
        ("What is the actor's birthday?", AnswerType.BIRTH),
        ("When was the director born?", AnswerType.BIRTH),
        ("How many metres high was the cliff?", AnswerType.HEIGHT),
        ("What time did the ferry dock?", AnswerType.TIME),
        ("What time of year does the festival open?", AnswerType.DATE),
        ("How fast was the ferry going when it hit the pier?", AnswerType.SPEED),
        ("What was the top speed of the boat?", AnswerType.SPEED),
        ("What colour was the keeper's door?", AnswerType.COLOUR),
        ("Which color is the new ferry?", AnswerType.COLOUR),
        ("Which newspaper did the mayor talk to about the budget?", AnswerType.OUTLET),
        ("What podcast did the coach tell about her injury?", AnswerType.OUTLET),
        ("Which site did the chef speak with?", AnswerType.OUTLET),
        ("What country is the skipper from?", AnswerType.ORIGIN),
        ("Where does the chef come from?", AnswerType.ORIGIN),
        ("What nationality is the striker?", AnswerType.ORIGIN),
        ("Where was the ferry built?", AnswerType.PLACE),
        ("Who plays the harbour master?", AnswerType.ACTOR),
        ("Who played Moira in the first series?", AnswerType.ACTOR),
        ("Who is the harbour master?", AnswerType.PERSON),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: AnswerType) -> None:
    assert question_type(question) is kind


@pytest.mark.parametrize(
    "question",
    [
        "How long did the shoot last?",
        "How much did she love it?",
        "Is the actor married?",
        "Which channel aired the final?",
    ],
)
def test_questions_that_ask_for_no_narrow_kind(question: str) -> None:
    assert question_type(question) not in (
        AnswerType.MONEY,
        AnswerType.HEIGHT,
        AnswerType.DURATION,
        AnswerType.WEIGHT,
        AnswerType.OUTLET,
    )


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The sequel grossed $235 million in its opening weekend.", AnswerType.MONEY),
        ("It cost 290 million dollars to make.", AnswerType.MONEY),
        ("The striker, who stands 1.93m tall, scored twice.", AnswerType.HEIGHT),
        ("He is six feet tall.", AnswerType.HEIGHT),
        ("The final cut runs 163 minutes.", AnswerType.DURATION),
        ("The boxer came in at 92kg.", AnswerType.WEIGHT),
        ("The wreck lies about 12,500 feet below the surface.", AnswerType.DEPTH),
        ("It rests at a depth of about 3,800 metres.", AnswerType.DEPTH),
        ("He was born on July 3, 1962, in Syracuse.", AnswerType.BIRTH),
        ("About 5,500 volunteers were called up.", AnswerType.COUNT),
        ("She has jumped 104 times.", AnswerType.COUNT),
        ("Five people were on board.", AnswerType.COUNT),
        ("“I was terrified,” the singer, 34, says.", AnswerType.AGE),
        ("The ferry docked at about 6:15 a.m. after a rough crossing.", AnswerType.TIME),
        ("The storm came ashore early Tuesday morning.", AnswerType.TIME),
        ("She spoke to us at the Royal Albert Hall after the show.", AnswerType.PLACE),
        ("The probe landed near the Moon's south pole.", AnswerType.PLACE),
        ("The flames moved one mile every minute.", AnswerType.SPEED),
        ("Gusts reached 81 mph on the ridge.", AnswerType.SPEED),
        ("The wind blew at 90 kilometres per hour all night.", AnswerType.SPEED),
        ("They escaped in a tiny yellow van.", AnswerType.COLOUR),
        ("In an interview with The Harbour Gazette, the mayor said so.", AnswerType.OUTLET),
        ("Speaking with Radio Kestrel, the coach laughed.", AnswerType.OUTLET),
        ("“We were lucky,” the skipper told Coastline Weekly.", AnswerType.OUTLET),
        ("The chef said on Tideline's podcast that she cooks at dawn.", AnswerType.OUTLET),
        ("The Norwegian skipper thanked the crew.", AnswerType.ORIGIN),
        ("“Being from Portugal, I grew up on boats,” she said.", AnswerType.ORIGIN),
        ("Its harbour master, Moira (Ana Ruiz), steals every scene.", AnswerType.ACTOR),
        ("Ana Ruiz's Moira steals every scene.", AnswerType.ACTOR),
        ("Ana Ruiz, who plays the harbour master, was at the premiere.", AnswerType.ACTOR),
        ("The harbour master is played by Ana Ruiz.", AnswerType.ACTOR),
    ],
)
def test_sentences_that_offer_a_narrow_kind(sentence: str, kind: AnswerType) -> None:
    assert offers(sentence, kind)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The sequel was a hit with audiences in Rome.", AnswerType.MONEY),
        ("He jumped 104 times since October 2021.", AnswerType.HEIGHT),
        ("The director took a long time to cast the role.", AnswerType.DURATION),
        ("The sub went missing 900 miles off Cape Cod.", AnswerType.DEPTH),
        ("The film opened on July 12 in 2023.", AnswerType.BIRTH),
        ("It made landfall at 7:45 a.m. with winds of 125 mph.", AnswerType.COUNT),
        ("The surge reached 15 feet and 80% of the town flooded.", AnswerType.COUNT),
        ("It opens on July 14, 2023, after $56.2M in presales.", AnswerType.COUNT),
        ("The storm grew to a dangerous Category 4 hurricane.", AnswerType.COUNT),
        ("The Harbour Festival Part One has opened to crowds.", AnswerType.COUNT),
        ("The stunt was done on day one of filming.", AnswerType.COUNT),
        ("The ferry was fast and the crossing short.", AnswerType.SPEED),
        ("The ferry left the harbour at dawn.", AnswerType.COLOUR),
        ("The ferry will dock on Thursday.", AnswerType.TIME),
        ("She spoke to us at the end of the show.", AnswerType.PLACE),
        ("He told me the ferry was late.", AnswerType.OUTLET),
        ("The mayor told the council it was late.", AnswerType.OUTLET),
        ("The skipper thanked the crew from the lifeboat.", AnswerType.ORIGIN),
        ("Ben Brandt said the harbour master was the heart of the film.", AnswerType.ACTOR),
    ],
)
def test_sentences_that_do_not_offer_it(sentence: str, kind: AnswerType) -> None:
    assert not offers(sentence, kind)


def test_who_plays_is_refused_only_when_no_person_is_offered() -> None:
    # ranking prefers the sentence naming the actor beside the part, but a question about
    # a part is not refused merely because no sentence has that layout
    assert refusal_kind(AnswerType.ACTOR) is AnswerType.PERSON
    assert refusal_kind(AnswerType.ORIGIN) is AnswerType.ORIGIN
    assert refusal_kind(None) is None


def test_date_values_are_days_of_the_month_then_years() -> None:
    values = answer_values("It opens on Friday, 15th July 2023 in Europe.", AnswerType.DATE)
    assert [key for key, _ in values] == ["jul 15", "year 2023"]
    assert answer_values("It opens on July 15.", AnswerType.DATE)[0] == ("jul 15", "July 15")


def test_money_values_are_the_figures() -> None:
    assert answer_values("It made $1,200 million.", AnswerType.MONEY)[0][0] == "1200"


def _answer(text: str, source: str, vector: list[float] | None = None) -> Answer:
    return Answer(
        highlight=text,
        vector=np.array(vector or [1.0, 0.0], dtype=np.float32),
        sources=(SourceRef(id=source, title=f"Title {source}"),),
    )


def test_two_articles_giving_different_dates_conflict() -> None:
    conflict, positions = find_conflict(
        AnswerType.DATE,
        [
            _answer("The film will be released on Friday, July 15.", "a"),
            _answer("The director spoke about the stunt.", "a"),
            _answer("The film speeds into cinemas on July 10.", "b"),
        ],
    )
    assert conflict is not None
    assert conflict.kind == "date"
    assert [(c.value, c.sources[0].id) for c in conflict.claims] == [
        ("July 15", "a"),
        ("July 10", "b"),
    ]
    assert positions == [0, 2]


def test_the_same_date_twice_is_no_conflict() -> None:
    conflict, _ = find_conflict(
        AnswerType.DATE,
        [
            _answer("The film opens on July 15.", "a"),
            _answer("It reaches cinemas on 15 July 2023.", "b"),
        ],
    )
    assert conflict is None


def test_a_year_does_not_contradict_a_day() -> None:
    conflict, _ = find_conflict(
        AnswerType.DATE,
        [_answer("The film opens on July 15.", "a"), _answer("It opens in 2024.", "b")],
    )
    assert conflict is None


def test_values_about_different_things_do_not_conflict() -> None:
    conflict, _ = find_conflict(
        AnswerType.NUMBER,
        [
            _answer("She has jumped 104 times.", "a", [1.0, 0.0]),
            _answer("The crew built 12 ramps.", "b", [0.0, 1.0]),
        ],
    )
    assert conflict is None


def test_one_article_disagreeing_with_itself_is_not_a_conflict_between_sources() -> None:
    conflict, _ = find_conflict(
        AnswerType.DATE,
        [_answer("It opens on July 15.", "a"), _answer("It opens on July 10.", "a")],
    )
    assert conflict is None


def test_no_conflict_without_a_value_question() -> None:
    answers = [_answer("It opens on July 15.", "a"), _answer("It opens on July 10.", "b")]
    assert find_conflict(None, answers) == (None, [])
    assert find_conflict(AnswerType.PERSON, answers) == (None, [])


def test_the_words_naming_the_kind_asked_for_are_the_questions_frame() -> None:
    # "which newspaper" is answered by "told the Gazette": the sentence needn't say "newspaper"
    assert {stem("newspaper"), stem("site")} <= kind_names(AnswerType.OUTLET)
    assert stem("country") in kind_names(AnswerType.ORIGIN)
    assert stem("skipper") not in kind_names(AnswerType.OUTLET)
    assert kind_names(AnswerType.PERSON) == frozenset()
    assert kind_names(None) == frozenset()
