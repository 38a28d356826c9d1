"""Attribute each quote to its speaker, and say to whom or where it was said.

For a quote in the body, the cue before it wins (``The filmmaker said:``), then
the clause between the parts of a split quote, then the cue after it
(``," Klementieff said``). The reference in the cue is resolved to the full
name under which the article introduces the person: short forms through the
registry, pronouns and role nouns through the coreference timeline. A quote
opening the paragraph right after a paragraph that ends with an attributed
quote continues that speaker (news convention). Anything else stays
``speaker=None``: nothing is guessed.

Quotes inside a quote are reported speech: ``I said, '…'`` is the enclosing
speaker's own words, ``He was like '…'`` is the person the pronoun refers to,
as told by the enclosing speaker (``reported_by``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from index.models import Span
from index.quotes.coreference import (
    MentionKind,
    Timeline,
    build_timeline,
    organisation_before,
    organisation_of,
    role_of,
)
from index.quotes.cues import (
    ACCORDING_TO,
    NAME,
    Cue,
    InnerCue,
    Reference,
    RefKind,
    Teller,
    cue_after,
    cue_before,
    inner_cue,
)
from index.quotes.entities import parse_facts
from index.quotes.layout import Layout, build_layout
from index.quotes.lexicon import (
    FIRST_NAMES_THAT_ARE_WORDS,
    HONORIFIC_GENDER,
    NOMINATIVE_PRONOUNS,
    NON_NAME_WORDS,
    OBJECT_PRONOUNS,
    PRONOUN_GENDER,
    SPEECH_VERBS,
    TITLE_ABBREVIATIONS,
    UNNAMED_SOURCE_ROLES,
    Gender,
)
from index.quotes.models import Quote
from index.quotes.parsing import EMPTY, ParsedArticle, Parser, default_parser, parse_paragraphs
from index.quotes.people import ROLE_PREFIX_WORDS, TITLE_HEAD_WORDS, build_registry
from index.quotes.syntax import (
    SyntacticCue,
    entity_words,
    introducing_subject,
    is_proper_noun_phrase,
    is_recognised_name,
    people_before,
    subject_of_sentence_before,
    syntactic_cues,
)
from index.quotes.text import MASK_CHAR
from index.quotes.venues import explicit_venue, mentions_other_interview

_THIRD_PERSON: Final = re.compile(r"\b(?:he|him|his|she|her)\b", re.IGNORECASE)
_NAME_AFTER_COLON: Final = re.compile(rf"^\s*:\s*(?P<name>{NAME})")
_NAME_AFTER_TITLE: Final = re.compile(rf"\.?[^\S\n]+(?P<name>{NAME})")
_TITLE_THEN_NAME: Final = re.compile(
    rf"[^\S\n]+(?P<title>[A-Z][a-z]{{1,4}})\.[^\S\n]+(?P<name>{NAME})"
)
_INDEFINITE: Final = frozenset({"a", "an", "one", "another"})
_NOUN_PHRASE_REST: Final = re.compile(
    r"(?:[^\S\n]+(?!(?:who|whom|that|which|said|says)\b)[\w'’\-]+){0,8}"
)
"""The words after an anonymous source's first words, up to a punctuation mark or a relative
pronoun (``one longtime`` + `` adviser to Bill Clinton``)."""
CONTINUATION_CUE: Final = "(continues the previous paragraph's quote)"
_OWNED: Final = re.compile(
    rf"^(?:(?i:the)\s+)?(?P<owner>{NAME}?)(?:['’]s)?\s+(?P<body>(?i:campaign|office|camp|team))$"
)
"""``Mrs. Clinton's campaign``, ``the Trump campaign``: a person's organisation speaks."""
_OWNED_IN_NARRATIVE: Final = re.compile(
    rf"\b(?P<owner>{NAME}?)['’]s\s+(?P<body>campaign|office|camp|team)\b"
    rf"|\b(?i:the)\s+(?P<named>{NAME}?)\s+(?P<named_body>campaign|office|camp|team)\b"
)
"""A person's campaign, office or team written in the narrative, that ``it`` may refer to."""
OWNED_BODIES: Final = frozenset({"campaign", "office", "camp", "team", "staff"})
_VOICE_OF_AN_OWNER: Final = re.compile(
    r"^(?P<owner>(?i:his|her))\s+(?:[\w\-]+\s+){0,2}?(?P<body>(?i:campaign|office|camp|team|staff"
    r"|statement|plan|proposal|account|letter|memo|memoir|book|website|column|tweet|post|speech"
    r"|remarks|comments|platform|ad|op-ed|email))$"
)
"""``His campaign``, ``her economic plan``: a person's organisation or words speak
for the person a possessive pronoun refers to."""
_INITIALS: Final = re.compile(r"[A-Z]{2,3}")
_DATELINE_END: Final = re.compile(r"\s*(?:--|[—–-]|\(|,\s+[A-Z][a-z]+\.?\s+\d)")
_MAX_SUBJECT: Final = 100
_SUBJECT_WORD: Final = re.compile(r"(?P<stop>[,;:()\[\]\n\"“”]|[.!?](?=\s+[\"“]))|[\w'’.\-]+")
_PHRASE_ENDS: Final = frozenset(
    str.split("""who whom whose which that of for at to in on with about from by during after
    before when while as because but or""")
)


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: str | None
    cue: str | None
    said_to: str | None = None


