"""The FAISS index chosen by size: approximate search keeps its recall promise."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt
import pytest

from bench.corpus import manifold_vectors, synthetic_vectors
from bench.scale import recall
from index.vector_index import (
    IVF_NPROBE_CHOICES,
    configure_loaded,
    describe,
    make_index,
)

COUNT = 20_000
QUERIES = 200


def recall_at_10(
    index: faiss.Index, database: npt.NDArray[np.float32], queries: npt.NDArray[np.float32]
) -> float:
    _, truth = faiss.knn(queries, database, 10, faiss.METRIC_INNER_PRODUCT)
    _, found = index.search(queries, 10)
    return recall(found, truth, 10)


@pytest.mark.parametrize(
    "make_vectors",
    [
        pytest.param(synthetic_vectors, id="clustered"),
        pytest.param(manifold_vectors, id="no clusters"),
    ],
)
def test_ivf_finds_the_exact_neighbours_of_new_questions(make_vectors: object) -> None:
    vectors = make_vectors(COUNT + QUERIES, 384, seed=3)  # type: ignore[operator]
    database, queries = vectors[:COUNT], np.ascontiguousarray(vectors[COUNT:])
    index = make_index(database, kind="ivf")
    assert index.nprobe in IVF_NPROBE_CHOICES
    assert recall_at_10(index, database, queries) >= 0.95


def test_clustered_vectors_need_few_lists_and_others_get_more() -> None:
    clustered = make_index(synthetic_vectors(COUNT, 384, seed=3), kind="ivf")
    spread = make_index(manifold_vectors(COUNT, 384, seed=3), kind="ivf")
    assert clustered.nprobe == IVF_NPROBE_CHOICES[0]
    assert spread.nprobe > clustered.nprobe


def test_a_saved_ivf_index_searches_as_calibrated(tmp_path: Path) -> None:
    database = manifold_vectors(COUNT, 384, seed=5)
    index = make_index(database, kind="ivf")
    path = tmp_path / "vectors.faiss"
    faiss.write_index(index, str(path))
    loaded = configure_loaded(faiss.read_index(str(path)))
    assert loaded.nprobe == index.nprobe
    queries = np.ascontiguousarray(database[:50])
    assert np.array_equal(loaded.search(queries, 10)[1], index.search(queries, 10)[1])


def test_small_corpora_are_searched_exactly() -> None:
    database = manifold_vectors(2_000, 384, seed=9)
    index = make_index(database)
    assert describe(index) == "flat"
    assert recall_at_10(index, database, np.ascontiguousarray(database[:50])) == 1.0
