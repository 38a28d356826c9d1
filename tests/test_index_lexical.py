"""BM25 over passages: the scores of the textbook formula, built from flat arrays."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from index.lexical import K1, B, BM25Index, tokenize

DOCUMENTS = [
    "Tom Cruise rode a motorbike off a cliff in Norway.",
    "The stunt was filmed in Norway, on a cliff called Preikestolen.",
    "",
    "Pom Klementieff has jumped over a hundred times; jumping is her passion.",
    "The the the of and",  # only stopwords
]


def textbook_scores(documents: list[str], query: list[str]) -> list[float]:
    counts = [Counter(tokenize(d)) for d in documents]
    average = sum(sum(c.values()) for c in counts) / len(counts)
    scores = []
    for counter in counts:
        length = sum(counter.values())
        score = 0.0
        for term in set(query):
            df = sum(1 for c in counts if term in c)
            if not df:
                continue
            idf = math.log(1.0 + (len(counts) - df + 0.5) / (df + 0.5))
            tf = counter[term]
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        scores.append(score)
    return scores


@pytest.mark.parametrize(
    "question", ["where was the cliff stunt filmed", "how many jumps", "Norway", "unseen words"]
)
def test_scores_are_the_textbook_bm25(question: str) -> None:
    index = BM25Index.build(DOCUMENTS)
    query = tokenize(question)
    np.testing.assert_allclose(
        index.scores(query), textbook_scores(DOCUMENTS, query), rtol=1e-5, atol=1e-6
    )


def test_saved_and_loaded_index_scores_the_same(tmp_path: Path) -> None:
    index = BM25Index.build(DOCUMENTS)
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    query = tokenize("cliff in Norway")
    np.testing.assert_array_equal(loaded.scores(query), index.scores(query))
    assert loaded.vocabulary == index.vocabulary


@pytest.mark.parametrize("documents", [[], [""], ["the of and"]])
def test_documents_without_words_give_an_index_that_scores_zero(documents: list[str]) -> None:
    index = BM25Index.build(documents)
    assert index.doc_count == len(documents)
    assert not index.scores(tokenize("anything at all")).any()
