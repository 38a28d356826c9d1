"""Answering interactions and messages: never pinging anyone, retrying transient failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import discord
from tenacity import AsyncRetrying

from bot.rendering import fit_content
from bot.retry import send_retrying, with_retries

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
"""Given on every send: nobody is ever pinged, whatever the text says."""

DELIVERED = "bot.delivered"
"""``Interaction.extras`` key set once the command's answer has been sent."""

AnyInteraction = discord.Interaction[Any]

RESPOND_WITHIN = 1.5
"""Seconds an answer may take and still be sent as the interaction's response itself: one
request, and the user never sees "thinking…". A slower answer is deferred first, then
followed up (see :func:`respond_when_ready`)."""

ACKNOWLEDGE_WITHIN = 3.0
"""Discord's deadline to acknowledge an interaction, counted from its creation."""

DEFER_RESERVE = 1.0
"""Of those 3 seconds, what a defer may need (its request, and one retry)."""


@dataclass(frozen=True)
class Reply:
    """A message to send: text, an embed, and buttons (any of them)."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None


def _payload(
    content: str | None, embed: discord.Embed | None, view: discord.ui.View | None = None
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if content is not None:
        kwargs["content"] = fit_content(content)
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def defer(
    interaction: AnyInteraction, *, ephemeral: bool = False, retrying: AsyncRetrying | None = None
) -> None:
    """Acknowledge within Discord's 3 seconds; the answer follows."""
    if interaction.response.is_done():
        return
    await with_retries(
        lambda: interaction.response.defer(thinking=True, ephemeral=ephemeral),
        retrying or send_retrying(attempts=2, initial=0.2, maximum=0.5),
    )


async def deliver(
    interaction: AnyInteraction,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
    retrying: AsyncRetrying | None = None,
) -> None:
    """Send the answer: as the response, or as the followup replacing the deferred one."""
    kwargs = _payload(content, embed, view)
    policy = retrying or send_retrying()
    if interaction.response.is_done():
        await with_retries(lambda: interaction.followup.send(ephemeral=ephemeral, **kwargs), policy)
    else:
        await with_retries(
            lambda: interaction.response.send_message(ephemeral=ephemeral, **kwargs), policy
        )
    interaction.extras[DELIVERED] = True


def response_budget(age: float, within: float) -> float:
    """Seconds to wait for an answer before deferring, for an interaction ``age`` seconds old:
    ``within``, shortened for one received late (e.g. replayed after a reconnect) so that
    the defer is still sent in time."""
    return max(0.0, min(within, ACKNOWLEDGE_WITHIN - DEFER_RESERVE - max(0.0, age)))


async def respond_when_ready(
    interaction: AnyInteraction,
    answer: Awaitable[discord.Embed | Reply],
    *,
    ephemeral: bool = False,
    retrying: AsyncRetrying | None = None,
) -> None:
    """Send the embed (or reply) ``answer`` gives: as the response when it is ready within
    :data:`RESPOND_WITHIN` seconds, else deferred ("thinking…") first, then as the
    followup that replaces the "thinking…" message. ``ephemeral``: only the user sees it.

    A failure of ``answer`` propagates (to the tree's error handler), deferred or not.
    """
    task = asyncio.ensure_future(answer)
    try:
        age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        done, _ = await asyncio.wait((task,), timeout=response_budget(age, RESPOND_WITHIN))
        if not done:
            await defer(interaction, ephemeral=ephemeral)
        ready = await task
    finally:
        if not task.done():  # the defer failed, or the command was cancelled
            task.cancel()
        elif not task.cancelled():
            task.exception()  # retrieved: the error raised here is the one reported
    reply = ready if isinstance(ready, Reply) else Reply(embed=ready)
    await deliver(
        interaction,
        content=reply.content,
        embed=reply.embed,
        view=reply.view,
        ephemeral=ephemeral,
        retrying=retrying,
    )


async def edit_original(
    interaction: AnyInteraction,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    retrying: AsyncRetrying | None = None,
) -> None:
    """Replace the (deferred) original response's content and embed."""
    embeds = [embed] if embed is not None else []
    text = fit_content(content) if content is not None else None
    await with_retries(
        lambda: interaction.edit_original_response(
            content=text, embeds=embeds, allowed_mentions=NO_MENTIONS
        ),
        retrying or send_retrying(),
    )


async def send_private(
    interaction: AnyInteraction, text: str, retrying: AsyncRetrying | None = None
) -> None:
    """Tell the user ``text`` privately, whatever state the interaction is in.

    Not yet answered: an ephemeral response. Deferred publicly and not yet delivered:
    the public "thinking…" message is deleted first, so the message stays private.
    Otherwise: an ephemeral followup.
    """
    policy = retrying or send_retrying(attempts=2)
    kwargs = _payload(text, None)
    try:
        if not interaction.response.is_done():
            await with_retries(
                lambda: interaction.response.send_message(ephemeral=True, **kwargs), policy
            )
            return
        deferred = (
            interaction.response.type is discord.InteractionResponseType.deferred_channel_message
        )
        if deferred and not interaction.extras.get(DELIVERED):
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await with_retries(lambda: interaction.followup.send(ephemeral=True, **kwargs), policy)
    except discord.HTTPException as error:
        log.warning("could not tell the user about an error: %s", error)


async def reply_to_message(
    message: discord.Message,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    retrying: AsyncRetrying | None = None,
) -> discord.Message:
    """Reply to ``message`` (still sent if it was deleted meanwhile), pinging nobody."""
    kwargs = _payload(content, embed, view)
    reference = message.to_reference(fail_if_not_exists=False)
    return await with_retries(
        lambda: message.channel.send(reference=reference, mention_author=False, **kwargs),
        retrying or send_retrying(),
    )


async def send_in(
    channel: discord.abc.Messageable, reply: Reply, *, retrying: AsyncRetrying | None = None
) -> discord.Message:
    """Post ``reply`` in ``channel`` (e.g. a thread just opened), pinging nobody."""
    kwargs = _payload(reply.content, reply.embed, reply.view)
    return await with_retries(lambda: channel.send(**kwargs), retrying or send_retrying())
