"""Speed under load: event-loop lag and micro-batching, with the real model.

``python -m bench.load [--questions 50] [--rounds 3] [--reindex-articles 150]`` runs the
real ``NewsBot`` with a ``CorpusService`` (all-MiniLM-L6-v2, the seed articles) against
the local fake Discord (``tests.fake_discord``, on 127.0.0.1) and prints:

* bare: ``model.encode(all questions, batch_size=64)``, questions/s: the yardstick;
* service: the same questions asked at once by one thread each through
  ``CorpusService.ask`` (micro-batched encodes, then search), questions/s and batches;
* bot: the same questions as concurrent ``/ask`` from the fake Discord, end to end
  (interaction in, searched, answer stored by the fake: the response itself, or a
  followup when it took long enough to be deferred), questions/s, the ratio to bare, the
  encoder batches formed, the CPU spent per question, and the event-loop lag meanwhile;
* reindex: the event-loop lag while ``/reindex`` embeds ``--reindex-articles`` new
  synthetic articles, alone and with the questions asked meanwhile.

Event-loop lag: a ticker coroutine sleeps 10 ms and records how late it wakes up.
Figures are medians over ``--rounds`` runs, except lag max: the max over all rounds. The
bare encode is re-run right before each measure it is compared to (the machine's load
changes the model's speed a lot), and the ratios are medians of those pairs.

By default the fake Discord runs on its own event loop in a thread (``--fake thread``):
the bot's loop then carries the bot alone, but the fake still shares the process's GIL
and the machine's CPUs. ``--fake process`` runs it in a process of its own
(``bench.fake_process``), closer to production where Discord is remote: it only shares
the CPUs. ``--fake same-loop`` puts both on one loop, a stricter measure. To see what
the bot's settings are worth: ``--no-gc-freeze`` (no ``bot.client.freeze_startup_heap``),
``--worker-threads N``, ``--search-slots N`` (``index.service.SEARCH_SLOTS``),
``--torch-threads N``. The values before this benchmark existed: ``--no-gc-freeze
--worker-threads 4 --search-slots 64``; before the answers were sent without deferring:
``--worker-threads 16``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pytest

import bot.client
import index.service
from bench.corpus import write_corpus
from bench.fake_process import Driver
from bot.client import NewsBot
from bot.settings import BotSettings
from index.embedding import SentenceTransformerEmbedder
from index.evaluation import load_retrieval_cases
from index.service import CorpusService
from index.settings import DEFAULT_MODEL, IndexSettings
from tests.bot_support.discord_harness import BotFakeDiscord, fast_send_policy
from tests.fake_discord import FakeDiscord, point_discord_py_at, run_bot

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


class Discord:
    """The fake Discord as the measures drive it (see ``bench.fake_process.Driver``)."""

    address: dict[str, Any]
    """What the bot needs to reach the fake: token, guild_id, api_base, gateway_url."""
    fake: FakeDiscord | None = None
    """The fake itself, when it runs in this process."""

    async def request(self, op: str, **args: Any) -> Any:
        raise NotImplementedError

    async def cpu(self) -> float | None:
        """CPU seconds the fake has used so far, when it does not share the bot's thread."""
        return None

    async def asks(self, questions: list[str]) -> list[int]:
        return list(await self.request("asks", questions=questions))

    async def answered(self, ids: list[int]) -> int:
        return int(await self.request("answered", ids=ids))

    async def reindex(self) -> int:
        return int(await self.request("reindex"))

    async def report(self, interaction_id: int) -> dict[str, Any]:
        return dict(await self.request("report", interaction_id=interaction_id))


class LocalDiscord(Discord):
    """The fake in this process: on the bot's loop, or on a loop of its own in a thread."""

    def __init__(self, fake: BotFakeDiscord, own_loop: FakeOnItsOwnLoop | None = None) -> None:
        self.fake = fake
        self.driver = Driver(fake)
        self.address = self.driver.address()
        self._own_loop = own_loop

    async def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return await (coro if self._own_loop is None else self._own_loop.call(coro))

    async def request(self, op: str, **args: Any) -> Any:
        return await self._call(getattr(self.driver, op)(**args))

    async def cpu(self) -> float | None:
        return None if self._own_loop is None else await self._call(_thread_cpu())


