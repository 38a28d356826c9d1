"""Normalise and validate what a user typed before it is searched."""

from __future__ import annotations

import re
import unicodedata

from index.errors import InvalidQuery

_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}
_SPACES = re.compile(r"\s+")


def normalise_query(text: str, max_chars: int = 500, what: str = "question") -> str:
    """NFKC-normalised text without control or invisible characters.

    Raises ``InvalidQuery`` with a message meant for the user when the text is
    empty, has no letter or digit, or is longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise InvalidQuery(f"The {what} must be text.")
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in cleaned
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if not cleaned:
        raise InvalidQuery(f"The {what} is empty: type a few words.")
    if len(cleaned) > max_chars:
        raise InvalidQuery(
            f"The {what} is too long ({len(cleaned)} characters; the limit is {max_chars}). "
            "Ask something shorter."
        )
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        raise InvalidQuery(f"The {what} has no words in it: type a few words.")
    return cleaned
