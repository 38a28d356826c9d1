"""Discord-side validation (the 400 "Invalid Form Body" errors) and mention resolution.

Only the limits a bot realistically hits are checked: message/embed sizes, embed URL schemes,
allowed_mentions shape, autocomplete choices and application-command definitions.
"""

from __future__ import annotations

import re
from typing import Any

import regex

from .payloads import JSON

__all__ = [
    "ApiError",
    "FormErrors",
    "parse_mentions",
    "resolve_pings",
    "validate_choices",
    "validate_commands",
    "validate_message",
]

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)")
COMMAND_NAME = regex.compile(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
"""Discord's documented application-command name rule (also lower case)."""


class ApiError(Exception):
    """A Discord JSON error response (``{"message": ..., "code": ...}``)."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        data: JSON = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


class FormErrors:
    """Collects nested ``errors`` the way Discord reports 50035 Invalid Form Body."""

    def __init__(self) -> None:
        self.errors: JSON = {}

    def add(self, path: list[str | int], code: str, message: str) -> None:
        node = self.errors
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_len(self, path: list[str | int], value: Any, limit: int, *, min_len: int = 0) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Must be a string.")
            return
        if len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        elif len(value) < min_len:
            self.add(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {min_len} and {limit} in length."
            )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ApiError(400, 50035, "Invalid Form Body", self.errors)


def _check_url(
    errors: FormErrors, path: list[str | int], url: Any, *, allow_attachment: bool
) -> None:
    if url is None:
        return
    schemes = ("http", "https", "attachment") if allow_attachment else ("http", "https")
    scheme = str(url).split(":", 1)[0].lower() if ":" in str(url) else ""
    if scheme not in schemes:
        errors.add(
            path,
            "URL_TYPE_INVALID_SCHEME",
            f'Scheme "{scheme}" is not supported. Scheme must be one of {schemes}.',
        )


def _validate_embed(errors: FormErrors, i: int, embed: Any) -> int:
    """Validate one embed; return its character count towards the 6000 total."""
    base: list[str | int] = ["embeds", i]
    if not isinstance(embed, dict):
        errors.add(base, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return 0
    total = 0
    errors.max_len([*base, "title"], embed.get("title"), 256)
    errors.max_len([*base, "description"], embed.get("description"), 4096)
    total += len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
    _check_url(errors, [*base, "url"], embed.get("url"), allow_attachment=False)
    color = embed.get("color")
    if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
        errors.add([*base, "color"], "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors.add([*base, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for j, fld in enumerate(fields):
        name, value = fld.get("name"), fld.get("value")
        errors.max_len(
            [*base, "fields", j, "name"], name if name is not None else "", 256, min_len=1
        )
        errors.max_len(
            [*base, "fields", j, "value"], value if value is not None else "", 1024, min_len=1
        )
        total += len(str(name or "")) + len(str(value or ""))
    footer = embed.get("footer") or {}
    if footer:
        errors.max_len([*base, "footer", "text"], footer.get("text") or "", 2048)
        total += len(str(footer.get("text") or ""))
        _check_url(
            errors, [*base, "footer", "icon_url"], footer.get("icon_url"), allow_attachment=True
        )
    author = embed.get("author") or {}
    if author:
        errors.max_len([*base, "author", "name"], author.get("name") or "", 256, min_len=1)
        total += len(str(author.get("name") or ""))
        _check_url(errors, [*base, "author", "url"], author.get("url"), allow_attachment=False)
        _check_url(
            errors, [*base, "author", "icon_url"], author.get("icon_url"), allow_attachment=True
        )
    for key in ("image", "thumbnail"):
        media = embed.get(key) or {}
        if media:
            _check_url(errors, [*base, key, "url"], media.get("url"), allow_attachment=True)
    return total


def validate_message(body: JSON, *, has_files: bool, require_body: bool = True) -> None:
    """Raise :class:`ApiError` like Discord would for an invalid message create/edit body."""
    errors = FormErrors()
    errors.max_len(["content"], body.get("content"), 2000)
    embeds = body.get("embeds")
    if embeds is not None:
        if not isinstance(embeds, list):
            errors.add(["embeds"], "BASE_TYPE_ARRAY", "Must be an array.")
            embeds = []
        if len(embeds) > 10:
            errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        total = sum(_validate_embed(errors, i, e) for i, e in enumerate(embeds))
        if total > 6000:
            errors.add(
                ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        parse = mentions.get("parse") or []
        for kind in parse:
            if kind not in ("users", "roles", "everyone"):
                errors.add(
                    ["allowed_mentions", "parse"],
                    "ENUM_TYPE_COERCE",
                    f'Value "{kind}" is not a valid enum value.',
                )
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                errors.add(
                    ["allowed_mentions"],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
            if len(mentions.get(kind) or []) > 100:
                errors.add(
                    ["allowed_mentions", kind],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 100 or fewer in length.",
                )
    from .components import validate_components  # it builds on FormErrors, defined here

    validate_components(errors, body.get("components"))
    errors.raise_if_any()
    if require_body and not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or body.get("attachments")
        or has_files
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


def validate_choices(choices: Any) -> None:
    errors = FormErrors()
    if not isinstance(choices, list):
        errors.add(["choices"], "BASE_TYPE_ARRAY", "Must be an array.")
        errors.raise_if_any()
        return
    if len(choices) > 25:
        errors.add(["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        errors.max_len(["choices", i, "name"], choice.get("name"), 100, min_len=1)
        value = choice.get("value")
        if isinstance(value, str):
            errors.max_len(["choices", i, "value"], value, 100, min_len=1)
    errors.raise_if_any()


def _validate_options(errors: FormErrors, path: list[str | int], options: list[JSON]) -> None:
    if len(options) > 25:
        errors.add([*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    seen_optional = False
    for i, opt in enumerate(options):
        opath: list[str | int] = [*path, "options", i]
        name = str(opt.get("name", ""))
        if not COMMAND_NAME.match(name) or name != name.lower():
            errors.add(
                [*opath, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        errors.max_len([*opath, "description"], opt.get("description", ""), 100, min_len=1)
        if opt.get("type") in (1, 2):
            _validate_options(errors, opath, opt.get("options") or [])
            continue
        if opt.get("required"):
            if seen_optional:
                errors.add(
                    [*opath, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if len(choices) > 25:
            errors.add(
                [*opath, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and opt.get("autocomplete"):
            errors.add(
                [*opath, "autocomplete"],
                "AUTOCOMPLETE_AND_CHOICES_ARE_MUTUALLY_EXCLUSIVE",
                "Autocomplete and choices are mutually exclusive",
            )


def validate_commands(commands: Any) -> None:
    """Validate a bulk-overwrite body (``PUT .../commands``)."""
    errors = FormErrors()
    if not isinstance(commands, list):
        errors.add([], "BASE_TYPE_ARRAY", "Must be an array.")
        errors.raise_if_any()
        return
    seen: set[tuple[str, int]] = set()
    chat_input = 0
    for i, cmd in enumerate(commands):
        ctype = int(cmd.get("type", 1))
        name = str(cmd.get("name", ""))
        if ctype == 1:
            chat_input += 1
            if not COMMAND_NAME.match(name) or name != name.lower():
                errors.add(
                    [i, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            errors.max_len([i, "description"], cmd.get("description", ""), 100, min_len=1)
            _validate_options(errors, [i], cmd.get("options") or [])
        else:
            errors.max_len([i, "name"], name, 32, min_len=1)
        if (name, ctype) in seen:
            errors.add(
                [i, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        seen.add((name, ctype))
    if chat_input > 100:
        errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    errors.raise_if_any()


def parse_mentions(content: str) -> tuple[list[int], list[int], bool]:
    """User ids, role ids and whether @everyone/@here appear in ``content``."""
    users = list(dict.fromkeys(int(m) for m in USER_MENTION.findall(content)))
    roles = list(dict.fromkeys(int(m) for m in ROLE_MENTION.findall(content)))
    return users, roles, bool(EVERYONE_MENTION.search(content))


def resolve_pings(
    content: str,
    allowed_mentions: JSON | None,
    *,
    known_user_ids: set[int],
    mentionable_role_ids: set[int],
    all_role_ids: set[int],
    can_mention_everyone: bool,
    replied_user_id: int | None,
) -> tuple[set[int], set[int], bool]:
    """Who a message would actually notify, applying Discord's allowed_mentions rules.

    Without ``allowed_mentions`` everything in the content is parsed and a reply pings the
    replied-to author; with it, only what it allows (``replied_user`` defaults to false).
    Non-mentionable roles and @everyone additionally need the Mention Everyone permission.
    """
    users, roles, everyone = parse_mentions(content)
    users = [u for u in users if u in known_user_ids]
    roles = [
        r
        for r in roles
        if r in all_role_ids and (r in mentionable_role_ids or can_mention_everyone)
    ]
    everyone = everyone and can_mention_everyone
    if allowed_mentions is None:
        pinged_users = set(users)
        pinged_roles = set(roles)
        reply_ping = True
    else:
        parse = set(allowed_mentions.get("parse") or [])
        allowed_users = {int(u) for u in allowed_mentions.get("users") or []}
        allowed_roles = {int(r) for r in allowed_mentions.get("roles") or []}
        pinged_users = {u for u in users if "users" in parse or u in allowed_users}
        pinged_roles = {r for r in roles if "roles" in parse or r in allowed_roles}
        everyone = everyone and "everyone" in parse
        reply_ping = bool(allowed_mentions.get("replied_user", False))
    if replied_user_id is not None and reply_ping:
        pinged_users.add(replied_user_id)
    return pinged_users, pinged_roles, everyone
