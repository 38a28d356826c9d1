"""The ranking's inputs, read without changing a result: what ``bench/learned_blend.py``
fits a blend on must be what the ranking blends."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from index.answer_types import question_type
from index.search import RankingInputs, Searcher
from index.service import CorpusService
from tests.written_articles import written_service

ARTICLES = {
    "harbour_bakery": (
        "Harbour bakery wins the bread prize",
        "The harbour bakery in Lowmoor won the county bread prize on Saturday. "
        "Its owner, Greta Vale, has baked rye loaves there since 1998. "
        "The judges praised the crust and the crumb.\n\n"
        "Vale said the secret was a starter kept alive for twenty years. "
        "The bakery opens at six every morning.",
    ),
    "river_ferry": (
        "River ferry returns after repairs",
        "The old river ferry at Dunmere carries passengers again after a winter of repairs. "
        "Its new engine was built in Glasgow. "
        "The crossing takes eleven minutes.\n\n"
        "Captain Ilsa Brandt has steered the ferry for nine years.",
    ),
}

QUESTION = "Who owns the harbour bakery in Lowmoor?"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, ARTICLES) as opened:
        yield opened


def _searcher(service: CorpusService) -> Searcher:
    return Searcher(service.snapshot, service.embedder)


def _inputs(searcher: Searcher, question: str) -> RankingInputs:
    vector = searcher.embedder.encode_queries([question])[0]
    inputs = searcher.ranking_inputs(question, vector, kind=question_type(question))
    assert inputs is not None
    return inputs


def test_the_inputs_blended_with_the_hand_weights_give_the_ranking(
    service: CorpusService,
) -> None:
    searcher = _searcher(service)
    inputs = _inputs(searcher, QUESTION)
    config = searcher.config
    sentence = (
        config.sentence_weight * inputs.similarity
        + config.lexical_weight * inputs.coverage_in_context
        + config.late_weight * inputs.late
        + config.answer_type_bonus * inputs.typed
    )
    passage = (
        config.passage_weight * inputs.passage_similarity
        + config.passage_late_weight * inputs.passage_late
        + config.bm25_weight * inputs.passage_bm25
    )
    blended = {
        int(passage_id): float(passage[i] + sentence[inputs.bounds[i] : inputs.bounds[i + 1]].max())
        for i, passage_id in enumerate(inputs.passage_ids)
    }
    vector = searcher.embedder.encode_queries([QUESTION])[0]
    ranked = searcher.rank(QUESTION, vector, kind=question_type(QUESTION))
    assert [s.passage_id for s in ranked] == sorted(blended, key=lambda p: -blended[p])
    assert [s.score for s in ranked] == pytest.approx([blended[s.passage_id] for s in ranked])


def test_the_sentence_naming_the_owner_holds_the_question_words_and_the_asked_kind(
    service: CorpusService,
) -> None:
    searcher = _searcher(service)
    inputs = _inputs(searcher, QUESTION)
    texts = [searcher._sentence_text(int(row)) for row in inputs.rows]
    owner = texts.index("Its owner, Greta Vale, has baked rye loaves there since 1998.")
    ferry = next(i for i, text in enumerate(texts) if "Captain Ilsa Brandt" in text)
    assert inputs.typed[owner] == 1.0  # "who" asks for a person, and she is named
    assert inputs.coverage_in_context[owner] > inputs.coverage_in_context[ferry]
    # the title's words count as context: "harbour bakery" is in the title, not the sentence
    assert inputs.coverage_in_context[owner] > inputs.coverage[owner]


def test_every_candidate_has_a_dense_rank_and_each_sentence_its_passage_values(
    service: CorpusService,
) -> None:
    searcher = _searcher(service)
    inputs = _inputs(searcher, QUESTION)
    passages = len(inputs.passage_ids)
    sentences = len(inputs.rows)
    assert inputs.bounds[-1] == sentences
    assert len(inputs.similarity) == len(inputs.late) == len(inputs.typed) == sentences
    # every passage of this small index is in the dense list: ranks 0, 1, 2...
    assert sorted(inputs.dense_rank.tolist()) == list(range(passages))
    nearest = int(np.argmax(inputs.passage_similarity))
    assert inputs.dense_rank[nearest] == 0
    spread = inputs.per_sentence(inputs.passage_bm25)
    assert len(spread) == sentences
    assert spread[inputs.bounds[nearest]] == inputs.passage_bm25[nearest]


def test_reading_the_inputs_changes_no_answer(service: CorpusService) -> None:
    searcher = _searcher(service)
    vector = searcher.embedder.encode_queries([QUESTION])[0]

    def ranking() -> list[tuple[int, float, float, int]]:
        ranked = searcher.rank(QUESTION, vector, kind=question_type(QUESTION))
        return [(s.passage_id, s.score, s.relevance, s.sentence) for s in ranked]

    before = ranking()
    answer = searcher.search(QUESTION)
    _inputs(searcher, QUESTION)
    assert ranking() == before
    assert searcher.search(QUESTION) == answer
    assert service.snapshot.passages[before[0][0]].article_id == "harbour_bakery"
