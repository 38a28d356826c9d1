"""Speed under load: event-loop lag and micro-batching, with the real model.

``python -m bench.load [--questions 50] [--rounds 3] [--reindex-articles 150]`` runs the
real ``NewsBot`` with a ``CorpusService`` (all-MiniLM-L6-v2, the seed articles) against
the local fake Discord (``tests.fake_discord``, on 127.0.0.1, in this process) and prints:

* bare: ``model.encode(all questions, batch_size=64)``, questions/s: the yardstick;
* service: the same questions asked at once by one thread each through
  ``CorpusService.ask`` (micro-batched encodes, then search), questions/s and batches;
* bot: the same questions as concurrent ``/ask`` from the fake Discord, end to end
  (interaction in, deferred, searched, followup stored by the fake), questions/s, the
  ratio to bare, the encoder batches formed, and the event-loop lag meanwhile;
* reindex: the event-loop lag while ``/reindex`` embeds ``--reindex-articles`` new
  synthetic articles, alone and with the questions asked meanwhile.

Event-loop lag: a ticker coroutine sleeps 10 ms and records how late it wakes up.
Figures are medians over ``--rounds`` runs, except lag max: the max over all rounds. The
bare encode is re-run right before each measure it is compared to (the machine's load
changes the model's speed a lot), and the ratios are medians of those pairs.

By default the fake Discord runs on its own event loop in a thread (``--fake thread``):
the bot's loop then carries the bot alone, as in production where Discord is remote
(the fake still shares the GIL and the CPUs). ``--fake same-loop`` puts both on one loop,
a stricter measure. To see what the bot's settings are worth: ``--no-gc-freeze`` (no
``bot.client.freeze_startup_heap``), ``--worker-threads N``, ``--search-slots N``
(``index.service.SEARCH_SLOTS``), ``--torch-threads N``. The values before this
benchmark existed: ``--no-gc-freeze --worker-threads 4 --search-slots 64``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

import bot.client
import index.service
from bench.corpus import write_corpus
from bot.client import NewsBot
from index.embedding import SentenceTransformerEmbedder
from index.evaluation import load_retrieval_cases
from index.service import CorpusService
from index.settings import DEFAULT_MODEL, IndexSettings
from tests.bot_support.discord_harness import BotFakeDiscord, bot_settings, fast_send_policy
from tests.fake_discord import run_bot
from tests.fake_discord.records import InteractionRecord, StoredMessage

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TICK = 0.010
T = TypeVar("T")


# ---------------------------------------------------------------- event-loop lag


@dataclass
class LagProbe:
    """How late a coroutine sleeping ``TICK`` wakes up, while something else runs."""

    lags: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(max(0.0, loop.time() - started - TICK))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def max_ms(self) -> float:
        return 1000 * max(self.lags, default=0.0)

    @property
    def p99_ms(self) -> float:
        return 1000 * float(np.percentile(self.lags, 99)) if self.lags else 0.0


@contextlib.asynccontextmanager
async def measuring_lag() -> AsyncIterator[LagProbe]:
    probe = LagProbe()
    probe.start()
    try:
        yield probe
    finally:
        await probe.stop()


# ---------------------------------------------------------------- the fake Discord


class FakeOnItsOwnLoop:
    """A started fake Discord on an event loop of its own, in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fake-discord")
        self.fake: BotFakeDiscord | None = None

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the fake's loop; await it from any other loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def __aenter__(self) -> BotFakeDiscord:
        self._thread.start()

        async def start() -> BotFakeDiscord:
            fake = BotFakeDiscord()
            await fake.start()
            return fake

        self.fake = await self.call(start())
        return self.fake

    async def __aexit__(self, *exc_info: object) -> None:
        if self.fake is not None:
            await self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        await asyncio.to_thread(self._thread.join, 10)
        self.loop.close()


