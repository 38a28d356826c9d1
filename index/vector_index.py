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
  k-means on 64 vectors per list, ``nprobe`` 32: recall@10 1.000 at every size;
  at 1M: build 19.8 s, p50 3.45 ms, p95 4.6 ms, file and RSS after
  ``read_index`` 1.01x the raw vectors, ``read_index`` 2.9 s.
* ``IndexHNSWFlat`` M=16, efConstruction=40 (``kind="hnsw"``, to compare): at
  1M build 191 s and recall@10 0.75 / 0.85 / 0.90 at efSearch 64 / 256 / 512
  (0.94 at 300k with efSearch 256), 1.09x the raw vectors: isotropic noise
  inside each cluster is a hard case for a graph, and k-means cells fit it.

On vectors without clusters (``bench.corpus.manifold_vectors``, the stress
line of ``bench/scale.py``) IVF at 1M needs nprobe 128 for recall@10 0.96
(p50 13 ms; 0.74 at nprobe 32). Check recall on real embeddings once a large
corpus exists. FAISS saves ``nprobe`` with the index; ``configure_loaded``
re-applies ``IVF_NPROBE`` to an index read from disk, so a retune needs no
rebuild once ``store.load_snapshot`` calls it after ``faiss.read_index``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from index.embedding import Vectors

APPROXIMATE_THRESHOLD = 50_000
"""From this many vectors on, an IVF index instead of exact search (exact p50 ~5 ms here)."""
IVF_NPROBE = 32
"""Lists searched per query: recall@10 1.000 needed 2 at 1M and 8 at 50k on clustered
vectors; 32 keeps p50 ~3.5 ms at 1M and leaves a margin for less clustered embeddings."""
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
    return index


def configure_loaded(index: Any) -> Any:
    """Apply this module's search parameters to ``index`` (built here or read from disk).

    FAISS 1.15 saves ``nprobe`` and ``efSearch`` with the index, so this is not
    needed to keep them; it makes a retuned constant apply to indexes already
    on disk. Returns ``index``.
    """
    import faiss

    if isinstance(index, faiss.IndexIVF):
        index.nprobe = min(IVF_NPROBE, int(index.nlist))
    elif isinstance(index, faiss.IndexHNSW):
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
