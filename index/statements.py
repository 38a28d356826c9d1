"""Self-contained fact statements for the sentences of an article (proposition indexing).

A sentence read alone often hides who it is about: "Grace (Hayley Atwell) steals the
film", "Jo Diaz, the union's chief negotiator, said", "She trained for a year". For each
sentence of an article, in order, :func:`article_statements` gives zero or more
statements that say it in full, by cheap rules over the text (no parse):

- an apposition is spelled out: "Jo Diaz, the union's chief negotiator, said" and "the
  union's chief negotiator, Jo Diaz, said" give "Jo Diaz is the union's chief
  negotiator", "chief executive Sam Altman" gives "Sam Altman is the chief executive";
  a bare role ("Jo Diaz is the star.") is no statement: it is mostly the name, near
  every question naming the person;
- a parenthesis pairing a character and a person is spelled out: "Grace (Hayley
  Atwell)" and "Hayley Atwell (Grace)" give "Hayley Atwell plays Grace" when the
  sentence or the article speaks of roles (plays, cast, character, film...); elsewhere
  no statement (a parenthesis after a name is then rarely the same person);
- with ``rewrite_references`` (off in the index), the sentence is rewritten with its
  first pronoun (he, she, his, her) that has nobody named before it in the sentence,
  outside quotation marks, replaced by the last person of a compatible gender named
  before it in the article ("Hayley Atwell ... She trained" -> "Hayley Atwell trained"),
  and a role noun ("the director") by the one person the article gives that role.

A person is a run of two to four capitalised words whose first word is a clearly
gendered given name (:mod:`index.quotes.first_names`), or that follows an honorific or a
role noun, or stands beside an apposition; later, the surname alone names them too.
Only statements that differ from the sentence are given. Search scores a sentence by
the better of its own similarity and its statements' (:mod:`index.search`); a reply
still shows the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from index.quotes.first_names import FEMALE_NAMES, MALE_NAMES, first_name_gender
from index.quotes.lexicon import (
    HONORIFIC_GENDER,
    NON_NAME_WORDS,
    ORGANISATION_WORDS,
    ROLE_FAMILIES,
    ROLE_GENDER,
    Gender,
)

STATEMENTS_VERSION: Final = 1
"""Bumped when the rules change, so an index's stored statements are not reused."""

_WORD: Final = r"(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_NAME: Final = re.compile(rf"\b{_WORD}(?: (?:[A-Z]\. )?{_WORD}){{1,2}}\b")
_ROLES: Final = "|".join(sorted(ROLE_FAMILIES, key=len, reverse=True))
_ROLE_BEFORE: Final = re.compile(rf"\b((?:(?<!['’])[a-z-]+ )?({_ROLES}))\s+$", re.IGNORECASE)
_POSSESSIVE_BEFORE: Final = re.compile(
    r"(?:\b(?:his|her|their|its|my|our|your)|\b[\w.&-]+['’]s)\s+$", re.IGNORECASE
)
_HONORIFIC_BEFORE: Final = re.compile(rf"\b({'|'.join(HONORIFIC_GENDER)})\.?\s+$", re.IGNORECASE)
_PHRASE: Final = r"[^,;:()\"“”]{2,60}?"
_CLAUSE_GOES_ON: Final = r"(?= (?!and\b|or\b)[a-z])"
"""After an apposition's closing comma, the clause goes on ("said"), no list ("and")."""
_APPOSITION_AFTER: Final = re.compile(
    rf"^, ((?:the|a|an|his|her|their|its) {_PHRASE}|{_WORD}(?:'s|’s) {_PHRASE})," + _CLAUSE_GOES_ON
)
_APPOSITION_BEFORE: Final = re.compile(
    rf"(?:^|[,;] |\b(?:said|says|told|to) )((?:[Tt]he|[Aa]n?) ({_PHRASE})), $"
)
_VERBS: Final = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "said",
        "says",
    ]
)
_WORDS: Final = rf"{_WORD}(?: {_WORD}){{0,2}}"
_PARENTHESIS: Final = re.compile(rf"\b({_WORDS}) \(({_WORDS})\)")
_PRONOUN: Final = re.compile(r"\b(he|she|his|her|He|She|His|Her)\b")
_POSSESSIVE_HER_NOT_BEFORE: Final = frozenset(
    NON_NAME_WORDS | {"own"} - {"first", "second", "third", "last", "next", "new", "old"}
)
_ROLE_SUBJECT: Final = re.compile(rf"\b[Tt]he (?:[\w-]+ ){{0,2}}(?:{_ROLES})\b", re.IGNORECASE)
_ROLE_NOUN: Final = re.compile(rf"\b([Tt]he) ({_ROLES})\b(?! of\b)(?!['’]s\b)")
_CASTING: Final = re.compile(
    r"\b(?:play|plays|played|playing|role|roles|character|characters|cast|casting|"
    r"portray|portrays|portrayed|stars|starring|starred|film|movie|series|episode|"
    r"actor|actress|voiced|voices)\b",
    re.IGNORECASE,
)
_DETERMINERS: Final = frozenset({"his", "her", "their", "its", "my", "our", "your", "a", "an"})
_PRONOUN_GENDER: Final[dict[str, Gender]] = {
    "he": "male",
    "his": "male",
    "she": "female",
    "her": "female",
}