_NOBODY: Final = _Attribution(None, None)


def attribute_quotes(
    text: str,
    quotes: Sequence[Quote],
    paragraphs: Sequence[Span] | None = None,
    parser: Parser | None = None,
) -> list[Quote]:
    """``quotes`` (as located in ``text``) with speaker, said_to, reported_by and cue set."""
    layout = build_layout(text, paragraphs)
    return attribute_in_layout(layout, quotes, parse_layout(layout, parser or default_parser()))


def attribute_in_layout(
    layout: Layout, quotes: Sequence[Quote], parsed: ParsedArticle = EMPTY
) -> list[Quote]:
    """Same as :func:`attribute_quotes` for an article already laid out (and parsed)."""
    facts = parse_facts(parsed, layout.masked)
    registry = build_registry(layout.masked, layout.paragraphs, layout.title_case, facts)
    timeline = build_timeline(layout.masked, layout.paragraphs, registry, facts)
    return _Attributor(layout, timeline, parsed).run(quotes)


def parse_layout(layout: Layout, parser: Parser) -> ParsedArticle:
    """Parse the paragraphs attribution reads (:func:`paragraphs_to_parse`)."""
    return parse_paragraphs(layout.text, layout.paragraphs, paragraphs_to_parse(layout), parser)


def paragraphs_to_parse(layout: Layout) -> list[int]:
    """The paragraphs with a quote mark and the paragraph before each of them."""
    with_quotes = {segment.paragraph for segment in layout.segments}
    wanted = with_quotes | {i - 1 for i in with_quotes if i > 0}
    return sorted(wanted)


