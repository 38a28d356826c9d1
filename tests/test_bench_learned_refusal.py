"""``python -m bench.learned_refusal``: the features a search is described by, and how a
refusal model is scored against the rules (on questions and articles written here)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from bench.learned_refusal import Data, LabelledQuestion, Outcome, labels, sweep
from bench.refusal_features import QuestionSearch, RefusalFeatures, describe
from index.embedding import SentenceTransformerEmbedder
from index.service import CorpusService
from tests.written_articles import written_service

BAKERY = {
    "bakery": (
        "The bakery on Mill Lane",
        "Rosa Lind opened the bakery on Mill Lane in 1998.\n\n"
        "Every morning she bakes four hundred loaves of rye bread before dawn.\n\n"
        "The oven was built by her grandfather from river stones.",
    ),
}


def _question(kind: str, rules_refuse: bool, *, hit1: bool = False) -> LabelledQuestion:
    values = dict.fromkeys(RefusalFeatures.names(), 0.0)
    values["rules_refuse"] = float(rules_refuse)
    return LabelledQuestion(
        "written", "q", kind, "written:a", hit1, hit1, RefusalFeatures(**values)
    )


def test_a_veto_threshold_is_found_that_refuses_more_without_losing_a_right_answer() -> None:
    questions = [
        _question("answerable", rules_refuse=False, hit1=True),
        _question("unanswerable", rules_refuse=False),
        _question("unanswerable", rules_refuse=True),
        _question("off-topic", rules_refuse=True),
    ]
    data = Data.of(questions, ["rules_refuse"], lenient=True)
    probability = np.array([0.2, 0.7, 0.1, 0.9])

    (budget, threshold, outcome), *_ = sweep(data, probability, veto=True)

    assert budget == 0
    assert 0.2 < threshold <= 0.7
    assert outcome == Outcome(refused_unanswerable=2, refused_off_topic=1, kept_hit1=1, kept_hit3=1)
    rules = Outcome.of(questions, data.rules)
    assert "unanswerable refused   2 (+1)" in outcome.versus(rules)


def test_an_answer_missed_anyway_may_be_refused_only_with_lenient_labels() -> None:
    questions = [_question("answerable", rules_refuse=False), _question("off-topic", True)]

    assert labels(questions, lenient=True).tolist() == [1, 1]
    assert labels(questions, lenient=False).tolist() == [0, 1]


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, BAKERY, real_embedder) as built:
        yield built


def _describe(service: CorpusService, question: str) -> QuestionSearch:
    searcher = service._require().searcher
    return describe(searcher, question, service.batcher.encode_with_tokens(question))


@pytest.mark.model
def test_a_question_worded_as_the_article_has_every_word_matched(
    service: CorpusService,
) -> None:
    search = _describe(service, "When did Rosa Lind open the bakery on Mill Lane?")

    assert search.features.rules_refuse == 0.0
    assert "in 1998" in search.passages[0]
    assert search.features.weakest_sentence == 1.0
    assert search.features.exact_share == 1.0
    assert search.top_article == "bakery"


@pytest.mark.model
def test_a_word_the_article_never_approaches_is_the_weakest_link(
    service: CorpusService,
) -> None:
    worded = _describe(service, "Who built the oven?").features
    missing = _describe(service, "Who insured the oven?").features

    assert missing.weakest_passage < worded.weakest_passage
    assert missing.unmatched_passage > worded.unmatched_passage
    assert service.ask("Who insured the oven?").answered == (missing.rules_refuse == 0.0)
