"""``/who-said``: who said a quote, to whom, and in which articles (with autocomplete)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import card_to_embed, choices
from bot.rendering import Limits, render_who_said
from bot.replies import respond_when_ready

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

AUTOCOMPLETE_TIMEOUT = 2.0
"""Discord waits 3 seconds for autocomplete choices; no choices beat a late answer."""


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
        try:
            suggestions = await asyncio.wait_for(
                self.bot.run_blocking(self.bot.service.quote_suggestions, prefix, Limits.CHOICES),
                timeout=AUTOCOMPLETE_TIMEOUT,
            )
        except TimeoutError:
            log.info("quote suggestions took too long for %r", prefix[:40])
            return []
        except Exception:
            log.exception("quote suggestions failed")
            return []
        return choices(suggestions)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(WhoSaid(bot))