class _Attributor:
    def __init__(self, layout: Layout, timeline: Timeline, parsed: ParsedArticle) -> None:
        self.layout = layout
        self.parsed = parsed
        self.timeline = timeline
        self.registry = timeline.registry
        self.venues: dict[str, str | None] = {}
        self.next_sentence = 0
        self._entity_words: frozenset[str] | None = None
        self.last_speaker: tuple[str, int, int] | None = None
        """The latest top-level quote's speaker, its paragraph and where the quote starts
        (a pronoun's first guess)."""

    def run(self, quotes: Sequence[Quote]) -> list[Quote]:
        if not self.layout.paragraphs:
            return list(quotes)
        results: list[Quote] = []
        previous_top: Quote | None = None
        for quote in quotes:
            self._read_narrative_until(quote.span.start)
            parent = _parent_of(quote, results)
            if parent is None:
                found = self._top_level(quote, previous_top)
                said_to = found.said_to
                if found.speaker is not None:
                    if said_to is not None:
                        self.venues[found.speaker] = said_to
                    said_to = said_to or self.venues.get(found.speaker)
                result = replace(
                    quote,
                    speaker=found.speaker,
                    said_to=said_to,
                    cue=found.cue,
                    reported_by=None,
                    parent=None,
                )
                previous_top = result
                if found.speaker is not None:
                    paragraph = self.layout.paragraph_of(quote.span.end)
                    self.last_speaker = (found.speaker, paragraph, quote.span.start)
            else:
                found = self._inner(quote, parent)
                result = replace(
                    quote,
                    speaker=found.speaker,
                    said_to=None,
                    cue=found.cue,
                    reported_by=parent.speaker,
                )
            results.append(result)
        return results

    # -- the narrative: interviews the article moves between ------------------------------

    def _read_narrative_until(self, position: int) -> None:
        sentences = self.timeline.sentences
        while self.next_sentence < len(sentences) and sentences[self.next_sentence].end <= position:
            sentence = sentences[self.next_sentence]
            self.next_sentence += 1
            text = self.layout.masked[sentence.start : sentence.end]
            person = self.timeline.first_person_in(sentence.start, sentence.end)
            if person is None:
                continue
            name = self.registry.people[person].name
            venue = explicit_venue(text)
            if venue is not None:
                self.venues[name] = venue
            elif mentions_other_interview(text):
                self.venues[name] = None

    # -- top-level quotes ------------------------------------------------------------------

    def _top_level(self, quote: Quote, previous: Quote | None) -> _Attribution:
        if quote.in_headline:
            return self._headline(quote)
        first = quote.parts[0]
        pre, offset = self.layout.clause_before(first.start)
        before = cue_before(pre, offset)
        after = self._after_cue(quote)
        if after is not None and after.names_source and after.reference is not None:
            source = self._from_cue(after, after.reference)  # '…," X said, according to Y'
            if source.speaker is not None:
                return source
        candidates = syntactic_cues(self.parsed, quote.parts, self._other_quotes(quote))
        syntactic = candidates[0] if candidates else None
        named = syntactic is not None and _is_name(syntactic.reference)
        if syntactic is not None and named:
            found = self._from_syntax(syntactic)
            if found is not None:
                return found
        cues = [c for c in (before, *self._between_cues(quote), after) if c]
        for cue in cues:
            if cue.reference is not None:
                return self._from_cue(cue, cue.reference)
        for candidate in candidates if syntactic is None or not named else candidates[1:]:
            found = self._from_syntax(candidate)  # the best verb's subject first, then others
            if found is not None:
                return found
        if before is not None:
            if before.colon and _INITIALS.fullmatch(before.clause.rstrip(" :")):
                return _Attribution(self._initialled(before.clause.rstrip(" :")), before.clause)
            person = self.timeline.first_person_in(before.start, first.start)
            if person is not None:
                name = self.registry.people[person].name
                return _Attribution(name, before.clause, explicit_venue(before.clause))
            if previous is not None and offset == previous.span.end and previous.speaker:
                # 'X said: "A," adding: "B."' -- the same sentence goes on
                return _Attribution(previous.speaker, before.clause)
        for cue in cues:
            subject = self._person_in_subject_of(cue) if cue is not before else None
            if subject is not None:
                return _Attribution(subject, cue.clause, explicit_venue(cue.clause))
        if cues:
            return _Attribution(None, cues[0].clause)
        told = self._told_in_sentence_before(quote)
        if told is not None:
            return told
        introduced = self._introduced(quote)
        if introduced is not None:
            return introduced
        continued = self._continuation(quote, previous)
        if continued.speaker is not None:
            return continued
        return self._introduced(quote, colon=False) or continued

    def _initialled(self, label: str) -> str | None:
        """``PK: …`` answering in an interview: the one person of the article whose name
        has those initials (first and last name, or every word); nobody when two do."""
        named = {
            person.name
            for person in self.registry.people
            if label
            in {_initials(person.tokens[:1] + person.tokens[-1:]), _initials(person.tokens)}
        }
        return named.pop() if len(named) == 1 else None

    def _starts_line(self, position: int) -> bool:
        paragraph = self.layout.paragraphs[self.layout.paragraph_of(position)]
        line = max(paragraph.start, self.layout.text.rfind("\n", 0, position) + 1)
        return not self.layout.text[line:position].strip()

    def _told_in_sentence_before(self, quote: Quote) -> _Attribution | None:
        """A quote opening a sentence after ``X said in a statement.`` in its paragraph."""
        layout = self.layout
        start = quote.span.start
        here = layout.paragraphs[layout.paragraph_of(start)]
        if here.start == start or layout.clause_before(start)[0].strip():
            return None
        reference = subject_of_sentence_before(self.parsed, start)
        speaker = self._resolve(reference) if reference is not None else None
        return _Attribution(speaker, "(the sentence before)") if speaker else None

    def _introduced(self, quote: Quote, *, colon: bool = True) -> _Attribution | None:
        """A quote opening the paragraph after one ending ``X continued:`` (or, with
        ``colon=False``, a paragraph that is nothing but the quote, after one whose last
        sentence has a person as its subject)."""
        layout = self.layout
        here = layout.paragraph_of(quote.span.start)
        if here == 0 or layout.paragraphs[here].start != quote.span.start:
            return None
        if not colon and layout.masked[quote.span.end : layout.paragraphs[here].end].strip(
            " .,\"”’'"
        ):
            return None
        reference = introducing_subject(self.parsed, layout.paragraphs[here - 1], colon=colon)
        speaker = self._resolve(reference) if reference is not None else None
        return _Attribution(speaker, "(introduced by the previous paragraph)") if speaker else None

    def _other_quotes(self, quote: Quote) -> list[Span]:
        """The other quoted sentences (``"So do I,"``, not a quoted phrase) of the quote's
        paragraph."""
        layout = self.layout
        paragraph = layout.paragraph_of(quote.span.start)
        return [
            s.span
            for s in layout.segments_in(paragraph)
            if s.depth == 0
            and not quote.span.start <= s.start < quote.span.end
            and _is_quoted_sentence(layout.text[s.inner.start : s.inner.end])
        ]

    def _from_syntax(self, cue: SyntacticCue) -> _Attribution | None:
        reference, source = cue.reference, cue.verb == ACCORDING_TO
        speaker = self._resolve(reference, source=source) if reference is not None else None
        if speaker is None:
            return None
        return _Attribution(speaker, cue.clause, explicit_venue(cue.clause))

    def _between_cues(self, quote: Quote) -> list[Cue]:
        cues: list[Cue] = []
        for left, right in zip(quote.parts, quote.parts[1:], strict=False):
            between = self.layout.masked[left.end : right.start]
            if "\n" not in between:
                cue = cue_after(between, left.end)
                if cue is not None:
                    cues.append(cue)
        return cues

    def _after_cue(self, quote: Quote) -> Cue | None:
        """The cue after the quote; a dash and a name (``"…" ― Ana Ruiz``) only sign a quote
        standing at the start of its line, not a byline after a sentence."""
        post, offset = self.layout.clause_after(quote.parts[-1].end)
        cue = cue_after(post, offset)
        if cue is None and not post.strip(" .,\"”’'\n"):
            cue = self._signature_below(quote)
        if cue is not None and cue.verb is None and not self._starts_line(quote.span.start):
            return None
        return cue

    def _signature_below(self, quote: Quote) -> Cue | None:
        """A paragraph that is only a dash and a name (``- Bernie Sanders.``) right after a
        paragraph ending with the quote signs it."""
        layout = self.layout
        here = layout.paragraph_of(quote.span.end - 1)
        if here + 1 >= len(layout.paragraphs):
            return None
        below = layout.paragraphs[here + 1]
        cue = cue_after(layout.masked[below.start : below.end], below.start)
        return cue if cue is not None and cue.verb is None and cue.end >= below.end else None

    def _from_cue(self, cue: Cue, reference: Reference) -> _Attribution:
        speaker = self._resolve(reference, source=cue.names_source)
        if speaker is None and reference.kind is RefKind.NAME:
            speaker = self._person_in_subject(reference.start)
        return _Attribution(speaker, cue.clause, explicit_venue(cue.clause))

    def _continuation(self, quote: Quote, previous: Quote | None) -> _Attribution:
        """A quote opening the paragraph after an attributed quote continues its speaker."""
        if previous is None or previous.speaker is None or previous.in_headline:
            return _NOBODY
        layout = self.layout
        here = layout.paragraph_of(quote.span.start)
        there = layout.paragraph_of(previous.parts[-1].start)
        opens_paragraph = layout.paragraphs[here].start == quote.span.start
        ends_paragraph = (
            not layout.masked[previous.span.end : layout.paragraphs[there].end].strip(" .,")
            or self._after_cue(previous) is not None
        )
        if opens_paragraph and here == there + 1 and ends_paragraph:
            return _Attribution(previous.speaker, CONTINUATION_CUE)
        if here == there and not layout.clause_before(quote.span.start)[0].strip():
            return _Attribution(previous.speaker, CONTINUATION_CUE)  # '"A," X said. "B."'
        return _NOBODY

    def _headline(self, quote: Quote) -> _Attribution:
        pre, pre_offset = self.layout.clause_before(quote.span.start)
        post, post_offset = self.layout.clause_after(quote.span.end)
        if post.lstrip().startswith(":"):
            paragraph = self.layout.paragraphs[self.layout.paragraph_of(quote.span.start)]
            person = self._first_named(post_offset, paragraph.end)
            if person is not None:
                return _Attribution(person, post.strip())
            match = _NAME_AFTER_COLON.match(post)
            if match:
                return _Attribution(self._name(match.group("name"), post_offset), post.strip())
            return _Attribution(None, post.strip())
        for cue in (cue_before(pre, pre_offset), cue_after(post, post_offset)):
            if cue is not None and cue.reference is not None:
                return self._from_cue(cue, cue.reference)
        if pre.rstrip().endswith(":"):
            name = pre.rstrip()[:-1].strip()
            if name and self.registry.lookup(name) is not None:
                return _Attribution(self._name(name, pre_offset), pre.strip())
        return _NOBODY

    def _person_in_subject_of(self, cue: Cue) -> str | None:
        """The person named in the subject of a cue after the quote whose reference the
        cue pattern missed: after the verb (``said former Gov. and Chairman Ed Rendell``)
        or before it."""
        if cue.verb is None:
            return None
        inverted = cue.clause[: len(cue.verb)].lower() == cue.verb.lower()
        return self._person_in_subject(cue.start + len(cue.verb) if inverted else cue.start)

    def _person_in_subject(self, start: int) -> str | None:
        """The registered person named in the noun phrase starting at ``start``, when the
        name pattern stopped short of it (``said Oversight ranking Democrat Elijah
        Cummings``, ``former Pennsylvania Gov. and DNC Chairman Ed Rendell said``)."""
        masked = self.layout.masked
        end = start
        for word in _SUBJECT_WORD.finditer(masked, start, min(len(masked), start + _MAX_SUBJECT)):
            if word.start() > end + 1 or word.group("stop") or _ends_phrase(word.group()):
                break
            end = word.end()
        return self._first_named(start, end)

    def _first_named(self, start: int, end: int) -> str | None:
        for mention in self.registry.mentions:
            if start <= mention.start < end:
                return self.registry.people[mention.person].name
        return None

    # -- references ------------------------------------------------------------------------

    def _resolve(self, reference: Reference, *, source: bool = False) -> str | None:
        """The speaker a reference names (``source``: the reference follows ``according
        to``, so a name there is a source even when the parser does not know it)."""
        if reference.kind is RefKind.NAME:
            if self._is_dateline(reference):
                return None
            reference = self._with_name_after_title(reference)
            known = source or self.registry.lookup(reference.text, reference.start) is not None
            recognised = is_recognised_name(self.parsed, reference.start, reference.end)
            if not known and recognised is False and not self._named_elsewhere(reference):
                return None  # capitalised words, not a person or organisation ("Hillsborough Bay")
            return self._name(reference.text, reference.start)
        if reference.kind is RefKind.PRONOUN:
            return self._pronoun(reference.text, reference.start)
        if reference.kind is RefKind.ROLE:
            return self._role(reference)
        if reference.kind is RefKind.ANONYMOUS:
            return self._anonymous(reference)
        return None

    def _anonymous(self, reference: Reference) -> str | None:
        """``one longtime adviser to Bill Clinton``: the whole phrase when a proper noun in it
        tells whose source it is; None for ``one official``."""
        match = _NOUN_PHRASE_REST.match(self.layout.masked, reference.end)
        return _source_tied_to_someone(reference.text + (match.group() if match else ""))

    def _is_dateline(self, reference: Reference) -> bool:
        """``WASHINGTON --``, ``LONDON (Reuters) -`` opening a paragraph: a place."""
        paragraph = self.layout.paragraphs[self.layout.paragraph_of(reference.start)]
        return (
            reference.start == paragraph.start
            and reference.text.isupper()
            and _DATELINE_END.match(self.layout.masked, reference.end) is not None
        )

    def _with_name_after_title(self, reference: Reference) -> Reference:
        """``Army Capt`` cut at the title's dot, extended to ``Army Capt. Jo Diaz``."""
        last = reference.text.split()[-1].rstrip(".").lower() if reference.text.split() else ""
        match = _TITLE_THEN_NAME.match(self.layout.masked, reference.end)
        if match is not None and match.group("title").lower() not in TITLE_ABBREVIATIONS:
            match = None  # "Air Force 1st" + " Lt. Jo Diaz"
        if match is None and last in TITLE_ABBREVIATIONS:
            match = _NAME_AFTER_TITLE.match(self.layout.masked, reference.end)
        if match is None:
            return reference
        end = match.end("name")
        return replace(reference, text=self.layout.text[reference.start : end], end=end)

    def _named_elsewhere(self, reference: Reference) -> bool:
        """A proper noun the parser did not tag here but tags as a person or organisation
        elsewhere in the article (``Maddow said`` after ``Rachel Maddow``)."""
        if not is_proper_noun_phrase(self.parsed, reference.start, reference.end):
            return False
        if self._entity_words is None:
            self._entity_words = entity_words(self.parsed)
        words = _name_words(reference.text)
        return bool(words) and words[-1].casefold() in self._entity_words

    def _name(self, written: str, position: int) -> str | None:
        person = self.registry.lookup(written, position)
        if person is not None:
            return self.registry.people[person].name
        tokens = _name_words(written)
        tokens = tokens[_title_length(tokens) :]
        while len(tokens) > 2 and tokens[0].lower() in ROLE_PREFIX_WORDS:
            tokens.pop(0)
        if not tokens or tokens[-1].rstrip(".").lower() in TITLE_ABBREVIATIONS:
            return None  # "Pennsylvania Gov": a title whose name the reference left out
        first = tokens[0].lower()
        if first in NON_NAME_WORDS and (
            len(tokens) == 1 or first not in FIRST_NAMES_THAT_ARE_WORDS
        ):
            return None
        return " ".join(tokens)

    def _pronoun(self, written: str, position: int) -> str | None:
        lowered = written.lower()
        if lowered == "it":
            return self._organisation_it(position)
        gender = NOMINATIVE_PRONOUNS.get(lowered) or OBJECT_PRONOUNS.get(lowered)
        if gender is None:
            return None
        recent = self._recent_speaker(position, gender)
        if recent is not None:
            return recent
        return self._antecedent_name(position, gender, frozenset()) or self._only_person_before(
            position, gender
        )

    def _organisation_it(self, position: int) -> str | None:
        """``Trump's campaign backtracked. … it said``: the last campaign, office or team of a
        person written in this sentence or the one before."""
        sentences = self.timeline.sentences
        current = self.timeline.sentence_at(position)
        start = sentences[max(0, current - 1)].start if sentences else 0
        found = None
        for match in _OWNED_IN_NARRATIVE.finditer(self.layout.masked, start, position):
            owner = self._name(match.group("owner") or match.group("named"), match.start())
            if owner is not None:
                found = organisation_of(owner, match.group("body") or match.group("named_body"))
        return found

    def _only_person_before(self, position: int, gender: Gender | None) -> str | None:
        """The one person the parser recognises in the nearest sentence before a pronoun
        that names anybody (outside quotes), when its gender does not contradict; None when
        that sentence names two people (``X spoke to Y. "…," she said.``)."""
        layout = self.layout
        for sentence in people_before(self.parsed, position, layout.paragraphs):
            names = {
                self._name(r.text, r.start) for r in sentence if layout.masked[r.start] != MASK_CHAR
            }
            names.discard(None)
            if not names:
                continue
            if len(names) > 1:
                return None
            name = names.pop()
            person = self.registry.lookup(name) if name else None
            if person is not None and self.registry.people[person].gender not in (gender, None):
                return None
            return name
        return None

    def _recent_speaker(self, position: int, gender: Gender) -> str | None:
        """``"…," Miller said. ⏎ "…," he added.``: the speaker just quoted, when no other
        person of that gender was named since that quote began."""
        if self.last_speaker is None:
            return None
        name, paragraph, start = self.last_speaker
        if self.layout.paragraph_of(position) - paragraph > 1:
            return None
        person = self.registry.lookup(name)
        if person is None or self.registry.people[person].gender not in (gender, None):
            return None
        for mention in self.timeline.mentions:
            if start <= mention.start < position and mention.kind is not MentionKind.PRONOUN:
                other = mention.person
                if (
                    other is not None
                    and other != person
                    and self.registry.people[other].gender in (gender, None)
                ):
                    return None
        return name

    def _antecedent_name(
        self, position: int, gender: Gender | None, exclude: frozenset[int]
    ) -> str | None:
        person = self.timeline.antecedent(position, gender, exclude)
        return self.registry.people[person].name if person is not None else None

    def _role(self, reference: Reference) -> str | None:
        if reference.appositive:
            return self._name(reference.appositive, reference.start)
        owned = _OWNED.match(reference.text)
        if owned is not None:
            owner = self._name(owned.group("owner"), reference.start)
            return organisation_of(owner, owned.group("body")) if owner else None
        voiced = _VOICE_OF_AN_OWNER.match(reference.text)
        if voiced is not None:
            return self._owner_of(voiced, reference.start)
        family, gender = role_of(reference.text)
        determiner, _, rest = reference.text.partition(" ")
        definite = determiner.lower() in {"the", "its", "their"}
        if family is not None and definite:
            holder = self.timeline.role_holder(family, reference.start)
            if holder is not None:
                return self.registry.people[holder].name
        if _is_unnamed_source(reference.text):
            return " ".join(rest.split())
        tied = _source_tied_to_someone(reference.text)
        if tied is not None:
            return tied
        if family is not None and definite:
            return self._antecedent_name(reference.start, gender, frozenset())
        if determiner.lower() == "the" and family is None:
            return organisation_before(self.layout.masked, rest, reference.start)
        return None

    def _owner_of(self, voiced: re.Match[str], position: int) -> str | None:
        """``His campaign`` / ``her economic plan``: the person the possessive refers to
        (that person's campaign, office or team)."""
        gender = PRONOUN_GENDER[voiced.group("owner").lower()]
        owner = self._recent_speaker(position, gender) if gender else None
        owner = owner or self._antecedent_name(position, gender, frozenset())
        body = voiced.group("body").lower()
        if owner is None or body not in OWNED_BODIES:
            return owner
        return organisation_of(owner, body)

    # -- quotes inside quotes --------------------------------------------------------------

    def _inner(self, quote: Quote, parent: Quote) -> _Attribution:
        cue = inner_cue(self.layout.clause_inside_quote(quote.span.start))
        if cue is None:
            return self._inner_after(quote, parent)
        return _Attribution(self._teller(cue, quote, parent), cue.clause)

    def _teller(self, cue: InnerCue, quote: Quote, parent: Quote) -> str | None:
        speaker = parent.speaker
        exclude = self._person_set(speaker)
        if cue.teller is Teller.SELF:
            return speaker
        if cue.teller is Teller.PRONOUN:
            gender = PRONOUN_GENDER.get(cue.who.lower())
            return self._antecedent_name(parent.span.start, gender, exclude) if gender else None
        if cue.teller is Teller.INTERLOCUTOR:
            gender = self._interlocutor_gender(parent, quote)
            return self._antecedent_name(parent.span.start, gender, exclude) if gender else None
        if cue.teller is Teller.NAME:
            return self._name(cue.who, parent.span.start)
        return None

    def _inner_after(self, quote: Quote, parent: Quote) -> _Attribution:
        end = next(
            (p.end for p in parent.parts if p.start <= quote.span.start < p.end), parent.span.end
        )
        post = self.layout.text[quote.span.end : end][:200]
        cue = cue_after(post, quote.span.end)
        if cue is None or cue.reference is None:
            return _NOBODY
        reference = cue.reference
        if reference.kind is RefKind.PRONOUN and reference.text.lower() in {"i", "we"}:
            return _Attribution(parent.speaker, cue.clause)
        if reference.kind is RefKind.PRONOUN:
            gender = PRONOUN_GENDER.get(reference.text.lower())
            exclude = self._person_set(parent.speaker)
            name = self._antecedent_name(parent.span.start, gender, exclude) if gender else None
            return _Attribution(name, cue.clause)
        if reference.kind is RefKind.NAME:
            return _Attribution(self._name(reference.text, parent.span.start), cue.clause)
        return _Attribution(None, cue.clause)

    def _interlocutor_gender(self, parent: Quote, quote: Quote) -> Gender | None:
        """``It was like '…'``: the other party, named by a pronoun earlier in the quote."""
        earlier = self.layout.text[parent.span.start : quote.span.start]
        match = _THIRD_PERSON.search(earlier)
        return PRONOUN_GENDER[match.group().lower()] if match else None

    def _person_set(self, name: str | None) -> frozenset[int]:
        if name is None:
            return frozenset()
        index = self.registry.lookup(name)
        return frozenset() if index is None else frozenset({index})


