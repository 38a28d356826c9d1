"""``/add-article`` and ``/remove-article`` (moderators): change the articles folder from
Discord, then reindex as ``/reindex`` does, one change at a time."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.article_rendering import added_text, article_choices, refused_card, removed_text
from bot.client import run_in_pool
from bot.cogs.reindex import exclusive_reindex, run_reindex
from bot.embeds import card_to_embed
from bot.errors import UserFacingError
from bot.permissions import require_moderator
from bot.replies import defer, edit_original
from index.intake import IntakeError, check_upload

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

AUTOCOMPLETE_TIMEOUT = 2.0


class Articles(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Checked on every call: ``default_permissions`` below is only Discord's hint."""
        return require_moderator(interaction, self.bot.settings.moderator_role_ids)

    @app_commands.command(name="add-article")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        file="A .txt, .md or .html file of the article",
        url="Or the link of the article's web page (http or https)",
        replace="Overwrite an article with the same id or link (default: no)",
    )
    async def add_article(
        self,
        interaction: discord.Interaction[NewsBot],
        file: discord.Attachment | None = None,
        url: str | None = None,
        replace: bool = False,
    ) -> None:
        """Add an article from a file or a link, then reindex (moderators only)."""
        bot = self.bot
        intake = bot.intake
        if (file is None) == (url is None or not url.strip()):
            raise UserFacingError(
                "Attach the article as a .txt, .md or .html file, or give its url (one of them)."
            )
        if file is not None:
            try:
                check_upload(file.filename, file.size, intake.limits)
            except IntakeError as error:
                raise UserFacingError(refused_card("added", error.reason).description) from None
        with exclusive_reindex(bot):
            await defer(interaction)
            try:
                if file is not None:
                    data = await asyncio.wait_for(
                        file.read(), timeout=intake.limits.timeout_seconds
                    )
                    written = await run_in_pool(
                        bot.reindex_pool,
                        lambda: intake.add_upload(file.filename, data, replace=replace),
                    )
                else:
                    assert url is not None
                    written = await run_in_pool(
                        bot.reindex_pool, lambda: intake.add_url(url, replace=replace)
                    )
            except (IntakeError, TimeoutError, discord.HTTPException) as error:
                reason = _reason(error, intake.limits.timeout_seconds)
                log.info("article not added for user %s: %s", interaction.user.id, reason)
                await edit_original(
                    interaction,
                    embed=card_to_embed(refused_card("added", reason)),
                    retrying=bot.send_policy(),
                )
                return
            log.info("user %s added article %s", interaction.user.id, written.id)
            await run_reindex(bot, interaction, heading=added_text(written))

    @app_commands.command(name="remove-article")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(article="The article's id or title (pick one from the list)")
    async def remove_article(self, interaction: discord.Interaction[NewsBot], article: str) -> None:
        """Remove an article, then reindex (moderators only)."""
        bot = self.bot
        with exclusive_reindex(bot):
            await defer(interaction)
            titles = self._indexed_titles()
            try:
                removed = await run_in_pool(
                    bot.reindex_pool, lambda: bot.intake.remove(article, titles)
                )
            except IntakeError as error:
                await edit_original(
                    interaction,
                    embed=card_to_embed(refused_card("removed", error.reason)),
                    retrying=bot.send_policy(),
                )
                return
            log.info("user %s removed article %s", interaction.user.id, removed.id)
            await run_reindex(bot, interaction, heading=removed_text(removed))

    def _indexed_titles(self) -> dict[str, str]:
        try:
            articles = self.bot.service.info().articles
        except Exception:  # no index loaded: ids still work
            return {}
        return {a.source.id: a.source.title for a in articles}

    @remove_article.autocomplete("article")
    async def article_autocomplete(
        self, interaction: discord.Interaction[NewsBot], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            info = await asyncio.wait_for(
                self.bot.run_blocking(self.bot.service.info), timeout=AUTOCOMPLETE_TIMEOUT
            )
        except Exception:
            log.info("no article list for autocomplete", exc_info=True)
            return []
        sources = [a.source for a in info.articles]
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in article_choices(sources, current[:100])
        ]


def _reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, IntakeError):
        return error.reason
    if isinstance(error, TimeoutError):
        return f"the file took longer than {timeout:g} s to download from Discord"
    return f"the file could not be downloaded from Discord ({error})"


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(Articles(bot))
