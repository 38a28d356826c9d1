"""Fake Discord REST API (``/api/v10/...``): request recording, fault injection, routing and the
route handlers discord.py 2.7.1 uses (login, commands, messages, threads, interactions,
interaction webhooks, guild/channel/user reads)."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import math
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from .models import ALL_PERMISSIONS, FakeChannel, FakeGuild, FakeUser, Intent, Perm
from .payloads import (
    JSON,
    application_payload,
    channel_payload,
    guild_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .records import (
    EPHEMERAL,
    LOADING,
    CallbackRecord,
    FaultRule,
    InteractionRecord,
    RequestRecord,
    StoredMessage,
    UploadedFile,
)
from .validation import (
    ApiError,
    FormErrors,
    resolve_pings,
    validate_choices,
    validate_commands,
    validate_message,
)

if TYPE_CHECKING:
    from .gateway import GatewaySession
    from .server import FakeDiscord

__all__ = ["RestApi", "json_response"]

SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
CHANNEL_MESSAGE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
INTERACTION_MESSAGE_FLAGS = CHANNEL_MESSAGE_FLAGS | EPHEMERAL

#: Which callback types each interaction type accepts.
ALLOWED_CALLBACKS: dict[int, set[int]] = {
    2: {4, 5, 9},  # APPLICATION_COMMAND
    3: {4, 5, 6, 7, 9},  # MESSAGE_COMPONENT
    4: {8},  # APPLICATION_COMMAND_AUTOCOMPLETE
    5: {4, 5, 6, 7},  # MODAL_SUBMIT
}


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    discord.py only parses JSON when the header equals that string; aiohttp's
    ``web.json_response`` would add ``; charset=utf-8`` and discord.py would get a str.
    """
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class Ctx:
    request: web.Request
    record: RequestRecord
    params: dict[str, str]

    @property
    def body(self) -> JSON:
        body = self.record.json
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, 50109, "The request body contains invalid JSON.")
        return body

    @property
    def files(self) -> list[UploadedFile]:
        return self.record.files

    def flag(self, name: str) -> bool:
        return self.record.query.get(name, "").lower() in ("1", "true")


Handler = Callable[[Ctx], Awaitable[web.StreamResponse]]


@dataclass
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool


def _snowflake(raw: str, code: int, message: str, status: int = 404) -> int:
    if not raw.isdigit():
        raise ApiError(status, code, message)
    return int(raw)


