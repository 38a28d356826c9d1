"""To whom, or where, words were said: ``told Entertainment Weekly``, ``in an
interview with Entertainment Tonight``, ``told reporters``.

A venue found in an attribution clause belongs to that quote. A venue found in
the narrative (``In a new interview with New York Times … Klementieff said``)
becomes the current interview of the person it is about, and later quotes of
that person inherit it until the article moves to another interview
(``In another recent interview, Klementieff recalled …``).
"""

from __future__ import annotations

import re
from typing import Final

from index.quotes.cues import UPPER
from index.quotes.lexicon import AUDIENCE_NOUNS, TIME_WORDS, VENUE_SUFFIXES

_OUTLET: Final = (
    rf"(?P<outlet>[{UPPER}0-9][\w'’&.\-!]*"
    rf"(?:[^\S\n]+(?:(?:of|and|&|the|on|de)[^\S\n]+)?[{UPPER}0-9][\w'’&.\-!]*){{0,6}}"
    rf"(?:[^\S\n]+(?i:{'|'.join(sorted(VENUE_SUFFIXES))})\b)?)"
)
_AUDIENCE: Final = "|".join(sorted(AUDIENCE_NOUNS, key=len, reverse=True))
_INTERVIEW: Final = (
    r"(?:interview|conversation|chat|appearance|statement|op-ed|podcast|press\s+conference"
    r"|briefing|q&a|documentary|speech|comments|remarks)"
)
_EXPLICIT: Final = (
    re.compile(rf"\b(?i:told|tells|telling)\s+(?:the\s+)?{_OUTLET}"),
    re.compile(rf"\b(?i:told|tells|telling)\s+(?P<outlet>{_AUDIENCE})\b"),
    re.compile(
        rf"\b(?i:said|says|speaking|talking|wrote|writing)\s+(?:to|with|on|in)\s+"
        rf"(?:the\s+)?{_OUTLET}"
    ),
    re.compile(
        rf"\b(?i:in|during|on)\s+(?:a|an|the|his|her|their)\s+(?:[\w'’\-]+\s+){{0,3}}?"
        rf"{_INTERVIEW}\s+(?:with|to|on|for)\s+(?:the\s+)?{_OUTLET}"
    ),
    re.compile(rf"\b(?i:in|during)\s+{_INTERVIEW}\s+(?:with|to)\s+(?:the\s+)?{_OUTLET}"),
)
_OTHER_INTERVIEW: Final = re.compile(
    rf"\b(?i:another|a\s+separate|a\s+different|an\s+earlier|a\s+previous|a\s+later)"
    rf"\s+(?:[\w'’\-]+\s+){{0,2}}?{_INTERVIEW}\b"
)
_SUFFIX: Final = re.compile(rf"\s+(?i:{'|'.join(sorted(VENUE_SUFFIXES))})$")


def explicit_venue(clause: str) -> str | None:
    """The addressee or outlet named in an attribution clause, normalised."""
    for pattern in _EXPLICIT:
        match = pattern.search(clause)
        if match:
            venue = _normalise(match.group("outlet"))
            if venue:
                return venue
    return None


def mentions_other_interview(sentence: str) -> bool:
    """True when a sentence moves to another, unnamed occasion."""
    return _OTHER_INTERVIEW.search(sentence) is not None and explicit_venue(sentence) is None


def _normalise(outlet: str) -> str | None:
    venue = outlet.strip(" .,;:!")
    if venue.split(" ")[0].lower() in TIME_WORDS:
        return None  # "said on Tuesday", "told Monday's meeting"
    venue = _SUFFIX.sub("", venue)
    if venue.lower().startswith("the ") and venue.lower() in AUDIENCE_NOUNS:
        return venue
    if venue.startswith("the "):
        venue = venue[4:]
    return venue or None
