"""Attribution cues of English news copy around a quote.

A cue is the clause that says who speaks: before the quote (``Pom told
Entertainment Weekly magazine:``, ``He then quipped:``, ``According to her,``)
or after it (``…," Klementieff said.``, ``…," said the minister.``). This
module only reads the syntax: it returns the reference to the speaker as
written (a name, a pronoun, a role noun phrase, an anonymous source) and leaves
resolving it to a person to :mod:`index.quotes.attribution`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

from index.quotes.lexicon import (
    NAME_PARTICLES,
    NON_NAME_WORDS,
    ROLE_FAMILIES,
    SPEECH_VERBS,
)

ACCORDING_TO: Final = "according to"
"""The verb of a cue naming the writer's source (``according to X``): X is a source even
when the parser does not know the name."""


class RefKind(Enum):
    """How the speaker is referred to in a cue."""

    NAME = "name"
    PRONOUN = "pronoun"
    ROLE = "role"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference to the speaker: ``start``/``end`` are offsets into the article."""

    kind: RefKind
    text: str
    start: int
    end: int
    appositive: str | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    """An attribution clause next to a quote.

    ``clause`` is the text of the clause (for the said-to search and for
    display); ``reference`` is None when the clause has a speech verb or a
    colon but no adjacent speaker (``…, saying:``). ``names_source``: the syntax
    alone makes the reference the source (``according to X``, ``"…" — X``), even
    a name the parser does not know.
    """

    clause: str
    start: int
    end: int
    verb: str | None
    reference: Reference | None
    colon: bool
    names_source: bool = False


def _uppercase_class() -> str:
    """A regex character class body with every upper-case letter of the BMP."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if chr(code).isupper():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


def _alternation(words: frozenset[str] | set[str]) -> str:
    return "|".join(
        re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


UPPER: Final = _uppercase_class()
_TOKEN_TAIL: Final = r"[\w'’\-]*"
_FIRST_BREAKERS: Final = _alternation(NON_NAME_WORDS | SPEECH_VERBS)
_INNER_BREAKERS: Final = _alternation(
    {w for w in NON_NAME_WORDS if len(w) <= 4 and w not in {"may", "june", "will", "mark"}}
    | SPEECH_VERBS
)
_FIRST_TOKEN: Final = rf"(?!(?i:{_FIRST_BREAKERS})\b)[{UPPER}]{_TOKEN_TAIL}"
_INNER_TOKEN: Final = rf"(?!(?i:{_INNER_BREAKERS})\b)[{UPPER}]{_TOKEN_TAIL}"
_HONORIFIC: Final = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lady|Lord)\.?\s+"
_PARTICLE: Final = _alternation(NAME_PARTICLES)
NAME: Final = (
    rf"(?:{_HONORIFIC})?{_FIRST_TOKEN}"
    rf"(?:[^\S\n]+(?:(?:{_PARTICLE})[^\S\n]+)*{_INNER_TOKEN}){{0,3}}"
)
"""A person's name as written: one to four capitalised words (particles allowed)."""

ORGANISATION: Final = (
    rf"(?:the\s+)?[{UPPER}0-9][\w'’&.\-]*"
    rf"(?:[^\S\n]+(?:(?:of|and|&|for|the|de|on)[^\S\n]+)?[{UPPER}0-9][\w'’&.\-]*){{0,6}}"
)
_ROLE_WORD: Final = _alternation(set(ROLE_FAMILIES))
ROLE_PHRASE: Final = (
    rf"(?i:the|a|an|its|their)\s+(?:\S+\s+){{0,3}}?(?i:{_ROLE_WORD})\b"
    rf"(?:\s+(?:for|of|at|to)\s+{ORGANISATION})?"
)
"""``the filmmaker``, ``a spokesperson for Northwind Rail``, ``the 37-year-old actress``."""

