"""Build and ask speed, each next to the bare model doing the same work.

``python -m bench.speed [--articles N] [--corpus DIR ...]`` prints, in one run:

* build: seconds and passages/s for a full build of a synthetic corpus, next to
  the bare model's ``encode`` throughput on the very same passage texts, as the
  model ships (float32) and in bfloat16 autocast, the arithmetic the build uses on
  a CPU with native bfloat16 (``EMBEDDING_PRECISION``; the sides alternate,
  ``--build-rounds`` times, and the medians count); the quote
  extraction (the spaCy parse of the paragraphs with quotes, which the bare model
  does not do) is timed on its own in the same rounds, and the ratio is also given
  without it;
* ask: warm latency p50/p95 of ``CorpusService.ask`` on the seed articles, next
  to the bare cost of ``model.encode([q])`` (float32) plus a FAISS search.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.corpus import write_corpus
from index.articles import load_corpus
from index.builder import build_snapshot
from index.cleaning import clean_article
from index.embedding import SentenceTransformerEmbedder
from index.evaluation import load_retrieval_cases
from index.quote_index import extract_articles_quotes
from index.service import CorpusService
from index.settings import IndexSettings, Precision

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def bare_encode(
    embedder: SentenceTransformerEmbedder, texts: Sequence[str], bfloat16: bool
) -> None:
    """The model's own ``encode`` of ``texts``, in float32 or under bfloat16 autocast."""
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
        embedder.model.encode(list(texts), batch_size=32, show_progress_bar=False)


def copy_articles(sources: Sequence[Path], target: Path) -> None:
    """The article files of ``sources`` (and their sidecars), together in ``target``."""
    target.mkdir(parents=True)
    for source in sources:
        for path in sorted(source.iterdir()):
            if path.is_file():
                shutil.copyfile(path, target / path.name)


