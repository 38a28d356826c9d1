"""Run the bot: log in and connect with retries, stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

import discord
from tenacity import AsyncRetrying

from bot.client import NewsBot
from bot.retry import startup_retrying, with_retries

log = logging.getLogger(__name__)


async def login(bot: NewsBot, token: str) -> None:
    """One login attempt; a failed attempt's HTTP session is closed before a retry."""
    try:
        await bot.login(token)
    except BaseException:
        await bot.http.close()
        # closing the session closed its connector: let the next login make a new one
        bot.http.connector = discord.utils.MISSING
        raise


async def run_bot(
    bot: NewsBot,
    token: str,
    *,
    retrying: Callable[[], AsyncRetrying] = startup_retrying,
) -> int:
    """Log in, connect, and run until closed (SIGINT/SIGTERM); return the exit status.

    Network failures at startup (connection errors, 5xx, gateway not found) are retried
    with backoff; a refused token is not.
    """
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        try:
            await with_retries(lambda: login(bot, token), retrying())
            await with_retries(lambda: bot.connect(reconnect=True), retrying())
        except discord.LoginFailure:
            log.error(
                "Discord refused the token: check DISCORD_TOKEN "
                "(Developer Portal → your application → Bot → Reset Token)."
            )
            return 1
        except discord.PrivilegedIntentsRequired:
            log.error(
                "Enable the Message Content intent: Developer Portal → your application → "
                "Bot → Privileged Gateway Intents."
            )
            return 1
        except (OSError, discord.DiscordException) as error:
            log.error("could not connect to Discord: %s: %s", type(error).__name__, error)
            return 1
    return 0
