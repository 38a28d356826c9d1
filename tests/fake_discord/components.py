"""Discord's checks on message components (action rows of buttons), as a 400 would report.

Limits from Discord's OpenAPI spec (``ActionRowComponentForMessageRequest``,
``ButtonComponentForMessageRequest``) and its component reference: at most 5 action rows,
each with 1 to 5 buttons; a button has a style 1-6, a label of at most 80 characters or an
emoji, and a ``custom_id`` of 1 to 100 characters unique in the message (a link button,
style 5, has a URL of at most 512 characters instead).
"""

from __future__ import annotations

from typing import Any

from .validation import FormErrors

ACTION_ROW = 1
BUTTON = 2
LINK_STYLE = 5
PREMIUM_STYLE = 6
MAX_ROWS = 5
MAX_PER_ROW = 5


def validate_components(errors: FormErrors, components: Any) -> None:
    """Add to ``errors`` what Discord would refuse in a message's ``components``."""
    if components is None:
        return
    if not isinstance(components, list):
        errors.add(["components"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(components) > MAX_ROWS:
        errors.add(
            ["components"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ROWS} or fewer in length."
        )
    seen: set[str] = set()
    for r, row in enumerate(components):
        path: list[str | int] = ["components", r]
        if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
            errors.add([*path, "type"], "COMPONENT_LAYOUT_INVALID", "Expected an action row.")
            continue
        children = row.get("components")
        if not isinstance(children, list) or not 1 <= len(children) <= MAX_PER_ROW:
            errors.add(
                [*path, "components"],
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MAX_PER_ROW} in length.",
            )
            continue
        for c, child in enumerate(children):
            _validate_button(errors, [*path, "components", c], child, seen)


def _validate_button(
    errors: FormErrors, path: list[str | int], button: Any, seen: set[str]
) -> None:
    if not isinstance(button, dict) or button.get("type") != BUTTON:
        return  # selects etc.: not used by this bot, left to the spec validation
    style = button.get("style")
    if not isinstance(style, int) or not 1 <= style <= PREMIUM_STYLE:
        errors.add(
            [*path, "style"], "BASE_TYPE_CHOICES", f"Value must be one of 1-6, got {style!r}."
        )
        return
    errors.max_len([*path, "label"], button.get("label"), 80)
    if style == LINK_STYLE:
        errors.max_len([*path, "url"], button.get("url") or "", 512, min_len=1)
        if button.get("custom_id") is not None:
            errors.add(
                [*path, "custom_id"],
                "BUTTON_COMPONENT_CUSTOM_ID_FORBIDDEN",
                "A link button cannot have a custom_id.",
            )
        return
    if style == PREMIUM_STYLE:
        return
    custom_id = button.get("custom_id")
    errors.max_len([*path, "custom_id"], custom_id if custom_id is not None else "", 100, min_len=1)
    if isinstance(custom_id, str):
        if custom_id in seen:
            errors.add(
                [*path, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated.",
            )
        seen.add(custom_id)
    if not button.get("label") and not button.get("emoji"):
        errors.add(
            [*path],
            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
            "A button needs a label or an emoji.",
        )
