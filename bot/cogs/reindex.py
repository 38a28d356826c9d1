"""``/reindex`` (moderators): reread the seeds folder and swap the new index in."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import run_in_pool
from bot.embeds import card_to_embed
from bot.errors import ReindexBusyError, describe_error
from bot.permissions import require_moderator
from bot.progress import ThrottledProgress
from bot.rendering import Card, Tone, progress_text, render_report
from bot.replies import defer, edit_original
from index.errors import ReindexInProgress
from index.models import BuildReport

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)


@contextlib.contextmanager
def exclusive_reindex(bot: NewsBot) -> Iterator[None]:
    """One reindex (or article change + reindex) at a time; ``ReindexBusyError`` otherwise."""
    if bot.reindex_running or bot.service.reindexing:
        raise ReindexBusyError()
    bot.reindex_running = True  # set on the event loop: no await between check and set
    try:
        yield
    finally:
        bot.reindex_running = False


async def run_reindex(
    bot: NewsBot, interaction: discord.Interaction[NewsBot], heading: str = ""
) -> None:
    """Reindex with progress shown in the (deferred) response, then the report under
    ``heading``. Call inside :func:`exclusive_reindex`."""
    policy = bot.send_policy()
    intro = f"{heading}\n" if heading else ""
    await edit_original(interaction, content=intro + progress_text("reading the articles", 0.0))
    loop = asyncio.get_running_loop()
    progress = ThrottledProgress(
        loop,
        lambda text: edit_original(interaction, content=intro + text, retrying=policy),
        bot.settings.progress_interval_seconds,
    )
    log.info("reindex requested by user %s", interaction.user.id)
    try:
        report: BuildReport = await run_in_pool(
            bot.reindex_pool, bot.service.reindex, progress.callback
        )
    except ReindexInProgress:
        await progress.close()
        await edit_original(
            interaction, content=intro + ReindexBusyError().message, retrying=policy
        )
        return
    except Exception as error:
        await progress.close()
        failure = describe_error(error)
        log.error("reindex failed", exc_info=error)
        card = Card(title="Reindex failed", description=failure.message, tone=Tone.ERROR)
        await edit_original(
            interaction, content=heading, embed=card_to_embed(card), retrying=policy
        )
        return
    await progress.close()
    log.info(
        "reindex done: +%d -%d ~%d articles, %d skipped, %.1fs",
        len(report.added),
        len(report.removed),
        len(report.changed),
        len(report.skipped),
        report.seconds,
    )
    await edit_original(
        interaction,
        content=heading,
        embed=card_to_embed(render_report(report)),
        retrying=policy,
    )


class Reindex(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Checked on every call: ``default_permissions`` below is only Discord's hint."""
        return require_moderator(interaction, self.bot.settings.moderator_role_ids)

    @app_commands.command(name="reindex")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(self, interaction: discord.Interaction[NewsBot]) -> None:
        """Reread the articles folder and rebuild the index (moderators only)."""
        with exclusive_reindex(self.bot):
            await defer(interaction)
            await run_reindex(self.bot, interaction)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Reindex(bot))
