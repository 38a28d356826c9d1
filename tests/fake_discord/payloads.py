"""Builders for Discord API v10 JSON payloads (the shapes discord.py 2.7.1 parses).

All ids are serialised as strings, like the real API does. Builders are pure functions of the
world model in :mod:`tests.fake_discord.models`.
"""

from __future__ import annotations

from typing import Any

from .models import (
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    iso_now,
    snowflake_iso,
)

JSON = dict[str, Any]

__all__ = [
    "JSON",
    "application_payload",
    "channel_payload",
    "guild_create_payload",
    "guild_payload",
    "member_payload",
    "role_payload",
    "user_payload",
]


def user_payload(user: FakeUser, *, private: bool = False) -> JSON:
    data: JSON = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": user.avatar,
        "bot": user.bot,
        "public_flags": 0,
        "avatar_decoration_data": None,
        "banner": None,
        "accent_color": None,
    }
    if private:  # GET /users/@me and READY.user
        data.update(
            {"verified": True, "mfa_enabled": False, "email": None, "flags": 0, "locale": "en-US"}
        )
    return data


def role_payload(role: FakeRole) -> JSON:
    data: JSON = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def member_payload(
    member: FakeMember, *, with_user: bool = True, permissions: int | None = None
) -> JSON:
    data: JSON = {
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in member.role_ids],
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel_payload(
    channel: FakeChannel,
    *,
    recipients: list[FakeUser] | None = None,
    include_guild_id: bool = True,
) -> JSON:
    if channel.type == ChannelType.DM:
        return {
            "id": str(channel.id),
            "type": int(channel.type),
            "last_message_id": _opt_id(channel.last_message_id),
            "recipients": [user_payload(u) for u in recipients or []],
            "flags": 0,
        }
    data: JSON = {
        "id": str(channel.id),
        "type": int(channel.type),
        "name": channel.name,
        "position": channel.position,
        "parent_id": _opt_id(channel.parent_id),
        "nsfw": channel.nsfw,
        "rate_limit_per_user": channel.rate_limit_per_user,
        "last_message_id": _opt_id(channel.last_message_id),
        "flags": 0,
    }
    if include_guild_id and channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    if channel.is_thread:
        data.update(
            {
                "owner_id": _opt_id(channel.owner_id),
                "message_count": channel.message_count,
                "member_count": channel.member_count,
                "total_message_sent": channel.message_count,
                "thread_metadata": {
                    "archived": channel.archived,
                    "auto_archive_duration": channel.auto_archive_duration,
                    "archive_timestamp": channel.created_at,
                    "locked": channel.locked,
                    "create_timestamp": channel.created_at,
                },
            }
        )
        data.pop("position", None)
    else:
        data["topic"] = channel.topic
        data["permission_overwrites"] = [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.overwrites
        ]
        data["default_auto_archive_duration"] = 1440
    return data


def guild_payload(guild: FakeGuild, *, with_counts: bool = False) -> JSON:
    text_channels = guild.text_channels
    data: JSON = {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [role_payload(r) for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": list(guild.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(text_channels[0].id) if text_channels else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.locale,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
    }
    if with_counts:
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = len(guild.members)
    return data


def guild_create_payload(guild: FakeGuild, *, bot_user_id: int, include_all_members: bool) -> JSON:
    """The GUILD_CREATE dispatch: guild + channels, threads, roles and members.

    Like Discord, members are only all included when the client has the presences intent;
    otherwise only the bot's own member is (discord.py then chunks via op 8 if it has the members
    intent).
    """
    data = guild_payload(guild)
    members = [m for m in guild.members.values() if include_all_members or m.id == bot_user_id]
    data.update(
        {
            "joined_at": guild.joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members),
            "voice_states": [],
            "members": [member_payload(m) for m in members],
            "channels": [
                channel_payload(c, include_guild_id=False)
                for c in guild.channels.values()
                if not c.is_thread
            ],
            "threads": [
                channel_payload(c)
                for c in guild.channels.values()
                if c.is_thread and not c.archived
            ],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
        }
    )
    return data


def application_payload(
    *, application_id: int, name: str, bot: FakeUser, owner: FakeUser, flags: int, guild_count: int
) -> JSON:
    return {
        "id": str(application_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_payload(owner),
        "team": None,
        "flags": flags,
        "bot": user_payload(bot),
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "tags": [],
        "approximate_guild_count": guild_count,
        "integration_types_config": {"0": {}},
    }


def message_timestamp(message_id: int) -> str:
    return snowflake_iso(message_id)


def _opt_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def now() -> str:
    return iso_now()
