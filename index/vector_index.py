"""FAISS indexes for normalised vectors: exact while small, IVF when large.

Chosen by ``python -m bench.scale --count 1000000`` (2 cores, 384 dims,
``bench.corpus.synthetic_vectors``, 200 held-out queries, single-query
latency with FAISS's default threads; figures from the run of the lead's
report, on a machine shared with other jobs):

* exact (``IndexFlatIP``) single-query p50 grows with the size: about 1 ms at
  10k vectors, past 5 ms between 30k and 100k, 80-240 ms at 1M. Below
  ``APPROXIMATE_THRESHOLD`` exact search is fast enough and has perfect recall.
* ``IndexIVFFlat`` (``nlist`` = the power of two nearest sqrt(n), spherical
  k-means on a sample of 64 vectors per list, ``nprobe`` = 32): at 1M, build
  ~20 s, recall@10 1.00 against exact search, p50 ~2.6 ms, serialized size
  1.03x the raw vectors (the vectors, 8-byte ids, a direct map and the centroids).
* ``IndexHNSWFlat`` M=16, efConstruction=40 (kept as ``kind="hnsw"`` to compare):
  at 1M, build ~265 s and recall@10 only 0.75 / 0.85 / 0.90 at efSearch 64 /
  256 / 512 on these vectors (isotropic noise inside each cluster is the
  hardest case for a graph), 1.09x the raw vectors.

On vectors without cluster structure IVF needs more probes than on these; the
stress line of ``bench/scale.py`` prints its recall so a retune shows up there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from index.embedding import Vectors

APPROXIMATE_THRESHOLD = 50_000
"""From this many vectors on, an IVF index instead of exact search (see above)."""
IVF_NPROBE = 32
"""Lists searched per query. 2 already gave recall 1.00 at 1M on clustered vectors; 32
keeps p50 near 3 ms at 1M and leaves a margin for real embeddings, less clustered."""
IVF_TRAIN_PER_LIST = 64
"""Training sample per list (FAISS wants 39 to 256)."""
IVF_KMEANS_ITERATIONS = 20
IVF_SEED = 1234

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
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
