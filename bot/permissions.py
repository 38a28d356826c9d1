"""Who is a moderator: Manage Server (or Administrator), or a role in MODERATOR_ROLE_IDS.

Checked by the bot on every call: Discord's ``default_permissions`` only decides
who sees a command by default, and server admins can change that.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import discord

from bot.errors import NotModeratorError


def is_moderator(
    *,
    manage_guild: bool,
    administrator: bool,
    role_ids: Iterable[int],
    moderator_role_ids: Collection[int],
) -> bool:
    """Pure rule: Manage Server, Administrator, or any moderator role."""
    if manage_guild or administrator:
        return True
    return any(role_id in moderator_role_ids for role_id in role_ids)


def member_role_ids(user: discord.abc.User) -> list[int]:
    """Role ids of an interaction's member, straight from the interaction payload.

    ``Member.roles`` only lists roles found in the guild cache; the payload's ids are
    authoritative, so the raw list is read (empty for a user outside a guild).
    """
    if not isinstance(user, discord.Member):
        return []
    raw = getattr(user, "_roles", None)
    ids = {int(role_id) for role_id in raw} if raw is not None else set()
    ids.update(role.id for role in user.roles if not role.is_default())
    return sorted(ids)


def interaction_is_moderator(
    interaction: discord.Interaction[discord.Client], moderator_role_ids: Collection[int]
) -> bool:
    """Apply :func:`is_moderator` to the member who sent ``interaction``."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    permissions = interaction.permissions
    return is_moderator(
        manage_guild=permissions.manage_guild,
        administrator=permissions.administrator,
        role_ids=member_role_ids(interaction.user),
        moderator_role_ids=moderator_role_ids,
    )


def require_moderator(
    interaction: discord.Interaction[discord.Client], moderator_role_ids: Collection[int]
) -> bool:
    """An ``interaction_check`` for moderator-only cogs: true, or ``NotModeratorError``."""
    if not interaction_is_moderator(interaction, moderator_role_ids):
        raise NotModeratorError()
    return True
