"""Vector search at scale: exact against approximate, to choose the index by size.

``python -m bench.scale --count 1000000`` measures, at several sizes up to
``--count`` (384-dim ``bench.corpus.synthetic_vectors``; the queries are
``--queries`` further vectors of the same distribution, held out of the index):

* exact ``IndexFlatIP``: single-query latency p50/p95 (k = 24, the service's
  candidate count), with FAISS's default threads (what the service uses: it
  never calls ``omp_set_num_threads``) and with one thread; its answers are the
  ground truth;
* each approximate kind of ``index.vector_index.make_index`` (IVF, HNSW), with
  the module's parameters: build seconds, recall@10 and recall@24 against
  exact, single-query p50/p95, a sweep of its search parameter, the size of
  ``faiss.write_index``'s file and, in a fresh process, the seconds and RSS
  growth of ``faiss.read_index`` and the search parameter it comes back with.

Then it prints the threshold the measurements support (the smallest measured
size where exact p50 exceeds ``--few-ms`` and the approximate index meets the
recall target faster), the targets at ``--count`` (recall@10 >= 0.95, p50 <=
10 ms, memory <= 1.3x the raw vectors) and a stress line: the chosen index on
``manifold_vectors``, a distribution without clusters.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from bench.corpus import manifold_vectors, synthetic_vectors
from index import vector_index
from index.vector_index import configure_loaded, index_kind_for, make_index

DIMENSION = 384
K = 24
"""Neighbours asked per query: ``SearchConfig.candidates``."""
RECALL_TARGET = 0.95
P50_TARGET_MS = 10.0
MEMORY_TARGET = 1.3
SWEEPS = {"ivf": (1, 2, 4, 8, 16, 32, 64, 128), "hnsw": (64, 128, 256, 512)}

Matrix = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]


@dataclass
class Searched:
    """Single-query results: the ids found per query and each query's seconds."""

    ids: Ids
    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def p95_ms(self) -> float:
        return 1000 * float(np.percentile(self.seconds, 95))


@dataclass
class Approximate:
    """What one approximate index measured at one size."""

    kind: str
    build_s: float
    build_rss: int
    searched: Searched
    recall10: float
    recall24: float
    file_bytes: int
    load: dict[str, Any]
    one_thread: Searched | None = None
    sweep: list[str] = field(default_factory=list)


@dataclass
class SizeResult:
    count: int
    exact: Searched
    exact_1thread_p50_ms: float
    approximate: dict[str, Approximate]


def one_thread(call: Callable[[], Searched]) -> Searched:
    """``call()`` with FAISS limited to one thread, then the previous count back."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return call()
    finally:
        faiss.omp_set_num_threads(threads)


def search_one_by_one(index: Any, queries: Matrix, k: int = K) -> Searched:
    """Search each query alone, as the service does, timing each call."""
    ids = np.empty((len(queries), k), dtype=np.int64)
    seconds = []
    for row, query in enumerate(queries):
        started = time.perf_counter()
        _, found = index.search(query.reshape(1, -1), k)
        seconds.append(time.perf_counter() - started)
        ids[row] = found[0]
    return Searched(ids, seconds)


def recall(found: Ids, truth: Ids, k: int) -> float:
    """Mean share of the exact top ``k`` that the approximate top ``k`` holds."""
    hits = [
        len(set(a[:k].tolist()) & set(b[:k].tolist())) for a, b in zip(found, truth, strict=True)
    ]
    return sum(hits) / (k * len(truth))


def rss_bytes() -> int:
    """This process's resident memory now (not the peak)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


LOAD_CHILD = """
import json, os, sys, time
import faiss
def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
before = rss()
started = time.perf_counter()
index = faiss.read_index(sys.argv[1])
seconds = time.perf_counter() - started
params = {}
if hasattr(index, "nprobe"):
    params["nprobe"] = int(index.nprobe)
if hasattr(index, "hnsw"):
    params["efSearch"] = int(index.hnsw.efSearch)
print(json.dumps({"seconds": seconds, "rss": rss() - before, "params": params,
                  "ntotal": int(index.ntotal)}))
"""