@dataclass
class Discord:
    """The fake Discord, and how to run its coroutines from the bot's loop."""

    fake: BotFakeDiscord
    call: Callable[[Coroutine[Any, Any, Any]], Awaitable[Any]]

    async def asks(self, questions: list[str]) -> list[InteractionRecord]:
        records = await asyncio.gather(
            *(self.call(self.fake.send_slash_command("ask", {"question": q})) for q in questions)
        )
        return list(records)

    async def answers(self, records: list[InteractionRecord]) -> list[StoredMessage]:
        return list(
            await asyncio.gather(
                *(self.call(r.wait_response_message(timeout=300)) for r in records)
            )
        )


async def _same_loop(coro: Coroutine[Any, Any, T]) -> T:
    return await coro


@contextlib.asynccontextmanager
async def fake_discord(mode: str) -> AsyncIterator[Discord]:
    """The fake Discord (``mode``: "thread" or "same-loop"), discord.py pointed at it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        if mode == "thread":
            own_loop = FakeOnItsOwnLoop()
            async with own_loop as fake:
                fake.patch_discord_py(monkeypatch)  # nothing can leave 127.0.0.1
                yield Discord(fake, own_loop.call)
        else:
            async with BotFakeDiscord() as fake:
                fake.patch_discord_py(monkeypatch)
                yield Discord(fake, _same_loop)


# ---------------------------------------------------------------- the measures


def questions_for(count: int) -> list[str]:
    """``count`` questions from the evaluation set (repeated when it has fewer)."""
    cases = [case.question for case in load_retrieval_cases()]
    return [cases[i % len(cases)] for i in range(count)]


def bare_encode(embedder: SentenceTransformerEmbedder, questions: list[str]) -> float:
    """Seconds for the bare model to encode every question in one call."""
    started = time.perf_counter()
    embedder.model.encode(questions, batch_size=64, show_progress_bar=False)
    return time.perf_counter() - started


def service_burst(service: CorpusService, questions: list[str]) -> tuple[float, int]:
    """Seconds for one thread per question to ask them all at once; encoder batches used."""
    batches = service.batcher.batches
    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        started = time.perf_counter()
        results = list(pool.map(service.ask, questions))
        seconds = time.perf_counter() - started
    assert len(results) == len(questions)
    return seconds, service.batcher.batches - batches


@dataclass
class Burst:
    seconds: float
    batches: int
    answered: int
    lag: LagProbe
    bare_seconds: float = float("nan")
    """The bare model encoding the same questions, just before (side by side)."""
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds spent meanwhile: the whole process, the bot's loop, the fake's loop."""


async def _thread_cpu() -> float:
    return time.thread_time()


async def bot_burst(discord: Discord, service: CorpusService, questions: list[str]) -> Burst:
    """Every question as a concurrent ``/ask``; timed until every answer is stored."""
    batches = service.batcher.batches
    same_loop = discord.call is _same_loop
    fake_cpu = 0.0 if same_loop else await discord.call(_thread_cpu())
    process_cpu, loop_cpu = time.process_time(), time.thread_time()
    async with measuring_lag() as probe:
        started = time.perf_counter()
        messages = await discord.answers(await discord.asks(questions))
        seconds = time.perf_counter() - started
    cpu = {
        "process": time.process_time() - process_cpu,
        "bot loop": time.thread_time() - loop_cpu,
    }
    if not same_loop:
        cpu["fake Discord"] = await discord.call(_thread_cpu()) - fake_cpu
    answered = sum(1 for m in messages if m.embeds and not m.ephemeral)
    return Burst(seconds, service.batcher.batches - batches, answered, probe, cpu=cpu)


async def bot_reindex(discord: Discord, questions: list[str]) -> Burst:
    """A ``/reindex``, and ``questions`` asked meanwhile; timed until its report is shown."""
    fake = discord.fake
    async with measuring_lag() as probe:
        started = time.perf_counter()
        record = await discord.call(fake.send_slash_command("reindex", user=fake.admin_user))
        asked = await discord.asks(questions)
        await discord.call(
            fake.wait_until(
                lambda: record.original is not None and bool(record.original.embeds),
                timeout=900,
                what="the reindex report",
            )
        )
        seconds = time.perf_counter() - started
        answers = await discord.answers(asked)
    assert record.original is not None
    report = record.original.embeds[0]
    if report.get("title") != "Reindex complete":
        raise RuntimeError(f"the reindex failed: {report}")
    answered = sum(1 for m in answers if m.embeds and not m.ephemeral)
    return Burst(seconds, 0, answered, probe)


