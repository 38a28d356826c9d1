"""FAISS indexes for normalised vectors: exact while small, IVF when large.

Chosen by ``python -m bench.scale --count 1000000`` (FAISS 1.15.1, 2 cores
shared with other jobs, 384 dims, ``bench.corpus.synthetic_vectors``, 200
held-out queries, single-query search, k=24; run of 2026-11-22, 505 s):

* exact ``IndexFlatIP``, one thread: p50 0.48 / 2.7 / 5.2 / 9.6 / 26.5 / 90 ms
  at 10k / 30k / 50k / 100k / 300k / 1M vectors (~0.09 ms per 1k vectors: 5 ms
  at ~54k). With FAISS's default two threads it is slower on a busy machine
  (2.7 / 16 / 24 / 36 / 88 / 127 ms): the single query waits for a second core.
  Below ``APPROXIMATE_THRESHOLD`` exact search costs under ~5 ms, recall 1.
* ``IndexIVFFlat``, ``nlist`` = the power of two nearest sqrt(n), spherical
  k-means on 64 vectors per list, ``nprobe`` calibrated (below): recall@10
  1.000 at every size; at 1M (nprobe 8, rerun 2026-11-22): build 18.3 s with
  the calibration, p50 0.87 ms, p95 1.1 ms, file and RSS after ``read_index``
  1.01x the raw vectors, ``read_index`` 2.9 s.
* ``IndexHNSWFlat`` M=16, efConstruction=40 (``kind="hnsw"``, to compare): at
  1M build 191 s and recall@10 0.75 / 0.85 / 0.90 at efSearch 64 / 256 / 512
  (0.94 at 300k with efSearch 256), 1.09x the raw vectors: isotropic noise
  inside each cluster is a hard case for a graph, and k-means cells fit it.

On vectors without clusters (``bench.corpus.manifold_vectors``, the stress
line of ``bench/scale.py``) a fixed nprobe 32 gives recall@10 only 0.74 at 1M
(nprobe 128: 0.96, p50 13 ms); calibrated, it picks 256: recall@10 0.992,
p50 26 ms, build 39 s. How clustered real embeddings are depends on the
corpus, so ``nprobe`` is not fixed: ``calibrate_nprobe`` measures recall@10
against exact search on a sample of the index's own vectors right after the
build and keeps the smallest nprobe from ``IVF_NPROBE_CHOICES`` that reaches
``IVF_RECALL_GOAL``. FAISS saves ``nprobe`` with the index, so a loaded index
searches as calibrated.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from index.embedding import Vectors

log = logging.getLogger(__name__)

APPROXIMATE_THRESHOLD = 50_000
"""From this many vectors on, an IVF index instead of exact search (exact p50 ~5 ms here)."""
IVF_NPROBE_CHOICES = (8, 16, 32, 64, 128, 256)
"""Lists searched per query, tried in order by ``calibrate_nprobe``: on clustered vectors
recall@10 1.000 needed 2 at 1M and 8 at 50k; nprobe 32 costs p50 ~3.5 ms at 1M, 128
about 13 ms."""
IVF_RECALL_GOAL = 0.97
"""recall@10 the calibration asks for: a margin over the 0.95 promised, since the sample
is small and real questions lie further from the passages than passages do."""
IVF_CALIBRATION_QUERIES = 200
CALIBRATION_K = 10
IVF_TRAIN_PER_LIST = 64
"""Training sample per list (FAISS wants 39 to 256)."""
IVF_KMEANS_ITERATIONS = 20
IVF_SEED = 1234

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
"""40 keeps the comparison build in ``bench/scale.py`` at 191 s for 1M vectors."""
HNSW_EF_SEARCH = 256


def make_index(vectors: Vectors, kind: str | None = None) -> Any:
    """A FAISS inner-product index over ``vectors`` (rows normalised), of the kind for its size.

    ``kind`` forces ``"flat"``, ``"ivf"`` or ``"hnsw"``; every kind can
    ``reconstruct(i)`` its vectors and keeps its search parameters when saved.
    """
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dimension = vectors.shape
    kind = kind or index_kind_for(count)
    index: Any
    if kind == "ivf":
        if not count:
            raise ValueError("an IVF index is trained on its vectors: none were given")
        nlist = ivf_nlist(count)
        index = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT
        )
        index.cp.spherical = True
        index.cp.niter = IVF_KMEANS_ITERATIONS
        index.cp.seed = IVF_SEED
        index.train(_training_sample(vectors, IVF_TRAIN_PER_LIST * nlist))
        index.make_direct_map()  # reconstruct(i), which search and reuse need
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    configure_loaded(index)
    if count:
        index.add(vectors)
    if kind == "ivf":
        calibration = calibrate_nprobe(index, vectors)
        log.info(
            "IVF index over %d vectors: nprobe %d, recall@10 %.3f",
            count,
            calibration.nprobe,
            calibration.recall,
        )
    return index


@dataclass(frozen=True, slots=True)
class Calibration:
    nprobe: int
    recall: float


def calibrate_nprobe(index: Any, vectors: Vectors, seed: int = IVF_SEED) -> Calibration:
    """Set ``index.nprobe`` to the smallest choice that reaches ``IVF_RECALL_GOAL``.

    Queries are ``IVF_CALIBRATION_QUERIES`` of the indexed vectors; each one's own row
    is left out of both its exact and its approximate neighbours. When no choice
    reaches the goal, the largest is kept (the most recall there is to have).
    """
    import faiss

    count = int(index.ntotal)
    if count <= CALIBRATION_K + 1:
        index.nprobe = int(index.nlist)
        return Calibration(int(index.nprobe), 1.0)
    rows = np.random.default_rng(seed).choice(
        count, min(IVF_CALIBRATION_QUERIES, count), replace=False
    )
    queries = np.ascontiguousarray(vectors[rows], dtype=np.float32)
    _, exact = faiss.knn(queries, vectors, CALIBRATION_K + 1, faiss.METRIC_INNER_PRODUCT)
    truth = _without_self(exact, rows)
    nlist = int(index.nlist)
    reached = 0.0
    for nprobe in [n for n in IVF_NPROBE_CHOICES if n < nlist] or [nlist]:
        index.nprobe = nprobe
        _, found = index.search(queries, CALIBRATION_K + 1)
        reached = _recall(_without_self(found, rows), truth)
        if reached >= IVF_RECALL_GOAL:
            break
    return Calibration(int(index.nprobe), reached)


def _without_self(ids: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]) -> list[set[int]]:
    """Each query's first ``CALIBRATION_K`` neighbours other than its own row."""
    return [
        set([int(i) for i in found if i != row and i >= 0][:CALIBRATION_K])
        for found, row in zip(ids, rows, strict=True)
    ]


