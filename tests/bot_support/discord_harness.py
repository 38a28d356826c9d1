"""Run the real ``NewsBot`` against helper-2's ``FakeDiscord``, through the bot's own settings.

Unlike the ``fake_discord`` fixture (which patches discord.py's ``Route.BASE`` and
``DEFAULT_GATEWAY`` to the fake), the bot here reaches the fake only through
``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL``, which is what these tests check. discord.py's
defaults point at a :class:`Blackhole` on 127.0.0.1 meanwhile: a request the bot failed to
route is counted there (and fails) instead of leaving the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import pytest
import yarl
from aiohttp import web
from tenacity import AsyncRetrying

from bot.client import NewsBot
from bot.feedback_store import MEMORY
from bot.retry import send_retrying
from bot.settings import BotSettings
from index.protocols import AnswerService
from tests.fake_discord import FakeDiscord, run_bot
from tests.fake_discord.records import InteractionRecord, StoredMessage
from tests.fake_discord.rest import RestApi


class BotFakeRest(RestApi):
    """The fake's REST API, plus one Discord behaviour the bot relies on.

    Deleting the deferred ("thinking…") original response means the next followup is a new
    message (with its own ephemeral flag) rather than an edit of the deleted one: that is how
    the bot sends a private error after a public defer.
    """

    async def delete_webhook_message(self, ctx: Any) -> web.Response:
        response = await super().delete_webhook_message(ctx)
        record = self._webhook_interaction(ctx)
        if record.original is not None and record.original.deleted:
            record.deferred_followup_consumed = True
        return response


class BotFakeDiscord(FakeDiscord):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rest = BotFakeRest(self)


class Blackhole:
    """A listener on 127.0.0.1 that counts connections and drops them."""

    def __init__(self) -> None:
        self.hits = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    async def _drop(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.hits += 1
        writer.close()

    async def __aenter__(self) -> Blackhole:
        self._server = await asyncio.start_server(self._drop, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@contextlib.asynccontextmanager
async def discord_sandbox(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotFakeDiscord]:
    """A started fake Discord; discord.py's own endpoints lead to a blackhole on 127.0.0.1.

    Fails the test if anything reached the blackhole (a request the bot did not route).
    """
    async with Blackhole() as blackhole, BotFakeDiscord() as fake:
        monkeypatch.setattr(
            discord.http.Route, "BASE", f"http://127.0.0.1:{blackhole.port}/api/v10"
        )
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket,
            "DEFAULT_GATEWAY",
            yarl.URL(f"ws://127.0.0.1:{blackhole.port}/"),
        )
        yield fake
        assert blackhole.hits == 0, "a request bypassed DISCORD_API_BASE/DISCORD_GATEWAY_URL"


def answers(record: InteractionRecord) -> list[StoredMessage]:
    """The messages the user got in answer to ``record``, however the bot sent them: the
    response itself, or the deferred "thinking…" message once replaced, then any followups."""
    callback = record.callback
    shown = [callback.message] if callback and callback.type == 4 and callback.message else []
    return shown + [m for m in record.followups if m not in shown]


def fast_send_policy() -> AsyncRetrying:
    return send_retrying(attempts=3, initial=0.05, maximum=0.1)


def bot_settings(fake: FakeDiscord, tmp_path: Path | None = None, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "discord_token": fake.token,
        "guild_ids": (fake.guild.id,),
        "discord_api_base": fake.api_base,
        "discord_gateway_url": fake.gateway_url,
        "cooldown_seconds": 0,
        "progress_interval_seconds": 0.2,
        "log_level": "DEBUG",
        "database_path": MEMORY,
    }
    if tmp_path is not None:
        values["index_dir"] = tmp_path / "index"
        values["database_path"] = tmp_path / "feedback.sqlite3"
    values.update(overrides)
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


def make_bot(fake: FakeDiscord, service: AnswerService, **overrides: Any) -> NewsBot:
    return NewsBot(
        bot_settings(fake, **overrides),
        service,
        send_policy=fast_send_policy,
        guild_ready_timeout=0.05,
    )


@contextlib.asynccontextmanager
async def running(bot: NewsBot, fake: FakeDiscord) -> AsyncIterator[NewsBot]:
    """The bot logged in, commands synced, READY and GUILD_CREATE received."""
    async with run_bot(bot, fake, ready_timeout=10):
        yield bot
    fake.assert_clean()
