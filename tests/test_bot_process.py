"""``python -m bot`` as a process, against the fake Discord through its settings."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.feedback_store import FeedbackStore
from tests.bot_support.discord_harness import BotFakeDiscord

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = 8


@contextlib.asynccontextmanager
async def bot_process(
    fake: BotFakeDiscord, tmp_path: Path, **env_extra: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot`` (the fake answer service) running against ``fake``, commands synced."""
    assert fake.token is not None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "GUILD_IDS": str(fake.guild.id),
        "LOG_LEVEL": "DEBUG",
        **env_extra,
    }
    stdout, stderr = tmp_path / "out.txt", tmp_path / "err.txt"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--service",
            "tests.bot_support.fake_service:make",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        try:
            await fake.wait_until(
                lambda: len(fake.registered_commands(fake.guild)) == COMMANDS,
                timeout=30,
                what="the commands synced",
            )
            await fake.wait_for_identify(timeout=30)
            yield process
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_python_m_bot_serves_a_compatible_server_and_stops_on_sigterm(
    fake: BotFakeDiscord, tmp_path: Path
) -> None:
    stderr, stdout = tmp_path / "err.txt", tmp_path / "out.txt"
    async with bot_process(fake, tmp_path) as process:
        record = await fake.send_slash_command("ask", {"question": "who refused to kick whom?"})
        message = await record.wait_response_message(timeout=15)
        assert "Tom Cruise refused" in message.embed_text()
        for _ in range(200):  # on_ready comes once the guilds have streamed in (~2 s)
            if "connected as" in stderr.read_text():
                break
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    logs = stderr.read_text()
    assert "connected as NewsDesk" in logs
    assert f"synced {COMMANDS} commands to guild" in logs
    assert fake.token is not None and fake.token not in logs + stdout.read_text()
    assert record.token not in logs  # interaction tokens in URLs are redacted too
    assert "Traceback" not in logs
    assert (tmp_path / "var" / "feedback.sqlite3").is_file()  # DATABASE_PATH's default


async def test_no_acknowledged_vote_is_lost_when_the_bot_is_killed_mid_burst(
    fake: BotFakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "votes.sqlite3"
    readers = [(await fake.add_member(f"reader{i}")).user for i in range(150)]
    async with bot_process(fake, tmp_path, DATABASE_PATH=str(db)) as process:
        asked = await fake.send_slash_command("ask", {"question": "who refused to kick whom?"})
        answer = await asked.wait_response_message(timeout=15)
        up = next(
            b["custom_id"]
            for row in answer.components
            for b in row["components"]
            if b.get("emoji", {}).get("name") == "👍"
        )
        clicks = [await fake.send_component(answer, up, user=reader) for reader in readers[:20]]
        burst = asyncio.gather(
            *(fake.send_component(answer, up, user=reader) for reader in readers[20:])
        )
        await fake.wait_until(
            lambda: sum(c.callback is not None for c in clicks) >= 20,
            timeout=30,
            what="the first votes acknowledged",
        )
        process.kill()  # SIGKILL: no cleanup, no chance to flush anything
        await process.wait()
        clicks += await burst
    acknowledged = {
        c.user_id
        for c in clicks
        if c.callback is not None and "Thanks, noted" in (c.callback.content or "")
    }
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in connection.execute("SELECT user_id FROM votes WHERE vote = 1")}
    assert len(acknowledged) >= 20
    assert acknowledged <= stored  # every vote a user was told about is on disk
    assert stored <= {r.id for r in readers}
    reopened = FeedbackStore(db)  # and the next process opens it as it is
    assert reopened.schema_version == 1
    reopened.close()