@dataclass
class Options:
    questions: int
    rounds: int
    reindex_articles: int
    fake: str
    worker_threads: int | None
    verbose: Callable[[str], None]


@dataclass
class BotResults:
    bursts: list[Burst]
    reindexes: list[Burst]
    reindexes_with_questions: list[Burst]


def _fresh_articles(seeds: Path, count: int, seed: int) -> None:
    """Replace the synthetic articles of ``seeds``: the next reindex embeds ``count`` anew."""
    for old in seeds.glob("syn_*"):
        old.unlink()
    write_corpus(seeds, count, seed=seed)


async def bot_side(
    root: Path, embedder: SentenceTransformerEmbedder, questions: list[str], options: Options
) -> BotResults:
    results = BotResults([], [], [])
    say = options.verbose
    overrides: dict[str, Any] = {}
    if options.worker_threads:
        overrides["worker_threads"] = options.worker_threads
    async with fake_discord(options.fake) as discord:
        settings = bot_settings(
            discord.fake,
            seeds_dir=root / "seeds",
            index_dir=root / "bot-index",
            log_level="WARNING",
            progress_interval_seconds=1.0,
            **overrides,
        )
        service = CorpusService(settings, embedder=embedder)
        try:
            service.open()
            bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
            async with run_bot(bot, discord.fake, ready_timeout=30):
                await bot_burst(discord, service, questions[:4])  # warm up
                for n in range(options.rounds):
                    bare = await asyncio.to_thread(bare_encode, embedder, questions)
                    burst = await bot_burst(discord, service, questions)
                    burst.bare_seconds = bare
                    results.bursts.append(burst)
                    say(
                        f"  /ask x{len(questions)} #{n + 1}: {burst.seconds:.2f}s "
                        f"(bare {bare:.2f}s), {burst.answered} answered, {burst.batches} "
                        f"batches, lag max {burst.lag.max_ms:.1f} ms p99 {burst.lag.p99_ms:.1f} ms"
                    )
                for n in range(options.rounds):
                    for label, asked, into in (
                        ("alone", [], results.reindexes),
                        (f"+ {len(questions)} /ask", questions, results.reindexes_with_questions),
                    ):
                        seed = 1000 + 2 * n + (1 if asked else 0)
                        _fresh_articles(root / "seeds", options.reindex_articles, seed)
                        run = await bot_reindex(discord, asked)
                        into.append(run)
                        say(
                            f"  /reindex {label} #{n + 1}: {run.seconds:.2f}s, lag max "
                            f"{run.lag.max_ms:.1f} ms p99 {run.lag.p99_ms:.1f} ms"
                            + (f", {run.answered} answered" if asked else "")
                        )
        finally:
            service.close()
    return results


# ---------------------------------------------------------------- main


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = Path(tmp)
        shutil.copytree(SEEDS, root / "seeds")
        yield root


