"""Who speaks a quote, read from the dependency parse of its sentence.

As in textacy's direct quotations, the GenderGapTracker and BBC's Citron: the
speaker is the subject of the speech verb that governs the quote (``Warren
said Trump University was "like a used car dealership"``, ``"…," the senator
added``, ``He went on to detail, "…"``). The verb is any verb whose lemma
reports speech, writing or thought (:data:`~index.quotes.lexicon.SPEECH_LEMMAS`),
outside the quote, in the quote's sentence; a verb whose subtree holds the
quote wins over a nearer one. The subject is followed up through coordinated,
open-complement and participle clauses (``and added``, ``went on to detail``,
``…, adding``), the object a participle describes (``issued a statement
saying``) and relative clauses (``Cruz, who told reporters``), and
``according to X`` gives X. The subject comes back as a
:class:`~index.quotes.cues.Reference` (a name from the named entities or a
proper-noun chain, a pronoun, or a role noun phrase with its appositive name)
for :mod:`index.quotes.attribution` to resolve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from index.models import Span
from index.quotes.cues import ACCORDING_TO, Reference, RefKind
from index.quotes.lexicon import HONORIFIC_GENDER, SPEECH_LEMMAS
from index.quotes.parsing import ParsedArticle, ParsedParagraph

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

_SUBJECTS: Final = frozenset({"nsubj", "nsubjpass"})
_CLAUSAL: Final = frozenset({"ccomp", "parataxis"})
_CLIMB: Final = frozenset(
    {"conj", "xcomp", "advcl", "dep", "ccomp", "pcomp", "prep", "acl", "dobj"}
)
_PRONOUNS: Final = frozenset({"he", "she", "they", "i", "we", "it", "him", "her", "them"})
_RELATIVE: Final = frozenset({"who", "that", "which", "whom"})
_NAME_ENTITIES: Final = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_ROLE_DEPS: Final = frozenset({"det", "amod", "compound", "poss", "nummod", "case"})
_ASPECTUAL: Final = frozenset({"continue", "begin", "go"})
_MAX_CLIMB: Final = 4
_MARKS: Final = "\"'“”‘’«»‹›„"


@dataclass(frozen=True, slots=True)
class SyntacticCue:
    """The speech verb governing a quote and its subject (None: a verb without a subject)."""

    verb: str
    clause: str
    """The quote's sentence with the quoted words left out (for said-to and display)."""
    reference: Reference | None
    governs: bool
    """The verb's subtree holds the quote (not just a verb elsewhere in the sentence)."""


def has_speech_verb(parsed: ParsedArticle, part: Span) -> bool:
    """Whether the sentence of ``part`` has a speech verb outside the quote."""
    paragraph = parsed.paragraph_at(part.start)
    if paragraph is None:
        return False
    inside = _local_spans(paragraph, (part,))
    sentences = _sentences(paragraph, inside)
    return any(
        _is_speech_verb(t) or t.lower_ == "according"
        for sentence in sentences
        for t in sentence
        if not _inside(t, inside)
    ) or bool(_governing_verbs(sentences, inside))


def _governing_verbs(
    sentences: Sequence[DocSpan], inside: Sequence[tuple[int, int]]
) -> list[Token]:
    """Verbs outside the quote whose clausal complement is the quote (``She went on to
    detail, "We …"``, where the parser reads ``detail`` as a noun)."""
    return [
        t.head
        for sentence in sentences
        for t in sentence
        if _inside(t, inside)
        and t.dep_ in _CLAUSAL
        and t.pos_ in {"VERB", "AUX"}
        and t.head.pos_ == "VERB"
        and not _inside(t.head, inside)
    ]


