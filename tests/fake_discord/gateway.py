"""Fake Discord gateway (websocket): HELLO/heartbeat, IDENTIFY -> READY + GUILD_CREATE,
RESUME with replay, RECONNECT / INVALID_SESSION, member chunking and event dispatch.

Frames are sent zlib-stream compressed when the client asks for ``compress=zlib-stream`` (what
discord.py requests unless ``zstandard`` is importable); otherwise as plain text frames, which
discord.py always accepts (it only decompresses binary frames).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
import zlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .models import PRIVILEGED_INTENTS, Intent
from .payloads import JSON, guild_create_payload, member_payload, user_payload

if TYPE_CHECKING:
    from .server import FakeDiscord

__all__ = ["Gateway", "GatewayConnection", "GatewaySession"]

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

#: Per-session data builder: return the event's ``d`` for that session, or None to skip it.
DataFor = Callable[["GatewaySession"], JSON | None]


class GatewaySession:
    """A Discord gateway session (survives reconnects; a RESUME re-attaches a connection)."""

    def __init__(self, session_id: str, intents: int, shard: tuple[int, int] | None) -> None:
        self.id = session_id
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.buffer: deque[JSON] = deque(maxlen=5000)
        self.connection: GatewayConnection | None = None
        self.resumable = True
        self.presence: JSON | None = None
        self.lock = asyncio.Lock()

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)

    def owns_guild(self, guild_id: int | None) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:  # DMs go to shard 0
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id

    def __repr__(self) -> str:
        return f"<GatewaySession {self.id[:8]} seq={self.seq} resumable={self.resumable}>"


class GatewayConnection:
    """One websocket connection from the client."""

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, number: int, compress: str | None
    ) -> None:
        self.ws = ws
        self.request = request
        self.number = number
        self.path = request.path
        self.query = dict(request.query)
        self.compress = compress
        self.session: GatewaySession | None = None
        self.closed = False
        self.close_code: int | None = None
        self.server_closed = False
        self.received: list[JSON] = []
        self.sent: list[JSON] = []
        self._lock = asyncio.Lock()
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None

    async def send(self, payload: JSON) -> bool:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.closed or self.ws.closed:
                return False
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as exc:
                _log.debug("gateway send on connection %s failed: %s", self.number, exc)
                return False
            self.sent.append(payload)
            return True

    async def close(self, code: int, message: str = "") -> None:
        self.server_closed = True
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.close(code=code, message=message.encode())

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a network failure)."""
        self.server_closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    def __repr__(self) -> str:
        return (
            f"<GatewayConnection #{self.number} {self.path}"
            f" closed={self.closed} code={self.close_code}>"
        )