def _recall(found: list[set[int]], truth: list[set[int]]) -> float:
    hits = sum(len(f & t) for f, t in zip(found, truth, strict=True))
    return hits / max(1, sum(len(t) for t in truth))


def configure_loaded(index: Any) -> Any:
    """Apply this module's search parameters to ``index`` (built here or read from disk).

    An IVF index keeps the ``nprobe`` it was calibrated with (FAISS saves it); an
    HNSW index gets ``HNSW_EF_SEARCH``. Returns ``index``.
    """
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def index_kind_for(count: int) -> str:
    """``"ivf"`` from ``APPROXIMATE_THRESHOLD`` vectors on, else ``"flat"``."""
    return "ivf" if count >= APPROXIMATE_THRESHOLD else "flat"


def ivf_nlist(count: int) -> int:
    """Inverted lists for ``count`` vectors: the power of two nearest sqrt(count), 16..65536."""
    if count < 2:
        return 1
    nearest = 2 ** round(math.log2(math.sqrt(count)))
    return int(min(65_536, max(16, nearest), max(1, count // 39)))


def describe(index: Any) -> str:
    """The kind of ``index`` as the manifest records it: flat, ivf or hnsw."""
    import faiss

    if isinstance(index, faiss.IndexIVF):
        return "ivf"
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    return "flat"


def _training_sample(vectors: Vectors, size: int) -> Vectors:
    if len(vectors) <= size:
        return vectors
    rows = np.random.default_rng(IVF_SEED).choice(len(vectors), size, replace=False)
    rows.sort()
    return np.ascontiguousarray(vectors[rows])
