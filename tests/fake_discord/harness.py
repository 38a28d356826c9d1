"""Helpers to run a real discord.py client against :class:`FakeDiscord` inside a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TypeVar

from .records import FakeDiscordTimeoutError

if TYPE_CHECKING:
    import discord
    import pytest

    from .server import FakeDiscord

__all__ = ["no_identify_delay", "point_discord_py_at", "run_bot"]

ClientT = TypeVar("ClientT", bound="discord.Client")


def point_discord_py_at(monkeypatch: pytest.MonkeyPatch, api_base: str, gateway_url: str) -> None:
    """Point discord.py at a fake Discord: REST (incl. interaction webhooks) and gateway."""
    import discord.gateway
    import discord.http
    import yarl

    monkeypatch.setattr(discord.http.Route, "BASE", api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(gateway_url))


def no_identify_delay(client: discord.Client) -> None:
    """Remove discord.py's 5 s sleep before every non-initial IDENTIFY (after an
    INVALID_SESSION or an unresumable disconnect) on this client instance."""

    async def _no_sleep(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = _no_sleep  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def run_bot(
    client: ClientT,
    fake: FakeDiscord,
    *,
    ready_timeout: float = 10.0,
    fast_reidentify: bool = True,
) -> AsyncIterator[ClientT]:
    """Start ``client`` with ``fake.token``, wait for ``on_ready``, and close it on exit.

    ``discord.http.Route.BASE`` / ``DEFAULT_GATEWAY`` must already point at ``fake`` (use the
    ``fake_discord`` fixture or ``fake.patch_discord_py(monkeypatch)``). If the client dies
    before it is ready, its exception is raised here. Tip: build the client with a small
    ``guild_ready_timeout`` (e.g. 0.1): discord.py waits that long after the last GUILD_CREATE
    before firing on_ready (default 2 s).
    """
    if fast_reidentify:
        no_identify_delay(client)
    token = fake.token or "fake-token"
    task = asyncio.create_task(client.start(token), name="fake-discord-client")
    failed = False
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        while not client.is_ready():
            if task.done():
                failed = True
                task.result()  # raises the client's error, if any
                raise RuntimeError("the client stopped before becoming ready")
            if loop.time() > deadline:
                failed = True
                raise FakeDiscordTimeoutError(
                    f"client not ready after {ready_timeout:g}s\n{fake._describe()}"
                )
            await asyncio.sleep(0.01)
        try:
            yield client
        except BaseException:
            failed = True
            raise
    finally:
        await client.close()
        if not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=10)
            except TimeoutError:
                task.cancel()
            except Exception:
                pass
        error = task.exception() if task.done() and not task.cancelled() else None
        if error is not None and not failed:
            raise error
