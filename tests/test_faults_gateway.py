"""Gateway trouble during a burst of questions: every question answered, or logged.

A burst of ``/ask`` is in flight (each question takes a while) when the fake Discord sends
RECONNECT or INVALID_SESSION, stops acknowledging heartbeats, or drops the connection; a
second burst follows while the bot is reconnecting. Interactions dispatched while it is
disconnected are replayed on RESUME (as Discord does). Every interaction must be answered
exactly once — or, when Discord's 3 s deadline passed before the bot saw it, the bot must
log it. Nothing may be lost silently.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.client import NewsBot
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    answers,
    bot_settings,
    fast_send_policy,
    running,
)
from tests.bot_support.fake_service import FakeAnswerService
from tests.fake_discord.records import InteractionRecord

pytestmark = pytest.mark.e2e

QUESTION = "who refused to kick whom?"
BURST = 16
DELAY = 0.15  # per question, 4 answer threads: a burst stays in flight for ~0.6 s


def make_bot(fake: BotFakeDiscord, service: FakeAnswerService, **client: Any) -> NewsBot:
    return NewsBot(
        bot_settings(fake),
        service,
        send_policy=fast_send_policy,
        guild_ready_timeout=0.05,
        **client,
    )


async def burst(fake: BotFakeDiscord, label: str, count: int = BURST) -> list[InteractionRecord]:
    return list(
        await asyncio.gather(
            *(
                fake.send_slash_command("ask", {"question": f"{QUESTION} ({label} {n})"})
                for n in range(count)
            )
        )
    )


async def assert_all_answered_once(records: list[InteractionRecord]) -> None:
    messages = await asyncio.gather(*(r.wait_response_message(timeout=20) for r in records))
    for record, message in zip(records, messages, strict=True):
        question = record.payload["data"]["options"][0]["value"]
        assert message.embeds and message.embeds[0]["title"] == question
        assert record.rejected_callbacks == []
        assert answers(record) == [message]  # answered once, never twice after a replay


async def wait_in_flight(service: FakeAnswerService, count: int) -> None:
    """Until ``count`` questions have reached the service (the burst is being answered)."""
    for _ in range(500):
        if len(service.called("ask")) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {len(service.called('ask'))} of {count} questions arrived")


@pytest.mark.parametrize(
    "trouble",
    ["reconnect", "invalid_session_resumable", "dropped_connection", "closed_4000"],
)
async def test_questions_survive_a_resume(fake: BotFakeDiscord, trouble: str) -> None:
    service = FakeAnswerService(delay=DELAY)
    async with running(make_bot(fake, service), fake):
        first = await burst(fake, "before")
        await wait_in_flight(service, 1)
        if trouble == "reconnect":
            await fake.send_reconnect()
        elif trouble == "invalid_session_resumable":
            await fake.send_invalid_session(resumable=True)
        elif trouble == "dropped_connection":
            await fake.drop_gateway(None)
        else:
            await fake.drop_gateway(4000)
        second = await burst(fake, "during")  # dispatched while the bot reconnects
        await fake.wait_for_resume(timeout=10)
        third = await burst(fake, "after")
        await assert_all_answered_once(first + second + third)
    assert fake.identifies == 1 and fake.resumes >= 1
    assert len(service.called("ask")) == 3 * BURST


async def test_questions_survive_an_invalidated_session(fake: BotFakeDiscord) -> None:
    """Not resumable: a new session is identified. Questions already received are still
    answered (replies go over REST); Discord drops events of a dead session, so the next
    burst is sent once the bot has identified again."""
    service = FakeAnswerService(delay=DELAY)
    async with running(make_bot(fake, service), fake):
        first = await burst(fake, "before")
        await wait_in_flight(service, 1)
        await fake.send_invalid_session(resumable=False)
        await fake.wait_for_identify(2, timeout=10)
        second = await burst(fake, "after")
        await assert_all_answered_once(first + second)
    assert len(service.called("ask")) == 2 * BURST


async def test_questions_survive_a_heartbeat_timeout(fake: BotFakeDiscord) -> None:
    """A zombie connection: heartbeats go unacknowledged and nothing arrives, so discord.py
    closes and resumes after ``heartbeat_timeout``; questions in flight are answered."""
    service = FakeAnswerService(delay=DELAY)
    fake.heartbeat_interval = 0.25
    async with running(make_bot(fake, service, heartbeat_timeout=1.0), fake):
        fake.stop_heartbeat_acks()
        first = await burst(fake, "before")
        await fake.wait_for_resume(timeout=15)  # nothing received for 1 s: closed, resumed
        fake.resume_heartbeat_acks()
        second = await burst(fake, "after")
        await assert_all_answered_once(first + second)
    assert fake.identifies == 1
    assert len(service.called("ask")) == 2 * BURST


async def test_questions_past_discords_deadline_are_logged(
    fake: BotFakeDiscord, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot is disconnected for longer than the deadline: the interactions replayed on
    RESUME can no longer be acknowledged. Each one must be logged; the others answered."""
    caplog.set_level(logging.INFO, logger="bot")
    service = FakeAnswerService(delay=DELAY)
    resume = fake.gateway._resume

    async def slow_resume(conn: Any, data: Any) -> None:
        await asyncio.sleep(1.0)  # Discord takes its time to resume the session
        await resume(conn, data)

    monkeypatch.setattr(fake.gateway, "_resume", slow_resume)
    async with running(make_bot(fake, service), fake):
        first = await burst(fake, "before")
        await asyncio.gather(*(r.wait_callback(timeout=10) for r in first))  # all acknowledged
        fake.interaction_ack_timeout = 0.5  # the 3 s deadline, scaled down
        await fake.drop_gateway(None)
        late = await burst(fake, "during")
        await fake.wait_for_resume(timeout=10)
        await fake.wait_until(
            lambda: all(r.rejected_callbacks for r in late),
            timeout=10,
            what="the late interactions refused",
        )
        fake.interaction_ack_timeout = 3.0
        after = await burst(fake, "after")
        await assert_all_answered_once(first + after)
        await asyncio.sleep(0.3)  # let the error handlers finish logging

    expired = [r for r in caplog.records if "/ask" in r.getMessage() and r.name.startswith("bot")]
    assert len(expired) >= len(late), [r.getMessage() for r in caplog.records]
    for record in late:
        assert record.callback is None and record.followups == []
        assert any(str(record.id) in r.getMessage() for r in expired), record.id
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