@dataclass(frozen=True)
class Person:
    """Somebody the article names: the full name, what the surname alone is, a gender."""

    name: str
    surname: str
    gender: Gender | None
    roles: frozenset[str]


@dataclass(frozen=True)
class Mention:
    person: Person
    start: int
    end: int


def article_statements(
    sentences: Sequence[str], *, rewrite_references: bool = False
) -> list[tuple[str, ...]]:
    """For each sentence of an article (in order), its self-contained statements: its
    appositions and parentheses spelled out, and, with ``rewrite_references``, the sentence
    with its pronouns and role nouns replaced by names. The index leaves that off: the
    rewritten sentences cost a model pass over 15% more text on real news and pulled
    wrong sentences up for questions naming the person (see
    ``index/evaldata/realnews/README.md``)."""
    people = find_people(sentences)
    casting = sum(len(_CASTING.findall(s)) for s in sentences) >= 3
    last: list[Person] = []
    """People in the order they were last named, most recent last."""
    results: list[tuple[str, ...]] = []
    for sentence in sentences:
        mentions = _mentions(sentence, people)
        found: list[str] = []
        if rewrite_references:
            found.append(_resolved(sentence, mentions, last, people))
        found.extend(_appositions(sentence, mentions))
        found.extend(_parentheses(sentence, people, casting or bool(_CASTING.search(sentence))))
        results.append(tuple(dict.fromkeys(s for s in found if s != sentence)))
        for mention in mentions:
            if mention.person in last:
                last.remove(mention.person)
            last.append(mention.person)
    return results


def find_people(sentences: Sequence[str]) -> dict[str, Person]:
    """The people the article names, by every form that names them (full name, surname)."""
    genders: dict[str, Gender | None] = {}
    roles: dict[str, set[str]] = {}
    for sentence in sentences:
        for match in _NAME.finditer(sentence):
            words = _without_leading_non_names(match.group().split())
            titles = []
            while words and words[0].lower() in ROLE_FAMILIES:
                titles.append(words.pop(0).lower())
            name = _name(words)
            if name is None:
                continue
            start = match.end() - len(name)
            before = sentence[:start]
            role = _ROLE_BEFORE.search(before)
            if role is not None:
                titles.append(role.group(2).lower())
            honorific = _HONORIFIC_BEFORE.search(before)
            after = _apposition_after(sentence, match.end())
            first = name.split()[0].lower()
            evidence = (
                first in FEMALE_NAMES
                or first in MALE_NAMES
                or titles
                or honorific
                or after
                or _apposition_before(sentence, start, match.end())
            )
            if not (evidence or name in genders):
                continue
            gender = genders.get(name) or first_name_gender(first)
            if honorific is not None:
                gender = HONORIFIC_GENDER[honorific.group(1).lower()] or gender
            for title in titles:
                gender = ROLE_GENDER.get(title, gender)
                roles.setdefault(name, set()).add(ROLE_FAMILIES[title])
            if after is not None:
                roles.setdefault(name, set()).update(_role_families(after))
            genders[name] = gender
    people: dict[str, Person] = {}
    for name, gender in genders.items():
        surname = name.split()[-1]
        person = Person(name, surname, gender, frozenset(roles.get(name, ())))
        people[name] = person
        people.setdefault(surname, person)
    return people