def load_in_fresh_process(path: Path) -> dict[str, Any]:
    """``faiss.read_index`` in a new interpreter: seconds, RSS growth, search parameters."""
    out = subprocess.run(
        [sys.executable, "-c", LOAD_CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def set_search_parameter(index: Any, kind: str, value: int) -> None:
    if kind == "ivf":
        index.nprobe = value
    else:
        index.hnsw.efSearch = value


def measure_approximate(
    kind: str, database: Matrix, queries: Matrix, truth: Ids, folder: Path
) -> Approximate:
    """Build ``kind`` with the module's parameters and measure it (see the module doc)."""
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = make_index(database, kind=kind)
    build_s = time.perf_counter() - started
    build_rss = rss_bytes() - before
    searched = search_one_by_one(index, queries)
    result = Approximate(
        kind=kind,
        build_s=build_s,
        build_rss=build_rss,
        searched=searched,
        recall10=recall(searched.ids, truth, 10),
        recall24=recall(searched.ids, truth, K),
        file_bytes=0,
        load={},
        one_thread=one_thread(partial(search_one_by_one, index, queries)),
    )
    configured = index.nprobe if kind == "ivf" else index.hnsw.efSearch
    name = "nprobe" if kind == "ivf" else "efSearch"
    for value in SWEEPS[kind]:
        set_search_parameter(index, kind, value)
        swept = search_one_by_one(index, queries)
        result.sweep.append(
            f"{name}={value}: recall@10 {recall(swept.ids, truth, 10):.3f}, "
            f"p50 {swept.p50_ms:.2f} ms, p95 {swept.p95_ms:.2f} ms"
        )
    set_search_parameter(index, kind, configured)
    path = folder / f"{kind}-{len(database)}.faiss"
    faiss.write_index(index, str(path))
    result.file_bytes = path.stat().st_size
    result.load = load_in_fresh_process(path)
    loaded = configure_loaded(faiss.read_index(str(path)))
    again = search_one_by_one(loaded, queries[:50])
    result.load["same_answers"] = bool(np.array_equal(again.ids, searched.ids[:50]))
    result.load["configured"] = {name: int(configured)}
    del index, loaded
    path.unlink()
    gc.collect()
    return result


def measure_size(count: int, queries: int, kinds: list[str], folder: Path, seed: int) -> SizeResult:
    """Exact and approximate search over ``count`` synthetic vectors."""
    vectors = synthetic_vectors(count + queries, DIMENSION, seed)
    database, held_out = vectors[:count], np.ascontiguousarray(vectors[count:])
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(database)
    searched = search_one_by_one(exact, held_out)
    alone = one_thread(partial(search_one_by_one, exact, held_out))
    del exact
    approximate = {
        kind: measure_approximate(kind, database, held_out, searched.ids, folder) for kind in kinds
    }
    return SizeResult(count, searched, alone.p50_ms, approximate)


def print_size(result: SizeResult) -> None:
    raw = result.count * DIMENSION * 4
    print(
        f"\n== {result.count:,} vectors (raw {raw / 1e9:.3f} GB) ==\n"
        f"exact: p50 {result.exact.p50_ms:.2f} ms, p95 {result.exact.p95_ms:.2f} ms "
        f"(1 thread: p50 {result.exact_1thread_p50_ms:.2f} ms)"
    )
    for a in result.approximate.values():
        print(
            f"{a.kind}: build {a.build_s:.1f} s; recall@10 {a.recall10:.3f}, recall@24 "
            f"{a.recall24:.3f}; p50 {a.searched.p50_ms:.2f} ms, p95 {a.searched.p95_ms:.2f} ms "
            f"(1 thread: p50 {a.one_thread.p50_ms if a.one_thread else 0:.2f} ms, "
            f"p95 {a.one_thread.p95_ms if a.one_thread else 0:.2f} ms); "
            f"file {a.file_bytes / 1e9:.3f} GB = {a.file_bytes / raw:.3f}x raw; "
            f"read_index {a.load['seconds']:.2f} s, RSS +{a.load['rss'] / 1e9:.3f} GB = "
            f"{a.load['rss'] / raw:.3f}x raw (build RSS +{a.build_rss / 1e9:.3f} GB); "
            f"after load {a.load['params']} (configured {a.load['configured']}), "
            f"same answers after write/read: {a.load['same_answers']}"
        )
        for line in a.sweep:
            print(f"    {line}")
    sys.stdout.flush()


def exact_crossing(results: list[SizeResult], few_ms: float) -> tuple[float, float, float]:
    """Fit exact one-thread p50 = a + b * size; return (a ms, b ms per 1k, size at ``few_ms``).

    The one-thread figure is the cost of the scan itself: with the default two
    threads a single-query flat search waits for the second core, and when
    other processes hold it that wait, not the search, dominates (10-40 ms
    even at 10k vectors on a busy machine).
    """
    sizes = np.array([r.count for r in results], dtype=np.float64)
    p50s = np.array([r.exact_1thread_p50_ms for r in results])
    if len(results) < 2:
        slope, intercept = p50s[0] / sizes[0], 0.0
    else:
        slope, intercept = np.polyfit(sizes, p50s, 1)
    return float(intercept), float(slope * 1000), float((few_ms - intercept) / slope)


def approximate_holds_from(results: list[SizeResult], kind: str, size: float) -> bool:
    """Whether ``kind`` met the recall target, faster than exact, at every size >= ``size``."""
    return all(
        r.approximate[kind].recall10 >= RECALL_TARGET
        and r.approximate[kind].searched.p50_ms < r.exact.p50_ms
        for r in results
        if r.count >= size and kind in r.approximate
    )


def stress(count: int, queries: int, seed: int) -> None:
    """The chosen kind on ``manifold_vectors`` (no clusters), with its search-parameter sweep."""
    kind = index_kind_for(count)
    if kind == "flat":
        print(f"\n(stress skipped: make_index keeps exact search at {count:,} vectors)")
        return
    vectors = manifold_vectors(count + queries, DIMENSION, seed=seed)
    database, held_out = vectors[:count], np.ascontiguousarray(vectors[count:])
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(database)
    _, truth = exact.search(held_out, K)
    del exact
    started = time.perf_counter()
    index = make_index(database, kind=kind)
    build_s = time.perf_counter() - started
    searched = search_one_by_one(index, held_out)
    print(
        f"\n== stress: {kind} on {count:,} manifold_vectors (32-dim latent, no clusters) ==\n"
        f"build {build_s:.1f} s; recall@10 {recall(searched.ids, truth, 10):.3f}, "
        f"p50 {searched.p50_ms:.2f} ms, p95 {searched.p95_ms:.2f} ms with the module's parameters"
        + (f" (calibrated nprobe {index.nprobe})" if kind == "ivf" else "")
    )
    name = "nprobe" if kind == "ivf" else "efSearch"
    for value in SWEEPS[kind]:
        set_search_parameter(index, kind, value)
        swept = search_one_by_one(index, held_out)
        print(
            f"    {name}={value}: recall@10 {recall(swept.ids, truth, 10):.3f}, "
            f"p50 {swept.p50_ms:.2f} ms, p95 {swept.p95_ms:.2f} ms"
        )


def check(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def summarise(results: list[SizeResult], kinds: list[str], few_ms: float) -> None:
    print("\n== threshold ==")
    print(
        "size      exact p50 (default threads / 1 thread)   "
        + "   ".join(f"{k} p50 / recall@10 / build" for k in kinds)
    )
    for r in results:
        cells = "   ".join(
            f"{r.approximate[k].searched.p50_ms:6.2f} ms / {r.approximate[k].recall10:.3f} / "
            f"{r.approximate[k].build_s:5.1f} s"
            for k in kinds
        )
        print(
            f"{r.count:>9,} {r.exact.p50_ms:9.2f} ms / {r.exact_1thread_p50_ms:7.2f} ms"
            f"{'':20} {cells}"
        )
    intercept, per_1k, crossing = exact_crossing(results, few_ms)
    print(
        f"exact 1-thread p50 ~ {intercept:.2f} ms + {per_1k:.3f} ms per 1k vectors: "
        f"{few_ms:g} ms at ~{crossing:,.0f} vectors"
    )
    for kind in kinds:
        print(
            f"{kind}: recall@10 >= {RECALL_TARGET} and faster than exact at every measured size "
            f">= {crossing:,.0f}: {approximate_holds_from(results, kind, crossing)}"
        )
    print(f"index/vector_index.py: APPROXIMATE_THRESHOLD = {vector_index.APPROXIMATE_THRESHOLD:,}")
    largest = results[-1]
    chosen = index_kind_for(largest.count)
    print(f"\n== targets at {largest.count:,} vectors: make_index chooses {chosen!r} ==")
    if chosen not in largest.approximate:
        print("(the chosen kind was not measured: pass it in --kinds)")
        return
    a = largest.approximate[chosen]
    raw = largest.count * DIMENSION * 4
    memory = max(a.file_bytes, a.load["rss"]) / raw
    print(
        f"recall@10 {a.recall10:.3f} (>= {RECALL_TARGET}: {check(a.recall10 >= RECALL_TARGET)}); "
        f"p50 {a.searched.p50_ms:.2f} ms (<= {P50_TARGET_MS:g}: "
        f"{check(a.searched.p50_ms <= P50_TARGET_MS)}; exact {largest.exact.p50_ms:.1f} ms); "
        f"memory {memory:.3f}x raw (<= {MEMORY_TARGET}: {check(memory <= MEMORY_TARGET)}); "
        f"build {a.build_s:.1f} s; read_index {a.load['seconds']:.2f} s"
    )


def timed(label: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = call()
    print(f"[{label}: {time.perf_counter() - started:.0f} s]", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000, help="largest size")
    parser.add_argument(
        "--sizes",
        default="10000,30000,50000,100000,300000",
        help="smaller sizes, comma-separated (those above --count are dropped)",
    )
    parser.add_argument("--queries", type=int, default=200, help="held-out queries (>= 200)")
    parser.add_argument("--kinds", default="ivf,hnsw", help="approximate kinds to measure")
    parser.add_argument("--threads", type=int, default=0, help="FAISS threads (0: default)")
    parser.add_argument("--few-ms", type=float, default=5.0, help="exact p50 deemed too slow")
    parser.add_argument("--stress-count", type=int, default=-1, help="-1: --count, 0: skip")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.threads:
        faiss.omp_set_num_threads(args.threads)
    kinds = [k for k in args.kinds.split(",") if k]
    sizes = sorted({int(s) for s in args.sizes.split(",") if s and int(s) < args.count})
    sizes.append(args.count)
    started = time.perf_counter()
    print(
        f"FAISS {faiss.__version__}, {faiss.omp_get_max_threads()} threads "
        f"({'set by --threads' if args.threads else 'default, as the service runs'}), "
        f"{os.cpu_count()} CPUs; {args.queries} held-out queries, k={K}, single-query search; "
        f"ivf nprobe calibrated at build to recall@10 >= {vector_index.IVF_RECALL_GOAL} "
        f"among {vector_index.IVF_NPROBE_CHOICES}, hnsw M {vector_index.HNSW_M} efConstruction "
        f"{vector_index.HNSW_EF_CONSTRUCTION} efSearch {vector_index.HNSW_EF_SEARCH}"
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            result = timed(
                f"{size:,} measured",
                lambda size=size: measure_size(size, args.queries, kinds, Path(tmp), args.seed),
            )
            print_size(result)
            results.append(result)
    summarise(results, kinds, args.few_ms)
    stress_count = args.count if args.stress_count < 0 else args.stress_count
    if stress_count:
        timed("stress", lambda: stress(stress_count, args.queries, args.seed))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
