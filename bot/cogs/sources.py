"""``/sources``: the indexed articles, and when and how the index was built."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import card_to_embed
from bot.rendering import render_sources
from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot


class Sources(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources")
    async def sources(self, interaction: discord.Interaction[NewsBot]) -> None:
        """List the articles I answer from, and when the index was built."""
        await respond_when_ready(
            interaction, self.bot.run_blocking(self._embed), retrying=self.bot.send_policy()
        )

    def _embed(self) -> discord.Embed:
        return card_to_embed(render_sources(self.bot.service.info()))


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Sources(bot))
