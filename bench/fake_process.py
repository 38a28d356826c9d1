"""What ``bench.load`` asks of the fake Discord, wherever the fake runs.

:class:`Driver` sends slash commands and waits for what the user sees, on the fake's own
event loop; interactions are known by id, so it can be driven from another thread or
from another process. ``python -m bench.fake_process`` (used by ``bench.load --fake
process``) runs the fake on 127.0.0.1 in a process of its own, driven over stdin/stdout,
one JSON object per line: it first writes where to reach it, then answers each request
``{"op": name, "args": {...}}`` with ``{"result": ...}`` (or ``{"error": text}``), until
its stdin is closed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from tests.bot_support.discord_harness import BotFakeDiscord
from tests.fake_discord.records import InteractionRecord, StoredMessage


class Driver:
    """Slash commands in, what the user sees out; on the fake's event loop."""

    def __init__(self, fake: BotFakeDiscord) -> None:
        self.fake = fake
        self.records: dict[int, InteractionRecord] = {}

    def address(self) -> dict[str, Any]:
        """What the bot needs to reach the fake."""
        fake = self.fake
        return {
            "token": fake.token,
            "guild_id": fake.guild.id,
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
        }

    def _keep(self, record: InteractionRecord) -> int:
        self.records[record.id] = record
        return record.id

    async def asks(self, questions: list[str]) -> list[int]:
        """Every question as a concurrent ``/ask``; their interaction ids."""
        records = await asyncio.gather(
            *(self.fake.send_slash_command("ask", {"question": q}) for q in questions)
        )
        return [self._keep(record) for record in records]

    async def answered(self, ids: list[int], timeout: float = 300) -> int:
        """Once every interaction of ``ids`` shows an answer: how many are public embeds.

        One waiter for them all (not one per interaction): the fake's own work stays small.
        """
        records = [self.records.pop(i) for i in ids]

        def shown() -> list[StoredMessage] | None:
            messages = [r.response_message() for r in records]
            return None if None in messages else [m for m in messages if m is not None]

        messages = await self.fake.notifier.wait_for(shown, timeout=timeout, what="every answer")
        return sum(1 for m in messages if m.embeds and not m.ephemeral)

    async def reindex(self) -> int:
        """A ``/reindex`` by an admin; its interaction id."""
        fake = self.fake
        return self._keep(await fake.send_slash_command("reindex", user=fake.admin_user))

    async def report(self, interaction_id: int, timeout: float = 900) -> dict[str, Any]:
        """The embed the ``/reindex`` of ``interaction_id`` ends with."""
        record = self.records[interaction_id]
        await self.fake.wait_until(
            lambda: record.original is not None and bool(record.original.embeds),
            timeout=timeout,
            what="the reindex report",
        )
        assert record.original is not None
        del self.records[interaction_id]
        return dict(record.original.embeds[0])


async def serve() -> None:
    loop = asyncio.get_running_loop()
    async with BotFakeDiscord() as fake:
        driver = Driver(fake)

        def write(message: dict[str, Any]) -> None:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

        write(driver.address())
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            request = json.loads(line)
            op, args = request["op"], request.get("args", {})
            try:
                if op == "cpu":
                    result: Any = time.process_time()
                elif op in ("asks", "answered", "reindex", "report"):
                    result = await getattr(driver, op)(**args)
                else:
                    raise ValueError(f"unknown request {op!r}")
            except Exception as error:  # reported to bench.load, which raises it
                write({"error": f"{type(error).__name__}: {error}"})
            else:
                write({"result": result})


if __name__ == "__main__":
    asyncio.run(serve())