_PRONOUN: Final = r"\b(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e)\b"
_ANONYMOUS: Final = (
    r"\b(?i:one|another|a|an|some|several|many|two|three|four|five)\s+"
    r"(?:[a-z][\w'’\-]*\s+){0,2}?[a-z][\w'’\-]*"
    r"|\b(?i:residents|officials|critics|witnesses|sources|experts|analysts|neighbours"
    r"|neighbors|people|others|organisers|organizers|campaigners|police|fans|locals)"
)
_ROLE_TAIL: Final = r"(?:[^\S\n]+(?:at|of|for|in|to|on)[^\S\n]+[a-z][^,;:\"“”\n]{0,40}?)?"
"""``at the time`` in ``the American ambassador at the time, John E. Herbst``."""
_DESCRIBED: Final = r"(?i:the|a|an|his|her|their|its)\s+(?:[\w'’\-]+\s+){0,3}?[\w'’\-]+"
REFERENCE: Final = (
    rf"(?P<role>{ROLE_PHRASE})(?:{_ROLE_TAIL},\s+(?P<role_name>{NAME})(?=\s*[,.;:]|$))?"
    rf"|{_DESCRIBED},\s+(?P<described_name>{NAME})(?=\s*[,.;:]|$)"
    rf"|(?P<pronoun>{_PRONOUN})"
    rf"|(?P<name>{NAME})(?:,\s+(?P<name_role>{ROLE_PHRASE}))?"
    rf"|(?P<anonymous>{_ANONYMOUS})"
)
_VERB: Final = rf"(?i:{_alternation(SPEECH_VERBS)})"
_ADVERBS: Final = r"(?:(?:then|also|later|again|once|simply|just|only|quickly|[a-z]+ly)\s+){0,2}"
_APPOSITION: Final = r"(?:,(?P<apposition>[^,\"“”]{1,80}),)?"
_LONG_APPOSITION: Final = r"(?:,(?P<apposition>[^\"“”]{1,150}?),)?"
"""After a quote the subject's apposition may hold commas (``"…," Mr. Daniloff, now 81
and retired in Cambridge, Mass., said``): the speech verb right after closes it."""
_LEADING: Final = r"^[\s,;:—–\-]*"

_AFTER_SUBJECT_VERB: Final = re.compile(
    rf"{_LEADING}(?:{REFERENCE}){_LONG_APPOSITION}\s+{_ADVERBS}(?P<verb>{_VERB})\b"
)
_AFTER_VERB_SUBJECT: Final = re.compile(rf"{_LEADING}(?P<verb>{_VERB})\s+(?:{REFERENCE})")
_AFTER_LOOSE: Final = re.compile(
    rf"{_LEADING}(?!(?i:which|that|who|when|where|as|but|and|because|if|so|or)\b)"
    rf"(?:[\w'’\-]+\s+){{0,7}}?(?P<verb>{_VERB})\b"
)
_ACCORDING_TO: Final = re.compile(
    rf"\b(?i:according\s+to)\s+(?:{REFERENCE}|(?P<object_pronoun>her|him|them))\s*[,:]?\s*$"
)
_ACCORDING_TO_AFTER: Final = re.compile(
    rf"[,\s](?i:according\s+to)\s+(?:(?i:the)\s+)?(?:{REFERENCE}|(?P<object_pronoun>her|him|them))"
    r"\s*$"
)
"""``…," he told advisers, according to the Sun.``: the source the writer relies on."""
_SIGNATURE: Final = re.compile(
    rf"^[^\S\n]*(?P<dash>[—–―]|-{{1,2}})[^\S\n]*(?P<name>{NAME})[^\S\n]*"
    rf"(?:,[^\n\"“”]{{1,80}})?[.,]?[^\S\n]*(?:\n|$)"
)
"""``"…" ― Ana Ruiz``, ``- Mia Lund, Philadelphia.``: a quote signed with a dash and a name
(and perhaps where or how it was said), alone to the end of the line."""
_DASH_NAME_COLON: Final = re.compile(rf"[—–―-][^\S\n]*(?P<name>{NAME})[^\S\n]*:\s*$")
"""``Pollsters agree - Carl Bialik: "…"``: a digest naming the source of the quote."""
_ENDS_WITH_VERB: Final = re.compile(rf"\b(?P<verb>{_VERB})\s*[,:]?\s*$")
_ENDS_WITH_VERB_CLAUSE: Final = re.compile(rf"\b(?P<verb>{_VERB})\b[^:.!?\"“”«»]{{0,100}}:\s*$")
_ENDS_WITH_COLON: Final = re.compile(r":\s*$")
_SUBJECT_BEFORE_VERB: Final = re.compile(
    rf"(?:{REFERENCE})(?P<comma>{_APPOSITION}|,)?\s+{_ADVERBS}$"
)
_SUBJECT_AFTER_VERB: Final = re.compile(rf"\s+(?:{REFERENCE})")
INVERSION_VERBS: Final = frozenset(
    str.split("""said says added adds asked asks replied replies continued explained wrote recalled
    noted quipped joked insisted concluded declared warned admitted laughed""")
)
"""Verbs that news copy puts before their subject (``said the minister``)."""
_FULL_NAME: Final = re.compile(NAME)
_ANY_VERB: Final = re.compile(rf"\b{_VERB}\b")
_TRAILING_CLAUSE: Final = re.compile(r"[^.!?:;\"“”«»]{0,120}")
_BETWEEN_PARTS: Final = re.compile(r"^[^\"“”‘’'«».!?]{0,140}[.,:;—–\-]?\s*$")


