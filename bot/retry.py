"""Retry policies (tenacity): startup login/connection, and sending replies.

discord.py already waits out 429s (and retries some 5xx itself): 429s are never
retried here, only transient server errors (5xx) and connection failures.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


def is_transient(error: BaseException) -> bool:
    """A 5xx from Discord, or a network failure; never a 429, never a bad token."""
    if isinstance(error, discord.LoginFailure | discord.PrivilegedIntentsRequired):
        return False
    if isinstance(error, discord.DiscordServerError):
        return True
    if isinstance(error, discord.HTTPException):
        return False
    return isinstance(
        error,
        aiohttp.ClientConnectionError | OSError | asyncio.TimeoutError | discord.GatewayNotFound,
    )


def _log_retry(what: str) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s failed (%s: %s); retrying in %.1fs (attempt %d)",
            what,
            type(error).__name__,
            error,
            wait,
            state.attempt_number,
        )

    return before_sleep


def startup_retrying(
    attempts: int = 8, initial: float = 1.0, maximum: float = 60.0
) -> AsyncRetrying:
    """Backoff for logging in and connecting at startup."""
    return AsyncRetrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial),
        before_sleep=_log_retry("connecting to Discord"),
        reraise=True,
    )


def send_retrying(attempts: int = 3, initial: float = 0.5, maximum: float = 4.0) -> AsyncRetrying:
    """Short backoff for sending a reply."""
    return AsyncRetrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial),
        before_sleep=_log_retry("sending a reply"),
        reraise=True,
    )


async def with_retries(operation: Callable[[], Awaitable[T]], retrying: AsyncRetrying) -> T:
    """Run ``operation`` under ``retrying`` (a fresh copy, so policies can be shared)."""
    async for attempt in retrying.copy():
        with attempt:
            return await operation()
    raise AssertionError("unreachable: tenacity reraises the last error")