class Gateway:
    """The websocket side of :class:`~tests.fake_discord.server.FakeDiscord`."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.invalid_sessions_sent = 0
        self.acks_enabled = True
        #: Every payload received from clients (tokens redacted), as (connection number, payload).
        self.received_log: list[tuple[int, JSON]] = []

    # -- state ------------------------------------------------------------------------------
    @property
    def open_connections(self) -> list[GatewayConnection]:
        return [c for c in self.connections if not c.closed]

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.resumable or s.connection is not None]

    def _changed(self) -> None:
        self.fake.notifier.changed()

    # -- websocket handler ------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="expected a websocket upgrade")
        await ws.prepare(request)
        compress = request.query.get("compress")
        conn = GatewayConnection(ws, request, len(self.connections) + 1, compress)
        self.connections.append(conn)
        self._changed()
        try:
            if request.query.get("encoding", "json") != "json":
                await conn.close(4002, "Decode error")
                return ws
            await conn.send(
                {
                    "op": OP_HELLO,
                    "d": {
                        "heartbeat_interval": int(self.fake.heartbeat_interval * 1000),
                        "_trace": ["fake-discord-gateway"],
                    },
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        payload = json.loads(msg.data)
                    except ValueError:
                        await conn.close(4002, "Decode error")
                        break
                    await self._on_payload(conn, payload)
                elif msg.type is WSMsgType.BINARY:
                    await conn.close(4002, "Decode error")
                    break
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            conn.closed = True
            conn.close_code = ws.close_code
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                # A client closing with 1000/1001 ends its session (like Discord: it goes offline).
                if not conn.server_closed and ws.close_code in (1000, 1001):
                    session.resumable = False
            self._changed()
        return ws

    async def _on_payload(self, conn: GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        data = payload.get("d")
        logged = dict(payload)
        if isinstance(data, dict) and "token" in data:
            logged["d"] = {**data, "token": "<redacted>"}
        conn.received.append(logged)
        self.received_log.append((conn.number, logged))

        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            if self.acks_enabled:
                await conn.send({"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif op in (OP_PRESENCE, OP_REQUEST_MEMBERS, OP_VOICE_STATE):
            if conn.session is None:
                await conn.close(4003, "Not authenticated.")
            elif op == OP_PRESENCE:
                conn.session.presence = data
            elif op == OP_REQUEST_MEMBERS:
                await self._request_members(conn.session, data or {})
        else:
            await conn.close(4001, "Unknown opcode.")
        self._changed()

    # -- identify / resume ------------------------------------------------------------------
    def _token_ok(self, token: Any) -> bool:
        return self.fake.token is None or token == self.fake.token

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not self._token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.fake.privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard: tuple[int, int] | None = None
        raw_shard = data.get("shard")
        if raw_shard is not None:
            shard = (int(raw_shard[0]), int(raw_shard[1]))
            if not 0 <= shard[0] < shard[1]:
                await conn.close(4010, "Invalid shard.")
                return

        session = GatewaySession(uuid.uuid4().hex, intents, shard)
        self.sessions[session.id] = session
        conn.session = session
        session.connection = conn
        self.identifies += 1

        fake = self.fake
        guilds = [g for g in fake.guilds.values() if session.owns_guild(g.id)]
        ready: JSON = {
            "v": fake.api_version,
            "user": user_payload(fake.bot_user, private=True),
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": fake.resume_gateway_url,
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "auth": {},
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "_trace": ["fake-discord-gateway"],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await self._dispatch_to(session, "READY", ready)
        if session.has_intent(Intent.GUILDS):
            include_all = session.has_intent(Intent.GUILD_PRESENCES)
            for guild in guilds:
                await self._dispatch_to(
                    session,
                    "GUILD_CREATE",
                    guild_create_payload(
                        guild, bot_user_id=fake.bot_user.id, include_all_members=include_all
                    ),
                )

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not self._token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        seq = int(data.get("seq") or 0)
        if session is None or not session.resumable or self._missed_too_much(session, seq):
            self.invalid_sessions_sent += 1
            await conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        async with session.lock:
            old = session.connection
            conn.session = session
            session.connection = conn
            if old is not None and old is not conn and not old.closed:
                old.session = None
                await old.close(4009, "Session superseded.")
            for payload in list(session.buffer):
                if payload["s"] > seq:
                    await conn.send(payload)
            session.seq += 1
            resumed = {
                "op": OP_DISPATCH,
                "t": "RESUMED",
                "s": session.seq,
                "d": {"_trace": ["fake"]},
            }
            session.buffer.append(resumed)
            await conn.send(resumed)
        self.resumes += 1

    @staticmethod
    def _missed_too_much(session: GatewaySession, seq: int) -> bool:
        return bool(session.buffer) and seq < session.buffer[0]["s"] - 1

    async def _request_members(self, session: GatewaySession, data: JSON) -> None:
        raw_ids = data.get("guild_id")
        guild_ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0)
        user_ids = data.get("user_ids")
        wanted = (
            None
            if user_ids is None
            else {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
        )
        full_list = wanted is None and not query and limit == 0
        for raw_gid in guild_ids:
            guild = self.fake.guilds.get(int(str(raw_gid)))
            if guild is None:
                continue
            members = list(guild.members.values())
            if full_list and not session.has_intent(Intent.GUILD_MEMBERS):
                members = []
            if wanted is not None:
                members = [m for m in members if m.id in wanted]
            if query:
                members = [
                    m
                    for m in members
                    if m.user.username.lower().startswith(query)
                    or (m.nick or "").lower().startswith(query)
                ]
            if limit:
                members = members[:limit]
            chunk: JSON = {
                "guild_id": str(guild.id),
                "members": [member_payload(m) for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
            }
            if wanted is not None:
                found = {m.id for m in members}
                chunk["not_found"] = [str(u) for u in wanted - found]
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- dispatching ------------------------------------------------------------------------
    async def _dispatch_to(self, session: GatewaySession, event: str, data: JSON) -> None:
        async with session.lock:
            session.seq += 1
            payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
            session.buffer.append(payload)
            conn = session.connection
            if conn is not None and not conn.closed:
                await conn.send(payload)
        self._changed()

    async def dispatch(
        self,
        event: str,
        data: JSON | DataFor,
        *,
        guild_id: int | None = None,
        intent: int | None = None,
    ) -> int:
        """Send an event to every live session that should get it; returns how many did.

        Sessions that are momentarily disconnected (e.g. between RECONNECT and RESUME) still
        count: the event is buffered and replayed on RESUME, like Discord does.
        """
        delivered = 0
        for session in self.live_sessions:
            if not session.owns_guild(guild_id):
                continue
            if intent is not None and not session.has_intent(intent):
                continue
            d = data(session) if callable(data) else data
            if d is None:
                continue
            await self._dispatch_to(session, event, d)
            delivered += 1
        return delivered

    # -- fault injection --------------------------------------------------------------------
    async def send_reconnect(self) -> int:
        count = 0
        for conn in self.open_connections:
            if conn.session is not None and await conn.send({"op": OP_RECONNECT, "d": None}):
                count += 1
        return count

    async def send_invalid_session(self, resumable: bool) -> int:
        count = 0
        for conn in self.open_connections:
            if conn.session is None:
                continue
            if not resumable:
                conn.session.resumable = False
            self.invalid_sessions_sent += 1
            if await conn.send({"op": OP_INVALID_SESSION, "d": resumable}):
                count += 1
        return count

    async def drop_connections(self, code: int | None) -> int:
        conns = self.open_connections
        for conn in conns:
            if code is None:
                conn.abort()
            else:
                await conn.close(code)
        return len(conns)

    async def close_all(self) -> None:
        for conn in self.open_connections:
            await conn.close(1001, "Going away.")
