"""Who a pronoun or a role noun ("she", "the filmmaker") refers to.

The narrative of an article (quoted words masked out) becomes a timeline of
mentions: names, third-person pronouns and definite role noun phrases. Each
mention is resolved left to right, so a pronoun can lean on an earlier pronoun
already resolved. A pronoun refers to the first compatible person of the most
recent sentence that has one: the subject of its main verb, then of another
verb (a name or role noun before a pronoun), then the earliest other mention,
which in a sentence the parser did not read is most often its subject (``He
praised Mr. Hale``); compatible means the same gender when the article shows
it. Nothing is returned beyond a few
sentences back: an unknown speaker stays unknown.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final

from index.models import Span
from index.quotes.cues import ROLE_PHRASE
from index.quotes.entities import NO_FACTS, ParseFacts
from index.quotes.lexicon import (
    NON_NAME_WORDS,
    PRONOUN_GENDER,
    ROLE_FAMILIES,
    ROLE_GENDER,
    Gender,
)
from index.quotes.people import Registry
from index.quotes.text import sentence_spans

MAX_SENTENCES_BACK: Final = 4
UNKNOWN: Final = 2
"""A mention's salience when it is no subject, or its sentence was not parsed."""
_PRONOUN: Final = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_ROLE: Final = re.compile(ROLE_PHRASE)


class MentionKind(Enum):
    NAME = 0
    ROLE = 1
    PRONOUN = 2


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference to a person in the narrative, with the person if resolved."""

    start: int
    end: int
    kind: MentionKind
    sentence: int
    person: int | None
    salience: int = 2
    """0: the subject of its sentence's main verb, 1: of another verb, 2: not a subject
    (or not parsed). The lower, the likelier a later pronoun means it."""
    partner: bool = False
    """An object of its sentence's main verb (``X spoke to Y``)."""
    namesakes: tuple[int, ...] = ()
    """Everybody a short form written alone may mean (``Clinton``: Hillary or Bill): a
    pronoun of the other gender than ``person`` may still mean one of them."""


class Timeline:
    """The article's sentences and the resolved mentions in them, in reading order."""

    __slots__ = ("_by_sentence", "_mention_starts", "_mentions", "_starts", "registry", "sentences")

    def __init__(self, sentences: tuple[Span, ...], registry: Registry) -> None:
        self.sentences = sentences
        self.registry = registry
        self._starts = [s.start for s in sentences]
        self._mentions: list[Mention] = []
        self._mention_starts: list[int] = []
        self._by_sentence: list[list[Mention]] = [[] for _ in sentences]

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(self._mentions)

    def add(self, mention: Mention) -> None:
        """Append a mention (mentions are added in reading order)."""
        self._mentions.append(mention)
        self._mention_starts.append(mention.start)
        if 0 <= mention.sentence < len(self._by_sentence):
            self._by_sentence[mention.sentence].append(mention)

    def in_sentence(self, index: int) -> list[Mention]:
        return self._by_sentence[index] if 0 <= index < len(self._by_sentence) else []

    def sentence_at(self, position: int) -> int:
        """Index of the sentence holding (or last starting before) ``position``."""
        return max(0, bisect_right(self._starts, position) - 1)

    def antecedent(
        self, position: int, gender: Gender | None, exclude: Iterable[int] = ()
    ) -> int | None:
        """The person a pronoun or role noun at ``position`` most likely refers to."""
        return antecedent(self, position, gender, frozenset(exclude))

    def role_holder(self, family: str, position: int) -> int | None:
        """The person introduced with a role of this family, the latest if several."""
        holders = self.registry.with_role(family)
        if len(holders) <= 1:
            return holders[0] if holders else None
        before = bisect_left(self._mention_starts, position)
        for mention in reversed(self._mentions[:before]):
            if mention.person in holders:
                return mention.person
        return holders[0]

    def first_person_in(self, start: int, end: int) -> int | None:
        """The first resolved name, role noun or pronoun between two offsets."""
        for mention in self._mentions[bisect_left(self._mention_starts, start) :]:
            if mention.start >= end:
                break
            if mention.person is not None:
                return mention.person
        return None


