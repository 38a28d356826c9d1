"""The Discord client: dependencies in, cogs loaded and commands synced in ``setup_hook``."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands
from tenacity import AsyncRetrying

from bot.cooldown import UserCooldown
from bot.embeds import card_to_embed
from bot.endpoints import Endpoints, route_client, use_routed_webhooks
from bot.errors import CooldownError, describe_error, unwrap
from bot.feedback_buttons import DYNAMIC_ITEMS, answer_buttons
from bot.feedback_store import FeedbackError, FeedbackStore
from bot.questions import validate_question
from bot.rendering import answer_summary, render_answer, render_more
from bot.replies import NO_MENTIONS, Reply, send_private
from bot.retry import send_retrying
from bot.service import open_intake
from bot.settings import BotSettings
from index.intake import ArticleIntake
from index.protocols import AnswerService
from index.query import strip_question_noise

log = logging.getLogger(__name__)

T = TypeVar("T")


async def run_in_pool(pool: Executor, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in ``pool``, with the caller's context variables (like ``to_thread``)."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(pool, functools.partial(context.run, function, *args))


EXPIRED_INTERACTION_CODES = frozenset({10062, 10015})
"""Discord's "Unknown interaction" (not acknowledged within 3 s) and "Unknown Webhook"
(interaction token past its 15 minutes)."""


def interaction_expired(error: BaseException) -> bool:
    """Whether ``error`` says Discord no longer accepts replies to the interaction."""
    original = unwrap(error)
    return isinstance(original, discord.NotFound) and original.code in EXPIRED_INTERACTION_CODES


def freeze_startup_heap() -> None:
    """Exempt everything alive now (model, index, libraries) from the cyclic GC's passes.

    A full collection walks every tracked object while holding the GIL, in whichever
    thread triggers it: with torch and the model loaded (~450,000 objects) that stalled
    the event loop for 100-500 ms. Frozen objects are still freed by reference counting
    (only reference cycles among them are never collected), so this is done once per
    process, when the first bot starts.
    """
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


class AnswerTree(app_commands.CommandTree["NewsBot"]):
    """The command tree, with the one central error handler."""

    async def on_error(
        self, interaction: discord.Interaction[NewsBot], error: app_commands.AppCommandError, /
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        if interaction_expired(error):
            # Not a bug: Discord stopped accepting replies (3 s to acknowledge, 15 min to
            # answer), e.g. after the gateway replayed it late. No reply can reach the user.
            age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
            level = (
                logging.DEBUG
                if interaction.type is discord.InteractionType.autocomplete
                else logging.WARNING
            )
            log.log(
                level,
                "/%s for user %s could not be answered: Discord no longer accepts replies to "
                "interaction %s (%.1f s old): %s",
                name,
                interaction.user.id,
                interaction.id,
                age,
                unwrap(error),
            )
            return
        report = describe_error(error)
        if report.log_traceback:
            original = unwrap(error)
            log.error(
                "/%s failed (guild %s, user %s)",
                name,
                interaction.guild_id,
                interaction.user.id,
                exc_info=(type(original), original, original.__traceback__),
            )
        else:
            log.info("/%s refused for user %s: %s", name, interaction.user.id, report.message)
        if interaction.type is discord.InteractionType.autocomplete:
            return
        await send_private(interaction, report.message, self.client.send_policy())


class NewsBot(commands.Bot):
    """Answers questions about the news articles behind ``service``.

    Every dependency is a constructor argument: the settings, the answer service,
    and optionally the endpoints (a Discord-compatible server), the cooldown, the
    retry policy for replies, the article intake (/add-article), and ``discord.Client``
    options.
    Blocking service calls run in a thread pool (``worker_threads``); a reindex runs
    in a thread of its own, so questions keep being answered meanwhile. ``feedback``
    keeps the answers shown and the votes on them (opened at ``DATABASE_PATH`` when not
    given, and then closed with the bot).
    """

    COGS = (
        "bot.cogs.ask",
        "bot.cogs.who_said",
        "bot.cogs.sources",
        "bot.cogs.reindex",
        "bot.cogs.unanswered",
        "bot.cogs.quotes",
        "bot.cogs.articles",
        "bot.cogs.channel_questions",
    )

    def __init__(
        self,
        settings: BotSettings,
        service: AnswerService,
        *,
        endpoints: Endpoints | None = None,
        feedback: FeedbackStore | None = None,
        cooldown: UserCooldown | None = None,
        send_policy: Callable[[], AsyncRetrying] = send_retrying,
        intake: ArticleIntake | None = None,
        **client_options: Any,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            tree_cls=AnswerTree,
            max_messages=200,
            chunk_guilds_at_startup=False,
            **client_options,
        )
        self.settings = settings
        self.service = service
        self._owns_feedback = feedback is None
        self.feedback = feedback if feedback is not None else FeedbackStore(settings.database_path)
        self.endpoints = endpoints or Endpoints(
            api_base=settings.custom_api_base, gateway_url=settings.custom_gateway_url
        )
        if self.endpoints.custom:
            route_client(self, self.endpoints)
        self.cooldown = cooldown or UserCooldown(
            settings.cooldown_questions, settings.cooldown_seconds
        )
        self.send_policy = send_policy
        self.intake = intake or open_intake(settings)
        """Writes /add-article and /remove-article changes into the seeds folder."""
        self.answer_pool = ThreadPoolExecutor(
            max_workers=settings.worker_threads, thread_name_prefix="answer"
        )
        self.reindex_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reindex")
        self.reindex_running = False
        self.synced: list[app_commands.AppCommand] = []

    # -- startup ------------------------------------------------------------------

    async def login(self, token: str) -> None:
        if self.endpoints.custom:
            use_routed_webhooks(self.endpoints)
        await super().login(token)

    async def connect(self, *, reconnect: bool = True) -> None:
        if self.endpoints.custom:
            use_routed_webhooks(self.endpoints)
        await super().connect(reconnect=reconnect)

    async def setup_hook(self) -> None:
        """Load one cog per feature, then sync the commands (idempotent: login may be retried)."""
        freeze_startup_heap()  # the service is loaded by now: keep GC pauses off the loop
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # buttons of answers sent before a restart
        for extension in self.COGS:
            if extension not in self.extensions:
                await self.load_extension(extension)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Sync to ``GUILD_IDS`` (instant) or globally (may take a while to show).

        A guild the bot cannot sync to (not invited, or without the ``applications.commands``
        scope) is logged and skipped; server errors propagate (startup retries them).
        """
        if not self.settings.guild_ids:
            self.synced = await self.tree.sync()
            log.info("synced %d global commands (may take a while to show)", len(self.synced))
            return
        for guild_id in self.settings.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                self.synced = await self.tree.sync(guild=guild)
            except discord.DiscordServerError:
                raise
            except discord.HTTPException as error:
                log.error(
                    "could not sync commands to guild %s (is the bot invited there with the "
                    "applications.commands scope?): %s",
                    guild_id,
                    error,
                )
                continue
            log.info("synced %d commands to guild %s", len(self.synced), guild_id)

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "connected as %s (id %s) to %d guild(s)",
            user,
            user.id if user else "?",
            len(self.guilds),
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: plain messages are handled by the channel-questions cog."""

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self.answer_pool.shutdown(wait=False, cancel_futures=True)
            self.reindex_pool.shutdown(wait=False, cancel_futures=True)
            if self._owns_feedback:
                self.feedback.close()

    # -- helpers for the cogs -----------------------------------------------------

    async def run_blocking(self, function: Callable[..., T], *args: Any) -> T:
        """Run a blocking service call in the answer pool, off the event loop."""
        return await run_in_pool(self.answer_pool, function, *args)

    def bot_names(self, guild: discord.Guild | None = None) -> list[str]:
        """What people call the bot: its user name, display name and nickname in ``guild``."""
        names: list[str] = []
        me = self.user
        if me is not None:
            names += [me.name, me.display_name]
        member = guild.me if guild is not None else None
        if member is not None:
            names.append(member.display_name)
        return [name for name in dict.fromkeys(names) if name]

    def check_question(
        self,
        user_id: int,
        text: str | None,
        what: str = "question",
        guild: discord.Guild | None = None,
    ) -> str:
        """Validate ``text`` and count it against the user's cooldown (raises when refused).

        A question loses what only addresses someone (mentions, greetings, the bot's name).
        """
        if what == "question":
            text = strip_question_noise(text or "", self.bot_names(guild))
        question = validate_question(text, self.settings.max_question_chars, what)
        retry_after = self.cooldown.hit(user_id)
        if retry_after is not None:
            raise CooldownError(retry_after)
        return question

    async def answer_reply(
        self, question: str, asker_id: int, guild_id: int | None, channel_id: int | None
    ) -> Reply:
        """The answer to ``question`` with its buttons: searched, rendered and recorded in
        the answer pool (``asker_id``, ``guild_id`` and ``channel_id`` go on record), the
        buttons made here, on the event loop (discord.py views belong to it)."""
        embed, answer_id = await self.run_blocking(
            self._answer_recorded, question, asker_id, guild_id, channel_id
        )
        if answer_id is None:
            return Reply(embed=embed)
        return Reply(embed=embed, view=answer_buttons(answer_id))

    def _answer_recorded(
        self, question: str, asker_id: int, guild_id: int | None, channel_id: int | None
    ) -> tuple[discord.Embed, int | None]:
        """The answer's embed, and its id in the feedback database when it has buttons
        (``None`` for a refusal, or when the database cannot be written)."""
        result = self.service.ask(question, self.settings.top_k)
        embed = card_to_embed(render_answer(result))
        answered = result.answered and bool(result.passages)
        try:
            answer_id = self.feedback.record_answer(
                result.question or question,
                answer_summary(result),
                answered=answered,
                asked_by=asker_id,
                guild_id=guild_id,
                channel_id=channel_id,
            )
        except (FeedbackError, OSError, sqlite3.Error) as error:
            log.error("could not record the answer to a question: %s", error)
            return embed, None
        return embed, answer_id if answered else None  # a refusal: nothing to vote on

    def more_embed(self, answer_id: int) -> discord.Embed:
        """What "More" shows for a recorded answer (raises ``UnknownAnswer``)."""
        record = self.feedback.answer(answer_id)
        result = self.service.ask(record.question, max(self.settings.top_k, 6))
        return card_to_embed(render_more(result))
