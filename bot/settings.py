"""Settings of the Discord bot, read from the environment and ``.env``.

``BotSettings`` extends the retrieval core's ``IndexSettings`` so one ``.env``
configures both. Every field is documented in ``.env.example``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import NoDecode

from index.settings import IndexSettings

DISCORD_API_BASE = "https://discord.com/api/v10"
"""Discord's own REST API base (the version is part of the base)."""

DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
"""Discord's own gateway."""

MAX_SNOWFLAKE = 2**64 - 1

SnowflakeList = Annotated[tuple[int, ...], NoDecode]
"""Discord IDs given as ``"123,456"`` in the environment (no JSON decoding)."""

_SEPARATORS = re.compile(r"[,\s]+")

SECRET_FIELDS = frozenset({"discord_token"})


def parse_snowflakes(value: object) -> tuple[int, ...]:
    """Parse ``"123, 456"`` (or an iterable of IDs) into unique Discord IDs, in order."""
    items: Iterable[object]
    if value is None:
        return ()
    if isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, str):
        items = [part for part in _SEPARATORS.split(value.strip()) if part]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise ValueError("expected comma-separated Discord IDs, such as 123456789012345678,234567")
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(
                f"{text!r} is not a Discord ID: expected comma-separated numbers, "
                "such as 123456789012345678,234567890123456789"
            )
        number = int(text)
        if not 0 < number <= MAX_SNOWFLAKE:
            raise ValueError(f"{text!r} is not a Discord ID (out of range)")
        if number not in ids:
            ids.append(number)
    return tuple(ids)


def _check_url(value: str, schemes: tuple[str, ...], example: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"expected a {' or '.join(schemes)} URL such as {example}, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"bad port in {value!r}") from exc
    return value


class BotSettings(IndexSettings):
    """Everything ``python -m bot`` reads from the environment (and ``.env``)."""

    discord_token: SecretStr | None = Field(
        default=None,
        description="The bot's token (Developer Portal → your application → Bot → Reset Token).",
    )
    guild_ids: SnowflakeList = Field(
        default=(),
        description="Guilds to sync the commands to at startup (instant); global when empty.",
    )
    moderator_role_ids: SnowflakeList = Field(
        default=(),
        description="Roles whose members may run /reindex (besides Manage Server).",
    )
    answer_channel_ids: SnowflakeList = Field(
        default=(),
        description="Channels where every plain message is taken as a question.",
    )
    discord_api_base: str = Field(
        default=DISCORD_API_BASE,
        description="REST API base, version included; for a Discord-compatible server.",
    )
    discord_gateway_url: str = Field(
        default=DISCORD_GATEWAY_URL,
        description="Gateway websocket URL; for a Discord-compatible server.",
    )
    cooldown_questions: int = Field(
        default=5, ge=1, le=1000, description="Questions a user may ask per cooldown window."
    )
    cooldown_seconds: float = Field(
        default=30.0, ge=0, le=86_400, description="Cooldown window in seconds (0 = no cooldown)."
    )
    worker_threads: int = Field(
        default=64,
        ge=1,
        le=64,
        description=(
            "Threads answering questions off the event loop; questions waiting in them at "
            "the same time are encoded in one model call (up to 64), so a burst needs as many "
            "threads as questions to be encoded in few calls (see bench/load.py)."
        ),
    )
    progress_interval_seconds: float = Field(
        default=1.5,
        ge=0.2,
        le=60,
        description="Smallest delay between two /reindex progress edits.",
    )
    database_path: Path = Field(
        default=Path("var/feedback.sqlite3"),
        description="SQLite file keeping the answers shown and the votes on them.",
    )
    answer_in_threads: bool = Field(
        default=False,
        description="Answer plain questions in answer channels in a new thread.",
    )
    fetch_timeout_seconds: float = Field(
        default=15.0, gt=0, le=120, description="/add-article url: the whole download's limit."
    )
    fetch_private_hosts: bool = Field(
        default=False,
        description="/add-article url may fetch from private and loopback addresses.",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")

    @field_validator("discord_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str):
            return value.strip()
        return value

    @field_validator("guild_ids", "moderator_role_ids", "answer_channel_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> tuple[int, ...]:
        return parse_snowflakes(value)

    @field_validator("discord_api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        return _check_url(value, ("http", "https"), DISCORD_API_BASE).rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _check_gateway(cls, value: str) -> str:
        return _check_url(value, ("ws", "wss"), DISCORD_GATEWAY_URL)

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"expected DEBUG, INFO, WARNING or ERROR, got {value!r}")
        return level

    @property
    def token(self) -> str | None:
        """The token in clear, for ``Client.start`` only: never log it."""
        return None if self.discord_token is None else self.discord_token.get_secret_value()

    @property
    def custom_api_base(self) -> str | None:
        """The REST base when it is not Discord's own."""
        return None if self.discord_api_base == DISCORD_API_BASE else self.discord_api_base

    @property
    def custom_gateway_url(self) -> str | None:
        """The gateway when it is not Discord's own."""
        return None if self.discord_gateway_url == DISCORD_GATEWAY_URL else self.discord_gateway_url


class SettingsError(Exception):
    """Settings that cannot be used; the message names every bad setting."""


def format_validation_error(error: ValidationError) -> str:
    """One line per bad setting, named as in the environment; secrets never echoed."""
    lines = []
    for detail in error.errors():
        loc = detail.get("loc") or ("?",)
        field = str(loc[0])
        message = str(detail.get("msg", "invalid value"))
        message = message.removeprefix("Value error, ")
        shown = ""
        if field not in SECRET_FIELDS and "input" in detail and detail.get("type") != "missing":
            raw = detail["input"]
            if isinstance(raw, str | int | float):
                text = str(raw)
                shown = f" (got {text[:60]!r})" if text not in message else ""
        lines.append(f"{field.upper()}: {message}{shown}")
    return "Invalid setting(s):\n  " + "\n  ".join(lines)


def load_settings(env_file: Path | str | None = ".env", **overrides: Any) -> BotSettings:
    """Read the settings; raise ``SettingsError`` (a readable message) on a bad value."""
    try:
        return BotSettings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(format_validation_error(exc)) from None