def cue_before(pre: str, offset: int) -> Cue | None:
    """The cue ending right before a quote; ``pre`` starts at article offset ``offset``."""
    if len(pre) > 400:
        offset += len(pre) - 400
        pre = pre[-400:]
    according = _ACCORDING_TO.search(pre)
    if according:
        return Cue(
            pre[according.start() :].strip(),
            offset + according.start(),
            offset + len(pre),
            ACCORDING_TO,
            _reference(according, offset),
            False,
            names_source=True,
        )
    introduced = _DASH_NAME_COLON.search(pre)
    if introduced:
        start = offset + introduced.start("name")
        reference = _reference(introduced, offset)
        return Cue(
            pre[introduced.start("name") :].strip(),
            start,
            offset + len(pre),
            None,
            reference,
            True,
            names_source=True,
        )
    colon = _ENDS_WITH_COLON.search(pre) is not None
    verb = _ENDS_WITH_VERB.search(pre) or _ENDS_WITH_VERB_CLAUSE.search(pre)
    if verb is None and not colon:
        return None
    reference, verb_text = _subject_of_verbs(pre, offset)
    if verb_text is None and verb is not None:
        verb_text = verb.group("verb")
    start = offset + len(pre) - len(pre.lstrip())
    return Cue(pre.strip(), start, offset + len(pre.rstrip()), verb_text, reference, colon)


def cue_after(post: str, offset: int) -> Cue | None:
    """The cue starting right after a quote; ``post`` starts at article offset ``offset``."""
    post = post[:300]
    signed = _SIGNATURE.match(post)
    if signed is not None:
        reference = _reference(signed, offset)
        clause = signed.group().strip()
        start = offset + signed.start("dash")
        return Cue(clause, start, offset + signed.end(), None, reference, False, names_source=True)
    for pattern in (_AFTER_SUBJECT_VERB, _AFTER_VERB_SUBJECT):
        match = pattern.match(post)
        if match and (
            pattern is _AFTER_SUBJECT_VERB or match.group("verb").lower() in INVERSION_VERBS
        ):
            return _after_cue(post, offset, match, _reference(match, offset))
    loose = _AFTER_LOOSE.match(post)
    if loose:
        return _after_cue(post, offset, loose, None)
    return None


def _after_cue(post: str, offset: int, match: re.Match[str], ref: Reference | None) -> Cue:
    tail = _TRAILING_CLAUSE.match(post, match.end())
    end = tail.end() if tail else match.end()
    clause = post[:end]
    lead = len(clause) - len(clause.lstrip(" \t\n,;:—–-"))
    verb = match.group("verb")
    according = _ACCORDING_TO_AFTER.search(clause.rstrip(" \t\n,;:—–-"), match.end())
    source = _reference(according, offset) if according is not None else None
    if source is not None:
        ref, verb = source, ACCORDING_TO
    return Cue(
        clause.strip(" \t\n,;:—–-"),
        offset + lead,
        offset + end,
        verb,
        ref,
        False,
        names_source=source is not None,
    )


def is_attribution_between(between: str) -> bool:
    """True for the clause between the two parts of a split quote (``," she said, "``)."""
    if not _BETWEEN_PARTS.match(between):
        return False
    return cue_after(between, 0) is not None


def _subject_of_verbs(pre: str, offset: int) -> tuple[Reference | None, str | None]:
    """The first speech verb of ``pre`` with a speaker right before or after it."""
    for verb in _ANY_VERB.finditer(pre):
        before = _SUBJECT_BEFORE_VERB.search(pre, 0, verb.start())
        if before and _comma_is_appositive(pre, before):
            return _reference(before, offset), verb.group()
        after = _SUBJECT_AFTER_VERB.match(pre, verb.end())
        if after and verb.group().lower() in INVERSION_VERBS:
            return _reference(after, offset), verb.group()
    return None, None