class RestApi:
    """Routes and handlers; all state lives on the owning :class:`FakeDiscord`."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.routes: list[_Route] = []
        self._register_routes()

    # ======================================================================================
    # plumbing
    # ======================================================================================
    def add_route(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        """Register a route; ``template`` uses ``{name}`` placeholders for path segments."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self.routes.append(
            _Route(method.upper(), template, re.compile(f"^{regex}$"), handler, auth)
        )

    def _register_routes(self) -> None:
        r = self.add_route
        r("GET", "/gateway", self.get_gateway, auth=False)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("GET", "/users/@me", self.get_me)
        r("POST", "/users/@me/channels", self.create_dm)
        r("GET", "/users/{user_id}", self.get_user)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/@me", self.get_application)
        # must precede ".../commands/{command_id}", which would also match it
        r(
            "GET",
            "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
            self.command_permissions,
        )
        for scope in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
            r("GET", f"{scope}/commands", self.list_commands)
            r("PUT", f"{scope}/commands", self.bulk_overwrite_commands)
            r("POST", f"{scope}/commands", self.upsert_command)
            r("GET", f"{scope}/commands/{{command_id}}", self.get_command)
            r("PATCH", f"{scope}/commands/{{command_id}}", self.edit_command)
            r("DELETE", f"{scope}/commands/{{command_id}}", self.delete_command)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.get_guild_roles)
        r("GET", "/guilds/{guild_id}/members", self.list_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("POST", "/channels/{channel_id}/messages", self.create_message)
        r("POST", "/channels/{channel_id}/messages/bulk-delete", self.bulk_delete)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        r(
            "PUT",
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            self.add_reaction,
        )
        r(
            "DELETE",
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            self.remove_reaction,
        )
        r(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/threads",
            self.start_thread_from_message,
        )
        r("POST", "/channels/{channel_id}/threads", self.start_thread)
        r("PUT", "/channels/{channel_id}/thread-members/@me", self.join_thread)
        r("POST", "/channels/{channel_id}/typing", self.typing)
        r(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self.interaction_callback,
            auth=False,
        )
        r("POST", "/webhooks/{app_id}/{token}", self.execute_followup, auth=False)
        r(
            "GET",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.get_webhook_message,
            auth=False,
        )
        r(
            "PATCH",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.edit_webhook_message,
            auth=False,
        )
        r(
            "DELETE",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.delete_webhook_message,
            auth=False,
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp catch-all handler: record, inject faults, route, answer."""
        fake = self.fake
        prefix = f"/api/v{fake.api_version}"
        api_path = request.path[len(prefix) :] if request.path.startswith(prefix + "/") else None
        record = await self._record(request, api_path if api_path is not None else request.path)
        if api_path is not None:
            try:
                fake.record_spec_check(record)
            except Exception:  # a bug in the checker: as loud as one in the fake
                fake.server_errors.append(f"spec check of {record!r}\n{traceback.format_exc()}")
        try:
            response = await self._respond(request, record, api_path)
        except Exception:  # a bug in the fake itself: surface it loudly
            fake.server_errors.append(f"{record!r}\n{traceback.format_exc()}")
            response = json_response(
                {"message": "500: Internal Server Error (fake bug)", "code": 0}, 500
            )
        if record.status is None:
            record.status = response.status
        fake.notifier.changed()
        return response

    async def _record(self, request: web.Request, path: str) -> RequestRecord:
        fake = self.fake
        record = RequestRecord(
            index=len(fake.requests),
            method=request.method,
            path=path,
            raw_path=request.raw_path,
            query=dict(request.query),
            headers=dict(request.headers),
            time=time.monotonic(),
        )
        fake.requests.append(record)
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            record.multipart = True
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if name == "payload_json":
                    record.json = json.loads(await part.text())
                elif part.filename is not None or name.startswith("files["):
                    record.files.append(
                        UploadedFile(
                            name,
                            part.filename,
                            part.headers.get("Content-Type"),
                            bytes(await part.read()),
                        )
                    )
                else:
                    record.form[name] = await part.text()
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    record.json = json.loads(raw)
                except ValueError:
                    record.form["_raw"] = raw.decode(errors="replace")
        fake.notifier.changed()
        return record

    async def _respond(
        self, request: web.Request, record: RequestRecord, api_path: str | None
    ) -> web.StreamResponse:
        fake = self.fake
        if api_path is None:
            return self._unknown(record)
        rule = fake.take_fault(request.method, api_path)
        if rule is not None:
            record.fault = f"{rule.kind}:{rule.status if rule.kind == 'status' else rule.delay}"
            if rule.kind == "delay":
                await asyncio.sleep(rule.delay)
            elif rule.kind == "drop":
                record.status = 0
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)
            else:
                return self._fault_response(rule)
        route, params = self._match(request.method, api_path)
        if route is None:
            return self._unknown(record)
        authorized = request.headers.get("Authorization") == f"Bot {fake.token}"
        if route.auth and fake.token is not None and not authorized:
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        ctx = Ctx(request, record, params)
        try:
            response = await route.handler(ctx)
        except ApiError as exc:
            record.response = exc.body()
            return json_response(exc.body(), exc.status)
        return response

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for route in self.routes:
            if route.method == method.upper():
                m = route.pattern.match(path)
                if m:
                    return route, m.groupdict()
        return None, {}

    def _unknown(self, record: RequestRecord) -> web.Response:
        self.fake.unknown_routes.append(record)
        return json_response({"message": "Unknown route", "code": 0}, 404)

    @staticmethod
    def _fault_response(rule: FaultRule) -> web.Response:
        headers: dict[str, str] = {}
        if rule.status == 429:
            body = (
                rule.body
                if rule.body is not None
                else {
                    "message": "You are being rate limited.",
                    "retry_after": rule.retry_after,
                    "global": rule.is_global,
                }
            )
            headers["Retry-After"] = str(math.ceil(rule.retry_after))
            headers["X-RateLimit-Scope"] = "global" if rule.is_global else "user"
            if rule.is_global:
                headers["X-RateLimit-Global"] = "true"
        else:
            phrase = (
                HTTPStatus(rule.status).phrase
                if rule.status in HTTPStatus._value2member_map_
                else ""
            )
            body = (
                rule.body
                if rule.body is not None
                else {"message": f"{rule.status}: {phrase}", "code": 0}
            )
        if rule.with_via:
            headers["Via"] = "1.1 google"
        if isinstance(body, str):
            return web.Response(
                status=rule.status, text=body, content_type="text/html", headers=headers
            )
        return json_response(body, rule.status, headers)

    def _ok(self, ctx: Ctx, data: Any, status: int = 200) -> web.Response:
        ctx.record.response = data
        return json_response(data, status)

    # ======================================================================================
    # helpers
    # ======================================================================================
    def _channel(self, raw: str) -> tuple[FakeGuild | None, FakeChannel]:
        channel = self.fake.find_channel(_snowflake(raw, 10003, "Unknown Channel"))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        guild = self.fake.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        return guild, channel

    def _guild(self, raw: str) -> FakeGuild:
        guild = self.fake.guilds.get(_snowflake(raw, 10004, "Unknown Guild"))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        if self.fake.bot_user.id not in guild.members:
            raise ApiError(403, 50001, "Missing Access")
        return guild

    def _bot_perms(self, guild: FakeGuild | None, channel: FakeChannel | None) -> int:
        if guild is None:
            return ALL_PERMISSIONS
        member = guild.members.get(self.fake.bot_user.id)
        return 0 if member is None else guild.permissions_for(member, channel)

    @staticmethod
    def _require(perms: int, needed: int) -> None:
        if not perms & Perm.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if perms & needed != needed:
            raise ApiError(403, 50013, "Missing Permissions")

    def _message_in(self, channel: FakeChannel, raw: str) -> StoredMessage:
        msg = self.fake.messages.get(_snowflake(raw, 10008, "Unknown Message"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    def _check_app(self, raw: str) -> None:
        if raw != str(self.fake.application_id):
            raise ApiError(404, 10002, "Unknown Application")

    # ======================================================================================
    # messages: build / edit / echo
    # ======================================================================================
    def _attachments(self, body: JSON, files: list[UploadedFile], channel_id: int) -> list[JSON]:
        described = {
            str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)
        }
        out: list[JSON] = []
        for index, upload in enumerate(files):
            meta = described.get(str(index), {})
            filename = meta.get("filename") or upload.filename or f"file{index}"
            att = self.fake.attachment_payload(
                dataclasses.replace(upload, filename=filename), channel_id
            )
            if meta.get("description"):
                att["description"] = meta["description"]
            out.append(att)
        return out

    def _pings(
        self,
        *,
        guild: FakeGuild | None,
        channel: FakeChannel,
        author: FakeUser,
        content: str,
        allowed_mentions: JSON | None,
        replied_user_id: int | None,
    ) -> tuple[set[int], set[int], bool]:
        if guild is None:
            known = set(channel.recipient_ids) | {self.fake.bot_user.id}
            mentionable: set[int] = set()
            all_roles: set[int] = set()
            can_everyone = False
        else:
            known = set(guild.members)
            mentionable = {r.id for r in guild.roles.values() if r.mentionable}
            all_roles = {r.id for r in guild.roles.values() if r.id != guild.id}
            member = guild.members.get(author.id)
            perms = guild.permissions_for(member, channel) if member is not None else 0
            can_everyone = bool(perms & Perm.MENTION_EVERYONE)
        return resolve_pings(
            content,
            allowed_mentions,
            known_user_ids=known,
            mentionable_role_ids=mentionable,
            all_role_ids=all_roles,
            can_mention_everyone=can_everyone,
            replied_user_id=replied_user_id,
        )

    def _mention_payloads(self, guild: FakeGuild | None, user_ids: set[int]) -> list[JSON]:
        out: list[JSON] = []
        for uid in sorted(user_ids):
            user = self.fake.users.get(uid)
            if user is None:
                continue
            data = user_payload(user)
            if guild is not None and uid in guild.members:
                data["member"] = member_payload(guild.members[uid], with_user=False)
            out.append(data)
        return out

    def build_message(
        self,
        *,
        guild: FakeGuild | None,
        channel: FakeChannel,
        author: FakeUser,
        body: JSON,
        files: list[UploadedFile],
        source: Any,
        allowed_flags: int = CHANNEL_MESSAGE_FLAGS,
        msg_type: int = 0,
        extra: JSON | None = None,
        validate: bool = True,
        reply_ping: bool = True,
    ) -> StoredMessage:
        """Create and store a message (bot- or user-authored) exactly as Discord would return it."""
        fake = self.fake
        if validate:
            validate_message(body, has_files=bool(files))
        target: StoredMessage | None = None
        ref = body.get("message_reference")
        if ref and int(ref.get("type", 0)) == 0 and ref.get("message_id") is not None:
            target = fake.messages.get(int(ref["message_id"]))
            if target is not None and (target.deleted or target.channel_id != channel.id):
                target = None
            if target is None and ref.get("fail_if_not_exists", True):
                errors = FormErrors()
                errors.add(
                    ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
                errors.raise_if_any()
        content = str(body.get("content") or "")
        allowed = body.get("allowed_mentions")
        replied_user_id = None
        if target is not None and target.author_id != author.id and reply_ping:
            replied_user_id = target.author_id
        users, roles, everyone = self._pings(
            guild=guild,
            channel=channel,
            author=author,
            content=content,
            allowed_mentions=allowed,
            replied_user_id=replied_user_id,
        )
        mid = fake.snowflakes.next()
        payload: JSON = {
            "id": str(mid),
            "type": 19 if target is not None else msg_type,
            "channel_id": str(channel.id),
            "author": user_payload(author),
            "content": content,
            "timestamp": fake.timestamp(mid),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": everyone,
            "mentions": self._mention_payloads(guild, users),
            "mention_roles": [str(r) for r in sorted(roles)],
            "attachments": self._attachments(body, files, channel.id),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "pinned": False,
            "flags": int(body.get("flags") or 0) & allowed_flags,
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
        if body.get("nonce") is not None:
            payload["nonce"] = body["nonce"]
        if body.get("poll"):
            payload["poll"] = copy.deepcopy(body["poll"])
        if target is not None:
            payload["message_reference"] = {
                "type": 0,
                "message_id": str(target.id),
                "channel_id": str(target.channel_id),
                **({"guild_id": str(guild.id)} if guild is not None else {}),
            }
            referenced = copy.deepcopy(target.payload)
            referenced.pop("referenced_message", None)
            payload["referenced_message"] = referenced
        if extra:
            payload.update(extra)
        msg = StoredMessage(
            payload=payload,
            source=source,
            allowed_mentions=allowed,
            pinged_user_ids=users,
            pinged_role_ids=roles,
            pings_everyone=everyone,
            request_body=copy.deepcopy(body),
            files=list(files),
        )
        fake.messages[mid] = msg
        if not msg.ephemeral:
            channel.last_message_id = mid
            if channel.is_thread:
                channel.message_count += 1
        fake.notifier.changed()
        return msg

    def apply_edit(
        self,
        msg: StoredMessage,
        body: JSON,
        files: list[UploadedFile],
        *,
        allow_ephemeral_flag: bool = False,
    ) -> None:
        """Edit ``msg`` in place like PATCH message / PATCH webhook message."""
        validate_message(body, has_files=bool(files), require_body=False)
        new = copy.deepcopy(msg.payload)
        if "content" in body:
            new["content"] = str(body["content"] or "")
        if "embeds" in body:
            new["embeds"] = copy.deepcopy(body["embeds"] or [])
        if "components" in body:
            new["components"] = copy.deepcopy(body["components"] or [])
        if "attachments" in body or files:
            keep = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
            kept = [a for a in new.get("attachments", []) if a["id"] in keep]
            new["attachments"] = kept + self._attachments(body, files, msg.channel_id)
        flags = int(new.get("flags") or 0) & ~LOADING
        if body.get("flags") is not None:
            flags = (flags & ~SUPPRESS_EMBEDS) | (int(body["flags"]) & SUPPRESS_EMBEDS)
        new["flags"] = flags
        if not (
            new.get("content")
            or new.get("embeds")
            or new.get("components")
            or new.get("attachments")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")
        allowed = body.get("allowed_mentions", msg.allowed_mentions)
        channel = self.fake.find_channel(msg.channel_id)
        guild = self.fake.guilds.get(msg.guild_id) if msg.guild_id is not None else None
        if channel is not None:
            author = self.fake.users.get(msg.author_id, self.fake.bot_user)
            users, roles, everyone = self._pings(
                guild=guild,
                channel=channel,
                author=author,
                content=new["content"],
                allowed_mentions=allowed,
                replied_user_id=None,
            )
            msg.pinged_user_ids, msg.pinged_role_ids, msg.pings_everyone = users, roles, everyone
            new["mentions"] = self._mention_payloads(guild, users)
            new["mention_roles"] = [str(r) for r in sorted(roles)]
            new["mention_everyone"] = everyone
        new["edited_timestamp"] = self.fake.timestamp()
        msg.payload.clear()
        msg.payload.update(new)
        msg.allowed_mentions = allowed
        msg.edits.append(copy.deepcopy(body))
        self.fake.notifier.changed()

    def gateway_view(self, session: GatewaySession, msg: StoredMessage, data: JSON) -> JSON:
        """Apply Discord's MESSAGE_CONTENT intent rule for one session."""
        if session.has_intent(Intent.MESSAGE_CONTENT) or msg.guild_id is None:
            return data
        bot_id = self.fake.bot_user.id
        if msg.author_id == bot_id or bot_id in msg.pinged_user_ids:
            return data
        stripped = dict(data)
        stripped.update({"content": "", "embeds": [], "attachments": [], "components": []})
        stripped.pop("poll", None)
        return stripped

    async def echo(self, event: str, msg: StoredMessage) -> int:
        """Dispatch MESSAGE_CREATE/MESSAGE_UPDATE for ``msg`` (never for ephemeral messages)."""
        if msg.ephemeral:
            return 0
        if msg.author_id == self.fake.bot_user.id and not self.fake.echo_bot_messages:
            return 0
        data = copy.deepcopy(msg.payload)
        guild_id = msg.guild_id
        if guild_id is not None:
            guild = self.fake.guilds[guild_id]
            member = guild.members.get(msg.author_id)
            if member is not None:
                data["member"] = member_payload(member, with_user=False)
        intent = Intent.GUILD_MESSAGES if guild_id is not None else Intent.DIRECT_MESSAGES
        return await self.fake.gateway.dispatch(
            event, lambda s: self.gateway_view(s, msg, data), guild_id=guild_id, intent=intent
        )

    async def echo_delete(self, msg: StoredMessage) -> None:
        if msg.ephemeral:
            return
        data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        intent = Intent.GUILD_MESSAGES if msg.guild_id is not None else Intent.DIRECT_MESSAGES
        await self.fake.gateway.dispatch(
            "MESSAGE_DELETE", data, guild_id=msg.guild_id, intent=intent
        )

    # ======================================================================================
    # gateway / users / application
    # ======================================================================================
    async def get_gateway(self, ctx: Ctx) -> web.Response:
        return self._ok(ctx, {"url": self.fake.gateway_url})

    async def get_gateway_bot(self, ctx: Ctx) -> web.Response:
        fake = self.fake
        return self._ok(
            ctx,
            {
                "url": fake.gateway_url,
                "shards": fake.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": max(0, 1000 - fake.gateway.identifies),
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            },
        )

    async def get_me(self, ctx: Ctx) -> web.Response:
        return self._ok(ctx, user_payload(self.fake.bot_user, private=True))

    async def get_user(self, ctx: Ctx) -> web.Response:
        user = self.fake.users.get(_snowflake(ctx.params["user_id"], 10013, "Unknown User"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return self._ok(ctx, user_payload(user))

    async def create_dm(self, ctx: Ctx) -> web.Response:
        raw = str(ctx.body.get("recipient_id", ""))
        user = self.fake.users.get(_snowflake(raw, 50035, "Invalid Form Body", 400))
        if user is None:
            raise ApiError(400, 50035, "Invalid Form Body")
        channel = self.fake.dm_channel(user)
        return self._ok(ctx, channel_payload(channel, recipients=[user]))

    async def get_application(self, ctx: Ctx) -> web.Response:
        fake = self.fake
        return self._ok(
            ctx,
            application_payload(
                application_id=fake.application_id,
                name=fake.bot_user.username,
                bot=fake.bot_user,
                owner=fake.owner_user,
                flags=fake.application_flags,
                guild_count=len(fake.guilds),
            ),
        )

    # ======================================================================================
    # application commands
    # ======================================================================================
    def _command_scope(self, ctx: Ctx) -> tuple[int | None, dict[int, JSON]]:
        self._check_app(ctx.params["app_id"])
        raw_gid = ctx.params.get("guild_id")
        if raw_gid is None:
            return None, self.fake.global_commands
        guild = self._guild(raw_gid)
        return guild.id, self.fake.guild_commands.setdefault(guild.id, {})

    def _make_command(self, body: JSON, guild_id: int | None, existing: JSON | None) -> JSON:
        fake = self.fake
        ctype = int(body.get("type", 1))
        cmd: JSON = {
            "id": existing["id"] if existing else str(fake.snowflakes.next()),
            "application_id": str(fake.application_id),
            "version": str(fake.snowflakes.next()),
            "type": ctype,
            "name": body.get("name"),
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", "") if ctype == 1 else "",
            "description_localizations": body.get("description_localizations"),
            "options": copy.deepcopy(body.get("options") or []),
            "default_member_permissions": (
                None
                if body.get("default_member_permissions") is None
                else str(body["default_member_permissions"])
            ),
            "nsfw": bool(body.get("nsfw", False)),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [0],
        }
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
        else:
            cmd["dm_permission"] = body.get("dm_permission", True)
        return cmd

    async def list_commands(self, ctx: Ctx) -> web.Response:
        _, store = self._command_scope(ctx)
        return self._ok(ctx, list(store.values()))

    async def bulk_overwrite_commands(self, ctx: Ctx) -> web.Response:
        guild_id, store = self._command_scope(ctx)
        body = ctx.record.json
        validate_commands(body)
        by_key = {(c["name"], c["type"]): c for c in store.values()}
        new = [
            self._make_command(c, guild_id, by_key.get((c.get("name"), int(c.get("type", 1)))))
            for c in body
        ]
        store.clear()
        store.update({int(c["id"]): c for c in new})
        return self._ok(ctx, new)

    async def upsert_command(self, ctx: Ctx) -> web.Response:
        guild_id, store = self._command_scope(ctx)
        body = ctx.body
        validate_commands([body])
        existing = next(
            (
                c
                for c in store.values()
                if c["name"] == body.get("name") and c["type"] == int(body.get("type", 1))
            ),
            None,
        )
        cmd = self._make_command(body, guild_id, existing)
        store[int(cmd["id"])] = cmd
        return self._ok(ctx, cmd, 200 if existing else 201)

    def _command(self, ctx: Ctx) -> tuple[int | None, dict[int, JSON], JSON]:
        guild_id, store = self._command_scope(ctx)
        cmd = store.get(_snowflake(ctx.params["command_id"], 10063, "Unknown application command"))
        if cmd is None:
            raise ApiError(404, 10063, "Unknown application command")
        return guild_id, store, cmd

    async def get_command(self, ctx: Ctx) -> web.Response:
        return self._ok(ctx, self._command(ctx)[2])

    async def edit_command(self, ctx: Ctx) -> web.Response:
        guild_id, store, cmd = self._command(ctx)
        merged = {**cmd, **ctx.body}
        validate_commands([merged])
        new = self._make_command(merged, guild_id, cmd)
        store[int(new["id"])] = new
        return self._ok(ctx, new)

    async def delete_command(self, ctx: Ctx) -> web.Response:
        _, store, cmd = self._command(ctx)
        del store[int(cmd["id"])]
        return no_content()

    async def command_permissions(self, ctx: Ctx) -> web.Response:
        self._command_scope(ctx)
        return self._ok(ctx, [])

    # ======================================================================================
    # guilds
    # ======================================================================================
    async def get_guild(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx.params["guild_id"])
        return self._ok(ctx, guild_payload(guild, with_counts=ctx.flag("with_counts")))

    async def get_guild_channels(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx.params["guild_id"])
        return self._ok(
            ctx, [channel_payload(c) for c in guild.channels.values() if not c.is_thread]
        )

    async def get_guild_roles(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx.params["guild_id"])
        return self._ok(ctx, [role_payload(r) for r in guild.roles.values()])

    async def list_members(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx.params["guild_id"])
        if not self.fake.privileged_intents & Intent.GUILD_MEMBERS:
            raise ApiError(403, 50001, "Missing Access")
        limit = int(ctx.record.query.get("limit", "1"))
        after = int(ctx.record.query.get("after", "0"))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return self._ok(ctx, [member_payload(m) for m in members[:limit]])

    async def get_member(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx.params["guild_id"])
        member = guild.members.get(_snowflake(ctx.params["user_id"], 10013, "Unknown User"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return self._ok(ctx, member_payload(member))

    # ======================================================================================
    # channels & messages
    # ======================================================================================
    async def get_channel(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        if guild is not None:
            self._require(self._bot_perms(guild, channel), 0)
            return self._ok(ctx, channel_payload(channel))
        recipients = [self.fake.users[u] for u in channel.recipient_ids if u in self.fake.users]
        return self._ok(ctx, channel_payload(channel, recipients=recipients))

    def _send_perms(self, guild: FakeGuild | None, channel: FakeChannel, files: bool) -> None:
        if guild is None:
            if channel.recipient_ids and set(channel.recipient_ids) & self.fake.dms_closed:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        needed = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        if files:
            needed |= Perm.ATTACH_FILES
        self._require(self._bot_perms(guild, channel), int(needed))
        if channel.is_thread and channel.locked:
            raise ApiError(403, 50083, "Thread is archived")

    async def create_message(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        if channel.type not in (0, 1, 5, 10, 11, 12):
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        self._send_perms(guild, channel, bool(ctx.files))
        msg = self.build_message(
            guild=guild,
            channel=channel,
            author=self.fake.bot_user,
            body=ctx.body,
            files=ctx.files,
            source="channel",
        )
        if channel.is_thread and channel.archived and not channel.locked:
            channel.archived = False
        await self.echo("MESSAGE_CREATE", msg)
        return self._ok(ctx, msg.payload)

    async def list_messages(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        perms = self._bot_perms(guild, channel)
        self._require(perms, 0)
        if not perms & Perm.READ_MESSAGE_HISTORY:
            return self._ok(ctx, [])
        q = ctx.record.query
        limit = max(1, min(100, int(q.get("limit", "50"))))
        msgs = sorted(
            (
                m
                for m in self.fake.messages.values()
                if m.channel_id == channel.id and not m.deleted and not m.ephemeral
            ),
            key=lambda m: m.id,
        )
        if "before" in q:
            msgs = [m for m in msgs if m.id < int(q["before"])][-limit:]
        elif "after" in q:
            msgs = [m for m in msgs if m.id > int(q["after"])][:limit]
        elif "around" in q:
            around = int(q["around"])
            older = [m for m in msgs if m.id <= around][-((limit + 1) // 2) :]
            newer = [m for m in msgs if m.id > around][: limit // 2]
            msgs = older + newer
        else:
            msgs = msgs[-limit:]
        return self._ok(ctx, [m.payload for m in reversed(msgs)])

    async def get_message(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        self._require(self._bot_perms(guild, channel), int(Perm.READ_MESSAGE_HISTORY))
        return self._ok(ctx, self._message_in(channel, ctx.params["message_id"]).payload)

    async def edit_message(self, ctx: Ctx) -> web.Response:
        _, channel = self._channel(ctx.params["channel_id"])
        msg = self._message_in(channel, ctx.params["message_id"])
        if msg.author_id != self.fake.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.apply_edit(msg, ctx.body, ctx.files)
        await self.echo("MESSAGE_UPDATE", msg)
        return self._ok(ctx, msg.payload)

    async def delete_message(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        msg = self._message_in(channel, ctx.params["message_id"])
        if msg.author_id != self.fake.bot_user.id:
            self._require(self._bot_perms(guild, channel), int(Perm.MANAGE_MESSAGES))
        msg.deleted = True
        await self.echo_delete(msg)
        return no_content()

    async def bulk_delete(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        self._require(self._bot_perms(guild, channel), int(Perm.MANAGE_MESSAGES))
        ids = ctx.body.get("messages") or []
        if not 2 <= len(ids) <= 100:
            errors = FormErrors()
            errors.add(["messages"], "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length.")
            errors.raise_if_any()
        for raw in ids:
            msg = self.fake.messages.get(int(raw))
            if msg is not None and msg.channel_id == channel.id and not msg.deleted:
                msg.deleted = True
                await self.echo_delete(msg)
        return no_content()

    async def add_reaction(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        self._require(
            self._bot_perms(guild, channel), int(Perm.ADD_REACTIONS | Perm.READ_MESSAGE_HISTORY)
        )
        msg = self._message_in(channel, ctx.params["message_id"])
        emoji = self._emoji(ctx.params["emoji"])
        reactions: list[JSON] = msg.payload.setdefault("reactions", [])
        existing = next((r for r in reactions if r["emoji"] == emoji), None)
        if existing is None:
            reactions.append(
                {
                    "emoji": emoji,
                    "count": 1,
                    "count_details": {"burst": 0, "normal": 1},
                    "me": True,
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                    "burst_colors": [],
                }
            )
        elif not existing["me"]:
            existing["me"] = True
            existing["count"] += 1
            existing["count_details"]["normal"] += 1
        else:
            return no_content()
        data: JSON = {
            "user_id": str(self.fake.bot_user.id),
            "channel_id": str(channel.id),
            "message_id": str(msg.id),
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
            data["member"] = member_payload(guild.members[self.fake.bot_user.id])
        intent = Intent.GUILD_MESSAGE_REACTIONS if guild else Intent.DIRECT_MESSAGE_REACTIONS
        await self.fake.gateway.dispatch(
            "MESSAGE_REACTION_ADD", data, guild_id=channel.guild_id, intent=intent
        )
        self.fake.notifier.changed()
        return no_content()

    async def remove_reaction(self, ctx: Ctx) -> web.Response:
        _, channel = self._channel(ctx.params["channel_id"])
        msg = self._message_in(channel, ctx.params["message_id"])
        emoji = self._emoji(ctx.params["emoji"])
        reactions: list[JSON] = msg.payload.get("reactions", [])
        for r in list(reactions):
            if r["emoji"] == emoji and r["me"]:
                r["me"] = False
                r["count"] -= 1
                r["count_details"]["normal"] -= 1
                if r["count"] <= 0:
                    reactions.remove(r)
        self.fake.notifier.changed()
        return no_content()

    @staticmethod
    def _emoji(raw: str) -> JSON:
        if ":" in raw:
            name, _, eid = raw.partition(":")
            return {"id": eid, "name": name}
        return {"id": None, "name": raw}

    async def typing(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        if guild is not None:
            self._require(self._bot_perms(guild, channel), 0)
        self.fake.typing.append((channel.id, time.monotonic()))
        return no_content()

    # ======================================================================================
    # threads
    # ======================================================================================
    def _thread_name(self, body: JSON) -> str:
        name = body.get("name")
        errors = FormErrors()
        errors.max_len(["name"], name if name is not None else "", 100, min_len=1)
        errors.raise_if_any()
        return str(name)

    async def _open_thread(
        self, guild: FakeGuild, parent: FakeChannel, thread_id: int, body: JSON, ttype: int
    ) -> FakeChannel:
        thread = FakeChannel(
            id=thread_id,
            type=ttype,
            name=self._thread_name(body),
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=self.fake.bot_user.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
            member_count=1,
        )
        guild.channels[thread.id] = thread
        data = channel_payload(thread)
        data["newly_created"] = True
        data["member"] = {
            "id": str(thread.id),
            "user_id": str(self.fake.bot_user.id),
            "join_timestamp": self.fake.timestamp(),
            "flags": 0,
        }
        await self.fake.gateway.dispatch(
            "THREAD_CREATE", data, guild_id=guild.id, intent=Intent.GUILDS
        )
        self.fake.notifier.changed()
        return thread

    async def start_thread_from_message(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        if guild is None or channel.type not in (0, 5):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        self._require(self._bot_perms(guild, channel), int(Perm.CREATE_PUBLIC_THREADS))
        msg = self._message_in(channel, ctx.params["message_id"])
        if msg.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        ttype = 10 if channel.type == 5 else 11
        thread = await self._open_thread(guild, channel, msg.id, ctx.body, ttype)
        msg.thread_id = thread.id
        msg.payload["thread"] = channel_payload(thread)
        self.fake.notifier.changed()
        return self._ok(ctx, channel_payload(thread), 201)

    async def start_thread(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx.params["channel_id"])
        if guild is None or channel.type not in (0, 5):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        ttype = int(ctx.body.get("type") or 12)
        needed = Perm.CREATE_PRIVATE_THREADS if ttype == 12 else Perm.CREATE_PUBLIC_THREADS
        self._require(self._bot_perms(guild, channel), int(needed))
        thread = await self._open_thread(
            guild, channel, self.fake.snowflakes.next(), ctx.body, ttype
        )
        return self._ok(ctx, channel_payload(thread), 201)

    async def join_thread(self, ctx: Ctx) -> web.Response:
        _, channel = self._channel(ctx.params["channel_id"])
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return no_content()

    # ======================================================================================
    # interactions
    # ======================================================================================
    def _interaction_message_extra(self, rec: InteractionRecord) -> JSON:
        fake = self.fake
        user = fake.users[rec.user_id]
        meta: JSON = {
            "id": str(rec.id),
            "type": rec.type,
            "user": user_payload(user),
            "authorizing_integration_owners": rec.payload.get("authorizing_integration_owners", {}),
        }
        if rec.command_name and rec.type == 2:
            meta["name"] = rec.command_name
        return {
            "webhook_id": str(fake.application_id),
            "application_id": str(fake.application_id),
            "interaction_metadata": meta,
            "interaction": {
                "id": str(rec.id),
                "type": rec.type,
                "name": rec.command_name or "",
                "user": user_payload(user),
            },
        }

    def _interaction_message(
        self,
        rec: InteractionRecord,
        body: JSON,
        files: list[UploadedFile],
        source: Any,
        *,
        validate: bool = True,
    ) -> StoredMessage:
        channel = rec.channel
        guild = self.fake.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        msg = self.build_message(
            guild=guild,
            channel=channel,
            author=self.fake.bot_user,
            body=body,
            files=files,
            source=source,
            allowed_flags=INTERACTION_MESSAGE_FLAGS,
            msg_type=20 if rec.type == 2 else 0,
            extra=self._interaction_message_extra(rec),
            validate=validate,
        )
        msg.interaction_id = rec.id
        return msg

    def _expired(self, rec: InteractionRecord, limit: float | None) -> bool:
        return limit is not None and asyncio.get_running_loop().time() - rec.created_at > limit

    async def interaction_callback(self, ctx: Ctx) -> web.Response:
        fake = self.fake
        iid = _snowflake(ctx.params["interaction_id"], 10062, "Unknown interaction")
        rec = fake.interactions_by_id.get(iid)
        if rec is None or rec.token != ctx.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if rec.callback is not None:
            rec.rejected_callbacks.append(ctx.record)
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if self._expired(rec, fake.interaction_ack_timeout):
            rec.rejected_callbacks.append(ctx.record)
            raise ApiError(404, 10062, "Unknown interaction")
        body = ctx.body
        ctype = int(body.get("type", 0))
        data: JSON = body.get("data") or {}
        if ctype not in ALLOWED_CALLBACKS.get(rec.type, set()):
            rec.rejected_callbacks.append(ctx.record)
            errors = FormErrors()
            errors.add(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                "Interaction response type is invalid.",
            )
            errors.raise_if_any()

        message: StoredMessage | None = None
        event: str | None = None
        if ctype == 4:
            message = self._interaction_message(rec, data, ctx.files, "interaction_response")
            rec.original = message
            event = "MESSAGE_CREATE"
        elif ctype == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = self._interaction_message(
                rec, {"content": ""}, [], "interaction_response", validate=False
            )
            message.payload["flags"] = flags
            rec.original = message
            event = "MESSAGE_CREATE"
        elif ctype == 7:
            if rec.original is None:
                raise ApiError(400, 50035, "Invalid Form Body")
            self.apply_edit(rec.original, data, ctx.files)
            rec.original_edits += 1
            message = rec.original
            event = "MESSAGE_UPDATE"
        elif ctype == 8:
            validate_choices(data.get("choices"))
        elif ctype == 9:
            errors = FormErrors()
            errors.max_len(["data", "custom_id"], data.get("custom_id", ""), 100, min_len=1)
            errors.max_len(["data", "title"], data.get("title", ""), 45, min_len=1)
            errors.raise_if_any()

        rec.callback = CallbackRecord(type=ctype, data=data, request=ctx.record, message=message)
        fake.notifier.changed()
        if message is not None and event is not None:
            await self.echo(event, message)
        if not ctx.flag("with_response"):
            return no_content()
        interaction: JSON = {"id": str(rec.id), "type": rec.type}
        resource: JSON = {"type": ctype}
        if message is not None:
            interaction.update(
                {
                    "response_message_id": str(message.id),
                    "response_message_loading": message.loading,
                    "response_message_ephemeral": message.ephemeral,
                }
            )
            resource["message"] = message.payload
        return self._ok(ctx, {"interaction": interaction, "resource": resource})

    def _webhook_interaction(self, ctx: Ctx) -> InteractionRecord:
        fake = self.fake
        if ctx.params["app_id"] != str(fake.application_id):
            raise ApiError(404, 10015, "Unknown Webhook")
        rec = fake.interactions_by_token.get(ctx.params["token"])
        if rec is None or self._expired(rec, fake.interaction_token_ttl):
            raise ApiError(401, 50027, "Invalid Webhook Token")
        if rec.callback is None or rec.callback.type in (8, 9):
            raise ApiError(404, 10015, "Unknown Webhook")
        return rec

    async def execute_followup(self, ctx: Ctx) -> web.Response:
        rec = self._webhook_interaction(ctx)
        body = ctx.body
        original = rec.original
        if (
            rec.callback is not None
            and rec.callback.type == 5
            and original is not None
            and original.loading
            and not rec.deferred_followup_consumed
        ):
            # Discord: the first followup after a type-5 defer edits the "thinking" message
            # (and keeps the defer's ephemeral state, whatever flags the followup carries).
            validate_message(body, has_files=bool(ctx.files))
            self.apply_edit(original, body, ctx.files)
            rec.deferred_followup_consumed = True
            rec.original_edits += 1
            rec.followups.append(original)
            self.fake.notifier.changed()
            await self.echo("MESSAGE_UPDATE", original)
            msg = original
        else:
            msg = self._interaction_message(rec, body, ctx.files, "followup")
            rec.followups.append(msg)
            self.fake.notifier.changed()
            await self.echo("MESSAGE_CREATE", msg)
        if not ctx.flag("wait"):
            return no_content()
        return self._ok(ctx, msg.payload)

    def _webhook_message(self, rec: InteractionRecord, raw: str) -> StoredMessage:
        if raw == "@original":
            msg = rec.original
        else:
            mid = _snowflake(raw, 10008, "Unknown Message")
            candidates = ([rec.original] if rec.original else []) + rec.followups
            msg = next((m for m in candidates if m.id == mid), None)
        if msg is None or msg.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def get_webhook_message(self, ctx: Ctx) -> web.Response:
        rec = self._webhook_interaction(ctx)
        return self._ok(ctx, self._webhook_message(rec, ctx.params["message_id"]).payload)

    async def edit_webhook_message(self, ctx: Ctx) -> web.Response:
        rec = self._webhook_interaction(ctx)
        msg = self._webhook_message(rec, ctx.params["message_id"])
        self.apply_edit(msg, ctx.body, ctx.files)
        if msg is rec.original:
            rec.original_edits += 1
        self.fake.notifier.changed()
        await self.echo("MESSAGE_UPDATE", msg)
        return self._ok(ctx, msg.payload)

    async def delete_webhook_message(self, ctx: Ctx) -> web.Response:
        rec = self._webhook_interaction(ctx)
        msg = self._webhook_message(rec, ctx.params["message_id"])
        msg.deleted = True
        self.fake.notifier.changed()
        await self.echo_delete(msg)
        return no_content()
