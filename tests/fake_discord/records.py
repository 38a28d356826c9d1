"""What the fake records (requests, messages, interactions) and the handles tests await on."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .payloads import JSON

if TYPE_CHECKING:
    from .models import FakeChannel
    from .server import FakeDiscord

__all__ = [
    "CallbackRecord",
    "FakeDiscordError",
    "FakeDiscordTimeoutError",
    "FaultRule",
    "InteractionRecord",
    "Notifier",
    "RequestRecord",
    "SentMessage",
    "StoredMessage",
    "UploadedFile",
]

T = TypeVar("T")

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class FakeDiscordError(Exception):
    """The test asked the fake for something Discord could never do (bad test input)."""


class FakeDiscordTimeoutError(AssertionError):
    """A ``wait_*`` helper timed out; the message includes recent fake-server activity."""


class Notifier:
    """Wakes every waiter whenever the fake's state changes.

    All fake state lives on one event loop, so "check, then wait for the next change" is race
    free: any change after the check sets the event the waiter is sleeping on.
    """

    def __init__(self, describe: Callable[[], str] | None = None) -> None:
        self._event = asyncio.Event()
        self._describe = describe

    def changed(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, check: Callable[[], T | None], *, timeout: float, what: str) -> T:
        """Return ``check()``'s first non-None result, re-checking after every state change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                details = self._describe() if self._describe else ""
                raise FakeDiscordTimeoutError(
                    f"timed out after {timeout:g}s waiting for {what}\n{details}"
                )
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RequestRecord:
    """One REST request received by the fake.

    ``path`` is the decoded path without the ``/api/v10`` prefix (e.g. ``/channels/1/messages``).
    ``json`` is the JSON body, or the ``payload_json`` part of a multipart body.
    """

    index: int
    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    multipart: bool = False
    time: float = 0.0
    status: int | None = None
    response: Any = None
    fault: str | None = None

    @property
    def done(self) -> bool:
        return self.status is not None

    def __repr__(self) -> str:
        extra = f" fault={self.fault}" if self.fault else ""
        return f"<{self.method} {self.path} -> {self.status}{extra}>"


@dataclass
class FaultRule:
    """A fault to inject into the next ``remaining`` matching REST requests."""

    method: str | None
    path_pattern: re.Pattern[str]
    kind: Literal["status", "drop", "delay"]
    status: int = 429
    retry_after: float = 0.2
    with_via: bool = True
    is_global: bool = False
    body: Any = None
    delay: float = 0.0
    remaining: int = 1
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.method not in (None, "*") and self.method.upper() != method.upper():
            return False
        return self.path_pattern.search(path) is not None


@dataclass(eq=False)
class StoredMessage:
    """A message as the fake Discord stores it (``payload`` is the exact API object, updated in
    place by edits). Covers user messages, bot channel messages and interaction messages."""

    payload: JSON
    source: Literal["user", "channel", "interaction_response", "followup"]
    allowed_mentions: JSON | None = None
    pinged_user_ids: set[int] = field(default_factory=set)
    pinged_role_ids: set[int] = field(default_factory=set)
    pings_everyone: bool = False
    interaction_id: int | None = None
    request_body: JSON | None = None
    files: list[UploadedFile] = field(default_factory=list)
    edits: list[JSON] = field(default_factory=list)
    deleted: bool = False
    thread_id: int | None = None

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def guild_id(self) -> int | None:
        gid = self.payload.get("guild_id")
        return None if gid is None else int(gid)

    @property
    def author_id(self) -> int:
        return int(self.payload["author"]["id"])

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        return list(self.payload.get("components") or [])

    @property
    def attachments(self) -> list[JSON]:
        return list(self.payload.get("attachments") or [])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while this is a deferred ("Bot is thinking...") message not yet edited."""
        return bool(self.flags & LOADING)

    @property
    def message_reference(self) -> JSON | None:
        ref = self.payload.get("message_reference")
        return dict(ref) if ref else None

    @property
    def reference_message_id(self) -> int | None:
        ref = self.payload.get("message_reference")
        if not ref or ref.get("message_id") is None:
            return None
        return int(ref["message_id"])

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    @property
    def pings_anyone(self) -> bool:
        return bool(self.pinged_user_ids or self.pinged_role_ids or self.pings_everyone)

    def embed_text(self) -> str:
        """All human-visible embed text concatenated (handy for substring assertions)."""
        parts: list[str] = []
        for embed in self.embeds:
            parts += [str(embed.get(k) or "") for k in ("title", "description")]
            for f in embed.get("fields") or []:
                parts += [str(f.get("name") or ""), str(f.get("value") or "")]
            parts.append(str((embed.get("footer") or {}).get("text") or ""))
            parts.append(str((embed.get("author") or {}).get("name") or ""))
        return "\n".join(p for p in parts if p)

    def __repr__(self) -> str:
        flags = f" flags={self.flags}" if self.flags else ""
        return (
            f"<StoredMessage id={self.id} channel={self.channel_id} source={self.source}"
            f" content={self.content[:60]!r} embeds={len(self.embeds)}{flags}>"
        )


@dataclass(eq=False)
class CallbackRecord:
    """The bot's response to an interaction (``POST /interactions/{id}/{token}/callback``)."""

    type: int
    data: JSON
    request: RequestRecord
    message: StoredMessage | None = None

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.data.get("embeds") or [])

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.data.get("allowed_mentions")

    @property
    def choices(self) -> list[JSON]:
        return list(self.data.get("choices") or [])

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)


