"""``/ask``: answer a question from the articles, with its sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot


class Ask(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask")
    @app_commands.describe(question="What you want to know, e.g. who refused to kick whom?")
    async def ask(self, interaction: discord.Interaction[NewsBot], question: str) -> None:
        """Answer a question from the news articles, citing them."""
        text = self.bot.check_question(interaction.user.id, question, guild=interaction.guild)
        await respond_when_ready(
            interaction,
            self.bot.answer_reply(
                text, interaction.user.id, interaction.guild_id, interaction.channel_id
            ),
            retrying=self.bot.send_policy(),
        )


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Ask(bot))
