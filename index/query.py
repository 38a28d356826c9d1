"""Normalise and validate what a user typed before it is searched."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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


_MENTIONS = r"<(?:@[!&]?|#)\d+>|(?<!\w)@\u200b?(?:everyone|here)\b"
"""Discord's mention syntax: users ``<@id>``/``<@!id>``, roles ``<@&id>``, channels ``<#id>``,
and ``@everyone``/``@here``."""

_MENTION = re.compile(_MENTIONS, re.IGNORECASE)
_LEADING_MENTIONS = re.compile(rf"^(?:\s*(?:{_MENTIONS})[\s,:;!]*)+", re.IGNORECASE)
"""Mentions the text starts with, and the commas or colons after them."""

_GREETING = re.compile(
    r"^(?:hi|hiya|hey|heya|hello|hullo|howdy|yo|greetings|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|all|everyone|everybody|folks|guys|team|friends|bot|y'?all))?"
    r"(?P<end>\s*[,!.:;\-–—]+\s*|\s+|$)",
    re.IGNORECASE,
)
"""A greeting at the start of a question ("hi", "hey bot", "hello there,")."""


_EDGE_PUNCTUATION = " \t,:;.!–—"
_AFTER_NAME = re.compile(r"^[\s,:;.!–—]*(?:-\s+)?")
"""What separates a name from the question after it ("NewsDesk, …", "NewsDesk - …"); a
minus sign glued to a number is kept."""


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    wanted = sorted({" ".join(n.split()) for n in names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in wanted)
    return re.compile(rf"(?<!\w)@?(?:{alternatives})(?!\w)", re.IGNORECASE)


def strip_question_noise(text: str, names: Iterable[str] = ()) -> str:
    """The question in ``text`` without what only addresses someone.

    Removed: ``@everyone``/``@here``, Discord mentions (``<@id>``, ``<@!id>``, ``<@&id>``,
    ``<#id>``), greetings at the start ("hi", "hey bot", "hello there,") and, at the start or
    the end, any of ``names`` (the bot's name or nickname, with or without ``@``), with the
    commas or colons around them. What is left is the question, spaces collapsed; it is
    empty when ``text`` only greeted or mentioned someone. A name inside the question
    ("what did NewsDesk report?") is kept.
    """
    cleaned = _MENTION.sub(" ", _LEADING_MENTIONS.sub("", text))
    cleaned = _SPACES.sub(" ", cleaned).strip()
    name = _name_pattern(names)
    while True:
        before = cleaned
        cleaned = _strip_greeting(cleaned, name).lstrip()
        if name is not None:
            cleaned = _strip_edge_name(cleaned, name)
        if cleaned == before:
            return cleaned


def _strip_greeting(text: str, name: re.Pattern[str] | None) -> str:
    """``text`` without its leading greeting. A greeting followed only by a space and a
    capitalised word may be the question itself ("Hey Jude was written by whom?"): it is
    kept unless that word is one of the names."""
    match = _GREETING.match(text)
    if match is None:
        return text
    rest = text[match.end() :]
    if match["end"].strip() or not rest:
        return rest
    if rest[0].islower() or rest[0] in "@<" or (name is not None and name.match(rest)):
        return rest
    return text


def _strip_edge_name(text: str, name: re.Pattern[str]) -> str:
    match = name.match(text)
    if match is not None:
        text = _AFTER_NAME.sub("", text[match.end() :], count=1)
    for match in name.finditer(text):
        tail = text[match.end() :]
        if not tail.strip(_EDGE_PUNCTUATION + "?"):
            head = text[: match.start()].rstrip(_EDGE_PUNCTUATION)
            return head + tail.strip(_EDGE_PUNCTUATION)
    return text


def clean_question(text: str, max_chars: int = 500, names: Iterable[str] = ()) -> str:
    """:func:`normalise_query`, then :func:`strip_question_noise`: the question to search.

    Raises ``InvalidQuery`` as :func:`normalise_query` does, and when nothing but a
    greeting or mentions is left.
    """
    normalised = normalise_query(text, max_chars)
    question = strip_question_noise(normalised, names)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in question):
        raise InvalidQuery(
            "The question only greets or mentions someone: ask something, "
            "for example: who plays Grace?"
        )
    return question
