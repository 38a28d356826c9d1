"""``FakeDiscord``: a local fake of Discord's REST API + gateway for end-to-end tests of a real
discord.py 2.7.1 client. Only ever listens on 127.0.0.1.

Typical use (the ``fake_discord`` fixture in ``tests/conftest.py`` does the start/patch part)::

    async with FakeDiscord() as fake:
        fake.patch_discord_py(monkeypatch)        # Route.BASE + DEFAULT_GATEWAY -> the fake
        async with run_bot(bot, fake):            # tests.fake_discord.harness
            await bot.tree.sync(guild=discord.Object(fake.guild.id))
            rec = await fake.send_slash_command("ping")
            assert (await rec.wait_callback()).content == "pong"
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .api_spec import SUITE_SPEC_LOG, SpecLog, SpecViolation, check_request
from .gateway import Gateway
from .models import (
    ADMIN_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    PRIVILEGED_INTENTS,
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Intent,
    Perm,
    PermissionOverwrite,
    SnowflakeGenerator,
    snowflake_iso,
)
from .payloads import (
    JSON,
    channel_payload,
    guild_create_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .records import (
    FakeDiscordError,
    FaultRule,
    InteractionRecord,
    Notifier,
    RequestRecord,
    SentMessage,
    StoredMessage,
    UploadedFile,
)
from .rest import RestApi

if TYPE_CHECKING:
    import pytest

__all__ = ["DEFAULT_TOKEN", "FakeDiscord"]

DEFAULT_TOKEN = "fake-bot-token.fake-discord.not-a-real-token"

APP_FLAG_GATEWAY_PRESENCE_LIMITED = 1 << 13
APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19
APP_FLAG_APPLICATION_COMMAND_BADGE = 1 << 23

UserRef = FakeUser | FakeMember | int
GuildRef = FakeGuild | int
ChannelRef = FakeChannel | int | str


class FakeDiscord:
    """A fake Discord (REST + gateway) on 127.0.0.1 for the real discord.py client.

    Default world (``default_world=True``): application ``application_id`` with bot user
    ``bot_user``; guild ``guild`` ("Newsroom") with text channels ``#general`` and ``#news``;
    roles ``@everyone``, ``Moderator`` (moderation perms, *no* Manage Server), ``Admin``
    (Manage Server) and the bot's managed role; members ``plain_user``, ``moderator_user``
    (Moderator role), ``admin_user`` (Admin role), ``owner_user`` (guild owner) and the bot.

    Behaviour knobs:
      * ``token`` - the only token accepted (REST ``Authorization: Bot ...`` and IDENTIFY);
        ``None`` accepts anything.
      * ``heartbeat_interval`` - seconds, sent in HELLO.
      * ``interaction_ack_timeout`` - callbacks later than this (s) get 404 Unknown interaction
        (Discord's 3 s rule); ``None`` disables.
      * ``privileged_intents`` - privileged intents "enabled in the developer portal";
        IDENTIFY asking for others is closed with 4014.
      * ``echo_bot_messages`` - dispatch MESSAGE_CREATE/UPDATE for the bot's own messages like
        Discord does (a bot must ignore itself).
      * ``check_api_spec`` - check every REST request against Discord's OpenAPI spec
        (``api_spec.py``); violations land in ``spec_violations`` and ``spec_log`` (the
        process-wide log the test suite fails on) unless inside ``expect_spec_violations()``.
      * ``enforce_command_permissions`` - refuse (FakeDiscordError) to send a slash command a
        user could not see because of ``default_member_permissions``.
    """

    def __init__(
        self,
        *,
        application_id: int | None = None,
        bot_username: str = "NewsDesk",
        token: str | None = DEFAULT_TOKEN,
        heartbeat_interval: float = 1.0,
        interaction_ack_timeout: float | None = 3.0,
        interaction_token_ttl: float = 900.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        echo_bot_messages: bool = True,
        enforce_command_permissions: bool = True,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        default_world: bool = True,
        api_version: int = 10,
        port: int = 0,
        check_api_spec: bool = True,
        spec_log: SpecLog | None = None,
    ) -> None:
        self.snowflakes = SnowflakeGenerator()
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.interaction_ack_timeout = interaction_ack_timeout
        self.interaction_token_ttl = interaction_token_ttl
        self.privileged_intents = privileged_intents
        self.echo_bot_messages = echo_bot_messages
        self.enforce_command_permissions = enforce_command_permissions
        self.bot_permissions = bot_permissions
        self.api_version = api_version
        self.recommended_shards = 1
        self.host = "127.0.0.1"
        self._port = port

        self.notifier = Notifier(self._describe)
        self.gateway = Gateway(self)
        self.rest = RestApi(self)

        # world
        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self.dms_closed: set[int] = set()
        self.application_id = application_id or self.snowflakes.next()
        self.bot_user = self.add_user(bot_username, bot=True, user_id=self.application_id)
        self.owner_user = self.add_user("owner")

        # records
        self.requests: list[RequestRecord] = []
        self.unknown_routes: list[RequestRecord] = []
        self.server_errors: list[str] = []
        self.messages: dict[int, StoredMessage] = {}
        self.interactions: list[InteractionRecord] = []
        self.interactions_by_id: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.global_commands: dict[int, JSON] = {}
        self.guild_commands: dict[int, dict[int, JSON]] = {}
        self.typing: list[tuple[int, float]] = []
        self.faults: list[FaultRule] = []
        self.cdn_files: dict[str, UploadedFile] = {}
        """Attachments users "uploaded" (attachment options), by CDN path."""
        self.check_api_spec = check_api_spec
        self.spec_log = SUITE_SPEC_LOG if spec_log is None else spec_log
        self.spec_violations: list[SpecViolation] = []
        self.expected_spec_violations: list[SpecViolation] = []
        self._expecting_violations = 0

        self._runner: web.AppRunner | None = None
        self._guild: FakeGuild | None = None
        if default_world:
            self._build_default_world()

    # ======================================================================================
    # lifecycle
    # ======================================================================================
    async def start(self) -> None:
        """Start listening on 127.0.0.1 (a free port unless ``port`` was given)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume-gateway", self.gateway.handle)
        app.router.add_get("/cdn/{tail:.*}", self._serve_cdn)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self._port = int(sockets[0].getsockname()[1])
        self._runner = runner

    async def stop(self) -> None:
        """Close gateway connections (1001) and stop the server. Stop your bot first."""
        if self._runner is None:
            return
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._runner is None:
            raise FakeDiscordError("FakeDiscord is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v{self.api_version}"

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (as a yarl.URL)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Sent as READY.resume_gateway_url; RESUMEs arrive here (see ``connections[i].path``)."""
        return f"ws://{self.host}:{self.port}/resume-gateway"

    @property
    def cdn_base(self) -> str:
        return f"{self.base_url}/cdn"

    async def _serve_cdn(self, request: web.Request) -> web.Response:
        upload = self.cdn_files.get(request.path)
        if upload is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=upload.data, content_type=upload.content_type or "application/octet-stream"
        )

    def attachment_payload(self, upload: UploadedFile, channel_id: int) -> JSON:
        """Publish ``upload`` on the fake CDN, as a user's upload: its attachment object."""
        aid = self.snowflakes.next()
        filename = upload.filename or "file"
        path = f"/cdn/attachments/{channel_id}/{aid}/{filename}"
        self.cdn_files[path] = upload
        url = f"{self.base_url}{path}"
        data: JSON = {
            "id": str(aid),
            "filename": filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
        }
        if upload.content_type:
            data["content_type"] = upload.content_type
        return data

    def patch_discord_py(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point discord.py at this fake (REST incl. interaction webhooks, and the gateway)."""
        # imported here so the fake server itself never depends on the library under test
        from .harness import point_discord_py_at

        point_discord_py_at(monkeypatch, self.api_base, self.gateway_url)

    # ======================================================================================
    # world building
    # ======================================================================================
    @property
    def guild(self) -> FakeGuild:
        """The default (first) guild."""
        if self._guild is None:
            raise FakeDiscordError("no guild: create one with add_guild()")
        return self._guild

    @property
    def application_flags(self) -> int:
        flags = APP_FLAG_APPLICATION_COMMAND_BADGE
        if self.privileged_intents & Intent.GUILD_PRESENCES:
            flags |= APP_FLAG_GATEWAY_PRESENCE_LIMITED
        if self.privileged_intents & Intent.GUILD_MEMBERS:
            flags |= APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED
        if self.privileged_intents & Intent.MESSAGE_CONTENT:
            flags |= APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED
        return flags

    def add_user(self, username: str, *, bot: bool = False, user_id: int | None = None) -> FakeUser:
        user = FakeUser(
            id=user_id or self.snowflakes.next(),
            username=username,
            global_name=username.title(),
            bot=bot,
        )
        self.users[user.id] = user
        return user

    def _build_default_world(self) -> None:
        guild = self._new_guild("Newsroom", owner=self.owner_user)
        self._new_channel(guild, "general", topic="General chat")
        self._new_channel(guild, "news", topic="Ask questions about the news here")
        moderator = self._new_role(guild, "Moderator", MODERATOR_PERMISSIONS, mentionable=True)
        admin = self._new_role(guild, "Admin", ADMIN_PERMISSIONS)
        self.plain_user = self.add_user("alice")
        self.moderator_user = self.add_user("morgan_mod")
        self.admin_user = self.add_user("ada_admin")
        self._new_member(guild, self.plain_user)
        self._new_member(guild, self.moderator_user, [moderator])
        self._new_member(guild, self.admin_user, [admin])

    def _new_guild(self, name: str, *, owner: FakeUser) -> FakeGuild:
        gid = self.snowflakes.next()
        guild = FakeGuild(id=gid, name=name, owner_id=owner.id)
        guild.roles[gid] = FakeRole(
            id=gid, name="@everyone", permissions=DEFAULT_EVERYONE_PERMISSIONS
        )
        bot_role = FakeRole(
            id=self.snowflakes.next(),
            name=self.bot_user.username,
            permissions=self.bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.guilds[gid] = guild
        if self._guild is None:
            self._guild = guild
        self._new_member(guild, owner)
        self._new_member(guild, self.bot_user, [bot_role])
        return guild

    def _new_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        type: int = ChannelType.GUILD_TEXT,
        topic: str | None = None,
        overwrites: Iterable[PermissionOverwrite] = (),
        parent: FakeChannel | None = None,
    ) -> FakeChannel:
        channel = FakeChannel(
            id=self.snowflakes.next(),
            type=int(type),
            name=name,
            guild_id=guild.id,
            position=len([c for c in guild.channels.values() if not c.is_thread]),
            topic=topic,
            parent_id=None if parent is None else parent.id,
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        return channel

    def _new_role(
        self, guild: FakeGuild, name: str, permissions: int, *, mentionable: bool = False
    ) -> FakeRole:
        role = FakeRole(
            id=self.snowflakes.next(),
            name=name,
            permissions=int(permissions),
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        return role

    def _new_member(
        self, guild: FakeGuild, user: FakeUser, roles: Iterable[FakeRole] = ()
    ) -> FakeMember:
        member = FakeMember(user=user, role_ids=[r.id for r in roles])
        guild.members[user.id] = member
        return member

    async def add_guild(self, name: str, *, channels: Iterable[str] = ("general",)) -> FakeGuild:
        """Add a guild the bot is in (dispatches GUILD_CREATE if the bot is connected)."""
        guild = self._new_guild(name, owner=self.owner_user)
        for channel in channels:
            self._new_channel(guild, channel)
        await self.gateway.dispatch(
            "GUILD_CREATE",
            lambda s: guild_create_payload(
                guild,
                bot_user_id=self.bot_user.id,
                include_all_members=s.has_intent(Intent.GUILD_PRESENCES),
            ),
            guild_id=guild.id,
            intent=Intent.GUILDS,
        )
        return guild

    async def add_channel(
        self,
        name: str,
        *,
        guild: GuildRef | None = None,
        type: int = ChannelType.GUILD_TEXT,
        topic: str | None = None,
        overwrites: Iterable[PermissionOverwrite] = (),
    ) -> FakeChannel:
        """Add a guild channel (dispatches CHANNEL_CREATE)."""
        g = self._guild_ref(guild)
        channel = self._new_channel(g, name, type=type, topic=topic, overwrites=overwrites)
        await self.gateway.dispatch(
            "CHANNEL_CREATE", channel_payload(channel), guild_id=g.id, intent=Intent.GUILDS
        )
        return channel

    async def set_permission_overwrite(
        self,
        channel: ChannelRef,
        target: FakeRole | FakeUser | FakeMember,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> None:
        """Set a channel overwrite for a role or member (dispatches CHANNEL_UPDATE)."""
        ch = self._channel_ref(channel, None)
        kind = 0 if isinstance(target, FakeRole) else 1
        ch.overwrites = [o for o in ch.overwrites if not (o.id == target.id and o.type == kind)]
        ch.overwrites.append(
            PermissionOverwrite(id=target.id, type=kind, allow=int(allow), deny=int(deny))
        )
        await self.gateway.dispatch(
            "CHANNEL_UPDATE", channel_payload(ch), guild_id=ch.guild_id, intent=Intent.GUILDS
        )

    async def add_role(
        self,
        name: str,
        permissions: int,
        *,
        guild: GuildRef | None = None,
        mentionable: bool = False,
    ) -> FakeRole:
        """Add a role (dispatches GUILD_ROLE_CREATE)."""
        g = self._guild_ref(guild)
        role = self._new_role(g, name, permissions, mentionable=mentionable)
        await self.gateway.dispatch(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(g.id), "role": role_payload(role)},
            guild_id=g.id,
            intent=Intent.GUILDS,
        )
        return role

    async def add_member(
        self, user: FakeUser | str, *, guild: GuildRef | None = None, roles: Iterable[FakeRole] = ()
    ) -> FakeMember:
        """Add a member (a new user if given a name); dispatches GUILD_MEMBER_ADD."""
        g = self._guild_ref(guild)
        u = self.add_user(user) if isinstance(user, str) else user
        member = self._new_member(g, u, roles)
        await self.gateway.dispatch(
            "GUILD_MEMBER_ADD",
            {**member_payload(member), "guild_id": str(g.id)},
            guild_id=g.id,
            intent=Intent.GUILD_MEMBERS,
        )
        return member

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The DM channel between ``user`` and the bot (created on first use)."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(
                id=self.snowflakes.next(),
                type=ChannelType.DM,
                name="",
                guild_id=None,
                recipient_ids=[user.id],
            )
            self.dm_channels[user.id] = channel
        return channel

    # -- lookups ---------------------------------------------------------------------------
    def find_channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds.values():
            channel = guild.channels.get(channel_id)
            if channel is not None:
                return channel
        return next((c for c in self.dm_channels.values() if c.id == channel_id), None)

    def channel(self, name: str, guild: GuildRef | None = None) -> FakeChannel:
        """A channel of the default (or given) guild by name."""
        return self._guild_ref(guild).channel(name)

    def _guild_ref(self, guild: GuildRef | None) -> FakeGuild:
        if guild is None:
            return self.guild
        if isinstance(guild, FakeGuild):
            return guild
        try:
            return self.guilds[int(guild)]
        except KeyError:
            raise FakeDiscordError(f"unknown guild {guild}") from None

    def _user_ref(self, user: UserRef | None) -> FakeUser:
        if user is None:
            try:
                return self.plain_user
            except AttributeError:
                raise FakeDiscordError("no default user: pass user=") from None
        if isinstance(user, FakeMember):
            return user.user
        if isinstance(user, FakeUser):
            return user
        try:
            return self.users[int(user)]
        except KeyError:
            raise FakeDiscordError(f"unknown user {user}") from None

    def _channel_ref(self, channel: ChannelRef | None, guild: FakeGuild | None) -> FakeChannel:
        if isinstance(channel, FakeChannel):
            return channel
        if isinstance(channel, str):
            return (guild or self.guild).channel(channel)
        if channel is None:
            g = guild or self.guild
            if not g.text_channels:
                raise FakeDiscordError(f"guild {g.name!r} has no text channel")
            return g.text_channels[0]
        found = self.find_channel(int(channel))
        if found is None:
            raise FakeDiscordError(f"unknown channel {channel}")
        return found

    def timestamp(self, snowflake: int | None = None) -> str:
        if snowflake is not None:
            return snowflake_iso(snowflake)
        return dt.datetime.now(tz=dt.UTC).isoformat()

    # ======================================================================================
    # inspection
    # ======================================================================================
    @property
    def identifies(self) -> int:
        return self.gateway.identifies

    @property
    def resumes(self) -> int:
        return self.gateway.resumes

    @property
    def connections(self) -> int:
        """Number of gateway websocket connections accepted so far."""
        return len(self.gateway.connections)

    @property
    def heartbeats(self) -> int:
        return self.gateway.heartbeats

    def mark(self) -> int:
        """A cursor into ``requests``; pass as ``since=`` to only consider later requests."""
        return len(self.requests)

    def find_requests(
        self, method: str | None, path_regex: str, *, since: int = 0
    ) -> list[RequestRecord]:
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests[since:]
            if (method in (None, "*") or r.method == method.upper()) and pattern.search(r.path)
        ]

    async def wait_for_request(
        self,
        method: str | None,
        path_regex: str,
        *,
        timeout: float = 5.0,
        since: int = 0,
        predicate: Callable[[RequestRecord], bool] | None = None,
    ) -> RequestRecord:
        """First *answered* request matching ``method`` and ``re.search(path_regex, path)``
        (path without ``/api/v10``), at index >= ``since`` (see :meth:`mark`)."""

        def check() -> RequestRecord | None:
            for r in self.find_requests(method, path_regex, since=since):
                if r.done and (predicate is None or predicate(r)):
                    return r
            return None

        return await self.notifier.wait_for(
            check, timeout=timeout, what=f"request {method} {path_regex}"
        )

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5.0, what: str = "condition"
    ) -> None:
        await self.notifier.wait_for(
            lambda: True if predicate() else None, timeout=timeout, what=what
        )

    async def wait_for_identify(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait_until(
            lambda: self.identifies >= count, timeout=timeout, what=f"{count} IDENTIFY"
        )

    async def wait_for_resume(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait_until(
            lambda: self.resumes >= count, timeout=timeout, what=f"{count} RESUME"
        )

    def registered_commands(self, guild: GuildRef | None = None) -> list[JSON]:
        """Commands the bot synced: global ones (``guild=None``) or one guild's."""
        if guild is None:
            return list(self.global_commands.values())
        gid = guild.id if isinstance(guild, FakeGuild) else int(guild)
        return list(self.guild_commands.get(gid, {}).values())

    def registered_command(
        self, name: str, guild: GuildRef | None = None, *, type: int = 1
    ) -> JSON:
        for cmd in self.registered_commands(guild):
            if cmd["name"] == name and cmd["type"] == type:
                return cmd
        raise KeyError(
            f"command {name!r} (type {type}) not registered "
            + ("globally" if guild is None else f"in guild {guild}")
        )

    def bot_messages(self, channel: ChannelRef | None = None) -> list[StoredMessage]:
        """Non-deleted messages the bot created (any source), oldest first."""
        cid = None if channel is None else self._channel_ref(channel, None).id
        return [
            m
            for m in sorted(self.messages.values(), key=lambda m: m.id)
            if m.author_id == self.bot_user.id
            and not m.deleted
            and (cid is None or m.channel_id == cid)
        ]

    async def wait_for_bot_message(
        self,
        channel: ChannelRef | None = None,
        *,
        predicate: Callable[[StoredMessage], bool] | None = None,
        after_id: int = 0,
        timeout: float = 5.0,
    ) -> StoredMessage:
        def check() -> StoredMessage | None:
            return next(
                (
                    m
                    for m in self.bot_messages(channel)
                    if m.id > after_id and (predicate is None or predicate(m))
                ),
                None,
            )

        return await self.notifier.wait_for(check, timeout=timeout, what="a bot message")

    def record_spec_check(self, record: RequestRecord) -> None:
        """Check ``record`` against Discord's API spec and keep what it breaks."""
        if not self.check_api_spec:
            return
        started = time.perf_counter()
        found = check_request(
            record.method,
            record.path,
            record.query,
            body=record.json,
            multipart=record.multipart,
            file_fields=[f.field_name for f in record.files],
            form_fields=[name for name in record.form if name != "_raw"],
            content_type=record.headers.get("Content-Type", "").split(";")[0].strip() or None,
        )
        if "_raw" in record.form:
            found.append(
                SpecViolation(record.method, record.path, None, "the body is not valid JSON")
            )
        self.spec_log.checked += 1
        self.spec_log.seconds += time.perf_counter() - started
        if self._expecting_violations:
            self.expected_spec_violations.extend(found)
            return
        self.spec_violations.extend(found)
        self.spec_log.violations.extend(found)

    @contextlib.contextmanager
    def expect_spec_violations(self) -> Iterator[list[SpecViolation]]:
        """Requests sent inside may break the spec on purpose (a test of the fake's own
        400s): what they break is yielded, not reported as the suite's violations."""
        start = len(self.expected_spec_violations)
        self._expecting_violations += 1
        found: list[SpecViolation] = []
        try:
            yield found
        finally:
            self._expecting_violations -= 1
            found.extend(self.expected_spec_violations[start:])

    def assert_clean(self) -> None:
        """Fail if discord.py hit unknown routes, broke Discord's API spec or the fake itself
        crashed."""
        problems = (
            [f"unknown route: {r!r}" for r in self.unknown_routes]
            + [f"fake server error: {e}" for e in self.server_errors]
            + [f"Discord API spec violation: {v}" for v in self.spec_violations]
        )
        if problems:
            raise AssertionError("\n".join(problems))

    def _describe(self) -> str:
        lines = ["recent REST requests:"]
        lines += [f"  {r!r}" for r in self.requests[-12:]] or ["  (none)"]
        if self.unknown_routes:
            lines.append(f"unknown routes: {self.unknown_routes!r}")
        if self.server_errors:
            lines.append("fake server errors:\n" + "\n".join(self.server_errors[-3:]))
        lines.append(
            f"gateway: connections={self.connections} identifies={self.identifies}"
            f" resumes={self.resumes}"
            f" open={len(self.gateway.open_connections)}"
        )
        return "\n".join(lines)

    # ======================================================================================
    # sending events to the bot
    # ======================================================================================
    async def dispatch_raw(
        self, event: str, data: JSON, *, guild_id: int | None = None, intent: int | None = None
    ) -> int:
        """Send any dispatch event; returns how many sessions got it."""
        return await self.gateway.dispatch(event, data, guild_id=guild_id, intent=intent)

    async def send_message(
        self,
        content: str,
        *,
        author: UserRef | None = None,
        channel: ChannelRef | None = None,
        guild: GuildRef | None = None,
        mentions: Iterable[FakeUser | FakeMember | FakeRole] = (),
        reply_to: StoredMessage | int | None = None,
        reply_ping: bool = True,
        dm: bool = False,
        embeds: list[JSON] | None = None,
    ) -> SentMessage:
        """A user posts a message (MESSAGE_CREATE). ``mentions`` not already in ``content`` are
        prepended as ``<@id>``/``<@&id>``. With ``dm=True`` it is sent in the author's DM with
        the bot. Content is hidden from sessions lacking the MESSAGE_CONTENT intent unless the
        bot is mentioned (Discord's rule)."""
        user = self._user_ref(author)
        g: FakeGuild | None = None
        if dm:
            ch = self.dm_channel(user)
        else:
            g = self._guild_ref(guild)
            ch = self._channel_ref(channel, g)
            g = self.guilds[ch.guild_id] if ch.guild_id is not None else None
            if g is not None and user.id not in g.members:
                raise FakeDiscordError(f"{user.username} is not a member of {g.name}")
        prefix = " ".join(m.mention for m in mentions if m.mention not in content)
        body: JSON = {"content": f"{prefix} {content}".strip() if prefix else content}
        if embeds:
            body["embeds"] = embeds
        if reply_to is not None:
            rid = reply_to.id if isinstance(reply_to, StoredMessage) else int(reply_to)
            body["message_reference"] = {"message_id": rid, "fail_if_not_exists": False}
        msg = self.rest.build_message(
            guild=g,
            channel=ch,
            author=user,
            body=body,
            files=[],
            source="user",
            reply_ping=reply_ping,
        )
        delivered = await self.rest.echo("MESSAGE_CREATE", msg)
        return SentMessage(self, msg, delivered > 0)

    def _perms_in(self, guild: FakeGuild | None, user: FakeUser, channel: FakeChannel) -> int:
        if guild is None:
            return int(
                Perm.VIEW_CHANNEL
                | Perm.SEND_MESSAGES
                | Perm.EMBED_LINKS
                | Perm.ATTACH_FILES
                | Perm.READ_MESSAGE_HISTORY
                | Perm.ADD_REACTIONS
                | Perm.USE_APPLICATION_COMMANDS
            )
        return guild.permissions_for(guild.member(user), channel)

    def _find_command(self, name: str, guild: FakeGuild | None, command_type: int) -> JSON | None:
        scopes: list[dict[int, JSON]] = []
        if guild is not None:
            scopes.append(self.guild_commands.get(guild.id, {}))
        scopes.append(self.global_commands)
        for store in scopes:
            for cmd in store.values():
                if cmd["name"] == name and cmd["type"] == command_type:
                    return cmd
        return None

    def _interaction_base(
        self,
        *,
        itype: int,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        data: JSON,
        locale: str,
    ) -> JSON:
        iid = self.snowflakes.next()
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": f"fake-itoken-{secrets.token_urlsafe(32)}",
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
        }
        if guild is not None:
            perms = self._perms_in(guild, user, channel)
            bot_perms = guild.permissions_for(guild.member(self.bot_user), channel)
            ch = channel_payload(channel)
            ch["permissions"] = str(perms)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {
                        "id": str(guild.id),
                        "locale": guild.locale,
                        "features": list(guild.features),
                    },
                    "guild_locale": guild.locale,
                    "channel": ch,
                    "member": member_payload(guild.member(user), permissions=perms),
                    "app_permissions": str(bot_perms),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            ch = channel_payload(channel, recipients=[user])
            ch["permissions"] = str(self._perms_in(None, user, channel))
            payload.update(
                {
                    "user": user_payload(user),
                    "channel": ch,
                    "app_permissions": str(self._perms_in(None, user, channel)),
                    "authorizing_integration_owners": {"0": str(user.id)},
                    "context": 1,
                }
            )
        return payload

    async def _deliver_interaction(
        self,
        payload: JSON,
        channel: FakeChannel,
        guild: FakeGuild | None,
        source: StoredMessage | None = None,
    ) -> InteractionRecord:
        rec = InteractionRecord(
            self,
            payload,
            channel=channel,
            created_at=asyncio.get_running_loop().time(),
            source_message=source,
        )
        self.interactions.append(rec)
        self.interactions_by_id[rec.id] = rec
        self.interactions_by_token[rec.token] = rec
        delivered = await self.gateway.dispatch(
            "INTERACTION_CREATE", payload, guild_id=None if guild is None else guild.id
        )
        if not delivered:
            raise FakeDiscordError(
                "no gateway session to deliver the interaction to: is the bot connected?"
            )
        return rec

    def _check_command_visible(
        self, cmd: JSON, user: FakeUser, guild: FakeGuild | None, channel: FakeChannel
    ) -> None:
        if guild is None:
            contexts = cmd.get("contexts")
            if (
                "guild_id" in cmd
                or cmd.get("dm_permission") is False
                or (contexts is not None and 1 not in contexts)
            ):
                raise FakeDiscordError(f"/{cmd['name']} is not available in DMs")
            return
        contexts = cmd.get("contexts")
        if contexts is not None and 0 not in contexts:
            raise FakeDiscordError(f"/{cmd['name']} is not available in guilds")
        if not self.enforce_command_permissions:
            return
        perms = self._perms_in(guild, user, channel)
        if not perms & Perm.USE_APPLICATION_COMMANDS:
            raise FakeDiscordError(
                f"{user.username} lacks Use Application Commands in #{channel.name}"
            )
        required = cmd.get("default_member_permissions")
        if required is not None and not perms & Perm.ADMINISTRATOR:
            need = int(required)
            if need == 0 or perms & need != need:
                raise FakeDiscordError(
                    f"{user.username} cannot see /{cmd['name']}"
                    f" (default_member_permissions={required})"
                )

    def _build_options(
        self,
        defs: list[JSON],
        values: Mapping[str, Any],
        *,
        guild: FakeGuild | None,
        channel: FakeChannel,
        user: FakeUser,
        resolved: JSON,
        focused: str | None,
        where: str,
    ) -> list[JSON]:
        by_name = {d["name"]: d for d in defs}
        for name in values:
            if name not in by_name:
                raise FakeDiscordError(f"{where} has no option {name!r} (has {sorted(by_name)})")
        out: list[JSON] = []
        for d in defs:
            name = d["name"]
            if name not in values:
                if d.get("required") and focused is None:
                    raise FakeDiscordError(f"{where}: required option {name!r} missing")
                continue
            if name == focused:
                out.append(
                    {"name": name, "type": d["type"], "value": values[name], "focused": True}
                )
                continue
            out.append(
                self._option_value(
                    d,
                    values[name],
                    guild=guild,
                    channel=channel,
                    user=user,
                    resolved=resolved,
                    where=where,
                )
            )
        return out

    def _option_value(
        self,
        d: JSON,
        value: Any,
        *,
        guild: FakeGuild | None,
        channel: FakeChannel,
        user: FakeUser,
        resolved: JSON,
        where: str,
    ) -> JSON:
        t = int(d["type"])
        name = d["name"]
        label = f"{where} option {name!r}"

        def bad(expected: str) -> FakeDiscordError:
            return FakeDiscordError(f"{label} expects {expected}, got {value!r}")

        scalar_types: dict[int, tuple[tuple[type, ...], str]] = {
            3: ((str,), "a str"),
            4: ((int,), "an int"),
            5: ((bool,), "a bool"),
            10: ((int, float), "a number"),
        }
        if t in scalar_types:
            types, expected = scalar_types[t]
            if not isinstance(value, types) or (t != 5 and isinstance(value, bool)):
                raise bad(expected)
        if t == 3:
            lo, hi = d.get("min_length", 0), d.get("max_length", 6000)
            if not lo <= len(value) <= hi:
                raise bad(f"a str of length {lo}..{hi}")
        if t in (4, 10) and "min_value" in d and value < d["min_value"]:
            raise bad(f">= {d['min_value']}")
        if t in (4, 10) and "max_value" in d and value > d["max_value"]:
            raise bad(f"<= {d['max_value']}")
        if t in (3, 4, 10) and d.get("choices"):
            allowed = [c["value"] for c in d["choices"]]
            if value not in allowed:
                raise bad(f"one of {allowed}")
            return {"name": name, "type": t, "value": value}
        if t in (3, 4, 5, 10):
            return {"name": name, "type": t, "value": value}
        if t == 6 or (t == 9 and not isinstance(value, FakeRole)):
            u = self._user_ref(value)
            resolved.setdefault("users", {})[str(u.id)] = user_payload(u)
            if guild is not None and u.id in guild.members:
                m = guild.members[u.id]
                resolved.setdefault("members", {})[str(u.id)] = member_payload(
                    m, with_user=False, permissions=guild.permissions_for(m, channel)
                )
            return {"name": name, "type": t, "value": str(u.id)}
        if t in (8, 9):
            if not isinstance(value, FakeRole):
                raise bad("a FakeRole")
            resolved.setdefault("roles", {})[str(value.id)] = role_payload(value)
            return {"name": name, "type": t, "value": str(value.id)}
        if t == 7:
            ch = self._channel_ref(value, guild)
            channel_types: list[int] = d.get("channel_types") or []
            if channel_types and ch.type not in channel_types:
                raise bad(f"a channel of type {channel_types}")
            data = channel_payload(ch)
            data["permissions"] = str(self._perms_in(guild, user, ch))
            resolved.setdefault("channels", {})[str(ch.id)] = data
            return {"name": name, "type": t, "value": str(ch.id)}
        if t == 11:
            if not isinstance(value, UploadedFile):
                raise bad("an UploadedFile (filename, content type, data)")
            att = self.attachment_payload(value, channel.id)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return {"name": name, "type": t, "value": att["id"]}
        raise FakeDiscordError(f"{label}: option type {t} is not supported by the fake")

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        *,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        focused: str | None,
    ) -> JSON:
        root, *subpath = name.split()
        cmd = self._find_command(root, guild, 1)
        if cmd is None:
            where = "globally" if guild is None else f"in guild {guild.name!r} or globally"
            raise FakeDiscordError(f"/{root} is not registered {where}: did the bot sync its tree?")
        self._check_command_visible(cmd, user, guild, channel)
        data: JSON = {"id": cmd["id"], "name": root, "type": 1}
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        resolved: JSON = {}
        defs: list[JSON] = cmd.get("options") or []
        container = data
        where = f"/{root}"
        for part in subpath:
            sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise FakeDiscordError(f"{where} has no subcommand/group {part!r}")
            node: JSON = {"name": part, "type": sub["type"], "options": []}
            container.setdefault("options", []).append(node)
            container = node
            defs = sub.get("options") or []
            where += f" {part}"
        if any(o["type"] in (1, 2) for o in defs):
            raise FakeDiscordError(f"{where} is a group: name a subcommand")
        built = self._build_options(
            defs,
            options or {},
            guild=guild,
            channel=channel,
            user=user,
            resolved=resolved,
            focused=focused,
            where=where,
        )
        if built or container is not data:
            container["options"] = built
        if resolved:
            data["resolved"] = resolved
        return data

    def _context(
        self, user: UserRef | None, guild: GuildRef | None, channel: ChannelRef | None, dm: bool
    ) -> tuple[FakeUser, FakeGuild | None, FakeChannel]:
        u = self._user_ref(user)
        if dm:
            return u, None, self.dm_channel(u)
        g = self._guild_ref(guild)
        ch = self._channel_ref(channel, g)
        if ch.guild_id is not None:
            g = self.guilds[ch.guild_id]
        if u.id not in g.members:
            raise FakeDiscordError(f"{u.username} is not a member of {g.name}")
        return u, g, ch

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Invoke a synced chat-input command as ``user`` (default ``plain_user``) in
        ``channel`` (default: the guild's first text channel). ``name`` may include a
        subcommand path ("news latest"). Option values: str/int/float/bool, FakeUser/FakeMember
        (user), FakeChannel or channel name (channel), FakeRole (role)."""
        u, g, ch = self._context(user, guild, channel, dm)
        data = self._command_data(name, options, user=u, guild=g, channel=ch, focused=None)
        payload = self._interaction_base(
            itype=2, user=u, guild=g, channel=ch, data=data, locale=locale
        )
        return await self._deliver_interaction(payload, ch, g)

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """An autocomplete request (type 4) with ``focused`` being typed; await
        ``record.wait_choices()`` for the bot's type-8 answer."""
        if focused not in options:
            raise FakeDiscordError(f"focused option {focused!r} must be in options")
        u, g, ch = self._context(user, guild, channel, dm)
        data = self._command_data(name, options, user=u, guild=g, channel=ch, focused=focused)
        payload = self._interaction_base(
            itype=4, user=u, guild=g, channel=ch, data=data, locale=locale
        )
        return await self._deliver_interaction(payload, ch, g)

    async def send_component(
        self,
        message: StoredMessage,
        custom_id: str,
        *,
        user: UserRef | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A user clicks a button (type 2) / picks from a select (``values``) on ``message``."""
        if not self._has_custom_id(message.components, custom_id):
            raise FakeDiscordError(
                f"message {message.id} has no component with custom_id {custom_id!r}"
            )
        u = self._user_ref(user)
        ch = self.find_channel(message.channel_id)
        if ch is None:
            raise FakeDiscordError(f"message {message.id} is in an unknown channel")
        g = self.guilds.get(ch.guild_id) if ch.guild_id is not None else None
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload = self._interaction_base(
            itype=3, user=u, guild=g, channel=ch, data=data, locale=locale
        )
        payload["message"] = message.payload
        return await self._deliver_interaction(payload, ch, g, source=message)

    @classmethod
    def _has_custom_id(cls, components: list[JSON], custom_id: str) -> bool:
        for comp in components:
            if comp.get("custom_id") == custom_id:
                return True
            nested = list(comp.get("components") or [])
            if comp.get("accessory"):
                nested.append(comp["accessory"])
            if cls._has_custom_id(nested, custom_id):
                return True
        return False

    # ======================================================================================
    # fault injection
    # ======================================================================================
    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        *,
        status: int = 429,
        retry_after: float = 0.2,
        with_via: bool = True,
        is_global: bool = False,
        count: int = 1,
        body: Any = None,
    ) -> FaultRule:
        """Answer the next ``count`` matching REST requests with ``status``.

        429s carry ``{"retry_after", "global"}`` JSON plus ``Retry-After``; discord.py only
        waits them out when a ``Via`` header is present (``with_via``), otherwise it raises
        HTTPException(429). 500/502/504/524 are retried by discord.py after 1, 3, 5... s;
        other statuses raise immediately. ``body`` overrides the JSON body (a str is sent as
        text/html, like a Cloudflare page).
        """
        rule = FaultRule(
            method=method,
            path_pattern=re.compile(path_regex),
            kind="status",
            status=status,
            retry_after=retry_after,
            with_via=with_via,
            is_global=is_global,
            body=body,
            remaining=count,
        )
        self.faults.append(rule)
        return rule

    def drop_next(self, method: str | None, path_regex: str, *, count: int = 1) -> FaultRule:
        """Abort the TCP connection of the next matching requests (discord.py raises
        ``aiohttp.ServerDisconnectedError``/``ClientOSError`` to the caller; it does not retry)."""
        rule = FaultRule(
            method=method, path_pattern=re.compile(path_regex), kind="drop", remaining=count
        )
        self.faults.append(rule)
        return rule

    def delay_next(
        self, method: str | None, path_regex: str, seconds: float, *, count: int = 1
    ) -> FaultRule:
        """Delay the next matching requests by ``seconds`` before handling them normally."""
        rule = FaultRule(
            method=method,
            path_pattern=re.compile(path_regex),
            kind="delay",
            delay=seconds,
            remaining=count,
        )
        self.faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        self.faults.clear()

    def take_fault(self, method: str, path: str) -> FaultRule | None:
        for rule in self.faults:
            if rule.matches(method, path):
                rule.remaining -= 1
                rule.hits += 1
                return rule
        return None

    async def send_reconnect(self) -> int:
        """Send op 7 RECONNECT: discord.py closes (4000) and RESUMEs on resume_gateway_url."""
        return await self.gateway.send_reconnect()

    async def send_invalid_session(self, resumable: bool) -> int:
        """Send op 9. ``resumable=False`` also kills the session: discord.py then closes and
        re-IDENTIFYs after ``before_identify_hook`` (5 s sleep unless patched, see harness)."""
        return await self.gateway.send_invalid_session(resumable)

    async def drop_gateway(self, code: int | None = None) -> int:
        """Close every gateway connection with ``code``, or abort the TCP connection when None.
        discord.py RESUMEs except for codes 4004, 4010-4014 (fatal) and its own 1000 close."""
        return await self.gateway.drop_connections(code)

    def stop_heartbeat_acks(self) -> None:
        """Stop answering heartbeats (zombie connection). discord.py only notices once it has
        received *nothing* for its ``heartbeat_timeout`` (Client kwarg, default 60 s)."""
        self.gateway.acks_enabled = False

    def resume_heartbeat_acks(self) -> None:
        self.gateway.acks_enabled = True
