"""``/reindex`` racing another ``/reindex``, another process, and 50 questions in flight.

The real ``NewsBot`` and ``CorpusService`` against the fake Discord. The embedder holds the
build at its first passage batch (a gate) so the races are certain, not likely. Expected:
exactly one rebuild, the other reindex told it is busy, and every question answered —
none failed — before, during and after the swap.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.client import NewsBot
from bot.settings import BotSettings
from index.embedding import Embedder, HashingEmbedder, PassageEmbeddings, Segments, Vectors
from index.errors import ReindexInProgress
from index.service import CorpusService
from index.store import BUILDS, resolve_current
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    answers,
    bot_settings,
    fast_send_policy,
    running,
)
from tests.fake_discord.records import InteractionRecord, StoredMessage

pytestmark = pytest.mark.e2e

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
QUESTIONS = (
    "who refused to kick whom?",
    "where was the motorbike stunt filmed?",
    "how many times has she jumped?",
    "who got her into skydiving?",
    "what did Pom Klementieff ask Tom Cruise to do?",
)
NEW_ARTICLE = (
    "Stunt rehearsals in Norway\n\n"
    "The stunt team rehearsed the motorbike jump for a whole year in Norway before filming. "
    "They built a ramp on the side of the Helsetkopen mountain for the scene.\n"
)
BUSY = "A reindex is already running"


class GatedEmbedder:
    """An embedder whose passage encoding waits for ``gate`` (the build is held there)."""

    def __init__(self, inner: Embedder, query_delay: float = 0.0) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.building = threading.Event()
        self.query_delay = query_delay
        self.passage_calls = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if self.query_delay:
            threading.Event().wait(self.query_delay)  # a model's time, without holding the GIL
        return self.inner.encode_queries(texts)

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings:
        self.passage_calls += 1
        self.building.set()
        if not self.gate.wait(timeout=60):
            raise TimeoutError("the test never opened the gate")
        return self.inner.encode_passages(texts, segments)


def count_rebuilds(service: CorpusService) -> list[int]:
    """Every rebuild that actually runs (past the locks) appends to the returned list."""
    rebuilds: list[int] = []
    original = service._rebuild

    def counted(progress: Any) -> Any:
        rebuilds.append(1)
        return original(progress)

    service._rebuild = counted  # type: ignore[method-assign]
    return rebuilds


def start_service(
    settings: BotSettings, embedder: Embedder, services: list[CorpusService]
) -> CorpusService:
    service = CorpusService(settings, embedder=embedder)
    services.append(service)
    service.open()
    return service


async def report_of(fake: BotFakeDiscord, record: InteractionRecord) -> dict[str, Any]:
    await fake.wait_until(
        lambda: record.original is not None and bool(record.original.embeds),
        timeout=60,
        what="the reindex report",
    )
    assert record.original is not None
    embed: dict[str, Any] = record.original.embeds[0]
    return embed


async def busy_reply(record: InteractionRecord) -> str:
    """The text of a refused reindex: a private reply, or the deferred message edited."""
    callback = await record.wait_callback()
    if callback.type == 4:
        return callback.content or ""
    message = await record.wait_response_message(timeout=10)
    return message.content


def assert_answered(questions: Sequence[str], messages: Sequence[StoredMessage]) -> None:
    assert len(messages) == len(questions)
    for question, message in zip(questions, messages, strict=True):
        assert not message.ephemeral, message.content  # an error reply is private
        [embed] = message.embeds
        assert embed["title"] == question
        assert "Sorry" not in embed.get("description", "")


def make_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


async def test_two_reindexes_at_once_make_one_rebuild(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    seeds = make_seeds(tmp_path)
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds, embedding_model="test-hashing")
    embedder = GatedEmbedder(HashingEmbedder())
    embedder.gate.set()
    service = start_service(settings, embedder, services)
    embedder.gate.clear()
    embedder.building.clear()
    rebuilds = count_rebuilds(service)
    (seeds / "003_norway.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    builds_before = set((tmp_path / "index" / BUILDS).iterdir())

    bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
    async with running(bot, fake):
        first, second = await asyncio.gather(
            fake.send_slash_command("reindex", user=fake.admin_user),
            fake.send_slash_command("reindex", user=fake.owner_user),
        )
        assert await asyncio.to_thread(embedder.building.wait, 10)
        # a third one while the build is held, and another process's build of the same index
        third = await fake.send_slash_command("reindex", user=fake.admin_user)
        other = CorpusService(settings, embedder=HashingEmbedder())
        services.append(other)
        with pytest.raises(ReindexInProgress):
            await asyncio.to_thread(other.reindex)
        refused = await asyncio.gather(busy_reply(second), busy_reply(third))
        embedder.gate.set()
        report = await report_of(fake, first)

    assert all(BUSY in text for text in refused)
    assert report["title"] == "Reindex complete"
    assert {f["name"]: f["value"] for f in report["fields"]}["Added (1)"] == "`003_norway`"
    assert rebuilds == [1]
    assert len(set((tmp_path / "index" / BUILDS).iterdir()) - builds_before) == 1
    assert {a.source.id for a in service.info().articles} >= {"003_norway"}


async def test_reindex_while_fifty_questions_are_in_flight_fails_none(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    seeds = make_seeds(tmp_path)
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds, embedding_model="test-hashing")
    embedder = GatedEmbedder(HashingEmbedder(), query_delay=0.02)
    embedder.gate.set()
    service = start_service(settings, embedder, services)
    embedder.gate.clear()
    embedder.building.clear()
    rebuilds = count_rebuilds(service)
    live_before = resolve_current(tmp_path / "index")
    (seeds / "003_norway.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    questions = [f"{QUESTIONS[n % len(QUESTIONS)]} ({n})" for n in range(50)]

    bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
    async with running(bot, fake):
        reindex = await fake.send_slash_command("reindex", user=fake.admin_user)
        assert await asyncio.to_thread(embedder.building.wait, 10)
        first_half = await asyncio.gather(
            *(fake.send_slash_command("ask", {"question": q}) for q in questions[:25])
        )
        # questions asked while the build is held are answered from the live index
        early = await asyncio.gather(*(r.wait_response_message(timeout=30) for r in first_half))
        second_half = await asyncio.gather(
            *(fake.send_slash_command("ask", {"question": q}) for q in questions[25:])
        )
        embedder.gate.set()  # the swap happens while the second half is in flight
        report = await report_of(fake, reindex)
        late = await asyncio.gather(*(r.wait_response_message(timeout=30) for r in second_half))
        after = await fake.send_slash_command(
            "ask", {"question": "where did the stunt team rehearse the motorbike jump?"}
        )
        after_answer = await after.wait_response_message(timeout=10)

    assert report["title"] == "Reindex complete"
    assert rebuilds == [1]
    assert resolve_current(tmp_path / "index") != live_before
    assert_answered(questions, [*early, *late])
    records = [*first_half, *second_half]
    assert all(r.rejected_callbacks == [] for r in records)  # acknowledged within 3 s
    assert all(len(answers(r)) == 1 for r in records)  # exactly one answer each
    assert "— Stunt rehearsals in Norway" in after_answer.embed_text()  # the new article
    assert service.batcher.batches < service.batcher.encoded  # questions were batched


@pytest.mark.model
async def test_reindex_with_the_real_model_while_fifty_questions_are_in_flight(
    fake: BotFakeDiscord,
    tmp_path: Path,
    services: list[CorpusService],
    real_embedder: Embedder,
) -> None:
    seeds = make_seeds(tmp_path)
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds)
    service = start_service(settings, real_embedder, services)
    rebuilds = count_rebuilds(service)
    (seeds / "003_norway.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    questions = [f"{QUESTIONS[n % len(QUESTIONS)]} ({n})" for n in range(50)]

    bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
    async with running(bot, fake):
        reindex = await fake.send_slash_command("reindex", user=fake.admin_user)
        second = await fake.send_slash_command("reindex", user=fake.owner_user)
        asked = await asyncio.gather(
            *(fake.send_slash_command("ask", {"question": q}) for q in questions)
        )
        messages = await asyncio.gather(*(r.wait_response_message(timeout=60) for r in asked))
        report = await report_of(fake, reindex)
        refused = await busy_reply(second)
        after = await fake.send_slash_command(
            "ask", {"question": "where did the stunt team rehearse the motorbike jump?"}
        )
        after_answer = await after.wait_response_message(timeout=30)

    assert report["title"] == "Reindex complete"
    assert BUSY in refused
    assert rebuilds == [1]
    assert_answered(questions, messages)
    assert all(r.rejected_callbacks == [] for r in asked)
    assert "Norway" in after_answer.embed_text()
