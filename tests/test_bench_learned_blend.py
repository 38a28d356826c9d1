"""bench.learned_blend: ranks under a blend, the fits and the folds, on candidates made
up here (no model, no index)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bench.learned_blend import (
    FEATURES,
    HAND_FEATURES,
    Floats,
    Pool,
    Question,
    first_right_rank,
    fit_ascent,
    fit_pairwise,
    fit_softmax,
    hand_weights,
    metrics,
    out_of_fold,
)
from index.search import SearchConfig

HAND = hand_weights(SearchConfig())
IN_HAND = np.array([name in HAND_FEATURES for name in FEATURES])


def _question(
    sentences: Sequence[dict[str, float]],
    passages: Sequence[int],
    right: Sequence[bool],
    group: str = "a",
) -> Question:
    """``sentences``: feature values by name (0 elsewhere); ``passages``: sentences per
    passage."""
    features = np.array([[row.get(name, 0.0) for name in FEATURES] for row in sentences])
    return Question(
        text="made up",
        set_name="test",
        group=group,
        features=features,
        bounds=np.concatenate([[0], np.cumsum(passages)]).astype(np.int64),
        right=np.array(right, bool),
        answering=np.array([row.get("answering", 0.0) > 0 for row in sentences], bool),
    )


def _typed_question(group: str = "a") -> Question:
    """The right passage's sentence offers the asked kind of answer but is a little less
    similar to the question than the wrong passage's: a bigger answer-kind weight fixes
    the ranking the hand weights get wrong."""
    return _question(
        [
            {"similarity": 0.50, "typed": 1.0, "answering": 1.0},
            {"similarity": 0.10},
            {"similarity": 0.70},
        ],
        passages=[2, 1],
        right=[True, False],
        group=group,
    )


def test_a_passage_is_ranked_by_its_best_sentence_and_ties_go_against_the_right_one() -> None:
    question = _question(
        [{"similarity": 0.2}, {"similarity": 0.9}, {"similarity": 0.5}, {"similarity": 0.9}],
        passages=[2, 1, 1],
        right=[True, False, False],
    )
    assert first_right_rank(question, HAND) == 2  # 0.9 ties with the last passage's 0.9
    assert first_right_rank(_question([{"similarity": 1}], [1], [False]), HAND) is None


def test_the_hand_weights_miss_the_typed_answer_that_a_bigger_bonus_finds() -> None:
    question = _typed_question()
    assert first_right_rank(question, HAND) == 2
    stronger = HAND.copy()
    stronger[FEATURES.index("typed")] = 0.3
    assert first_right_rank(question, stronger) == 1


def test_the_stacked_pool_ranks_as_each_question_alone() -> None:
    rng = np.random.default_rng(7)
    questions = []
    for i in range(30):
        sizes = rng.integers(1, 4, size=int(rng.integers(2, 7)))
        rows = [
            dict(zip(FEATURES, rng.random(len(FEATURES)), strict=True)) for _ in range(sum(sizes))
        ]
        right = rng.random(len(sizes)) < 0.3
        questions.append(_question(rows, sizes.tolist(), right.tolist(), group=str(i)))
    weights = rng.normal(size=len(FEATURES))
    alone = [first_right_rank(q, weights) for q in questions]
    assert Pool.of(questions).first_right_ranks(weights).tolist() == [r for r in alone if r]


@pytest.mark.parametrize(
    "fit",
    [
        lambda qs: fit_ascent(qs, HAND, IN_HAND),
        lambda qs: fit_softmax(qs, HAND, IN_HAND),
        lambda qs: fit_pairwise(qs, IN_HAND),
    ],
    ids=["ascent", "softmax", "pairwise"],
)
def test_each_fit_learns_the_weight_that_puts_the_right_passage_first(fit: object) -> None:
    # and questions where the more similar passage is the right one, neither typed
    similar = _question([{"similarity": 0.8}, {"similarity": 0.4}], [1, 1], [True, False])
    questions = [_typed_question(str(i)) for i in range(4)] + [similar] * 4
    assert callable(fit)
    weights: Floats = fit(questions)
    assert all(first_right_rank(q, weights) == 1 for q in questions)
    assert weights[FEATURES.index("similarity")] == pytest.approx(
        HAND[FEATURES.index("similarity")]
    )
    assert not weights[~IN_HAND].any()  # the extras stay out when not asked for


def test_out_of_fold_never_fits_on_the_article_it_scores() -> None:
    questions = [_typed_question(group=f"article{i % 5}") for i in range(15)]
    seen: list[set[str]] = []

    def fit(train: Sequence[Question]) -> Floats:
        seen.append({q.group for q in train})
        return HAND

    ranks, fitted = out_of_fold(questions, fit, folds=5, seed=0)
    assert len(fitted) == 5
    assert all(len(groups) == 4 for groups in seen)  # each fold leaves one article out
    assert ranks == [2] * 15
    scores = metrics([1, 2, None, 4])
    assert (scores["hits"], scores["hit@1"], scores["hit@3"]) == (1, 0.25, 0.5)
    assert scores["mrr"] == pytest.approx((1 + 0.5 + 0.25) / 4)
