"""What the parse says about the people of an article: named entities and subjects.

The registry of people (:mod:`index.quotes.people`) finds names from
capitalisation and nearby words; spaCy's named-entity recogniser knows more:
``Andrew Hale took his daughter there`` names a person with no speech verb or
title nearby, and ``New Hampshire Monday`` is a place and a day, not a person.
The coreference timeline (:mod:`index.quotes.coreference`) also wants to know
which mentions are grammatical subjects: ``Trump eased his tone. Asked who
leads the party, he named Ryan. "…," he said.`` -- the subject, not the last
name, is who the next pronoun most likely means.

Only the parsed paragraphs (see :func:`index.quotes.attribution.parse_layout`)
are read, and only outside quotes (positions masked in the narrative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from index.quotes.parsing import ParsedArticle
from index.quotes.text import MASK_CHAR

if TYPE_CHECKING:
    from spacy.tokens import Token

PERSON: Final = "PERSON"
ORGANISATION: Final = "ORG"
NOT_PEOPLE: Final = frozenset(
    {"GPE", "LOC", "FAC", "DATE", "TIME", "NORP", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"}
)
"""Entity labels that mark capitalised words as something other than a person."""
_SUBJECTS: Final = frozenset({"nsubj", "nsubjpass"})
_OBJECTS: Final = frozenset({"dobj", "dative", "pobj"})


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of the narrative, with article offsets and spaCy's label."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class ParseFacts:
    """The entities of the parsed paragraphs, the parsed ranges, and the subjects."""

    entities: tuple[Entity, ...] = ()
    parsed: tuple[tuple[int, int], ...] = ()
    """Article ranges that were parsed (so a missing entity there is evidence too)."""
    subjects: frozenset[int] = frozenset()
    """Article offsets of tokens that are the subject of a verb."""
    main_subjects: frozenset[int] = frozenset()
    """The subjects of a sentence's main verb (or of a verb coordinated with it)."""
    main_objects: frozenset[int] = frozenset()
    """The objects of a sentence's main verb (``spoke to Anna``): the subject's partner in
    what the sentence tells, as likely as the subject to be a pronoun's referent."""

    def is_parsed(self, position: int) -> bool:
        return any(start <= position < end for start, end in self.parsed)

    def entities_between(self, start: int, end: int) -> list[Entity]:
        return [e for e in self.entities if e.start < end and start < e.end]

    def has_subject_between(self, start: int, end: int) -> bool:
        return any(start <= s < end for s in self.subjects)


NO_FACTS: Final = ParseFacts()


def parse_facts(parsed: ParsedArticle, masked: str) -> ParseFacts:
    """The entities and subjects of the parsed paragraphs, outside quotes."""
    entities: list[Entity] = []
    ranges: list[tuple[int, int]] = []
    subjects: set[int] = set()
    main: set[int] = set()
    objects: set[int] = set()
    for paragraph in parsed.paragraphs:
        doc, offset = paragraph.doc, paragraph.start
        ranges.append((offset, offset + len(doc.text)))
        for entity in doc.ents:
            start, end = offset + entity.start_char, offset + entity.end_char
            if _masked(masked, start, end):
                continue
            entities.append(Entity(start, end, entity.label_, entity.text))
        for token in doc:
            position = offset + token.idx
            if token.dep_ in _SUBJECTS and not _masked(masked, position, position + 1):
                together = [offset + t.idx for t in _subject_group(token)]
                subjects.update(together)
                if _governs_sentence(token.head):
                    main.update(together)
            elif token.dep_ in _OBJECTS and not _masked(masked, position, position + 1):
                verb = token.head.head if token.dep_ == "pobj" else token.head
                if _governs_sentence(verb):
                    objects.add(position)
    return ParseFacts(
        tuple(entities),
        tuple(ranges),
        frozenset(subjects),
        frozenset(main),
        frozenset(objects),
    )


def _subject_group(subject: Token) -> list[Token]:
    """The subject, its conjuncts (``X and Y``) and the names in apposition to it (``Bloomberg's
    pollster, Douglas Schoen, says``: Schoen is who the sentence is about, not Bloomberg)."""
    group = [subject, *subject.conjuncts]
    return group + [c for t in group for c in t.children if c.dep_ == "appos"]


def _governs_sentence(verb: Token) -> bool:
    root = verb.sent.root
    return verb == root or (verb.dep_ == "conj" and verb.head == root)


def _masked(masked: str, start: int, end: int) -> bool:
    return MASK_CHAR in masked[start:end] or start >= len(masked)