def _name(words: Sequence[str]) -> str | None:
    """The words as a person's name: two to four, none a non-name word or a word of an
    organisation's name; else None."""
    if not 2 <= len(words) <= 4:
        return None
    if any(w.lower() in ORGANISATION_WORDS or w.lower() in NON_NAME_WORDS for w in words):
        return None
    return " ".join(words)


def _trimmed(run: str) -> str | None:
    """The run of capitalised words without a leading non-name word ("The", "When"), or
    None when what is left is no name of two to four words."""
    return _name(_without_leading_non_names(run.split()))


def _without_leading_non_names(words: list[str]) -> list[str]:
    """The words from the first that is no non-name word ("The", "When") on."""
    while words and words[0].lower() in NON_NAME_WORDS:
        words = words[1:]
    return words


def _role_families(phrase: str) -> set[str]:
    return {ROLE_FAMILIES[w] for w in re.findall(r"[a-z-]+", phrase.lower()) if w in ROLE_FAMILIES}


def _mentions(sentence: str, people: dict[str, Person]) -> list[Mention]:
    """Where the sentence names somebody the article names, in order."""
    if not people:
        return []
    found: list[Mention] = []
    for match in re.finditer(rf"{_WORD}(?: (?:[A-Z]\. )?{_WORD})*", sentence):
        words = match.group().split()
        # the longest known name inside the run, else any known surname in it
        for size in range(len(words), 0, -1):
            for first in range(len(words) - size + 1):
                person = people.get(" ".join(words[first : first + size]))
                if person is not None:
                    found.append(Mention(person, match.start(), match.end()))
                    break
            else:
                continue
            break
    return found


def _resolved(
    sentence: str, mentions: list[Mention], last: list[Person], people: dict[str, Person]
) -> str:
    """The sentence with its pronouns and role nouns that point outside it replaced by
    the people they name."""
    role = _ROLE_SUBJECT.search(sentence)
    bound = min(
        mentions[0].start if mentions else len(sentence),
        role.start() if role else len(sentence),
    )
    named = {m.person for m in mentions}
    pieces: list[str] = []
    cursor = 0
    for match in _PRONOUN.finditer(sentence, 0, bound):
        if _in_quotation(sentence, match.start()):
            continue
        word = match.group(1).lower()
        person = _latest(last, _PRONOUN_GENDER[word])
        if person is None:
            continue
        name = person.name
        if word in ("his", "her") and _possessive(sentence, match.end(), word):
            name += "'s"
        elif word in {"his", "her"}:
            continue  # "her" as an object: left alone; "his" standing alone ("his is")
        pieces.append(sentence[cursor : match.start()])
        pieces.append(name)
        cursor = match.end()
        break  # the name once: later pronouns read as they would after it
    pieces.append(sentence[cursor:])
    resolved = "".join(pieces)
    return _ROLE_NOUN.sub(lambda m: _role_holder(m, people, named), resolved)


def _latest(last: list[Person], gender: Gender) -> Person | None:
    """The person named most recently whose gender fits (an unknown gender fits)."""
    for person in reversed(last):
        if person.gender in (None, gender):
            return person
    return None


def _possessive(sentence: str, end: int, word: str) -> bool:
    """Whether the pronoun ending at ``end`` is a determiner before a noun ("her role")."""
    following = re.match(r"\s+([A-Za-z'-]+)", sentence[end:])
    if following is None:
        return False
    if word == "his":
        return True
    return following.group(1).lower() not in _POSSESSIVE_HER_NOT_BEFORE


def _in_quotation(sentence: str, position: int) -> bool:
    """Whether ``position`` lies inside quotation marks, a quote opened in an earlier
    sentence included (the next mark after it closes one)."""
    before = sentence[:position]
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    following = re.search(r"[“”\"]", sentence[position:])
    if following is None:
        return False
    mark = following.group()
    if mark == "”":
        return True
    after = sentence[position + following.end() :]
    return mark == '"' and sentence.count('"') % 2 == 1 and not after[:1].isalnum()


def _role_holder(match: re.Match[str], people: dict[str, Person], named: set[Person]) -> str:
    """The one person of the article holding the role ``match`` names, or the match."""
    family = ROLE_FAMILIES[match.group(2).lower()]
    holders = {p for p in people.values() if family in p.roles}
    if len(holders) != 1:
        return match.group()
    holder = holders.pop()
    return match.group() if holder in named else holder.name