def bench_build(
    embedder: SentenceTransformerEmbedder,
    articles: int,
    rounds: int = 3,
    sources: Sequence[Path] = (),
) -> dict[str, float]:
    """Builds and bare encodes (float32, bfloat16) of the same passages, alternating;
    medians of ``rounds``."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus_dir = Path(tmp) / "corpus"
        if sources:
            copy_articles(sources, corpus_dir)
        else:
            write_corpus(corpus_dir, articles)
        corpus = load_corpus(corpus_dir)
        cleaned = [(a, clean_article(a.text, a.title)) for a in corpus.articles]
        # warm the model and the parser once so no side pays first-call costs
        embedder.encode_queries(["warm up"])
        extract_articles_quotes(cleaned[:1])
        builds: list[float] = []
        bares: list[float] = []
        bares_bf16: list[float] = []
        quotes: list[float] = []
        texts: list[str] = []
        for round_number in range(rounds):
            sides = ("build", "bare", "bare_bf16")
            for side in sides if round_number % 2 == 0 or not texts else sides[::-1]:
                started = time.perf_counter()
                if side == "build":
                    snapshot, _ = build_snapshot(corpus, embedder)
                    builds.append(time.perf_counter() - started)
                    texts = [p.text for p in snapshot.passages]
                    del snapshot
                else:
                    bare_encode(embedder, texts, bfloat16=side == "bare_bf16")
                    (bares if side == "bare" else bares_bf16).append(time.perf_counter() - started)
            # a build of 100+ articles lets the parser go when done: load it again first,
            # outside the timing, as the build found it loaded
            extract_articles_quotes(cleaned[:1])
            started = time.perf_counter()
            extract_articles_quotes(cleaned)
            quotes.append(time.perf_counter() - started)
    n = len(texts)
    articles = len(corpus.articles)
    build_seconds, bare_seconds = statistics.median(builds), statistics.median(bares)
    bare_bf16_seconds = statistics.median(bares_bf16)
    quote_seconds = statistics.median(quotes)
    return {
        "precision": embedder.precision,
        "articles": articles,
        "passages": n,
        "rounds": rounds,
        "build_seconds": build_seconds,
        "build_passages_per_s": n / build_seconds,
        "bare_seconds": bare_seconds,
        "bare_passages_per_s": n / bare_seconds,
        "ratio": bare_seconds / build_seconds,
        "bare_bf16_seconds": bare_bf16_seconds,
        "ratio_bf16": bare_bf16_seconds / build_seconds,
        "quote_seconds": quote_seconds,
        "ratio_without_quotes": bare_seconds / (build_seconds - quote_seconds),
        "ratio_bf16_without_quotes": bare_bf16_seconds / (build_seconds - quote_seconds),
    }


def bench_ask(embedder: SentenceTransformerEmbedder, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = IndexSettings(seeds_dir=SEEDS, index_dir=Path(tmp) / "index")
        service = CorpusService(settings, embedder=embedder)
        service.open()
        questions = [case.question for case in load_retrieval_cases()]
        for question in questions[:5]:
            service.ask(question)
        ours: list[float] = []
        bare: list[float] = []
        faiss_index = service.snapshot.faiss_index
        for _ in range(rounds):
            for question in questions:
                started = time.perf_counter()
                service.ask(question)
                ours.append(time.perf_counter() - started)
                started = time.perf_counter()
                vector = embedder.model.encode(
                    [question], normalize_embeddings=True, show_progress_bar=False
                )
                faiss_index.search(np.asarray(vector, dtype=np.float32), 24)
                bare.append(time.perf_counter() - started)
    return {
        "questions": len(ours),
        "ask_p50_ms": 1000 * statistics.median(ours),
        "ask_p95_ms": 1000 * _percentile(ours, 95),
        "bare_p50_ms": 1000 * statistics.median(bare),
        "bare_p95_ms": 1000 * _percentile(bare, 95),
        "p50_ratio": statistics.median(ours) / statistics.median(bare),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300, help="synthetic articles to build")
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        default=[],
        help="build these folders' real articles instead of synthetic ones (repeatable)",
    )
    parser.add_argument("--skip-ask", action="store_true", help="time the build only")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    parser.add_argument("--build-rounds", type=int, default=3, help="builds (and bare encodes)")
    parser.add_argument(
        "--precision",
        choices=["auto", "float32", "bfloat16"],
        default="auto",
        help="the build's and ask's arithmetic (EMBEDDING_PRECISION)",
    )
    args = parser.parse_args()
    precision: Precision = args.precision
    embedder = SentenceTransformerEmbedder(precision=precision)
    build = bench_build(embedder, args.articles, args.build_rounds, args.corpus)
    print(
        f"build in {build['precision']} (median of {build['rounds']:.0f}, alternating): "
        f"{build['passages']:.0f} passages from {build['articles']:.0f} articles in "
        f"{build['build_seconds']:.2f}s = {build['build_passages_per_s']:.1f} passages/s; "
        f"bare encode {build['bare_seconds']:.2f}s = {build['bare_passages_per_s']:.1f} "
        f"passages/s; ratio {build['ratio']:.2f} (target >= 0.85)"
    )
    print(
        f"  bare encode in bfloat16 {build['bare_bf16_seconds']:.2f}s; "
        f"ratio to it {build['ratio_bf16']:.2f}"
    )
    print(
        f"  of the build, quote extraction (spaCy parse and attribution) "
        f"{build['quote_seconds']:.2f}s; ratio without it "
        f"{build['ratio_without_quotes']:.2f} (to bfloat16: "
        f"{build['ratio_bf16_without_quotes']:.2f})"
    )
    if args.skip_ask:
        return
    ask = bench_ask(embedder, args.rounds)
    print(
        f"ask (warm, {ask['questions']:.0f} questions): p50 {ask['ask_p50_ms']:.1f} ms, "
        f"p95 {ask['ask_p95_ms']:.1f} ms; bare encode+search p50 {ask['bare_p50_ms']:.1f} ms, "
        f"p95 {ask['bare_p95_ms']:.1f} ms; p50 ratio {ask['p50_ratio']:.2f} (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
