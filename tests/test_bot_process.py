"""``python -m bot`` as a process, against the fake Discord through its settings."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.bot_support.discord_harness import BotFakeDiscord

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


async def test_python_m_bot_serves_a_compatible_server_and_stops_on_sigterm(
    fake: BotFakeDiscord, tmp_path: Path
) -> None:
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
                lambda: len(fake.registered_commands(fake.guild)) == 6,
                timeout=30,
                what="the commands synced",
            )
            await fake.wait_for_identify(timeout=30)
            record = await fake.send_slash_command("ask", {"question": "who refused to kick whom?"})
            message = await record.wait_response_message(timeout=15)
            assert "Tom Cruise refused" in message.embed_text()
            for _ in range(200):  # on_ready comes once the guilds have streamed in (~2 s)
                if "connected as" in stderr.read_text():
                    break
                await asyncio.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    logs = stderr.read_text()
    assert "connected as NewsDesk" in logs
    assert "synced 6 commands to guild" in logs
    assert fake.token not in logs + stdout.read_text()
    assert record.token not in logs  # interaction tokens in URLs are redacted too
    assert "Traceback" not in logs
