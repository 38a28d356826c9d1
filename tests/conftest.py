"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_discord import FakeDiscord


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started :class:`FakeDiscord` on 127.0.0.1 with discord.py pointed at it
    (``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` are monkeypatched for the test).

    Stop the bot before the fixture tears down (``run_bot`` does that on exit).
    """
    async with FakeDiscord() as fake:
        fake.patch_discord_py(monkeypatch)
        yield fake
