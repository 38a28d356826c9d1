"""Whether the best candidates can answer a question at all, whatever their scores.

A passage about the right people can still be silent on what is asked: "What did
Tom Cruise eat for breakfast?" finds Cruise everywhere and breakfast nowhere.

**The question's words must be covered** by the candidates search would answer
with. Each content word of the question (less the light words any question uses:
"many", "make", "get"...) is covered when the candidate passages or their
neighbours in the same article hold it (or the same word stemmed differently, see
:func:`held`), or when a token of the candidates means nearly the same (the
question token's best cosine with the candidates' stored token vectors, as in late
interaction: "bike" finds "motorcycle", "breakfast" finds nothing). When too large
a share of the question's word weight (idf) is uncovered, the articles do not say.

**The question's numbers must be there as they are.** A number names which thing is
asked about ("Part Two", "Chandrayaan-3", "the 2018 final"), and token vectors find
"two" close to "one": a number is covered only when the candidates state it (in digits
or in words), and a number they never state means they are about something else. Nor
does a candidate without the question's numbers offer its kind of answer: the cost it
gives is another thing's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from index.lexical import STOPWORDS, WORD, stem

_FRAME_WORDS = ("many", "much", "often", "kind", "type", "sort", "date", "time", "year", "day")
_VAGUE_NOUNS = ("thing", "way", "lot", "people", "someone", "anyone")
_LIGHT_VERBS = (
    *("do", "done", "did", "make", "made", "get", "got", "go", "come", "take", "give", "gave"),
    *("say", "said", "tell", "told", "call", "called", "know", "think", "want", "work"),
    *("happen", "mean", "use"),
)
LIGHT_WORDS = frozenset(stem(word) for word in (*_FRAME_WORDS, *_VAGUE_NOUNS, *_LIGHT_VERBS))
"""Words a question uses whatever it asks about (the frame of "how many", "what kind
of", light verbs, vague nouns): whether a passage holds them says nothing."""


@dataclass(frozen=True, slots=True)
class QuestionWord:
    term: str
    """The word's stem, as ``index.lexical.tokenize`` gives it."""
    weight: float
    """Its idf in the index."""
    similarity: float | None
    """The best cosine of its tokens with the candidates' tokens; ``None`` when unknown."""


def question_words(
    token_words: Sequence[str],
    token_similarities: npt.NDArray[np.floating] | None,
    term_weights: Mapping[str, float],
) -> list[QuestionWord]:
    """The question's content words (light words left out), each with its weight and its
    best token similarity to the candidates (the best over the word's tokens).

    ``token_words`` names the word each content token of the question lies in (see
    ``QueryEncoding.token_words``) and ``token_similarities`` is each token's best cosine.
    """
    best: dict[str, float] = {}
    if token_similarities is not None and len(token_similarities) == len(token_words):
        for word, similarity in zip(token_words, token_similarities, strict=True):
            if not word or word in STOPWORDS:
                continue
            term = stem(word)
            best[term] = max(best.get(term, -1.0), float(similarity))
    return [
        QuestionWord(term, weight, best.get(term))
        for term, weight in term_weights.items()
        if term not in LIGHT_WORDS
    ]


def uncovered_share(
    words: Sequence[QuestionWord], present: Collection[str], similarity: float
) -> float:
    """The share of the words' weight that the candidates do not cover: a word is covered
    when ``present`` holds it or its tokens reach ``similarity``. A word whose similarity
    is unknown counts as covered (nothing says it is missing)."""
    total = sum(word.weight for word in words)
    if not total:
        return 0.0
    missing = sum(
        word.weight
        for word in words
        if word.similarity is not None
        and word.similarity < similarity
        and not held(word.term, present)
    )
    return missing / total


def covers_one_of(
    words: Sequence[QuestionWord],
    present: Collection[str],
    similarity: float,
    wanted: Sequence[str],
) -> bool:
    """Whether the candidates cover at least one of the ``wanted`` terms as
    :func:`uncovered_share` covers a word (nothing wanted: yes)."""
    if not wanted:
        return True
    known = {word.term: word.similarity for word in words}
    return any(
        (reach := known.get(term)) is None or reach >= similarity or held(term, present)
        for term in wanted
    )


PREFIX_MATCH = 4
PREFIX_SLACK = 2
"""Stems at least ``PREFIX_MATCH`` letters long where one begins the other and is at most
``PREFIX_SLACK`` letters shorter are the same word: the light stemmer leaves "rehearse"
and "rehears" (from "rehearsed"), "chase" and "chas" apart ("break" is no "breakfast")."""


@cache
def shortenings(term: str) -> tuple[str, ...]:
    """The stems that begin ``term`` and that :func:`held` counts as the same word."""
    return tuple(term[:k] for k in range(max(PREFIX_MATCH, len(term) - PREFIX_SLACK), len(term)))


@dataclass(frozen=True, slots=True)
class HeldTerms:
    """A fixed set of terms, ready to say quickly whether it holds a term as :func:`held`
    does (for sentences checked against many questions)."""

    terms: frozenset[str]
    shortened: frozenset[str]
    """The terms' :func:`shortenings`."""

    @classmethod
    def of(cls, terms: Collection[str]) -> HeldTerms:
        return cls(frozenset(terms), frozenset(s for t in terms for s in shortenings(t)))

    def holds(self, term: str) -> bool:
        """``held(term, self.terms)``."""
        return (
            term in self.terms
            or term in self.shortened
            or any(s in self.terms for s in shortenings(term))
        )


def held(term: str, present: Collection[str]) -> bool:
    """Whether ``present`` holds the stem ``term`` or the same word stemmed differently."""
    if term in present:
        return True
    if len(term) < PREFIX_MATCH:
        return False
    return any(
        len(other) >= PREFIX_MATCH
        and abs(len(other) - len(term)) <= PREFIX_SLACK
        and (term.startswith(other) or other.startswith(term))
        for other in present
    )


_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}
_NUMBER_WORDS.pop("one")
_DIGITS = re.compile(r"\d+")  # "which one", "the one who": mostly no number at all


