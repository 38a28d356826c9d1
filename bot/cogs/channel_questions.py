"""Plain messages: questions in ``ANSWER_CHANNEL_IDS``, or mentioning the bot, get answers.

With ``ANSWER_IN_THREADS``, a question posted in an answer channel itself (not in a thread)
is answered in a new thread started from it; when the thread cannot be made, in a reply.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord.ext import commands

from bot.errors import UserFacingError, describe_error
from bot.questions import IncomingMessage, question_from_message, thread_name
from bot.rendering import help_lines
from bot.replies import Reply, reply_to_message, send_in
from index.query import strip_question_noise

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440


def incoming(message: discord.Message, bot_id: int) -> IncomingMessage:
    channel = message.channel
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    mentioned = bot_id in message.raw_mentions or any(u.id == bot_id for u in message.mentions)
    own_role = message.guild.self_role if message.guild is not None else None
    bot_roles = (own_role.id,) if own_role and own_role.id in message.raw_role_mentions else ()
    return IncomingMessage(
        content=message.content,
        author_id=message.author.id,
        author_is_bot=message.author.bot,
        is_webhook=message.webhook_id is not None,
        is_system=message.is_system(),
        channel_id=channel.id,
        parent_channel_id=parent_id,
        mentions_bot=mentioned or bool(bot_roles),
        bot_role_ids=bot_roles,
    )


class ChannelQuestions(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None:
            return
        question = question_from_message(
            incoming(message, me.id), me.id, self.bot.settings.answer_channel_ids
        )
        if question is None:
            return
        question = strip_question_noise(question, self.bot.bot_names(message.guild))
        policy = self.bot.send_policy()
        try:
            if not question.strip():
                hint = "Ask me something after the mention, or use a command:\n" + "\n".join(
                    help_lines()
                )
                await reply_to_message(message, content=hint, retrying=policy)
                return
            text = self.bot.check_question(message.author.id, question, guild=message.guild)
            with contextlib.suppress(discord.HTTPException):
                await message.channel.typing()
            reply = await self.bot.answer_reply(
                text,
                message.author.id,
                message.guild.id if message.guild is not None else None,
                message.channel.id,
            )
            await self._send_answer(message, text, reply)
        except UserFacingError as refused:
            await self._tell(message, refused.message)
        except Exception as error:
            report = describe_error(error)
            log.error("answering message %s failed", message.id, exc_info=error)
            await self._tell(message, report.message)

    def _answers_in_thread(self, message: discord.Message) -> bool:
        return (
            self.bot.settings.answer_in_threads
            and isinstance(message.channel, discord.TextChannel)
            and message.channel.id in self.bot.settings.answer_channel_ids
        )

    async def _send_answer(self, message: discord.Message, question: str, reply: Reply) -> None:
        policy = self.bot.send_policy()
        if self._answers_in_thread(message):
            thread = await self._open_thread(message, question)
            if thread is not None:
                await send_in(thread, reply, retrying=policy)
                return
        await reply_to_message(message, embed=reply.embed, view=reply.view, retrying=policy)

    async def _open_thread(self, message: discord.Message, question: str) -> discord.Thread | None:
        try:
            return await message.create_thread(
                name=thread_name(question), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as error:
            log.warning(
                "could not open a thread on message %s (answering in a reply): %s",
                message.id,
                error,
            )
            return None

    async def _tell(self, message: discord.Message, text: str) -> None:
        try:
            await reply_to_message(message, content=text, retrying=self.bot.send_policy())
        except discord.HTTPException as error:
            log.warning("could not reply to message %s: %s", message.id, error)


async def setup(bot: NewsBot) -> None:
    await bot.add_cog(ChannelQuestions(bot))