class FakeInAProcess(Discord):
    """The fake in a process of its own (``python -m bench.fake_process``)."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Discord process exited")
        message: dict[str, Any] = json.loads(line)
        return message

    async def __aenter__(self) -> FakeInAProcess:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fake_process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=Path(__file__).resolve().parent.parent,
        )
        self.address = await self._read()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        process = self._process
        if process is not None and process.stdin is not None:
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def request(self, op: str, **args: Any) -> Any:
        assert self._process is not None and self._process.stdin is not None
        async with self._lock:
            self._process.stdin.write(json.dumps({"op": op, "args": args}).encode() + b"\n")
            await self._process.stdin.drain()
            reply = await self._read()
        if "error" in reply:
            raise RuntimeError(f"the fake Discord process failed: {reply['error']}")
        return reply["result"]

    async def cpu(self) -> float | None:
        return float(await self.request("cpu"))


class _Remote:
    """What ``run_bot`` reads of a fake running in another process."""

    def __init__(self, token: str) -> None:
        self.token = token

    def _describe(self) -> str:
        return "(the fake Discord runs in another process)"


async def _thread_cpu() -> float:
    return time.thread_time()


@contextlib.asynccontextmanager
async def fake_discord(mode: str) -> AsyncIterator[Discord]:
    """The fake Discord (``mode``: "thread", "process" or "same-loop"), discord.py pointed
    at it (nothing can leave 127.0.0.1)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        discord: Discord
        async with contextlib.AsyncExitStack() as stack:
            if mode == "thread":
                own_loop = FakeOnItsOwnLoop()
                discord = LocalDiscord(await stack.enter_async_context(own_loop), own_loop)
            elif mode == "process":
                discord = await stack.enter_async_context(FakeInAProcess())
            else:
                discord = LocalDiscord(await stack.enter_async_context(BotFakeDiscord()))
            point_discord_py_at(
                monkeypatch, discord.address["api_base"], discord.address["gateway_url"]
            )
            yield discord


@contextlib.asynccontextmanager
async def running_bot(bot: NewsBot, discord: Discord) -> AsyncIterator[NewsBot]:
    fake = discord.fake or cast(FakeDiscord, _Remote(discord.address["token"]))
    async with run_bot(bot, fake, ready_timeout=30):
        yield bot


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
    """CPU seconds spent meanwhile: the whole process, the bot's loop, the fake (its thread,
    or its own process with ``--fake process``)."""


async def bot_burst(discord: Discord, service: CorpusService, questions: list[str]) -> Burst:
    """Every question as a concurrent ``/ask``; timed until every answer is stored."""
    batches = service.batcher.batches
    fake_cpu = await discord.cpu()
    process_cpu, loop_cpu = time.process_time(), time.thread_time()
    async with measuring_lag() as probe:
        started = time.perf_counter()
        answered = await discord.answered(await discord.asks(questions))
        seconds = time.perf_counter() - started
    cpu = {
        "process": time.process_time() - process_cpu,
        "bot loop": time.thread_time() - loop_cpu,
    }
    if fake_cpu is not None:
        cpu["fake Discord"] = (await discord.cpu() or 0.0) - fake_cpu
    return Burst(seconds, service.batcher.batches - batches, answered, probe, cpu=cpu)


async def bot_reindex(discord: Discord, questions: list[str]) -> Burst:
    """A ``/reindex``, and ``questions`` asked meanwhile; timed until its report is shown."""
    async with measuring_lag() as probe:
        started = time.perf_counter()
        reindex = await discord.reindex()
        asked = await discord.asks(questions)
        report = await discord.report(reindex)
        seconds = time.perf_counter() - started
        answered = await discord.answered(asked)
    if report.get("title") != "Reindex complete":
        raise RuntimeError(f"the reindex failed: {report}")
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
        address = discord.address
        settings = BotSettings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=address["token"],
            guild_ids=(address["guild_id"],),
            discord_api_base=address["api_base"],
            discord_gateway_url=address["gateway_url"],
            cooldown_seconds=0,
            seeds_dir=root / "seeds",
            index_dir=root / "bot-index",
            database_path=root / "feedback.sqlite3",
            log_level="WARNING",
            progress_interval_seconds=1.0,
            **overrides,
        )
        service = CorpusService(settings, embedder=embedder)
        try:
            service.open()
            bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
            async with running_bot(bot, discord):
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
        "--fake",
        choices=("thread", "process", "same-loop"),
        default="thread",
        help="where the fake runs",
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