def _comma_is_appositive(pre: str, match: re.Match[str]) -> bool:
    """``Her deputy, Tom Harris, agreed``: a lone comma needs one before the name too."""
    if match.group("comma") != "," or match.group("described_name") or match.group("role_name"):
        return True
    return pre[: match.start()].rstrip().endswith(",")


def _reference(match: re.Match[str], offset: int) -> Reference | None:
    named = _named_apposition(match, offset)
    if named is not None:
        return named
    groups = match.groupdict()
    for kind, group, appositive_group in (
        (RefKind.ROLE, "role", "role_name"),
        (RefKind.NAME, "name", "name_role"),
        (RefKind.NAME, "described_name", None),
        (RefKind.PRONOUN, "pronoun", None),
        (RefKind.PRONOUN, "object_pronoun", None),
        (RefKind.ANONYMOUS, "anonymous", None),
    ):
        if groups.get(group):
            appositive = groups.get(appositive_group) if appositive_group else None
            return Reference(
                kind,
                match.group(group),
                offset + match.start(group),
                offset + match.end(group),
                appositive,
            )
    return None


def _named_apposition(match: re.Match[str], offset: int) -> Reference | None:
    """``the White House spokesman, Josh Earnest, said``: the name set off by commas
    after a role or an anonymous description is the speaker."""
    groups = match.groupdict()
    apposition = groups.get("apposition")
    if not apposition or not (groups.get("role") or groups.get("anonymous")):
        return None
    if groups.get("role_name") or _FULL_NAME.fullmatch(apposition.strip()) is None:
        return None
    start = match.start("apposition") + len(apposition) - len(apposition.lstrip())
    name = apposition.strip()
    return Reference(RefKind.NAME, name, offset + start, offset + start + len(name))


class Teller(Enum):
    """Who speaks in reported speech inside a quote, relative to the quoted speaker."""

    SELF = "self"
    PRONOUN = "pronoun"
    INTERLOCUTOR = "interlocutor"
    NAME = "name"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class InnerCue:
    """The cue of a quote inside a quote: ``I said,``, ``He was like``, ``It was like``."""

    teller: Teller
    who: str
    clause: str


_INNER_VERB: Final = (
    r"(?:said(?:\s+to\s+(?:me|him|her|them|us))?|says|say|asked|asks|replied|replies|added"
    r"|shouted|yelled|screamed|whispered|wrote|texted|goes|go|went|told\s+(?:me|him|her|them|us)"
    r"|tells\s+(?:me|him|her|them|us)|(?:was|were|is|are)\s+(?:like|all))"
)
_INNER_CUE: Final = re.compile(
    rf"(?:^|[\s,;:—–\-])(?P<who>(?i:I|we|he|she|they|it|that)"
    rf"|[{UPPER}][\w'’\-]*(?:\s+[{UPPER}][\w'’\-]*)?)"
    rf"(?:\s+(?i:then|just|also|finally|simply|suddenly))?"
    rf"(?:\s+[\w'’]+(?:\s+[\w'’]+){{0,3}}?\s+and)?"
    rf"\s+(?i:{_INNER_VERB})\s*[,:]?\s*$"
)
_INNER_LOOSE: Final = re.compile(rf"\b(?i:{_INNER_VERB})\s*[,:]?\s*$")


def inner_cue(pre: str) -> InnerCue | None:
    """The reported-speech cue right before a quote inside a quote."""
    pre = re.sub(r"[()\[\]]", "", pre[-200:])
    match = _INNER_CUE.search(pre)
    if match is None:
        loose = _INNER_LOOSE.search(pre)
        if loose is None:
            return None
        return InnerCue(Teller.ANONYMOUS, "", pre.strip(" ,:"))
    who = match.group("who")
    clause = pre[match.start("who") :].strip(" ,:")
    lowered = who.lower()
    if lowered in {"i", "we"}:
        return InnerCue(Teller.SELF, who, clause)
    if lowered in {"he", "she", "they"}:
        return InnerCue(Teller.PRONOUN, who, clause)
    if lowered in {"it", "that"}:
        return InnerCue(Teller.INTERLOCUTOR, who, clause)
    if who.split()[0].lower() in NON_NAME_WORDS:
        return InnerCue(Teller.ANONYMOUS, who, clause)
    return InnerCue(Teller.NAME, who, clause)