class InteractionRecord:
    """An interaction the fake sent to the bot, and everything the bot answered to it."""

    def __init__(
        self,
        fake: FakeDiscord,
        payload: JSON,
        *,
        channel: FakeChannel,
        created_at: float,
        source_message: StoredMessage | None = None,
    ) -> None:
        self._fake = fake
        self.payload: JSON = payload
        self.channel: FakeChannel = channel
        self.created_at: float = created_at
        self.source_message: StoredMessage | None = source_message
        self.callback: CallbackRecord | None = None
        self.rejected_callbacks: list[RequestRecord] = []
        self.original: StoredMessage | None = source_message if payload["type"] == 3 else None
        self.followups: list[StoredMessage] = []
        self.original_edits: int = 0
        self.deferred_followup_consumed: bool = False

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    @property
    def type(self) -> int:
        return int(self.payload["type"])

    @property
    def user_id(self) -> int:
        who = self.payload.get("member", {}).get("user") or self.payload.get("user") or {}
        return int(who["id"])

    @property
    def command_name(self) -> str | None:
        name = self.payload.get("data", {}).get("name")
        return None if name is None else str(name)

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    def __repr__(self) -> str:
        cb = None if self.callback is None else self.callback.type
        return (
            f"<InteractionRecord id={self.id} type={self.type}"
            f" name={self.command_name!r} callback={cb}>"
        )

    # -- waiting ----------------------------------------------------------------------------
    async def wait_callback(self, timeout: float = 5.0) -> CallbackRecord:
        """The accepted callback (type 4/5/6/7/8/9)."""
        return await self._fake.notifier.wait_for(
            lambda: self.callback, timeout=timeout, what=f"a callback to {self!r}"
        )

    async def wait_followup(self, index: int = 0, timeout: float = 5.0) -> StoredMessage:
        """The ``index``-th followup (``POST /webhooks/{app}/{token}``).

        Note Discord's quirk: the first followup after a type-5 defer *edits the deferred
        message* instead of creating one (and keeps the defer's ephemeral flag); it is still
        listed here.
        """
        return await self._fake.notifier.wait_for(
            lambda: self.followups[index] if len(self.followups) > index else None,
            timeout=timeout,
            what=f"followup #{index} of {self!r}",
        )

    async def wait_original_edit(self, count: int = 1, timeout: float = 5.0) -> StoredMessage:
        """The original response message once it has been edited ``count`` times."""
        return await self._fake.notifier.wait_for(
            lambda: (
                self.original
                if self.original is not None and self.original_edits >= count
                else None
            ),
            timeout=timeout,
            what=f"{count} edit(s) of the original response of {self!r}",
        )

    def response_message(self) -> StoredMessage | None:
        """The first message the user actually sees as the answer, however the bot produced it
        (a type-4 response, a deferred message once edited/followed-up, or a followup); None
        while there is none yet."""
        if self.callback is None:
            return None
        if self.callback.type == 4 and self.callback.message is not None:
            return self.callback.message
        if self.original is not None and self.original_edits > 0 and not self.original.loading:
            return self.original
        return self.followups[0] if self.followups else None

    async def wait_response_message(self, timeout: float = 5.0) -> StoredMessage:
        """:meth:`response_message`, once there is one."""
        return await self._fake.notifier.wait_for(
            self.response_message, timeout=timeout, what=f"a visible response to {self!r}"
        )

    async def wait_choices(self, timeout: float = 5.0) -> list[JSON]:
        """Autocomplete choices (callback type 8)."""
        callback = await self.wait_callback(timeout)
        if callback.type != 8:
            raise AssertionError(
                f"expected an autocomplete (type 8) callback, got type {callback.type}"
            )
        return callback.choices


class SentMessage:
    """Handle for a MESSAGE_CREATE the fake sent to the bot (see ``FakeDiscord.send_message``)."""

    def __init__(self, fake: FakeDiscord, message: StoredMessage, delivered: bool) -> None:
        self._fake = fake
        self.message = message
        #: False when no gateway session received it (e.g. missing GUILD_MESSAGES intent).
        self.delivered = delivered

    @property
    def id(self) -> int:
        return self.message.id

    def _bot_messages_after(self) -> list[StoredMessage]:
        channels = {self.message.channel_id}
        if self.message.thread_id is not None:
            channels.add(self.message.thread_id)
        return [
            m
            for m in self._fake.messages.values()
            if m.channel_id in channels
            and m.id > self.message.id
            and m.author_id == self._fake.bot_user.id
            and m.source == "channel"
        ]

    async def wait_reply(self, timeout: float = 5.0) -> StoredMessage:
        """The first bot message whose ``message_reference`` points at this message."""
        return await self._fake.notifier.wait_for(
            lambda: next(
                (m for m in self._bot_messages_after() if m.reference_message_id == self.id), None
            ),
            timeout=timeout,
            what=f"a reply to message {self.id}",
        )

    async def wait_bot_message(self, timeout: float = 5.0) -> StoredMessage:
        """The first bot message posted after this one in the same channel (reply or not), or
        in a thread started from this message."""
        return await self._fake.notifier.wait_for(
            lambda: next(iter(self._bot_messages_after()), None),
            timeout=timeout,
            what=f"a bot message after message {self.id}",
        )

    async def wait_thread(self, timeout: float = 5.0) -> FakeChannel:
        """The thread the bot started from this message."""

        def check() -> FakeChannel | None:
            tid = self.message.thread_id
            return None if tid is None else self._fake.find_channel(tid)

        return await self._fake.notifier.wait_for(
            check, timeout=timeout, what=f"a thread started from message {self.id}"
        )