def _initials(tokens: Sequence[str]) -> str:
    return "".join(token[:1] for token in tokens).upper()


def _ends_phrase(word: str) -> bool:
    """A lower-case word that ends a subject noun phrase (``who``, ``of``, ``said``)."""
    lowered = word.lower()
    return word[:1].islower() and (lowered in _PHRASE_ENDS or lowered in SPEECH_VERBS)


def _name_words(written: str) -> list[str]:
    """A name's words, without the possessive and the punctuation around it."""
    return re.sub(r"(?:['’]s|['’])$", "", written.strip(" ,.;:")).split()


def _title_length(tokens: Sequence[str]) -> int:
    """How many leading words are a title (``Army Capt.``, ``Senate Majority Whip``): up
    to the last title word that leaves a name after it (one word after an abbreviation
    such as ``Gov.``, two after a word such as ``Speaker``); honorifics (``Mr.``) stay."""
    for k in range(len(tokens) - 2, -1, -1):
        word = tokens[k].lower()
        abbreviated = word.endswith(".") and word.rstrip(".") in TITLE_ABBREVIATIONS
        if word.rstrip(".") in HONORIFIC_GENDER:
            continue
        if abbreviated or (word in TITLE_HEAD_WORDS and len(tokens) - k - 1 >= 2):
            return k + 1
    return 0


