"""The buttons under an answer: "More", 👍 and 👎, working across restarts.

Each button's ``custom_id`` carries the id of the answer in the feedback database
(``nd:more:42``, ``nd:vote:42:up``), and the buttons are ``DynamicItem`` classes
registered in ``setup_hook``: a click on an answer sent before a restart reaches the
new process, which finds the answer by that id. Replies to clicks are private.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import describe_error
from bot.feedback_store import UnknownAnswer, Vote
from bot.rendering import vote_message
from bot.replies import Reply, respond_when_ready, send_private

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

UNKNOWN_ANSWER = "I no longer have this answer on record: please ask the question again."

VOTE_LABELS = {Vote.UP: "👍", Vote.DOWN: "👎"}


def vote_custom_id(answer_id: int, vote: Vote) -> str:
    return f"nd:vote:{answer_id}:{'up' if vote is Vote.UP else 'down'}"


def more_custom_id(answer_id: int) -> str:
    return f"nd:more:{answer_id}"


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"nd:vote:(?P<answer>\d{1,19}):(?P<vote>up|down)",
):
    def __init__(self, answer_id: int, vote: Vote) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=VOTE_LABELS[vote],
                custom_id=vote_custom_id(answer_id, vote),
            )
        )
        self.answer_id = answer_id
        self.vote = vote

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["answer"]), Vote.UP if match["vote"] == "up" else Vote.DOWN)

    async def callback(self, interaction: discord.Interaction[NewsBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        await guarded(
            interaction,
            "vote",
            respond_when_ready(
                interaction,
                bot.run_blocking(self._vote, bot, interaction.user.id),
                ephemeral=True,
                retrying=bot.send_policy(),
            ),
        )

    def _vote(self, bot: NewsBot, user_id: int) -> Reply:
        """Record the vote (committed on return) and say so; runs in a worker thread."""
        outcome = bot.feedback.vote(self.answer_id, user_id, self.vote)
        log.info("vote %s on answer %s by user %s", self.vote.name, self.answer_id, user_id)
        return Reply(content=vote_message(outcome))


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nd:more:(?P<answer>\d{1,19})"
):
    def __init__(self, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label="More",
                custom_id=more_custom_id(answer_id),
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> MoreButton:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction[NewsBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        await guarded(
            interaction,
            "more",
            respond_when_ready(
                interaction,
                bot.run_blocking(bot.more_embed, self.answer_id),
                ephemeral=True,
                retrying=bot.send_policy(),
            ),
        )


async def guarded(
    interaction: discord.Interaction[NewsBot], what: str, click: Awaitable[None]
) -> None:
    """Run a click's handler; tell the user privately what went wrong, if anything.

    (discord.py only logs a failing button callback: the user would see "This
    interaction failed".)
    """
    bot = interaction.client
    try:
        await click
    except UnknownAnswer:
        await send_private(interaction, UNKNOWN_ANSWER, bot.send_policy())
    except Exception as error:
        report = describe_error(error)
        if report.log_traceback:
            log.error("%s button failed (user %s)", what, interaction.user.id, exc_info=error)
        await send_private(interaction, report.message, bot.send_policy())


def answer_buttons(answer_id: int) -> discord.ui.View:
    """The view sent with an answer: More, 👍, 👎 (never times out)."""
    view = discord.ui.View(timeout=None)
    view.add_item(MoreButton(answer_id))
    view.add_item(VoteButton(answer_id, Vote.UP))
    view.add_item(VoteButton(answer_id, Vote.DOWN))
    return view


DYNAMIC_ITEMS = (VoteButton, MoreButton)
