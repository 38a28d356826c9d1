"""The people an article introduces: full names, short forms, gender, roles.

Names are found as runs of capitalised words in the narrative (quoted words
are masked out beforehand) and kept only with evidence that they name a person
rather than a film, a place or an outlet: a role or honorific in front
(``Director Christopher McQuarrie``), a speech verb next to them, a later short
form used on its own (``Klementieff``, ``Cruise's``), an age or a ``, who``.
Gender comes from honorifics and gendered role nouns (actress) here, and from
the pronouns used about each person (:mod:`index.quotes.gender`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from index.models import Span
from index.quotes.cues import ROLE_PHRASE
from index.quotes.entities import NO_FACTS, NOT_PEOPLE, PERSON, Entity, ParseFacts
from index.quotes.first_names import first_name_gender
from index.quotes.gender import infer_genders
from index.quotes.lexicon import (
    HONORIFIC_GENDER,
    NAME_PARTICLES,
    NON_NAME_WORDS,
    ORGANISATION_WORDS,
    ROLE_FAMILIES,
    ROLE_GENDER,
    SPEECH_VERBS,
    TITLE_ABBREVIATIONS,
    Gender,
)

_TOKEN: Final = re.compile(r"[^\W\d_][\w'’\-]*")
_POSSESSIVE: Final = re.compile(r"(?:['’]s|(?<=s)['’])$")
_INNER_BREAKERS: Final = (
    frozenset(w for w in NON_NAME_WORDS if len(w) <= 4 and w not in {"may", "june", "will", "mark"})
    | SPEECH_VERBS
)
_AGE_OR_WHO: Final = re.compile(
    r"(?:,\s+(?:who|whose)\b|,\s+\d{1,3}(?:\s*[,.;)]|$)|\s+\(\d{1,3}\)"
    r"|\s+\([RDI][-–][A-Z][\w.]*(?:[ ][A-Z][\w.]*)?\))"
)
"""``, who``, an age, or a politician's party and state (``Mike Pompeo (R-Kans.)``)."""
_ROLE_AFTER: Final = re.compile(rf",\s+{ROLE_PHRASE}")
_VERB_AFTER: Final = re.compile(
    r"(?:,[^,\"“”]{1,80},|,)?\s+(?:(?:then|also|later|again|[a-z]+ly)\s+){0,2}(?P<verb>[a-z]+)\b"
)
_VERB_BEFORE: Final = re.compile(r"\b(?P<verb>[a-z]+)\s+$|according\s+to\s+$", re.IGNORECASE)
_LOWER_WORD_AFTER: Final = re.compile(r"(?:['’]s\b|\s+[a-z]|,\s+(?:who|whose)\b|,\s+\d{1,3},)")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the article introduces, under the full name it uses."""

    name: str
    tokens: tuple[str, ...]
    gender: Gender | None = None
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class NameMention:
    """A name (full or short form) of a registered person in the narrative."""

    start: int
    end: int
    person: int


@dataclass(frozen=True, slots=True)
class Registry:
    """The people of one article and where their names appear."""

    people: tuple[Person, ...]
    mentions: tuple[NameMention, ...]
    short_forms: dict[str, tuple[int, ...]] = field(default_factory=dict)
    unregistered: tuple[Span, ...] = ()
    """Name-like phrases without evidence of a person (``Ethan Hunt``): maybe people."""

    def unregistered_between(self, start: int, end: int) -> int:
        """How many name-like phrases that are not registered people lie in a range."""
        return sum(1 for span in self.unregistered if start <= span.start < end)

    def lookup(self, written: str, before: int | None = None) -> int | None:
        """The person a name as written refers to (full name or short form).

        An ambiguous short form (two people share it) goes to the one whose
        name was mentioned last before offset ``before``.
        """
        tokens = tuple(_name_tokens(written))
        if not tokens:
            return None
        gender = _honorific_gender(written)
        same = [i for i, person in enumerate(self.people) if tokens == person.tokens]
        fitting = [i for i in same if self._fits(i, gender)]
        if fitting or (same and gender is None):
            return (fitting or same)[0]
        for index, person in enumerate(self.people):
            if len(tokens) > 1 and (
                _is_sub_sequence(tokens, person.tokens) or _is_sub_sequence(person.tokens, tokens)
            ):
                return index
        candidates = self.short_forms.get(tokens[-1], ()) if len(tokens) == 1 else ()
        candidates = tuple(c for c in candidates if self._fits(c, gender)) or candidates
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return self._most_recent(candidates, before)
        return same[0] if same else None

    def _fits(self, index: int, gender: Gender | None) -> bool:
        """Whether a person may be written with an honorific of this gender (None: any)."""
        person = self.people[index]
        written = _honorific_gender(person.name)
        if gender is None or written == gender:
            return True
        return written is None and person.gender in (gender, None)

    def _most_recent(self, candidates: tuple[int, ...], before: int | None) -> int | None:
        best: NameMention | None = None
        for mention in self.mentions:
            if mention.person in candidates and (before is None or mention.start < before):
                best = mention
        return best.person if best else None

    def with_role(self, family: str) -> tuple[int, ...]:
        """The people introduced with a role of this family."""
        return tuple(i for i, p in enumerate(self.people) if family in p.roles)


@dataclass
class _Candidate:
    tokens: tuple[str, ...]
    honorific: str | None = None
    evidence: int = 0
    roles: set[str] = field(default_factory=set)
    genders: list[Gender] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Run:
    start: int
    end: int
    tokens: tuple[str, ...]
    prefix_roles: tuple[str, ...]
    honorific: str | None


def build_registry(
    masked: str,
    paragraphs: Sequence[Span],
    title_case: Sequence[bool],
    facts: ParseFacts = NO_FACTS,
) -> Registry:
    """The registry of people for an article whose quoted words are masked out.

    ``facts`` (the parse's named entities) confirm or refute the names found
    from capitalisation, and add the people the parser recognises that no
    nearby word introduces.
    """
    runs = [
        run
        for p, tc in zip(paragraphs, title_case, strict=False)
        if not tc
        for run in _runs(masked, p)
    ]
    candidates = _candidates(masked, runs)
    if facts.entities:
        candidates = _with_entities(candidates, runs, facts)
    candidates = _merge_titled_surnames(candidates)
    people = [p for p in candidates if p.evidence > 0]
    short_forms = _short_forms(people)
    provisional = Registry(
        tuple(Person(_full_name(p), p.tokens, _introduced_gender(p)) for p in people),
        (),
        short_forms,
    )
    mentions = _find_mentions(masked, paragraphs, provisional)
    known = {p.tokens for p in people}
    unregistered = tuple(
        Span(run.start, run.end)
        for run in runs
        if len(run.tokens) > 1
        and run.tokens not in known
        and not _looks_like_organisation(masked, run)
        and not _not_a_person(facts, run)
    )
    genders = infer_genders(
        masked,
        paragraphs,
        [p.genders for p in people],
        mentions,
        unregistered,
        names=[p.tokens for p in people],
    )
    final = tuple(
        Person(_full_name(p), p.tokens, genders[i], frozenset(p.roles))
        for i, p in enumerate(people)
    )
    return Registry(final, tuple(mentions), short_forms, unregistered)


def _runs(text: str, paragraph: Span) -> list[_Run]:
    """Runs of capitalised words that may be names, with the role words before them."""
    runs: list[_Run] = []
    tokens = list(_TOKEN.finditer(text, paragraph.start, paragraph.end))
    i = 0
    while i < len(tokens):
        j = _run_end(text, tokens, i)
        if j > i:
            runs.append(_make_run(text, tokens, i, j))
            i = j
        else:
            i += 1
    return runs


def _run_end(text: str, tokens: list[re.Match[str]], i: int) -> int:
    """Index after the last token of the capitalised run starting at ``i`` (``i`` if none)."""
    if (
        not _is_capitalised(tokens[i].group())
        or _strip_possessive(tokens[i].group()).lower() in NON_NAME_WORDS
    ):
        return i
    j = i + 1
    if _POSSESSIVE.search(tokens[i].group()):
        return j
    while j < len(tokens):
        gap = text[tokens[j - 1].end() : tokens[j].start()]
        word = tokens[j].group()
        if gap != " " and not (gap == ". " and _abbreviation(tokens[j - 1].group())):
            break
        if word.lower() in NAME_PARTICLES and j + 1 < len(tokens):
            j += 1
            continue
        if not _is_capitalised(word) or _strip_possessive(word).lower() in _INNER_BREAKERS:
            break
        j += 1
        if _POSSESSIVE.search(word):
            break
    while j > i + 1 and tokens[j - 1].group().lower() in NAME_PARTICLES:
        j -= 1
    return j


ROLE_PREFIX_WORDS: Final = frozenset(ROLE_FAMILIES) | {
    "chief",
    "shadow",
    "prime",
    "foreign",
    "deputy",
    "vice",
    "health",
    "transport",
    "home",
    "finance",
    "defence",
    "defense",
    "justice",
    "education",
    "interior",
    "culture",
    "former",
    "late",
    "then",
    "top",
    "senior",
    "longtime",
    "republican",
    "democratic",
    "democrat",
    "gop",
    "independent",
    "libertarian",
    "conservative",
    "liberal",
    "labour",
    "tory",
}
"""Words of a title written before a name (``Health Minister``, ``Director``)."""
_TITLES: Final = ROLE_PREFIX_WORDS | frozenset(TITLE_ABBREVIATIONS)


def _abbreviation(word: str) -> bool:
    """An initial (``J.``) or a title abbreviated with a dot (``Mr.``, ``Sen.``)."""
    lowered = word.lower()
    return len(word) == 1 or lowered in HONORIFIC_GENDER or lowered in TITLE_ABBREVIATIONS


TITLE_HEAD_WORDS: Final = ROLE_PREFIX_WORDS | {
    "whip",
    "speaker",
    "general",
    "commissioner",
    "pastor",
    "bishop",
    "archbishop",
    "cardinal",
    "rabbi",
    "imam",
    "reverend",
    "nominee",
    "candidate",
    "congressman",
    "congresswoman",
    "businessman",
    "businesswoman",
    "commander",
    "sergeant",
    "lieutenant",
    "colonel",
    "major",
    "admiral",
    "state",
}
"""Words that end a title glued in front of a name: everything up to the last of them is
the title (``Senate Majority Whip John Cornyn``, ``Russian President Vladimir Putin``)."""
_MIN_NAME_AFTER_TITLE: Final = 2
"""Words a name keeps after a title inside a run (``General Motors`` is no title and name)."""


def _make_run(text: str, tokens: list[re.Match[str]], i: int, j: int) -> _Run:
    """A run without the role words and honorific in front of the name itself."""
    matches = tokens[i:j]
    prefix_roles: list[str] = []
    while len(matches) > 1 and matches[0].group().lower() in _TITLES:
        word = matches.pop(0).group().lower()
        prefix_roles.append(TITLE_ABBREVIATIONS.get(word, word))
    title_end = _title_end(text, matches)
    prefix_roles.extend(m.group().lower() for m in matches[:title_end])
    matches = matches[title_end:]
    honorific = None
    if len(matches) > 1 and matches[0].group().rstrip(".").lower() in HONORIFIC_GENDER:
        title = matches.pop(0)
        honorific = title.group() + ("." if text[title.end() : title.end() + 1] == "." else "")
    prefix_roles.extend(_role_words_before(text, tokens[i].start()))
    words = tuple(_strip_possessive(m.group()) for m in matches)
    start = matches[0].start()
    end = matches[-1].start() + len(words[-1])
    return _Run(start, end, words, tuple(prefix_roles), honorific)


def _title_end(text: str, matches: Sequence[re.Match[str]]) -> int:
    """How many leading words of a run are a title before the name (0: none); a title
    abbreviated with a dot ends one too (``Vermont Sen. Bernie Sanders``)."""
    last = max(len(matches) - _MIN_NAME_AFTER_TITLE, 0)
    for k in range(last - 1, -1, -1):
        word = _strip_possessive(matches[k].group()).lower()
        dotted = text[matches[k].end() : matches[k].end() + 1] == "."
        if word in TITLE_HEAD_WORDS or (dotted and word in TITLE_ABBREVIATIONS):
            return k + 1
    return 0


def _role_words_before(text: str, start: int) -> list[str]:
    """``director`` in ``director Christopher McQuarrie`` / ``“Dead Reckoning” star Pom``;
    ``senator`` in ``Sen. Ted Cruz``."""
    before = text[max(0, start - 40) : start]
    match = re.search(r"([A-Za-z\-]+),?[ ]+$", before)
    if match and match.group(1).lower() in ROLE_FAMILIES:
        return [match.group(1).lower()]
    abbreviation = re.search(r"\b([A-Z][a-z]{1,3})\.[ ]+$", before)
    if abbreviation and abbreviation.group(1).lower() in TITLE_ABBREVIATIONS:
        return [TITLE_ABBREVIATIONS[abbreviation.group(1).lower()]]
    return []


def _candidates(text: str, runs: list[_Run]) -> list[_Candidate]:
    by_tokens: dict[tuple[tuple[str, ...], Gender | None], _Candidate] = {}
    singles = Counter(
        run.tokens[0]
        for run in runs
        if len(run.tokens) == 1 and not run.honorific and _used_alone(text, run)
    )
    for run in runs:
        if not run.tokens or _looks_like_organisation(text, run):
            continue
        if len(run.tokens) == 1 and not run.honorific:
            continue
        key = (run.tokens, _honorific_gender(run.honorific) if len(run.tokens) == 1 else None)
        candidate = by_tokens.setdefault(key, _Candidate(run.tokens))  # Mr. and Mrs. Clinton
        roles = [ROLE_FAMILIES[w] for w in run.prefix_roles if w in ROLE_FAMILIES]
        candidate.roles.update(roles)
        candidate.genders.extend(ROLE_GENDER[w] for w in run.prefix_roles if w in ROLE_GENDER)
        if run.honorific:
            candidate.honorific = candidate.honorific or run.honorific
            gender = HONORIFIC_GENDER.get(run.honorific.rstrip(".").lower())
            if gender:
                candidate.genders.append(gender)
        candidate.evidence += _evidence(text, run, bool(roles or run.honorific))
        appositive = _ROLE_AFTER.match(text, run.end)
        if appositive:
            candidate.roles.update(_role_families(appositive.group()))
            candidate.genders.extend(_role_genders(appositive.group()))
            candidate.evidence += 1
    for candidate in by_tokens.values():
        if len(candidate.tokens) > 1 and (
            singles[_surname(candidate.tokens)] or singles[candidate.tokens[0]]
        ):
            candidate.evidence += 1
        if len(candidate.tokens) in (2, 3) and first_name_gender(candidate.tokens[0]):
            candidate.evidence += 1  # "Carly Fiorina": a given name borne by one gender
    return list(by_tokens.values())


def _with_entities(
    candidates: list[_Candidate], runs: list[_Run], facts: ParseFacts
) -> list[_Candidate]:
    """Candidates confirmed (a PERSON entity) or refuted (a place, a date, a group: and
    never a PERSON) by the parser, and the PERSON entities no run introduced."""
    by_tokens = {c.tokens: c for c in candidates}
    namesakes = [c for c in candidates if by_tokens[c.tokens] is not c]  # Mrs. after Mr. Clinton
    votes: dict[tuple[str, ...], list[int]] = {}
    for run in runs:
        candidate = by_tokens.get(run.tokens)
        if candidate is None or not facts.is_parsed(run.start):
            continue
        tally = votes.setdefault(run.tokens, [0, 0])
        labels = {e.label for e in facts.entities_between(run.start, run.end)}
        if PERSON in labels:
            tally[0] += 1
        elif labels & NOT_PEOPLE:
            tally[1] += 1
    for tokens, (person, other) in votes.items():
        candidate = by_tokens[tokens]
        if person:
            candidate.evidence += 1
        elif other and not candidate.honorific and not candidate.roles:
            candidate.evidence = 0
    named = [e for e in facts.entities if e.label == PERSON]
    for entity in named:
        tokens = _entity_tokens(entity)
        if len(tokens) > 1 and tokens not in by_tokens:
            by_tokens[tokens] = _Candidate(tokens, evidence=1)
    known = {
        t for c in by_tokens.values() if c.evidence > 0 for t in (c.tokens[0], _surname(c.tokens))
    }
    for entity in named:
        tokens = _entity_tokens(entity)
        if len(tokens) == 1 and tokens not in by_tokens and tokens[0] not in known:
            if _mostly_not_a_person(tokens[0], facts):
                continue  # "Clarkston" read once as a person, elsewhere as the town it is
            if not any(
                run.tokens == tokens and facts.has_subject_between(run.start, run.end)
                for run in runs
            ):
                continue  # "on Twitter", "to Twitter": never the subject of a verb
            by_tokens[tokens] = _Candidate(tokens, evidence=1)
    return [*by_tokens.values(), *namesakes]


def _mostly_not_a_person(word: str, facts: ParseFacts) -> bool:
    """The parser tags the word (alone) as something other than a person or an organisation
    (a place, a group, a work) at least as often as it tags it as a person."""
    labels = Counter(e.label for e in facts.entities if _name_tokens(e.text) == [word])
    return labels[PERSON] <= sum(n for label, n in labels.items() if label in NOT_PEOPLE)


def _merge_titled_surnames(candidates: list[_Candidate]) -> list[_Candidate]:
    """``Mr. Carson`` after ``Ben Carson``: one person, and the title tells the gender."""
    full = [c for c in candidates if len(c.tokens) > 1 and c.evidence > 0]
    kept: list[_Candidate] = []
    for candidate in candidates:
        if len(candidate.tokens) == 1 and candidate.honorific:
            gender = _honorific_gender(candidate.honorific)
            owners = [
                c
                for c in full
                if _surname(c.tokens) == candidate.tokens[0]
                and _introduced_gender(c) in (gender, None)
            ]
            if len(owners) == 1:
                owner = owners[0]
                owner.genders.extend(candidate.genders)
                owner.roles.update(candidate.roles)
                owner.evidence += candidate.evidence
                continue
        kept.append(candidate)
    return kept


def _not_a_person(facts: ParseFacts, run: _Run) -> bool:
    """The parser reads the run as an organisation, a place, a date... and not a person."""
    labels = {e.label for e in facts.entities_between(run.start, run.end)}
    return bool(labels) and PERSON not in labels


def _entity_tokens(entity: Entity) -> tuple[str, ...]:
    """A PERSON entity's name words, without a title in front (``Sen.``, ``Director``);
    empty when it is not written like a name."""
    tokens = _name_tokens(entity.text)
    while len(tokens) > 1 and tokens[0].lower().rstrip(".") in _TITLES:
        tokens.pop(0)
    words = [t for t in tokens if t.lower() not in NAME_PARTICLES]
    if not words or any(not _is_capitalised(t) or t.lower() in NON_NAME_WORDS for t in words):
        return ()
    return tuple(tokens)


def _used_alone(text: str, run: _Run) -> bool:
    """``Cruise has``, ``Cruise's``, ``said Roe``: a surname or first name on its own."""
    if _LOWER_WORD_AFTER.match(text, run.end):
        return True
    before = _VERB_BEFORE.search(text, max(0, run.start - 30), run.start)
    return before is not None and (before.group("verb") or "according").lower() in (
        SPEECH_VERBS | {"according"}
    )


def _evidence(text: str, run: _Run, introduced: bool) -> int:
    score = 1 if introduced else 0
    if _AGE_OR_WHO.match(text, run.end):
        score += 1
    after = _VERB_AFTER.match(text, run.end)
    if after and after.group("verb") in SPEECH_VERBS:
        score += 1
    before = _VERB_BEFORE.search(text, max(0, run.start - 30), run.start)
    if before and (before.group("verb") or "according").lower() in SPEECH_VERBS | {"according"}:
        score += 1
    return score


def _full_name(candidate: _Candidate) -> str:
    """``Pom Klementieff``; ``Dr Lee`` when the article gives a title and surname only."""
    name = " ".join(candidate.tokens)
    if len(candidate.tokens) == 1 and candidate.honorific:
        return f"{candidate.honorific} {name}"
    return name


def _looks_like_organisation(text: str, run: _Run) -> bool:
    if any(t.lower() in ORGANISATION_WORDS for t in run.tokens):
        return True
    before = text[max(0, run.start - 4) : run.start]
    return before.endswith("the ") and not run.prefix_roles


def _role_families(phrase: str) -> set[str]:
    return {ROLE_FAMILIES[w] for w in re.findall(r"[a-z\-]+", phrase.lower()) if w in ROLE_FAMILIES}


def _role_genders(phrase: str) -> list[Gender]:
    return [ROLE_GENDER[w] for w in re.findall(r"[a-z\-]+", phrase.lower()) if w in ROLE_GENDER]


def _short_forms(people: list[_Candidate]) -> dict[str, tuple[int, ...]]:
    forms: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        if len(person.tokens) < 2 and not person.honorific:
            continue
        for token in {person.tokens[0], _surname(person.tokens)}:
            if token.lower() not in NON_NAME_WORDS:
                forms.setdefault(token, []).append(index)
    return {k: tuple(v) for k, v in forms.items()}


def _find_mentions(text: str, paragraphs: Sequence[Span], registry: Registry) -> list[NameMention]:
    """Every full name and short form of a registered person, longest first."""
    names: list[tuple[str, int | None]] = [(p.name, i) for i, p in enumerate(registry.people)]
    names += [(form, None) for form in registry.short_forms]
    names.sort(key=lambda item: len(item[0]), reverse=True)
    patterns = [(re.compile(rf"(?<![\w'’]){re.escape(n)}(?![\w])"), n, p) for n, p in names]
    taken = bytearray(len(text))
    found: list[NameMention] = []
    for paragraph in paragraphs:
        segment = text[paragraph.start : paragraph.end]
        for pattern, name, person in patterns:
            if name not in segment:
                continue
            for match in pattern.finditer(segment):
                start, end = paragraph.start + match.start(), paragraph.start + match.end()
                if any(taken[start:end]):
                    continue
                taken[start:end] = b"\x01" * (end - start)
                index = person if person is not None else registry.short_forms[name][0]
                found.append(NameMention(start, end, index))
    found.sort(key=lambda m: m.start)
    return _resolve_ambiguous_short_forms(text, found, registry)


def _resolve_ambiguous_short_forms(
    text: str, mentions: list[NameMention], registry: Registry
) -> list[NameMention]:
    """An ambiguous short form goes to the person whose name was mentioned last, among
    those an honorific before it fits (``Mrs. Clinton``: not Mr. Clinton)."""
    result: list[NameMention] = []
    last_full: dict[int, int] = {}
    for number, found in enumerate(mentions):
        written = text[found.start : found.end]
        candidates = registry.short_forms.get(written, ())
        mention = found
        if len(candidates) > 1:
            fitting = _fitting_honorific(text, found.start, candidates, registry) or candidates
            chosen = max(fitting, key=lambda c: last_full.get(c, -1))
            mention = NameMention(found.start, found.end, chosen)
        elif not candidates:
            last_full[mention.person] = number
        result.append(mention)
    return result


_HONORIFIC_BEFORE: Final = re.compile(r"\b(?P<honorific>[A-Za-z]{2,4})\.?[ ]$")


def _fitting_honorific(
    text: str, start: int, candidates: Sequence[int], registry: Registry
) -> list[int]:
    """The candidates whose gender (as introduced) an honorific right before fits."""
    before = _HONORIFIC_BEFORE.search(text, max(0, start - 6), start)
    gender = HONORIFIC_GENDER.get(before.group("honorific").lower()) if before else None
    if gender is None:
        return []
    return [c for c in candidates if registry.people[c].gender in (gender, None)]


def _honorific_gender(written: str | None) -> Gender | None:
    """The gender of the honorific a name is written with (``Mrs. Clinton``), or None."""
    first = written.split()[0].rstrip(".").lower() if written and written.split() else ""
    return HONORIFIC_GENDER.get(first)


def _introduced_gender(candidate: _Candidate) -> Gender | None:
    """The gender a person's honorific, role nouns or first name tell, before pronouns."""
    votes = Counter(candidate.genders)
    named = first_name_gender(candidate.tokens[0]) if len(candidate.tokens) > 1 else None
    if named is not None:
        votes[named] += 1
    if votes["female"] == votes["male"]:
        return None
    return "female" if votes["female"] > votes["male"] else "male"


def _name_tokens(written: str) -> list[str]:
    tokens = [_strip_possessive(t) for t in written.replace(".", ". ").split()]
    tokens = [t for t in tokens if t and t.rstrip(".").lower() not in HONORIFIC_GENDER]
    return [t for t in tokens if t[:1].isalpha()]


NAME_SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _surname(tokens: Sequence[str]) -> str:
    """The last word of a name before a suffix (``Brooks`` in ``Morris J Brooks Jr``)."""
    kept = [t for t in tokens if t.rstrip(".").lower() not in NAME_SUFFIXES] or list(tokens)
    return kept[-1]


def _strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _is_sub_sequence(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    n = len(short)
    return any(full[i : i + n] == short for i in range(len(full) - n + 1))
