"""Search with the real model over the seeds: known answers, honest refusals, and the
evaluation set as a regression guard."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from index.evaluation import RetrievalCase, evaluate_service, load_retrieval_cases
from index.models import SearchResult
from index.service import CorpusService

pytestmark = pytest.mark.model

BOILERPLATE = [
    "Click 'OK'",
    "notifications",
    "never miss out",
    "Related stories",
    "Cillian Murphy",
    "Oppenheimer",
    "John Wick",
    "Featured Image Credit",
    "Paramount Pictures/Christian Black",
    "Topics:",
    "Pom Klementieff even begged Tom Cruise",
]

KNOWN_ANSWERS = [
    ("How many times has Pom Klementieff jumped?", "104 times"),
    ("Where was the motorbike cliff stunt filmed?", "Hellesylt, Norway"),
    ("Who plays Grace?", "Hayley Atwell"),
    ("How old is Pom Klementieff?", "37-year-old"),
    ("Who plays the villain Gabriel?", "Esai Morales"),
    ("What car were Ethan Hunt and Grace in?", "yellow Fiat"),
    ("Which magazine did Pom Klementieff talk to about the kick?", "Entertainment Weekly"),
    ("Who is the director of the film?", "Christopher McQuarrie"),
    # second before late interaction (MaxSim over the sentences' token vectors)
    ("Which old TV character is Paris named after?", "the Great Paris"),
    ("What did Cruise have to open after riding off the edge?", "deploy a parachute"),
]

HIGHLIGHT_MISSES = {
    "Where was the motorbike cliff stunt filmed?": (
        "search.py ranks 'Initially shot over the pandemic, ... motorbike off a cliff.' "
        "(shares motorbike/cliff/stunt) above 'Shoot in remote Hellesylt, Norway, ...' in the "
        "top passage, so the highlight does not say where"
    ),
}


def known_answer_params() -> list[Any]:
    params = []
    for question, answer in KNOWN_ANSWERS:
        marks = []
        if question in HIGHLIGHT_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=HIGHLIGHT_MISSES[question]))
        params.append(pytest.param(question, answer, marks=marks, id=answer))
    return params


@pytest.mark.parametrize(
    ("question", "answer"), [pytest.param(q, a, id=a) for q, a in KNOWN_ANSWERS]
)
def test_top_passage_holds_the_answer(
    seed_service: CorpusService, question: str, answer: str
) -> None:
    result = seed_service.ask(question)
    assert result.answered
    assert answer in result.passages[0].text


@pytest.mark.parametrize(("question", "answer"), known_answer_params())
def test_highlight_is_the_answering_sentence_of_the_top_passage(
    seed_service: CorpusService, question: str, answer: str
) -> None:
    top = seed_service.ask(question).passages[0]
    assert top.highlight in top.text
    assert answer in top.highlight, f"highlight: {top.highlight!r}"


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Australia?",
        "How do I bake bread?",
        "Who won the World Cup?",
        "What's the weather like in London today?",
    ],
)
def test_off_topic_question_is_refused(seed_service: CorpusService, question: str) -> None:
    result = seed_service.ask(question)
    assert result.answered is False
    assert result.passages == ()


def test_sources_that_disagree_on_the_release_date_are_both_kept(
    seed_service: CorpusService,
) -> None:
    result = seed_service.ask("When does Dead Reckoning open in theaters?")
    assert result.answered
    [conflict] = result.conflicts
    assert conflict.kind == "date"
    values = {claim.value: claim for claim in conflict.claims}
    assert set(values) == {"July 15", "July 10"}
    assert "July 15" in values["July 15"].highlight
    assert values["July 15"].sources[0].id != values["July 10"].sources[0].id
    assert {claim.highlight for claim in conflict.claims} <= {
        hit.highlight for hit in result.passages
    }


@pytest.mark.parametrize(
    "question",
    [
        "Who plays Grace?",
        "How many times has Pom Klementieff jumped?",
        "How old is Tom Cruise?",
        "Where was the motorbike cliff stunt filmed?",
    ],
)
def test_agreeing_sources_raise_no_conflict(seed_service: CorpusService, question: str) -> None:
    assert seed_service.ask(question).conflicts == ()


@pytest.mark.parametrize(
    ("question", "asked_for"),
    [
        ("How much money did Dead Reckoning make at the box office?", "sum of money"),
        ("How tall is Tom Cruise?", "height"),
        ("What is the running time of Dead Reckoning?", "running time"),
    ],
)
def test_on_topic_question_the_articles_cannot_answer_is_refused_honestly(
    seed_service: CorpusService, question: str, asked_for: str
) -> None:
    result = seed_service.ask(question)
    assert result.answered is False
    assert result.passages == ()
    assert result.asked_for == asked_for
    titles = {article.source.title for article in seed_service.info().articles}
    assert result.covers and set(result.covers) <= titles


@pytest.mark.parametrize(
    "question",
    ["What did Tom Cruise eat for breakfast?", "Is Pom Klementieff married?"],
)
def test_question_whose_key_words_the_articles_never_mention_is_refused(
    seed_service: CorpusService, question: str
) -> None:
    result = seed_service.ask(question)
    assert result.answered is False
    assert result.covers  # on topic: the reply says what the articles do cover


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("On which day of the shoot did they do the bike stunt?", "day one of filming"),
        ("Is Cruise careful with the people he works with?", "co-stars"),
    ],
)
def test_paraphrased_question_is_still_answered(
    seed_service: CorpusService, question: str, answer: str
) -> None:
    result = seed_service.ask(question)
    assert result.answered, result
    assert answer in result.passages[0].text


@pytest.mark.parametrize(
    "question",
    [
        "How do I enable notifications?",
        "Who took the featured image?",
        "Why didn't Cillian Murphy attend the Oppenheimer cast dinners?",
        "How did John Wick: Chapter 4 end?",
        "What are the topics of this article?",
        "Which related stories are there?",
    ],
)
def test_boilerplate_is_never_an_answer(seed_service: CorpusService, question: str) -> None:
    result = seed_service.ask(question)
    for hit in result.passages:
        for fragment in BOILERPLATE:
            assert fragment not in hit.text


@pytest.mark.parametrize(
    "variant",
    [
        "Ｈｏｗ ｍａｎｙ ｔｉｍｅｓ has Pom Klementieff jumped？",
        "\u200fHow many times has Pom Klementieff jumped?\u200f",
        "How many\u200b times has Pom\u00a0Klementieff jumped?",
        "@everyone How many times has Pom Klementieff jumped?",
    ],
    ids=["fullwidth", "rtl-marks", "zero-width-and-nbsp", "everyone"],
)
def test_odd_unicode_question_is_answered(seed_service: CorpusService, variant: str) -> None:
    result = seed_service.ask(variant)
    assert result.answered
    assert "104 times" in result.passages[0].highlight


def test_combining_characters_give_the_same_answer(seed_service: CorpusService) -> None:
    composed = "Was the cliff stunt filmed in Hellesylt, Norway, or in Ålesund?"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert seed_service.ask(decomposed) == seed_service.ask(composed)


# -- the evaluation set -----------------------------------------------------------------


@dataclass
class RecordingService:
    """Passes ``ask`` through to the real service and keeps every result."""

    service: CorpusService
    results: list[SearchResult] = field(default_factory=list)

    def ask(self, question: str, k: int = 3) -> SearchResult:
        result = self.service.ask(question, k)
        self.results.append(result)
        return result


@dataclass(frozen=True)
class EvalRun:
    cases: list[RetrievalCase]
    report: dict[str, Any]
    results: list[SearchResult]


@pytest.fixture(scope="module")
def eval_run(seed_service: CorpusService) -> EvalRun:
    cases = load_retrieval_cases()
    recorder = RecordingService(seed_service)
    report = evaluate_service(cast(CorpusService, recorder), cases)
    return EvalRun(cases, report, recorder.results)


def test_evaluation_set_regression_guard(eval_run: EvalRun) -> None:
    report = eval_run.report
    assert report["answerable"] >= 40
    assert report["off_topic_refused"] == 1.0, report["wrongly_answered"]
    assert report["hit@1"] >= 0.77, report["misses"]
    assert report["hit@3"] >= 0.875, report["misses"]


def test_same_statement_is_never_returned_twice(eval_run: EvalRun) -> None:
    for result in eval_run.results:
        highlights = [hit.highlight for hit in result.passages]
        assert len(highlights) == len(set(highlights)), result.question


def test_every_hit_is_well_formed_and_cites_its_sources(
    eval_run: EvalRun, seed_service: CorpusService
) -> None:
    titles = {a.source.id: a.source.title for a in seed_service.info().articles}
    answered = 0
    for result in eval_run.results:
        assert result.answered == bool(result.passages), result.question
        assert len(result.passages) <= 3
        scores = [hit.score for hit in result.passages]
        assert scores == sorted(scores, reverse=True)
        answered += result.answered
        for hit in result.passages:
            assert hit.highlight in hit.text
            assert isinstance(hit.score, float)
            assert hit.sources
            for source in hit.sources:
                assert source.id in titles
                assert source.title == titles[source.id]
    assert answered >= len(eval_run.results) // 2
