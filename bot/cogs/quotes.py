"""``/quotes speaker:``: everything one speaker is quoted saying, with speaker autocomplete."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.autocomplete import timely_choices
from bot.embeds import card_to_embed
from bot.rendering import Limits, render_speaker_quotes
from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)


class Quotes(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="quotes")
    @app_commands.describe(speaker="Who is quoted, e.g. Pom Klementieff (pick from the list)")
    async def quotes(self, interaction: discord.Interaction[NewsBot], speaker: str) -> None:
        """List what one speaker is quoted saying in the articles."""
        name = self.bot.check_question(interaction.user.id, speaker, what="speaker name")
        await respond_when_ready(
            interaction,
            self.bot.run_blocking(self._embed, name),
            retrying=self.bot.send_policy(),
        )

    def _embed(self, speaker: str) -> discord.Embed:
        return card_to_embed(
            render_speaker_quotes(speaker, self.bot.service.speaker_quotes(speaker))
        )

    @quotes.autocomplete("speaker")
    async def speaker_autocomplete(
        self, interaction: discord.Interaction[NewsBot], current: str
    ) -> list[app_commands.Choice[str]]:
        prefix = current[: self.bot.settings.max_question_chars]
        return await timely_choices(
            self.bot.run_blocking(self.bot.service.speakers, prefix, Limits.CHOICES),
            "speaker",
            prefix,
        )


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Quotes(bot))
