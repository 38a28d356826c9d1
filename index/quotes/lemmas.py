"""spaCy's rule lemmatizer, with its word lists as sets and every answer kept.

The English pipeline's ``lemmatizer`` tries each suffix rule on a token and looks
the candidate form up in the language's list of words of that part of speech
(57,528 nouns): a linear search of a Python list, and spaCy keeps the answer
only for the tokens that reach the rules. On PolNeAR dev that was about a tenth
of the parse's CPU. :class:`MemoisedLemmatizer` runs the same algorithm
(``Lemmatizer.rule_lemmatize``, step for step) with the word lists as sets, and
keeps every lemma under spaCy's own cache key (the word, its part of speech and
its morphology, all a lemma depends on): the same lemmas, for a fraction of the time.

A lemmatizer in another mode, or whose rule lemmatizing a language overrides,
makes :meth:`MemoisedLemmatizer.from_lemmatizer` return None: keep spaCy's then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.pipeline import Lemmatizer
    from spacy.tokens import Doc, Token

_UNTAGGED: Final = frozenset({"", "eol", "space"})
"""Parts of speech spaCy lemmatizes without its tables (and warns about the empty one)."""

LemmaKey = tuple[int, int, int]
"""spaCy's cache key for a lemma: the word, its part of speech and its morphology (ids)."""


@dataclass(frozen=True, slots=True)
class _PosTables:
    """The lemma tables of one part of speech."""

    words: frozenset[str]
    exceptions: Mapping[str, Sequence[str]]
    rules: tuple[tuple[str, str], ...]


class MemoisedLemmatizer:
    """Sets the lemmas spaCy's rule ``Lemmatizer`` would set, from sets and a full cache."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self._lemmatizer = lemmatizer
        self._overwrite = bool(lemmatizer.overwrite)
        self._tables: dict[str, _PosTables | None] = {}
        self._lemmas: dict[LemmaKey, str] = {}

    @classmethod
    def from_lemmatizer(cls, lemmatizer: Lemmatizer) -> MemoisedLemmatizer | None:
        """The same lemmas as ``lemmatizer`` (None unless it is spaCy's rule lemmatizer)."""
        from spacy.pipeline import Lemmatizer

        if lemmatizer.mode != "rule" or not lemmatizer.lookups.has_table("lemma_rules"):
            return None
        if type(lemmatizer).rule_lemmatize is not Lemmatizer.rule_lemmatize:
            return None
        return cls(lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if self._overwrite or token.lemma == 0:
                token.lemma_ = self.lemma(token)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 0) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def lemma(self, token: Token) -> str:
        """The lemma spaCy's lemmatizer gives ``token`` (its first form)."""
        key = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
        lemma = self._lemmas.get(key)
        if lemma is None:
            lemma = self._rule_lemma(token)
            self._lemmas[key] = lemma
        return lemma

    def _rule_lemma(self, token: Token) -> str:
        """``Lemmatizer.rule_lemmatize(token)[0]``, with the word lists as sets."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in _UNTAGGED:
            return str(self._lemmatizer.rule_lemmatize(token)[0])
        if self._lemmatizer.is_base_form(token):
            return string.lower()
        tables = self._pos_tables(univ_pos)
        if tables is None:
            return string if univ_pos == "propn" else string.lower()
        lower = string.lower()
        forms: list[str] = []
        unknown: list[str] = []
        for old, new in tables.rules:
            if lower.endswith(old):
                form = lower[: len(lower) - len(old)] + new
                if not form:
                    continue
                if form in tables.words:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    unknown.append(form)
        forms = list(dict.fromkeys(forms))
        for form in tables.exceptions.get(lower, []):
            if form not in forms:
                forms.insert(0, form)
        return (forms or unknown or [string])[0]

    def _pos_tables(self, univ_pos: str) -> _PosTables | None:
        """The tables of ``univ_pos``; None when it has none (spaCy then keeps the word)."""
        if univ_pos not in self._tables:
            lookups = self._lemmatizer.lookups
            words = lookups.get_table("lemma_index", {}).get(univ_pos)
            exceptions = lookups.get_table("lemma_exc", {}).get(univ_pos)
            rules = lookups.get_table("lemma_rules", {}).get(univ_pos)
            self._tables[univ_pos] = (
                _PosTables(
                    frozenset(words or ()),
                    exceptions or {},
                    tuple((old, new) for old, new in rules or ()),
                )
                if words or exceptions or rules
                else None
            )
        return self._tables[univ_pos]