def _is_quoted_sentence(content: str) -> bool:
    stripped = content.strip()
    return stripped[:1].isupper() and stripped.rstrip("\"”’')]")[-1:] in {".", ",", "!", "?"}


def _is_name(reference: Reference | None) -> bool:
    return reference is not None and reference.kind is RefKind.NAME


def _source_tied_to_someone(phrase: str) -> str | None:
    """``one Trump confidant``, ``a longtime adviser to Bill Clinton``: an unnamed source
    that a proper noun ties to someone the reader can identify, told without its
    determiner; None for ``one official`` or ``a majority of Americans``."""
    determiner, _, rest = phrase.partition(" ")
    words = rest.split()
    if determiner.lower() not in _INDEFINITE or "of" in words:
        return None  # "a majority of Americans", "a chorus of prominent Republicans"
    if not any(word[:1].isupper() and word.isalpha() for word in words):
        return None
    return " ".join(words)


def _is_unnamed_source(phrase: str) -> bool:
    words = re.findall(r"[a-z\-]+", phrase.lower())
    return any(w in UNNAMED_SOURCE_ROLES for w in words)


def _parent_of(quote: Quote, done: list[Quote]) -> Quote | None:
    """The already attributed enclosing quote (a parent always comes first)."""
    if quote.parent is None or not 0 <= quote.parent < len(done):
        return None
    return done[quote.parent]