def syntactic_cues(
    parsed: ParsedArticle, parts: Sequence[Span], others: Sequence[Span] = ()
) -> list[SyntacticCue]:
    """Every speech verb of the quote's sentence with a subject, best first: when the best
    one's subject is no speaker (``Klein said his book detailed how …``: ``his book``),
    the next may be.

    ``others`` are the other quotes of the paragraph: a verb beyond one of them is
    theirs (``"A," he said. "B," said Roe.``), so the words from the start of the
    paragraph to the nearest other quote before, and from the nearest after to the
    end, are left out like the quote itself.
    """
    paragraph = parsed.paragraph_at(parts[0].start)
    if paragraph is None:
        return []
    inside = _local_spans(paragraph, parts)
    sentences = _sentences(paragraph, inside)
    if not sentences:
        return []
    following = _sentence_right_after(paragraph, sentences[-1], inside)
    before = [o.end for o in others if o.end <= parts[0].start]
    after = [o.start for o in others if o.start >= parts[-1].end]
    excluded = list(inside)
    if before:
        excluded.append((0, max(before) - paragraph.start))
    if after:
        excluded.append((min(after) - paragraph.start, len(paragraph.doc.text) + 1))
    for group in (sentences, [following] if following is not None else []):
        if not group:
            continue
        cues = _cues_in(paragraph, group, excluded)
        if cues:
            return cues
    return []


def _cues_in(
    paragraph: ParsedParagraph, sentences: Sequence[DocSpan], inside: Sequence[tuple[int, int]]
) -> list[SyntacticCue]:
    tokens = [t for s in sentences for t in s if not _inside(t, inside)]
    clause = _clause(paragraph.doc, sentences, inside)
    according = [t for t in tokens if t.lower_ == "according"]
    for token in according:
        target = _according_object(token)
        if target is not None and not _inside(target, inside):
            return [SyntacticCue(ACCORDING_TO, clause, _reference(paragraph, target), False)]
    verbs = [t for t in tokens if _is_speech_verb(t)] or _governing_verbs(sentences, inside)
    if not verbs:
        return []
    verbs.sort(key=lambda v: (not _governs(v, inside), _distance(v, inside)))
    found: list[SyntacticCue] = []
    for verb in verbs:
        subject = _subject(verb, inside)
        if subject is not None:
            reference = _reference(paragraph, subject)
            if reference is not None and all(c.reference != reference for c in found):
                found.append(
                    SyntacticCue(verb.lemma_.lower(), clause, reference, _governs(verb, inside))
                )
    return found or [
        SyntacticCue(verbs[0].lemma_.lower(), clause, None, _governs(verbs[0], inside))
    ]


def _clause(doc: Doc, sentences: Sequence[DocSpan], inside: Sequence[tuple[int, int]]) -> str:
    """The sentences' text with the quotes cut out (``Klementieff said``)."""
    start, end = sentences[0].start_char, sentences[-1].end_char
    pieces: list[str] = []
    for left, right in sorted(inside):
        pieces.append(doc.text[start : max(start, left)])
        start = max(start, right)
    pieces.append(doc.text[start:end])
    text = " ".join(" ".join(p.split()) for p in pieces)
    return " ".join(text.split()).strip(" ,.;:—–-" + _MARKS)


