"""``/unanswered`` (moderators): the questions refused or voted 👎, most frequent first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import card_to_embed
from bot.permissions import require_moderator
from bot.rendering import render_unanswered
from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot

SHOWN = 25


class Unanswered(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Checked on every call: ``default_permissions`` below is only Discord's hint."""
        return require_moderator(interaction, self.bot.settings.moderator_role_ids)

    @app_commands.command(name="unanswered")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def unanswered(self, interaction: discord.Interaction[NewsBot]) -> None:
        """Questions I could not answer or got 👎 on, most frequent first (moderators only)."""
        await respond_when_ready(
            interaction,
            self.bot.run_blocking(self._embed),
            ephemeral=True,
            retrying=self.bot.send_policy(),
        )

    def _embed(self) -> discord.Embed:
        return card_to_embed(render_unanswered(self.bot.feedback.unanswered(SHOWN)))


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Unanswered(bot))
