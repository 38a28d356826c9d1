"""Incremental reindex: what editing, deleting and adding one article costs.

``python -m bench.incremental [--articles 1000]`` writes a synthetic corpus,
then times ``CorpusService.reindex()`` (the real model, the real store) for:

1. a full build (no previous index);
2. the same corpus with one sentence of one article edited;
3. one article deleted and one new article added.

It prints each time, the ratios edit/full and delete+add/full (target <= 5 %),
checks the ``BuildReport`` fields (changed, added, removed, reused_articles)
and checks the answers: the edited sentence, the added article's unique
sentence and the deleted article's headline are asked about, and the cited
articles must be (or no longer be) the right ones. Exits 1 when a check fails.
``--profile`` then prints the top of a cProfile of one more one-article edit.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import write_corpus
from index.embedding import SentenceTransformerEmbedder
from index.models import BuildReport, SearchResult
from index.service import CorpusService
from index.settings import IndexSettings

EDITED_SENTENCE = (
    "The harbour pilot Zephyrine Quackenbush steered a floating opera stage "
    "past 37 lighthouses before dawn."
)
EDIT_QUESTION = "How many lighthouses did Zephyrine Quackenbush steer the opera stage past?"
ADDED_ARTICLE = (
    "Glowing jellyfish return to the fjord\n\n"
    "The marine biologist Xanthe Oyelaran counted 4812 glowing jellyfish in the fjord "
    "near Bergen last winter, the largest swarm on record.\n\n"
    "Oyelaran said the warm current had carried them north three weeks earlier than usual.\n"
)
ADDED_QUESTION = "How many glowing jellyfish did Xanthe Oyelaran count?"
ADDED_ID = "zz_added_jellyfish"


def cited_articles(result: SearchResult) -> list[str]:
    """Article ids cited by an answer, best passage first."""
    return [source.id for hit in result.passages for source in hit.sources]


def timed_reindex(service: CorpusService) -> tuple[BuildReport, float]:
    """Wall-clock seconds of one ``reindex()`` (build, save, verify by loading, swap in)."""
    started = time.perf_counter()
    report = service.reindex()
    return report, time.perf_counter() - started


def edit_one_sentence(path: Path) -> None:
    """Replace the second paragraph of an article (its lead sentence) with a unique one."""
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    lead = next(i for i, p in enumerate(paragraphs) if p.startswith("The "))
    paragraphs[lead] = EDITED_SENTENCE
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def headline(path: Path) -> str:
    """The headline the synthetic generator put in an article's sidecar."""
    import json

    title = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["title"]
    return str(title)


class Checks:
    """Collects pass/fail lines and prints them as they come."""

    def __init__(self) -> None:
        self.failed = 0

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failed += 1
        print(f"  [{'ok' if ok else 'FAIL'}] {what}")

    def report(self, report: BuildReport, **expected: object) -> None:
        for field, value in expected.items():
            actual = getattr(report, field)
            self.check(actual == value, f"report.{field} = {actual!r} (expected {value!r})")


def profile(call: Callable[[], object], top: int = 25) -> None:
    """Print the ``top`` cumulative-time entries of a cProfile of ``call``."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def run(articles: int, with_profile: bool) -> int:
    checks = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        write_corpus(seeds, articles)
        paths = sorted(seeds.glob("*.txt"))
        edited, deleted = paths[len(paths) // 2], paths[len(paths) // 3]
        settings = IndexSettings(seeds_dir=seeds, index_dir=Path(tmp) / "index")
        embedder = SentenceTransformerEmbedder()
        embedder.encode_queries(["warm up"])  # model load and first call are not reindex costs
        service = CorpusService(settings, embedder=embedder)

        full, full_s = timed_reindex(service)
        print(
            f"full build: {full_s:.2f} s for {full.articles} articles, "
            f"{full.passages} passages, {full.quotes} quotes"
        )
        checks.report(full, reused_articles=0, changed=(), removed=())
        deleted_headline = headline(deleted)
        before = cited_articles(service.ask(deleted_headline, k=3))
        checks.check(
            deleted.stem in before[:3],
            f"before deletion, its headline {deleted_headline!r} cites {deleted.stem}",
        )

        edit_one_sentence(edited)
        edit, edit_s = timed_reindex(service)
        print(f"edit 1 article: {edit_s:.2f} s ({edit.passages} passages)")
        checks.report(
            edit, changed=(edited.stem,), added=(), removed=(), reused_articles=articles - 1
        )
        cites = cited_articles(service.ask(EDIT_QUESTION))
        checks.check(cites[:1] == [edited.stem], f"edited sentence is answered from {cites[:1]}")

        deleted.unlink()
        deleted.with_suffix(".json").unlink()
        (seeds / f"{ADDED_ID}.txt").write_text(ADDED_ARTICLE, encoding="utf-8")
        churn, churn_s = timed_reindex(service)
        print(f"delete 1 + add 1 article: {churn_s:.2f} s ({churn.passages} passages)")
        checks.report(
            churn,
            changed=(),
            added=(ADDED_ID,),
            removed=(deleted.stem,),
            reused_articles=articles - 1,
        )
        cites = cited_articles(service.ask(ADDED_QUESTION))
        checks.check(cites[:1] == [ADDED_ID], f"added article answers its question: {cites[:1]}")
        after = cited_articles(service.ask(deleted_headline, k=10))
        checks.check(
            deleted.stem not in after, f"deleted article no longer cited (top: {after[:3]})"
        )
        checks.check(
            deleted.stem not in service.snapshot.articles_by_id, "deleted article not in index"
        )
        if with_profile:
            edit_one_sentence(paths[len(paths) // 4])
            print("cProfile of another one-article edit reindex (cumulative):")
            profile(service.reindex)
        getattr(service, "close", lambda: None)()  # a query batcher thread, when there is one

    print(
        f"ratio edit/full: {edit_s / full_s:.1%}; delete+add/full: {churn_s / full_s:.1%} "
        "(target <= 5%)"
    )
    print(f"checks: {'all passed' if not checks.failed else f'{checks.failed} FAILED'}")
    return 1 if checks.failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of an edit reindex"
    )
    args = parser.parse_args()
    sys.exit(run(args.articles, args.profile))


if __name__ == "__main__":
    main()
