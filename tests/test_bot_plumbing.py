"""Endpoint routing, throttled progress, log redaction, retry predicates, reply budget."""

from __future__ import annotations

import asyncio
import io
import logging
import threading

import aiohttp
import discord
import pytest
from discord.http import Route

from bot.endpoints import Endpoints
from bot.logs import RedactingFormatter, configure_logging
from bot.progress import ThrottledProgress
from bot.replies import ACKNOWLEDGE_WITHIN, RESPOND_WITHIN, response_budget
from bot.retry import is_transient, send_retrying, with_retries


class FakeResponse:
    status = 503
    reason = "Service Unavailable"


def test_rest_urls_move_to_the_configured_base() -> None:
    endpoints = Endpoints(api_base="http://127.0.0.1:8000/api/v10")
    assert endpoints.rest(Route.BASE + "/users/@me") == "http://127.0.0.1:8000/api/v10/users/@me"
    assert (
        endpoints.rest("https://discord.com/api/v9/webhooks/1/tok")
        == "http://127.0.0.1:8000/api/v10/webhooks/1/tok"
    )
    assert endpoints.rest("https://cdn.example/x") == "https://cdn.example/x"
    assert Endpoints().rest(Route.BASE + "/x") == Route.BASE + "/x"
    assert not Endpoints().custom


def test_gateway_connections_and_resumes_stay_on_the_configured_server() -> None:
    endpoints = Endpoints(gateway_url="ws://127.0.0.1:8000/gateway")
    query = "?v=10&encoding=json&compress=zlib-stream"
    # discord.py's default gateway (initial IDENTIFY, and after an invalid session)
    assert (
        endpoints.gateway("wss://gateway.discord.gg/" + query)
        == "ws://127.0.0.1:8000/gateway" + query
    )
    # a resume URL from the compatible server itself is used as is
    resume = "ws://127.0.0.1:8000/resume-gateway" + query
    assert endpoints.gateway(resume) == resume
    # a resume URL elsewhere (Discord's, another port) is not followed
    assert endpoints.gateway("wss://gateway-us-east1-b.discord.gg" + query).startswith(
        "ws://127.0.0.1:8000/gateway?"
    )
    assert endpoints.gateway("ws://127.0.0.1:9999/" + query).startswith(
        "ws://127.0.0.1:8000/gateway?"
    )
    assert Endpoints().gateway("wss://gateway.discord.gg/") == "wss://gateway.discord.gg/"


async def test_progress_is_rate_limited_and_thread_safe() -> None:
    edits: list[str] = []

    async def edit(text: str) -> None:
        edits.append(text)

    loop = asyncio.get_running_loop()
    progress = ThrottledProgress(loop, edit, 0.1, render=lambda s, f: f"{s} {f:.2f}")

    def worker() -> None:
        for step in range(200):
            progress.callback(f"step {step}", step / 200)

    thread = threading.Thread(target=worker)
    thread.start()
    await asyncio.to_thread(thread.join)
    await asyncio.sleep(0.25)
    await progress.close()
    assert 1 <= len(edits) <= 4
    assert edits[-1] == "step 199 0.99"  # the latest value wins
    progress.callback("late", 1.0)
    await asyncio.sleep(0.05)
    assert edits[-1] == "step 199 0.99"  # nothing after close


async def test_progress_close_drops_a_pending_edit_and_survives_errors() -> None:
    calls: list[str] = []

    async def failing_edit(text: str) -> None:
        calls.append(text)
        raise discord.HTTPException(FakeResponse(), "nope")

    loop = asyncio.get_running_loop()
    progress = ThrottledProgress(loop, failing_edit, 10.0, render=lambda s, f: s)
    progress.callback("first", 0.1)
    await asyncio.sleep(0.05)
    progress.callback("second", 0.2)  # would wait 10 s
    await asyncio.sleep(0.05)
    await asyncio.wait_for(progress.close(), 1)
    assert calls == ["first"]


def test_token_and_interaction_tokens_are_redacted_from_logs() -> None:
    token = "MTIzNDU2.secret.token-value"
    stream = io.StringIO()
    handler = configure_logging("DEBUG", [token], stream=stream)
    try:
        log = logging.getLogger("bot.test")
        log.info("token is %s", token)
        log.debug("POST https://x/api/v10/webhooks/123/%s returned 200", "a" * 40)
        log.debug("event %s", {"d": {"token": "b" * 30, "id": "1"}})
        try:
            raise RuntimeError(f"failed with {token}")
        except RuntimeError:
            log.exception("boom")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert token not in text
    assert "a" * 40 not in text
    assert "b" * 30 not in text
    assert text.count("[redacted]") >= 4
    assert isinstance(handler.formatter, RedactingFormatter)


def test_only_transient_errors_are_retried() -> None:
    assert is_transient(discord.DiscordServerError(FakeResponse(), "x"))
    assert is_transient(aiohttp.ServerDisconnectedError())
    assert is_transient(ConnectionResetError())
    assert is_transient(discord.GatewayNotFound())  # type: ignore[no-untyped-call]
    rate_limited = FakeResponse()
    rate_limited.status = 429
    assert not is_transient(discord.HTTPException(rate_limited, "slow down"))
    assert not is_transient(discord.LoginFailure())
    assert not is_transient(ValueError())


async def test_with_retries_retries_then_gives_up() -> None:
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise aiohttp.ServerDisconnectedError()
        return "ok"

    policy = send_retrying(attempts=3, initial=0.001, maximum=0.002)
    assert await with_retries(flaky, policy) == "ok"
    attempts.clear()

    async def broken() -> str:
        attempts.append(1)
        raise aiohttp.ServerDisconnectedError()

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await with_retries(broken, policy)
    assert len(attempts) == 3


def test_an_interaction_received_late_is_deferred_sooner() -> None:
    """The wait for an answer before deferring leaves time to defer within Discord's 3 s."""
    assert response_budget(0.1, RESPOND_WITHIN) == RESPOND_WITHIN
    assert response_budget(-5.0, RESPOND_WITHIN) == RESPOND_WITHIN  # a clock behind Discord's
    late = response_budget(1.5, RESPOND_WITHIN)
    assert 0 < late < RESPOND_WITHIN and 1.5 + late < ACKNOWLEDGE_WITHIN
    assert response_budget(ACKNOWLEDGE_WITHIN, RESPOND_WITHIN) == 0.0  # defer at once
