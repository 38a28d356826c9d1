"""Startup: login and connection retried on network errors, not on a refused token."""

from __future__ import annotations

import asyncio
import logging

import pytest
from tenacity import AsyncRetrying

from bot.retry import startup_retrying
from bot.runner import run_bot
from tests.bot_support.discord_harness import BotFakeDiscord, make_bot
from tests.bot_support.fake_service import FakeAnswerService

pytestmark = pytest.mark.e2e


def fast_startup() -> AsyncRetrying:
    return startup_retrying(attempts=4, initial=0.01, maximum=0.05)


async def test_login_is_retried_on_server_errors_then_runs_until_closed(
    fake: BotFakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("GET", r"^/users/@me$", status=503, count=2)
    bot = make_bot(fake, FakeAnswerService())
    assert fake.token is not None
    task = asyncio.create_task(run_bot(bot, fake.token, retrying=fast_startup))
    await fake.wait_for_identify(timeout=10)
    await fake.wait_until(bot.is_ready, timeout=10, what="ready")
    assert len(fake.registered_commands(fake.guild)) == 8  # setup_hook ran once
    await bot.close()
    assert await asyncio.wait_for(task, 10) == 0
    assert [r.status for r in fake.find_requests("GET", r"^/users/@me$")] == [503, 503, 200]
    assert sum("retrying" in r.getMessage() for r in caplog.records) == 2


async def test_a_refused_token_is_not_retried(
    fake: BotFakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    bot = make_bot(fake, FakeAnswerService())
    status = await asyncio.wait_for(run_bot(bot, "not-the-token", retrying=fast_startup), 10)
    assert status == 1
    assert len(fake.find_requests("GET", r"^/users/@me$")) == 1
    assert "Discord refused the token" in caplog.text
    assert "not-the-token" not in caplog.text


async def test_unreachable_server_gives_up_after_retries(
    fake: BotFakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bot = make_bot(fake, FakeAnswerService())
    await fake.stop()  # nothing listens on its port any more
    status = await asyncio.wait_for(run_bot(bot, "token", retrying=fast_startup), 10)
    assert status == 1
    assert sum("retrying" in r.getMessage() for r in caplog.records) == 3
    assert "could not connect to Discord" in caplog.text