def _is_speech_verb(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" or lemma not in SPEECH_LEMMAS:
        return False
    # "Rubio will continue to be …", "began to": the aspect of another verb, not speech
    return lemma not in _ASPECTUAL or not any(c.dep_ == "xcomp" for c in token.children)


def _according_object(token: Token) -> Token | None:
    for child in token.children:
        if child.lower_ == "to":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ == "to":
        objects = [c for c in following.children if c.dep_ == "pobj"]
        return objects[0] if objects else None
    return None


def _subject(verb: Token, inside: Sequence[tuple[int, int]]) -> Token | None:
    current = verb
    for _ in range(_MAX_CLIMB):
        subjects = [c for c in current.children if c.dep_ in _SUBJECTS and not _inside(c, inside)]
        agent = _agent(current)
        if agent is not None and (not subjects or subjects[0].dep_ == "nsubjpass"):
            return agent  # "Sanders was asked by host Bill Maher, "…""
        if subjects:
            subject = subjects[0]
            if subject.lower_ in _RELATIVE and current.dep_ == "relcl":
                return current.head
            return subject
        if current.dep_ == "relcl":
            return current.head
        if current.dep_ not in _CLIMB or current.head is current:
            return None
        current = current.head
        if _inside(current, inside):
            return None
    return None


def _is_honorific(token: Token) -> bool:
    return token.lower_.rstrip(".") in HONORIFIC_GENDER


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def is_recognised_name(parsed: ParsedArticle, start: int, end: int) -> bool | None:
    """Whether the parser recognises a person or organisation between two article offsets
    (None: that paragraph was not parsed)."""
    paragraph = parsed.paragraph_at(start)
    if paragraph is None:
        return None
    local_start, local_end = start - paragraph.start, end - paragraph.start
    return any(
        e.label_ in _NAME_ENTITIES and e.start_char < local_end and local_start < e.end_char
        for e in paragraph.doc.ents
    )


def entity_words(parsed: ParsedArticle) -> frozenset[str]:
    """The words (case-folded) of every person or organisation the parser recognises in the
    article's parsed paragraphs."""
    return frozenset(
        word.casefold()
        for paragraph in parsed.paragraphs
        for entity in paragraph.doc.ents
        if entity.label_ in {"PERSON", "ORG"}
        for word in entity.text.split()
    )


def is_proper_noun_phrase(parsed: ParsedArticle, start: int, end: int) -> bool:
    """Whether every word between two article offsets is parsed as a proper noun (a title
    abbreviation's dot and punctuation aside): ``Maddow``, not ``Unlike Obama``."""
    paragraph = parsed.paragraph_at(start)
    if paragraph is None:
        return False
    local_start, local_end = start - paragraph.start, end - paragraph.start
    words = [
        t
        for t in paragraph.doc
        if local_start <= t.idx < local_end and not t.is_punct and not t.is_space
    ]
    return bool(words) and all(t.pos_ == "PROPN" for t in words)


def _reference(paragraph: ParsedParagraph, token: Token) -> Reference | None:
    start = paragraph.start
    if token.lower_ in _PRONOUNS and token.pos_ == "PRON":
        return Reference(RefKind.PRONOUN, token.text, start + token.idx, start + _end(token))
    entity = _entity_of(token)
    if entity is not None:
        if entity[0].lower_ == "the" and len(entity) > 1:
            entity = entity[1:]  # "The New York Times"
        if entity.start > 0 and _is_honorific(token.doc[entity.start - 1]):
            entity = token.doc[entity.start - 1 : entity.end]  # "Mr. Cruise", as written
        return Reference(
            RefKind.NAME, entity.text, start + entity.start_char, start + entity.end_char
        )
    if token.text[:1].isupper() and (token.pos_ == "PROPN" or _is_bare_capitalised_noun(token)):
        chain = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        first = chain[0] if chain else token
        text = token.doc.text[first.idx : _end(token)]
        return Reference(RefKind.NAME, text, start + first.idx, start + _end(token))
    if token.pos_ in {"NOUN", "PROPN"}:
        return _role_reference(paragraph, token)
    return None


def _is_bare_capitalised_noun(token: Token) -> bool:
    """``Sanders tells reporters``: a surname the tagger took for a plural noun (no
    determiner or modifier, not in capitals); attribution keeps it only when the article
    names such a person."""
    return (
        token.pos_ == "NOUN"
        and not token.text.isupper()
        and not any(c.dep_ in _ROLE_DEPS for c in token.lefts)
    )


def _role_reference(paragraph: ParsedParagraph, noun: Token) -> Reference:
    """``the senator``, ``Trump's campaign manager``, ``a spokeswoman, Hope Hicks``."""
    left = [t for t in noun.lefts if t.dep_ in _ROLE_DEPS]
    first = min([noun, *left], key=lambda t: t.i)
    last = noun
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in {"for", "of", "at", "to"}:
            last = max(child.subtree, key=lambda t: t.i)
            break
    doc_text = noun.doc.text
    appositive = next(
        (
            _entity_of(c) or c
            for c in noun.rights
            if c.dep_ == "appos" and (c.pos_ == "PROPN" or _entity_of(c) is not None)
        ),
        None,
    )
    appositive_text = appositive.text if appositive is not None else None
    start = paragraph.start
    return Reference(
        RefKind.ROLE,
        doc_text[first.idx : _end(last)],
        start + first.idx,
        start + _end(last),
        appositive_text,
    )


def _entity_of(token: Token) -> DocSpan | None:
    if token.ent_type_ not in _NAME_ENTITIES:
        return None
    for entity in token.doc.ents:
        if entity.start <= token.i < entity.end:
            return entity
    return None


def _end(token: Token) -> int:
    return token.idx + len(token.text)


def _local_spans(paragraph: ParsedParagraph, parts: Iterable[Span]) -> list[tuple[int, int]]:
    return [(p.start - paragraph.start, p.end - paragraph.start) for p in parts]


def _inside(token: Token, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= token.idx < end for start, end in spans)


def _sentences(paragraph: ParsedParagraph, inside: Sequence[tuple[int, int]]) -> list[DocSpan]:
    """The sentences overlapping the quote (its first paragraph's parts)."""
    return [
        s
        for s in paragraph.sentences
        if any(s.start_char < end and start < s.end_char for start, end in inside)
    ]


def _sentence_right_after(
    paragraph: ParsedParagraph, last: DocSpan, inside: Sequence[tuple[int, int]]
) -> DocSpan | None:
    """``"…?" he asked.`` split into two sentences: the short one right after the quote."""
    quote_end = max(end for _, end in inside)
    if last.end_char > quote_end + 1:
        return None
    following = next((s for s in paragraph.sentences if s.start_char >= last.end_char), None)
    if following is None or following.start_char - quote_end > 2 or len(following) > 12:
        return None
    return following


def _governs(verb: Token, inside: Sequence[tuple[int, int]]) -> bool:
    return any(_inside(t, inside) for t in verb.subtree)


def _distance(verb: Token, inside: Sequence[tuple[int, int]]) -> int:
    return min(
        0 if start <= verb.idx < end else min(abs(verb.idx - start), abs(verb.idx - end))
        for start, end in inside
    )


def introducing_subject(
    parsed: ParsedArticle, paragraph: Span, *, colon: bool = True
) -> Reference | None:
    """``Cruz continued:`` / ``the council said in a statement:`` closing the paragraph
    before a quote: the subject of the last sentence's speech verb nearest its end, else
    of its main verb. With ``colon=False`` the sentence need not end with a colon
    (``Valastro praised Christie's leadership.`` then a quote paragraph of its own)."""
    parsed_paragraph = parsed.paragraph_at(paragraph.start)
    if parsed_paragraph is None:
        return None
    sentences = parsed_paragraph.sentences
    if not sentences or (colon and not sentences[-1].text.rstrip().endswith(":")):
        return None
    last = sentences[-1]
    root = last.root
    verbs = [t for t in reversed(last) if _is_speech_verb(t) and t is not root]
    verbs += [root] if root.pos_ in {"VERB", "AUX"} else []
    for verb in verbs:
        subject = _subject(verb, ())
        if subject is not None:
            return _reference(parsed_paragraph, subject)
    return None


def subject_of_sentence_before(parsed: ParsedArticle, position: int) -> Reference | None:
    """``Lau said in a statement. "…"``: the subject of the speech verb of the sentence
    right before ``position`` in its paragraph, when that sentence quotes nothing."""
    paragraph = parsed.paragraph_at(position)
    if paragraph is None:
        return None
    local = position - paragraph.start
    earlier = [s for s in paragraph.sentences if s.end_char <= local]
    if not earlier or any(mark in earlier[-1].text for mark in _MARKS):
        return None
    last = earlier[-1]
    if paragraph.doc.text[last.end_char : local].strip():
        return None
    for verb in reversed([t for t in last if _is_speech_verb(t)]):
        subject = _subject(verb, ())
        if subject is not None:
            return _reference(paragraph, subject)
    return None


def people_before(
    parsed: ParsedArticle, position: int, paragraphs: Sequence[Span], sentences: int = 3
) -> list[list[Reference]]:
    """The PERSON entities of the sentences before ``position`` (that sentence first, up to
    ``sentences`` back, the previous paragraph included), one list per sentence."""
    found: list[list[Reference]] = []
    here = next((i for i, p in enumerate(paragraphs) if p.start <= position < p.end), None)
    if here is None:
        return found
    for index in (here, here - 1):
        if index < 0 or len(found) >= sentences:
            break
        paragraph = parsed.paragraph_at(paragraphs[index].start)
        if paragraph is None:
            break
        local = position - paragraph.start
        for sentence in reversed(paragraph.sentences):
            if sentence.start_char >= local or len(found) >= sentences:
                continue
            found.append(
                [
                    Reference(
                        RefKind.NAME,
                        entity.text,
                        paragraph.start + entity.start_char,
                        paragraph.start + entity.end_char,
                    )
                    for entity in sentence.ents
                    if entity.label_ == "PERSON" and entity.start_char < local
                ]
            )
    return found
