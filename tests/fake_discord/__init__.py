"""A local fake Discord (REST API + gateway) for end-to-end tests of a real discord.py client.

Quick start (inside an async pytest test; the ``fake_discord`` fixture from ``tests/conftest.py``
starts the fake and points discord.py at it)::

    from tests.fake_discord import run_bot

    async def test_ping(fake_discord):
        bot = make_bot()                                   # a real commands.Bot
        async with run_bot(bot, fake_discord):
            await bot.tree.sync(guild=discord.Object(fake_discord.guild.id))
            rec = await fake_discord.send_slash_command("ping")
            assert (await rec.wait_callback()).content == "pong"
        fake_discord.assert_clean()
"""

from .api_spec import SUITE_SPEC_LOG, SpecLog, SpecViolation, discord_api_spec
from .harness import no_identify_delay, point_discord_py_at, run_bot
from .models import (
    ADMIN_PERMISSIONS,
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    PRIVILEGED_INTENTS,
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Intent,
    Perm,
    PermissionOverwrite,
)
from .records import (
    CallbackRecord,
    FakeDiscordError,
    FakeDiscordTimeoutError,
    FaultRule,
    InteractionRecord,
    RequestRecord,
    SentMessage,
    StoredMessage,
    UploadedFile,
)
from .server import DEFAULT_TOKEN, FakeDiscord

__all__ = [
    "ADMIN_PERMISSIONS",
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DEFAULT_TOKEN",
    "MODERATOR_PERMISSIONS",
    "PRIVILEGED_INTENTS",
    "SUITE_SPEC_LOG",
    "CallbackRecord",
    "ChannelType",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeDiscordTimeoutError",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "FaultRule",
    "Intent",
    "InteractionRecord",
    "Perm",
    "PermissionOverwrite",
    "RequestRecord",
    "SentMessage",
    "SpecLog",
    "SpecViolation",
    "StoredMessage",
    "UploadedFile",
    "discord_api_spec",
    "no_identify_delay",
    "point_discord_py_at",
    "run_bot",
]
