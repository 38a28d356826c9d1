"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from index.service import CorpusService
from tests.bot_support.discord_harness import BotFakeDiscord, discord_sandbox
from tests.fake_discord import SUITE_SPEC_LOG, FakeDiscord


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started :class:`FakeDiscord` on 127.0.0.1 with discord.py pointed at it
    (``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` are monkeypatched for the test).

    Stop the bot before the fixture tears down (``run_bot`` does that on exit).
    """
    async with FakeDiscord() as fake:
        fake.patch_discord_py(monkeypatch)
        yield fake


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotFakeDiscord]:
    """The fake Discord as the bot tests use it: discord.py's own endpoints point at a
    blackhole, so only the bot's configured endpoints can reach the fake."""
    async with discord_sandbox(monkeypatch) as server:
        yield server


@pytest.fixture
def services() -> Iterator[list[CorpusService]]:
    """Services a test opened; their worker threads are stopped at teardown."""
    opened: list[CorpusService] = []
    yield opened
    for service in opened:
        service.close()


@pytest.fixture(autouse=True)
def _discord_api_spec_clean() -> Iterator[None]:
    """Every test fails if a request sent to any fake Discord broke Discord's API spec."""
    start = len(SUITE_SPEC_LOG.violations)
    yield
    found = SUITE_SPEC_LOG.violations[start:]
    if found:
        shown = "\n  ".join(str(v) for v in found[:20])
        more = f"\n  … and {len(found) - 20} more" if len(found) > 20 else ""
        pytest.fail(
            f"{len(found)} request(s) Discord's API would refuse "
            f"(../shared/discord-api-spec/openapi.json):\n  {shown}{more}",
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUITE_SPEC_LOG.checked:
        terminalreporter.write_line(
            f"Discord API spec: {SUITE_SPEC_LOG.checked} requests checked in "
            f"{SUITE_SPEC_LOG.seconds:.2f} s (spec loading included), "
            f"{len(SUITE_SPEC_LOG.violations)} violations"
        )