def build_timeline(
    masked: str,
    paragraphs: Sequence[Span],
    registry: Registry,
    facts: ParseFacts = NO_FACTS,
) -> Timeline:
    """Resolve every mention of a person in the (masked) narrative, in reading order.

    ``facts`` tell which mentions the parse reads as subjects (of the sentence's main
    verb or of another) and as objects of the main verb: a pronoun prefers a subject.
    """
    sentences = tuple(s for p in paragraphs for s in sentence_spans(masked, p))
    timeline = Timeline(sentences, registry)
    ordered, main = sorted(facts.subjects), sorted(facts.main_subjects)
    partners = sorted(facts.main_objects)
    named_at = {m.start: m.person for m in registry.mentions}
    for start, end, kind, named, gender, family, definite in _raw_mentions(
        masked, paragraphs, registry
    ):
        person = named
        if kind is MentionKind.PRONOUN:
            person = timeline.antecedent(start, gender)
        elif kind is MentionKind.ROLE:
            person = _named_in_apposition(masked, end, named_at)
            if person is None:
                person = _resolve_role(timeline, start, family, gender, definite)
        salience = 2 - _any_between(ordered, start, end) - _any_between(main, start, end)
        partner = _any_between(partners, start, end)
        sentence = timeline.sentence_at(start)
        namesakes = (
            registry.short_forms.get(masked[start:end], ()) if kind is MentionKind.NAME else ()
        )
        timeline.add(Mention(start, end, kind, sentence, person, salience, partner, namesakes))
    return timeline


_APPOSITION_COMMA: Final = re.compile(
    r"(?:[^\S\n]+(?:of|for|at|to|in)[^\S\n]+[^,;:\"“”\n]{1,60}?)?,[^\S\n]+"
)


def _named_in_apposition(masked: str, end: int, named_at: dict[int, int]) -> int | None:
    """``the leader of the union, Jo Diaz,``: the person named right after a role noun."""
    comma = _APPOSITION_COMMA.match(masked, end)
    return named_at.get(comma.end()) if comma is not None else None


def _any_between(ordered: list[int], start: int, end: int) -> bool:
    index = bisect_left(ordered, start)
    return index < len(ordered) and ordered[index] < end


_Raw = tuple[int, int, MentionKind, int | None, Gender | None, str | None, bool]


def _raw_mentions(masked: str, paragraphs: Sequence[Span], registry: Registry) -> list[_Raw]:
    raw: list[_Raw] = [
        (m.start, m.end, MentionKind.NAME, m.person, None, None, True) for m in registry.mentions
    ]
    for paragraph in paragraphs:
        for match in _PRONOUN.finditer(masked, paragraph.start, paragraph.end):
            if match.group().isupper():
                continue  # "CONGRESS HAS INVESTIGATED HIM": a heading in capitals
            pronoun_gender = PRONOUN_GENDER[match.group().lower()]
            raw.append(
                (match.start(), match.end(), MentionKind.PRONOUN, None, pronoun_gender, None, True)
            )
        for match in _ROLE.finditer(masked, paragraph.start, paragraph.end):
            family, role_gender = role_of(match.group())
            definite = match.group().split()[0].lower() == "the"
            raw.append(
                (match.start(), match.end(), MentionKind.ROLE, None, role_gender, family, definite)
            )
    raw.sort(key=lambda r: r[0])
    return raw


_ORGANISATION_NAME: Final = re.compile(
    r"\b[A-Z][\w.&'’\-]*(?:[ ](?:of|and|for|on|the|[A-Z][\w.&'’\-]*))*[ ]?[A-Z][\w.&'’\-]*"
)
OWNED_SPEAKERS: Final = frozenset({"campaign", "administration", "team", "camp", "staff", "member"})
"""Nouns a name is written before (``the Clinton campaign``, ``an RNC member``) that speak
for it: ``the campaign`` later is that campaign."""
MAX_ORGANISATION_BACK: Final = 12000
"""How far back (characters) ``the council`` looks for the council's name."""


def organisation_before(masked: str, noun: str, position: int) -> str | None:
    """``the council`` / ``the foundation``: the nearest name before ``position`` that has
    the noun as one of its words (``St. Paul City Council``), or None."""
    head = noun.strip().split()[-1].lower() if noun.strip() else ""
    if not head.isalpha() or len(head) < 3:
        return None
    found = None
    for match in _ORGANISATION_NAME.finditer(
        masked, max(0, position - MAX_ORGANISATION_BACK), position
    ):
        words = [w.lower() for w in match.group().split()]
        if head in words[1:] and match.group().split()[-1][:1].isupper():
            found = re.sub(r"^The\s+", "", match.group())
    if found is None and head in OWNED_SPEAKERS:
        return _owner_before(masked, head, position)
    return found