def number_value(term: str) -> str | None:
    """The number a term names, in digits ("two" and "2" both give "2"); ``None`` when the
    term is no number."""
    if term.isdigit():
        return term.lstrip("0") or "0"
    return _NUMBER_WORDS.get(term)


def missing_numbers(question_terms: Iterable[str], present: Collection[str]) -> list[str]:
    """The numbers of the question (terms, as ``index.lexical.tokenize`` gives them) that
    ``present`` never states, in digits, in words or inside a term ("F1", "G7")."""
    stated = {value for term in present if (value := number_value(term)) is not None}
    stated |= {digits.lstrip("0") or "0" for term in present for digits in _DIGITS.findall(term)}
    return [
        term
        for term in question_terms
        if (value := number_value(term)) is not None and value not in stated
    ]


_HOW_MANY = re.compile(r"\bhow many\s+(.*)", re.I | re.S)
COUNTED_WORDS = 2


def counted_words(question: str) -> tuple[str, ...]:
    """The stems of what "how many" counts: the first words after it that are neither
    stopwords nor names ("How many Tom Cruise films" counts films), at most
    ``COUNTED_WORDS`` of them in a row ("search dogs"); none when they are light words
    ("how many people", "how many times": the rest of the question says what counts)."""
    found = _HOW_MANY.search(question)
    if found is None:
        return ()
    counted: list[str] = []
    for word in WORD.findall(found.group(1)):
        lower = word.casefold()
        if word[0].isupper() and not counted:
            continue
        if lower in STOPWORDS or word[0].isupper() or len(counted) == COUNTED_WORDS:
            break
        counted.append(stem(lower))
    return () if not counted or counted[0] in LIGHT_WORDS else tuple(counted)
