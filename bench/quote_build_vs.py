"""Index build time of a PolNeAR split, this tree against an older one, in one run.

``python -m bench.quote_build_vs --old /work/wt-old11`` builds the index of the
split's articles (``--polnear``, default the 84 dev articles) with this tree and
with the tree at ``--old`` (a git worktree of an older commit, e.g. main when
issue 11 was filed), alternating the two, ``--rounds`` builds each, and prints
each build's wall and CPU seconds, the medians and their ratio (issue 11: this
tree's build at most 1.5x the older one's).

Each side is a worker process of its own (cwd and ``PYTHONPATH`` its tree), so
each imports its own ``index`` package. A worker loads the corpus, the embedding
model and (where its tree has one) the quote parser before the first build and
warms them, so no model load is in the timings; then it builds on request, one
build at a time, while the other side waits. CPU is the worker's process time
(every thread): steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve()
THIS_TREE = HERE.parent.parent
DEFAULT_SPLIT = Path("/work/shared/polnear/dev")


# -- worker (runs with the side's own ``index`` on sys.path) ----------------------


def _warm_quote_parser() -> None:
    """Load and warm the tree's quote parser, if it has one (older trees parse nothing)."""
    try:
        from index.quotes.parsing import default_parser  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    default_parser().parse(["“It works,” she said on Monday."])


def worker(articles_dir: Path, commands: IO[str], replies: IO[str]) -> None:
    """Build the index of ``articles_dir`` once per ``build`` line read from ``commands``."""
    from index.articles import load_corpus
    from index.builder import build_snapshot
    from index.embedding import SentenceTransformerEmbedder

    corpus = load_corpus(articles_dir)
    embedder = SentenceTransformerEmbedder()
    embedder.encode_queries(["warm up"])
    _warm_quote_parser()
    replies.write(json.dumps({"ready": len(corpus.articles)}) + "\n")
    replies.flush()
    for line in commands:
        if line.strip() != "build":
            break
        started, cpu = time.perf_counter(), time.process_time()
        snapshot, _ = build_snapshot(corpus, embedder)
        reply = {
            "wall": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "passages": len(snapshot.passages),
            "quotes": len(snapshot.quotes),
        }
        del snapshot
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


# -- driver -----------------------------------------------------------------------


class Side:
    """One tree's worker process."""

    def __init__(self, name: str, tree: Path, articles_dir: Path) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self._process = subprocess.Popen(
            [sys.executable, str(HERE), "--worker", str(articles_dir)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.articles = int(self._read()["ready"])
        self.builds: list[dict[str, float]] = []

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} worker ended (exit {self._process.wait()})")
        return dict(json.loads(line))

    def build(self) -> dict[str, float]:
        assert self._process.stdin is not None
        self._process.stdin.write("build\n")
        self._process.stdin.flush()
        result = self._read()
        self.builds.append(result)
        return result

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()

    def median(self, key: str) -> float:
        return statistics.median(b[key] for b in self.builds)


def compare(old_tree: Path, split: Path, rounds: int) -> dict[str, Any]:
    """Alternate builds of the two trees (old first in even rounds); their figures."""
    articles_dir = split / "articles"
    sides = [Side("old", old_tree, articles_dir), Side("new", THIS_TREE, articles_dir)]
    try:
        for round_number in range(rounds):
            order = sides if round_number % 2 == 0 else sides[::-1]
            for side in order:
                result = side.build()
                print(
                    f"round {round_number + 1} {side.name}: wall {result['wall']:.1f} s, "
                    f"CPU {result['cpu']:.1f} s ({result['passages']:.0f} passages, "
                    f"{result['quotes']:.0f} quotes)",
                    flush=True,
                )
    finally:
        for side in sides:
            side.close()
    old, new = sides
    return {
        "articles": new.articles,
        "rounds": rounds,
        "old_tree": str(old_tree),
        "old": {"wall": old.median("wall"), "cpu": old.median("cpu"), "builds": old.builds},
        "new": {"wall": new.median("wall"), "cpu": new.median("cpu"), "builds": new.builds},
        "wall_ratio": new.median("wall") / old.median("wall"),
        "cpu_ratio": new.median("cpu") / old.median("cpu"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path, help="worktree of the older commit")
    parser.add_argument("--polnear", type=Path, default=DEFAULT_SPLIT, help="PolNeAR split")
    parser.add_argument("--rounds", type=int, default=3, help="builds per side")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, sys.stdin, sys.stdout)
        return
    if args.old is None:
        parser.error("--old is required")
    figures = compare(args.old.resolve(), args.polnear, args.rounds)
    print(
        f"{figures['articles']} articles, median of {figures['rounds']} builds each: "
        f"old wall {figures['old']['wall']:.1f} s (CPU {figures['old']['cpu']:.1f} s), "
        f"new wall {figures['new']['wall']:.1f} s (CPU {figures['new']['cpu']:.1f} s); "
        f"new/old wall {figures['wall_ratio']:.2f}, CPU {figures['cpu_ratio']:.2f} "
        "(issue 11: <= 1.5)"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