def _owner_before(masked: str, head: str, position: int) -> str | None:
    """``the campaign`` after ``the Clinton campaign`` / ``Trump's campaign``: the nearest
    name written before the noun (``Clinton campaign``), or None."""
    owned = re.compile(
        rf"\b(?P<owner>[A-Z][\w\-]*(?:[ ][A-Z][\w\-]*)*)(?:['’]s)?[ ]{re.escape(head)}\b"
    )
    found = None
    for match in owned.finditer(masked, max(0, position - MAX_ORGANISATION_BACK), position):
        owner = re.sub(r"^The\s+", "", match.group("owner"))
        if owner != "The" and owner.split()[-1].lower() not in NON_NAME_WORDS:
            found = organisation_of(owner, head)
    return found


def organisation_of(owner: str, body: str) -> str:
    """How a person's campaign, office or team is named as a speaker: ``Clinton campaign``
    (as PolNeAR's canonical speakers write it), however the article writes it (``Mrs.
    Clinton's campaign``, ``the Clinton campaign``, ``her campaign``)."""
    return f"{owner} {body.lower()}"


def role_of(phrase: str) -> tuple[str | None, Gender | None]:
    """The role family and gender of a role noun phrase (``the French actress``)."""
    words = re.findall(r"[a-z\-]+", phrase.lower())
    head = next((w for w in reversed(_before_preposition(words)) if w in ROLE_FAMILIES), None)
    if head is None:
        return None, None
    return ROLE_FAMILIES[head], ROLE_GENDER.get(head)


def _before_preposition(words: list[str]) -> list[str]:
    for i, word in enumerate(words):
        if i > 0 and word in {"for", "of", "at", "to"}:
            return words[:i]
    return words


def _resolve_role(
    timeline: Timeline,
    position: int,
    family: str | None,
    gender: Gender | None,
    definite: bool,
) -> int | None:
    if family is None:
        return None
    holder = timeline.role_holder(family, position)
    if holder is not None:
        return holder
    if not definite:
        return None
    return timeline.antecedent(position, gender)


def _ambiguous(timeline: Timeline, sentence: int, position: int, candidates: list[Mention]) -> bool:
    span = timeline.sentences[sentence]
    others = timeline.registry.unregistered_between(span.start, min(span.end, position))
    return len({m.person for m in candidates}) + others > 1


def _salient(candidates: list[Mention]) -> bool:
    """The first candidate is the one subject of the sentence's main verb, and no other
    person is that verb's object (``X spoke to Y`` leaves a pronoun ambiguous)."""
    best = candidates[0]
    return best.salience == 0 and all(
        m.person == best.person for m in candidates if m.salience == 0 or m.partner
    )


def antecedent(
    timeline: Timeline, position: int, gender: Gender | None, exclude: frozenset[int]
) -> int | None:
    """See :meth:`Timeline.antecedent`: strict gender first, then unknown gender too."""
    people = timeline.registry.people
    current = timeline.sentence_at(position)
    window = range(current, max(-1, current - MAX_SENTENCES_BACK - 1), -1)

    def compatible(person: int, allow_unknown: bool) -> bool:
        if person in exclude:
            return False
        known = people[person].gender
        if gender is None or known == gender:
            return True
        return allow_unknown and known is None

    def fitting(mention: Mention, allow_unknown: bool) -> Mention | None:
        if mention.person is None or compatible(mention.person, allow_unknown):
            return mention
        namesake = next((p for p in mention.namesakes if compatible(p, False)), None)
        return None if namesake is None else replace(mention, person=namesake)

    def candidates(sentence: int, allow_unknown: bool) -> list[Mention]:
        fit = (fitting(m, allow_unknown) for m in timeline.in_sentence(sentence))
        return sorted(
            (m for m in fit if m is not None and m.start < position and m.person is not None),
            key=lambda m: (
                m.salience,
                m.salience < UNKNOWN and m.kind is MentionKind.PRONOUN,
                m.start,
            ),
        )

    for sentence in window:
        strict = candidates(sentence, False)
        loose = candidates(sentence, True)
        if loose and _salient(loose) and (not strict or loose[0].salience < strict[0].salience):
            return loose[0].person  # the main subject, gender not known, not a man named after it
        if strict:
            return strict[0].person
    for sentence in window:
        loose = candidates(sentence, True)
        if not loose:
            continue
        if _ambiguous(timeline, sentence, position, loose) and not _salient(loose):
            return None  # two people the pronoun could equally mean: do not guess
        return loose[0].person
    return None
