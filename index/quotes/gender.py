"""Each person's gender, from the pronouns the article uses about them.

Only unambiguous evidence counts: pronouns in a sentence where the person is
the one reference to anybody (a role noun like "the star", or a name that is
not a registered person, may be somebody else), pronouns of the next sentence
when it names nobody, ``X said he …`` when X is the only person named before
the pronoun, and sentences naming two people of whom one has a known gender
and the pronouns are all of the other gender. ``her coach, Pavel Novak`` is
no evidence about Pavel Novak. A clearly gendered first name (``Hillary``,
:mod:`index.quotes.first_names`) is evidence too, weaker than an honorific or
five pronouns (pronouns about somebody a sentence leaves unnamed mislead often
enough). Without evidence the gender stays unknown.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from index.models import Span
from index.quotes.cues import ROLE_PHRASE
from index.quotes.first_names import first_name_gender
from index.quotes.lexicon import PRONOUN_GENDER, RELATION_NOUNS, ROLE_FAMILIES, Gender
from index.quotes.text import sentence_spans

if TYPE_CHECKING:
    from index.quotes.people import NameMention

_PRONOUN: Final = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
FIRST_NAME_WEIGHT: Final = 4
"""Votes a clearly gendered first name (``Hillary``) casts: five pronouns of the other
gender outweigh it (four leave the gender unknown; a pronoun is often about somebody the
sentence does not name), and so does an introduction."""
INTRODUCTION_WEIGHT: Final = 5
"""Votes each introduction (``Mrs``, ``actress``) casts."""
_NOMINATIVE: Final = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_ROLE_MENTION: Final = re.compile(ROLE_PHRASE)
_OTHER_PERSON_AFTER: Final = re.compile(
    rf"(?:\s+\S+){{0,2}}?\s+(?i:{'|'.join(sorted(set(ROLE_FAMILIES) | RELATION_NOUNS))})\b"
    r",?\s+[^\W\d_]"
)


def infer_genders(
    text: str,
    paragraphs: Sequence[Span],
    introduced: Sequence[Sequence[Gender]],
    mentions: Sequence[NameMention],
    unregistered: Sequence[Span],
    *,
    names: Sequence[Sequence[str]] = (),
) -> list[Gender | None]:
    """The gender of each registered person, or None without evidence.

    ``introduced`` holds, per person, the genders their introductions give
    (``Mrs``, ``actress``); they weigh more than a pronoun. ``unregistered``
    are name-like phrases that may be other people. ``names`` holds each person's name
    words: the first of a full name votes for the gender it suggests.
    """
    votes: list[Counter[Gender]] = [Counter(list(g) * INTRODUCTION_WEIGHT) for g in introduced]
    for vote, tokens in zip(votes, names, strict=False):
        named = first_name_gender(tokens[0]) if len(tokens) > 1 else None
        if named is not None:
            vote[named] += FIRST_NAME_WEIGHT
    sentences = [s for p in paragraphs for s in sentence_spans(text, p)]
    mixed: list[tuple[set[int], Gender]] = []
    previous_single: int | None = None
    starts = [m.start for m in mentions]
    for sentence in sentences:
        first, last = bisect_left(starts, sentence.start), bisect_left(starts, sentence.end)
        persons = {m.person for m in mentions[first:last]}
        roles = _ROLE_MENTION.search(text, sentence.start, sentence.end) is not None or any(
            sentence.start <= s.start < sentence.end for s in unregistered
        )
        pronouns = _pronoun_genders(text, sentence)
        if len(persons) == 1 and not roles:
            (only,) = persons
            named_at = mentions[first].start  # "she issued a plan; Obama adopted it": not Obama
            votes[only].update(_pronoun_genders(text, Span(named_at, sentence.end)))
            previous_single = only
            continue
        for person, gender in _subject_pronouns(text, sentence, mentions[first:last]):
            votes[person][gender] += 1
        if not persons and not roles and previous_single is not None:
            votes[previous_single].update(pronouns)
        elif len(persons) > 1 and len(pronouns) == 1 and not roles:
            mixed.append((persons, next(iter(pronouns))))
        previous_single = None
    genders = [_decide(v) for v in votes]
    for _ in range(2):
        for persons, gender in mixed:
            unknown = [p for p in persons if genders[p] is None]
            others = [genders[p] for p in persons if genders[p] is not None]
            if len(unknown) == 1 and others and all(g != gender for g in others):
                genders[unknown[0]] = gender
    return genders


def _subject_pronouns(
    text: str, sentence: Span, mentions: Sequence[NameMention]
) -> list[tuple[int, Gender]]:
    """``X said he …``: a he/she after exactly one named person and no role noun."""
    found: list[tuple[int, Gender]] = []
    for pronoun in _NOMINATIVE.finditer(text, sentence.start, sentence.end):
        before = {m.person for m in mentions if m.start < pronoun.start()}
        roles = _ROLE_MENTION.search(text, sentence.start, pronoun.start())
        if len(before) == 1 and roles is None:
            found.append((before.pop(), PRONOUN_GENDER[pronoun.group().lower()]))
    return found


def _pronoun_genders(text: str, sentence: Span) -> Counter[Gender]:
    """Genders of the pronouns of a sentence, except ``her coach``-like possessives."""
    return Counter(
        PRONOUN_GENDER[m.group().lower()]
        for m in _PRONOUN.finditer(text, sentence.start, sentence.end)
        if not (m.group().lower() in {"her", "his"} and _OTHER_PERSON_AFTER.match(text, m.end()))
    )


def _decide(votes: Counter[Gender]) -> Gender | None:
    female, male = votes["female"], votes["male"]
    if female > male:
        return "female"
    if male > female:
        return "male"
    return None
