"""FAISS indexes for normalised vectors: exact while small, HNSW when large.

Exact inner-product search is the right answer up to a few hundred thousand
vectors on two cores; past ``HNSW_THRESHOLD`` an HNSW graph answers in a few
milliseconds with recall@10 above 0.95 (see ``bench/scale.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from index.embedding import Vectors

HNSW_THRESHOLD = 200_000
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64


def make_index(vectors: Vectors, kind: str | None = None) -> Any:
    """A FAISS index over ``vectors`` (rows normalised), of the kind for its size."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    kind = kind or index_kind_for(len(vectors))
    index: Any
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(vectors)
    return index


def index_kind_for(count: int) -> str:
    return "hnsw" if count >= HNSW_THRESHOLD else "flat"


def describe(index: Any) -> str:
    import faiss

    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"