def _lag(runs: list[Burst]) -> str:
    return (
        f"max {max(r.lag.max_ms for r in runs):.1f} ms, "
        f"p99 {_median([r.lag.p99_ms for r in runs]):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=50, help="concurrent questions")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of each measure")
    parser.add_argument(
        "--reindex-articles", type=int, default=150, help="new articles each reindex embeds"
    )
    parser.add_argument(
        "--fake", choices=("thread", "same-loop"), default="thread", help="where the fake runs"
    )
    parser.add_argument(
        "--worker-threads", type=int, help="the bot's WORKER_THREADS (default: its default)"
    )
    parser.add_argument(
        "--search-slots", type=int, help="index.service.SEARCH_SLOTS (default: its default)"
    )
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads for the run")
    parser.add_argument(
        "--no-gc-freeze", action="store_true", help="without the bot's freeze_startup_heap"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every round")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    if args.no_gc_freeze:
        bot.client.freeze_startup_heap = lambda: None
    if args.search_slots:
        index.service.SEARCH_SLOTS = args.search_slots
    options = Options(
        questions=args.questions,
        rounds=args.rounds,
        reindex_articles=args.reindex_articles,
        fake=args.fake,
        worker_threads=args.worker_threads,
        verbose=print if args.verbose else (lambda _text: None),
    )

    embedder = SentenceTransformerEmbedder()
    questions = questions_for(options.questions)
    n = len(questions)
    with _workspace() as root:
        embedder.encode_queries(["warm up"])
        settings = IndexSettings(
            _env_file=None,  # type: ignore[call-arg]
            seeds_dir=root / "seeds",
            index_dir=root / "service-index",
            embedding_model=DEFAULT_MODEL,
        )
        service = CorpusService(settings, embedder=embedder)
        direct: list[tuple[float, float, int]] = []  # (bare seconds, seconds, batches)
        try:
            service.open()
            service_burst(service, questions[:4])  # warm up
            for _ in range(options.rounds):
                bare = bare_encode(embedder, questions)
                direct.append((bare, *service_burst(service, questions)))
        finally:
            service.close()
        options.verbose(
            "  service: " + ", ".join(f"{s:.2f}s (bare {b:.2f}s) {k} batches" for b, s, k in direct)
        )
        results = asyncio.run(bot_side(root, embedder, questions, options))
    report(options, args.no_gc_freeze, n, direct, results)


def report(
    options: Options,
    no_gc_freeze: bool,
    n: int,
    direct: list[tuple[float, float, int]],
    results: BotResults,
) -> None:
    bursts = results.bursts
    bare_all = [b for b, _, _ in direct] + [b.bare_seconds for b in bursts]
    print(
        f"load: {n} concurrent questions, median of {options.rounds} rounds; fake Discord: "
        f"{options.fake}; worker threads: {options.worker_threads or 'default'}; "
        f"search slots: {index.service.SEARCH_SLOTS}; gc freeze: {'off' if no_gc_freeze else 'on'}"
    )
    print(
        f"bare model.encode({n} questions, batch_size=64): {n / _median(bare_all):.1f} "
        f"questions/s (median of {len(bare_all)}, each run next to the measure it is compared to)"
    )
    print(
        f"CorpusService.ask from {n} threads: {n / _median([s for _, s, _ in direct]):.1f} "
        f"questions/s, ratio to bare {_median([b / s for b, s, _ in direct]):.2f}, "
        f"{_median([float(k) for _, _, k in direct]):.0f} encoder batches"
    )
    print(
        f"bot /ask x{n} via the fake Discord: {n / _median([b.seconds for b in bursts]):.1f} "
        f"questions/s, ratio to bare {_median([b.bare_seconds / b.seconds for b in bursts]):.2f}"
        f" (target >= 0.7), {_median([float(b.batches) for b in bursts]):.0f} encoder batches, "
        f"{min(b.answered for b in bursts)}/{n} answered"
    )
    cpu = {k: _median([b.cpu[k] for b in bursts]) * 1000 / n for k in bursts[0].cpu}
    print(
        "  CPU per question during the burst: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items())
    )
    print(f"event-loop lag during the /ask burst: {_lag(bursts)} (target max <= 100 ms)")
    print(
        f"event-loop lag during a /reindex of {options.reindex_articles} new articles "
        f"({_median([r.seconds for r in results.reindexes]):.1f}s): "
        f"{_lag(results.reindexes)} (target max <= 100 ms)"
    )
    during = results.reindexes_with_questions
    print(
        f"event-loop lag during a /reindex with {n} /ask meanwhile "
        f"({_median([r.seconds for r in during]):.1f}s): {_lag(during)}; "
        f"{min(r.answered for r in during)}/{n} answered"
    )


if __name__ == "__main__":
    main()
