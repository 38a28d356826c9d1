"""``/who-said``: who said a quote, to whom, and in which articles (with autocomplete)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import timely_choices
from bot.embeds import card_to_embed
from bot.rendering import Limits, render_who_said
from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)


class WhoSaid(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="who-said")
    @app_commands.describe(quote="A few words of the quote, exact or paraphrased")
    async def who_said(self, interaction: discord.Interaction[NewsBot], quote: str) -> None:
        """Find who said a quote in the articles, and to whom."""
        text = self.bot.check_question(interaction.user.id, quote, what="quote")
        await respond_when_ready(
            interaction,
            self.bot.run_blocking(self._answer_embed, text),
            retrying=self.bot.send_policy(),
        )

    def _answer_embed(self, quote: str) -> discord.Embed:
        return card_to_embed(render_who_said(self.bot.service.who_said(quote, 3)))

    @who_said.autocomplete("quote")
    async def quote_autocomplete(
        self, interaction: discord.Interaction[NewsBot], current: str
    ) -> list[app_commands.Choice[str]]:
        prefix = current[: self.bot.settings.max_question_chars]
        return await timely_choices(
            self.bot.run_blocking(self.bot.service.quote_suggestions, prefix, Limits.CHOICES),
            "quote",
            prefix,
        )


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(WhoSaid(bot))
