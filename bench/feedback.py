"""Speed of the feedback database: answers recorded and votes committed per second.

``python -m bench.feedback [--answers 2000] [--votes 2000] [--threads 8]`` writes to a
temporary SQLite file with :class:`bot.feedback_store.FeedbackStore` and prints, for
recording answers (``synchronous=NORMAL``, on the path of every question) and for votes
(``synchronous=FULL``, each on disk before the voter is told), the writes per second and
the median and p99 latency of one write, from one thread and from ``--threads`` threads
at once; then how long ``/unanswered`` takes over everything written.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.feedback_store import FeedbackStore, Vote


def timed(calls: list[Callable[[], object]], threads: int) -> tuple[float, list[float]]:
    """Total seconds and each call's seconds, running ``calls`` on ``threads`` threads."""

    def one(call: Callable[[], object]) -> float:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        each = list(pool.map(one, calls))
    return time.perf_counter() - started, each


def report(label: str, total: float, each: list[float]) -> None:
    ordered = sorted(each)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<32} {len(each) / total:8.0f}/s   median {statistics.median(each) * 1000:6.2f} ms"
        f"   p99 {p99 * 1000:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feedback")
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--votes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = FeedbackStore(Path(folder) / "feedback.sqlite3")
        ids: list[int] = []
        for threads in (1, options.threads):
            calls: list[Callable[[], object]] = [
                (
                    lambda n=n: ids.append(
                        store.record_answer(f"question {n % 97}?", "answer", answered=n % 5 > 0)
                    )
                )
                for n in range(options.answers)
            ]
            report(f"record answer, {threads} thread(s)", *timed(calls, threads))
        for threads in (1, options.threads):
            votes: list[Callable[[], object]] = [
                (
                    lambda n=n, threads=threads: store.vote(
                        ids[n % len(ids)],
                        1000 + n + threads * 10**6,
                        Vote.DOWN if n % 4 == 0 else Vote.UP,
                    )
                )
                for n in range(options.votes)
            ]
            report(f"vote (durable), {threads} thread(s)", *timed(votes, threads))
        started = time.perf_counter()
        gaps = store.unanswered()
        elapsed = time.perf_counter() - started
        print(f"/unanswered over {len(ids)} answers: {elapsed * 1000:.1f} ms ({len(gaps)} rows)")
        store.close()


if __name__ == "__main__":
    main()
