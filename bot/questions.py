"""Pure rules about questions: validation, mention stripping, which messages to answer."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.errors import InvalidQuestionError
from bot.rendering import clip, tidy

_HAS_WORD = re.compile(r"\w", re.UNICODE)


def validate_question(text: str | None, max_chars: int, what: str = "question") -> str:
    """The question, tidied; raise ``InvalidQuestionError`` when empty, too long or wordless."""
    question = tidy(text or "").replace("\u200b", "").strip()
    if not question:
        raise InvalidQuestionError(
            f"Please type a {what}, for example: /ask who refused to kick whom?"
            if what == "question"
            else f"Please type a few words of the {what}."
        )
    if len(question) > max_chars:
        raise InvalidQuestionError(
            f"That {what} is {len(question)} characters long; "
            f"the limit is {max_chars}. Please shorten it."
        )
    if not _HAS_WORD.search(question):
        raise InvalidQuestionError(f"That {what} has no words I can search for.")
    return question


def strip_mentions(content: str, user_id: int, role_ids: Collection[int] = ()) -> str:
    """``content`` without mentions of the bot (``<@id>``, ``<@!id>``, its role ``<@&id>``)."""
    content = re.sub(rf"<@!?{user_id}>", " ", content)
    for role_id in role_ids:
        content = content.replace(f"<@&{role_id}>", " ")
    return re.sub(r"[ \t]{2,}", " ", content).strip()


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """What the channel-questions feature needs to know about a message."""

    content: str
    author_id: int
    author_is_bot: bool
    is_webhook: bool
    is_system: bool
    channel_id: int
    parent_channel_id: int | None
    mentions_bot: bool
    bot_role_ids: tuple[int, ...] = ()
    """The bot's own (managed) roles mentioned in the message: people often pick those."""


def question_from_message(
    message: IncomingMessage, bot_id: int, answer_channel_ids: Collection[int]
) -> str | None:
    """The question a message asks the bot, or ``None`` when the bot should stay quiet.

    Answered: any message in an answer channel (or a thread of one), and any message that
    mentions the bot. Ignored: the bot itself, other bots, webhooks, system messages and
    messages with no text. The returned question may be empty (a bare mention).
    """
    if message.author_id == bot_id or message.author_is_bot or message.is_webhook:
        return None
    if message.is_system or not message.content.strip():
        return None
    in_channel = message.channel_id in answer_channel_ids or (
        message.parent_channel_id is not None and message.parent_channel_id in answer_channel_ids
    )
    if not (in_channel or message.mentions_bot):
        return None
    return strip_mentions(message.content, bot_id, message.bot_role_ids)


THREAD_NAME_CHARS = 100
"""Discord's limit on a thread name."""


def thread_name(question: str) -> str:
    """A thread's name for a question: one line, within Discord's 100 characters."""
    line = " ".join(question.split()) or "Your question"
    return clip(line, THREAD_NAME_CHARS)