def _appositions(sentence: str, mentions: list[Mention]) -> list[str]:
    """ "Jo Diaz, the union's leader," -> "Jo Diaz is the union's leader"; "the union's
    leader, Jo Diaz," and "director Jo Diaz" likewise."""
    found: list[str] = []
    for mention in mentions:
        name = mention.person.name
        after = _apposition_after(sentence, mention.end)
        if after is not None:
            found.append(f"{name} is {after}.")
        before = _apposition_before(sentence, mention.start, mention.end)
        if before is not None:
            found.append(f"{name} is {before[:1].lower()}{before[1:]}.")
        role = _ROLE_BEFORE.search(sentence[: mention.start])
        if role is not None and before is None:
            found.append(f"{name} is {_with_article(sentence[: role.start()], role.group(1))}.")
    return [statement for statement in found if _says_more_than_a_role(statement)]


def _apposition_after(sentence: str, end: int) -> str | None:
    """The noun phrase set off by commas right after a name ending at ``end``, if any."""
    match = _APPOSITION_AFTER.match(sentence[end:])
    return match.group(1) if match is not None and _noun_phrase(match.group(1)) else None


def _apposition_before(sentence: str, start: int, end: int) -> str | None:
    """The noun phrase set off by a comma right before a name from ``start`` to ``end``
    that a comma closes, if any."""
    if sentence[end : end + 1] != "," or not re.match(_CLAUSE_GOES_ON, sentence[end + 1 :]):
        return None
    match = _APPOSITION_BEFORE.search(sentence[:start])
    return match.group(1) if match is not None and _noun_phrase(match.group(1)) else None


def _noun_phrase(phrase: str) -> bool:
    """Whether ``phrase`` reads as a noun phrase: no verb of the few that make a clause."""
    return not any(word in _VERBS for word in phrase.lower().split())


def _says_more_than_a_role(statement: str) -> bool:
    """Whether an apposition's statement says more than one word about the person: "Jo
    Diaz is the star." is mostly the name, and a name alone is near any question naming
    the person ("What country is Jo Diaz from?")."""
    predicate = statement.split(" is ", 1)[1].rstrip(".").split()
    return len([w for w in predicate if w.lower() not in NON_NAME_WORDS]) >= 2


def _with_article(before: str, role: str) -> str:
    """``role`` ("chief executive") with the determiner it had ("her co-star") or "the";
    a modifier that is no adjective of the role ("and chief executive") is dropped."""
    words = role.split()
    if len(words) == 2 and words[0].lower() in _DETERMINERS:
        return " ".join([words[0].lower(), words[1]])
    if len(words) == 2 and words[0].lower() in NON_NAME_WORDS:
        words = words[1:]
    possessive = _POSSESSIVE_BEFORE.search(before)
    if possessive is not None:
        return " ".join([before[possessive.start() :].strip(), *words])
    return " ".join(["the", *words])


def _parentheses(sentence: str, people: dict[str, Person], casting: bool) -> list[str]:
    """ "Grace (Hayley Atwell)" -> "Hayley Atwell plays Grace" in a sentence or an article
    about roles (``casting``); "Hayley Atwell (Grace)" likewise. Elsewhere a parenthesis
    after a name is seldom the same person under another name (on PolNeAR's train split:
    "Laura Bush (Jeb)", a relative), so it gives no statement."""
    found: list[str] = []
    if not casting:
        return found
    for match in _PARENTHESIS.finditer(sentence):
        outer, inner = _trimmed_words(match.group(1)), match.group(2)
        if not outer or outer.lower() in NON_NAME_WORDS:
            continue
        if outer in people and inner not in people:
            person, other = people[outer].name, inner
        elif inner in people:
            person, other = people[inner].name, outer
        elif _trimmed(inner) is not None:
            person, other = inner, outer
        elif _trimmed(outer) is not None and " " not in inner:
            person, other = outer, inner
        else:
            continue
        if person == other:
            continue
        found.append(f"{person} plays {other}.")
    return found


def _trimmed_words(run: str) -> str:
    words = run.split()
    while words and words[0].lower() in NON_NAME_WORDS:
        words = words[1:]
    return " ".join(words)
