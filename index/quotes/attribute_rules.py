"""spaCy's attribute ruler, answered from a table instead of its token matcher.

The English pipeline's ``attribute_ruler`` maps each token's fine tag (and a few
words and dependency labels) to its part of speech, morphology and some lemmas
with 179 token patterns. spaCy runs them through its general ``Matcher`` on every
document, which costs about as much as the tagger and the parser together. All
but a handful of the patterns look at one token only, through its tag, lower-case
form, dependency label and whether it is a space; so what they set on a token is
a function of those four values, worked out once per distinct combination and
kept. The few patterns over two tokens (``gon na``, ``let 's``) are checked only
where their first token matches. The result is exactly spaCy's: the same
attributes set on the same tokens in the same order (later patterns win).

A pattern this table cannot read (another attribute or operator) makes
:meth:`MemoisedAttributeRuler.from_ruler` return None: keep spaCy's ruler then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler
    from spacy.strings import StringStore
    from spacy.tokens import Doc

_ATTRIBUTES: Final = ("TAG", "LOWER", "DEP", "IS_SPACE")
"""What the token patterns may read, in the order of a token's key."""

TokenKey = tuple[int, int, int, bool]
"""A token's tag, lower-case form and dependency label (string ids), and whether it is a space."""


class UnsupportedPattern(ValueError):
    """A pattern reads something other than the token's tag, form, label or spaceness."""


@dataclass(frozen=True, slots=True)
class _Predicate:
    attribute: int
    """Position in :data:`TokenKey`."""
    equals: Any = None
    within: frozenset[str] | None = None
    outside: frozenset[str] | None = None
    regex: re.Pattern[str] | None = None

    def holds(self, values: Sequence[Any]) -> bool:
        value = values[self.attribute]
        if self.within is not None:
            return value in self.within
        if self.outside is not None:
            return value not in self.outside
        if self.regex is not None:
            return self.regex.search(value) is not None
        return bool(value == self.equals)


_TokenSpec = tuple[_Predicate, ...]


def _spec(token: Mapping[str, Any]) -> _TokenSpec:
    predicates: list[_Predicate] = []
    for name, value in token.items():
        if name not in _ATTRIBUTES:
            raise UnsupportedPattern(f"token attribute {name!r}")
        position = _ATTRIBUTES.index(name)
        if isinstance(value, dict):
            if len(value) != 1:
                raise UnsupportedPattern(f"several operators on {name!r}")
            ((operator, argument),) = value.items()
            if operator == "IN":
                predicates.append(_Predicate(position, within=frozenset(argument)))
            elif operator == "NOT_IN":
                predicates.append(_Predicate(position, outside=frozenset(argument)))
            elif operator == "REGEX":
                predicates.append(_Predicate(position, regex=re.compile(argument)))
            else:
                raise UnsupportedPattern(f"operator {operator!r}")
        elif isinstance(value, (str, bool)):
            predicates.append(_Predicate(position, equals=value))
        else:
            raise UnsupportedPattern(f"value {value!r} of {name!r}")
    return tuple(predicates)


@dataclass(frozen=True, slots=True)
class _Rule:
    order: int
    """The pattern's position in the ruler: later ones are applied later."""
    tokens: tuple[_TokenSpec, ...]
    index: int
    """Which token of the match gets the attributes (may count from the end)."""
    attributes: Mapping[int, Any]
    """spaCy's normalised attributes (attribute id -> value id)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the one-token rules set on a token with a given key, and which longer rules
    might start at it."""

    merged: dict[int, Any]
    single: tuple[_Rule, ...]
    longer: tuple[_Rule, ...]


class MemoisedAttributeRuler:
    """Sets what spaCy's ``AttributeRuler`` would set, from a table keyed by token values."""

    def __init__(self, rules: Iterable[_Rule], strings: StringStore) -> None:
        self._rules = tuple(rules)
        self._strings = strings
        self._entries: dict[TokenKey, _Entry] = {}
        # a rule whose first token needs a given tag or word is only tried on tokens with it
        self._by_value: dict[tuple[int, Any], list[_Rule]] = {}
        self._always: list[_Rule] = []
        for rule in self._rules:
            keys = _index_keys(rule.tokens[0])
            for key in keys:
                self._by_value.setdefault(key, []).append(rule)
            if not keys:
                self._always.append(rule)
        # words no rule names or matches by pattern all read alike: one table row for them
        word_predicates = [
            p for r in self._rules for spec in r.tokens for p in spec if p.attribute == 1
        ]
        self._named_words = frozenset(
            word
            for p in word_predicates
            for word in (p.within if p.within is not None else {p.equals})
            if isinstance(word, str)
        )
        self._word_patterns = tuple(p.regex for p in word_predicates if p.regex is not None)
        self._words_reduced = all(p.outside is None for p in word_predicates)
        self._word_rows: dict[int, int] = {}

    @classmethod
    def from_ruler(cls, ruler: AttributeRuler) -> MemoisedAttributeRuler | None:
        """The same rules as ``ruler`` (None when a pattern is beyond this table)."""
        rules: list[_Rule] = []
        try:
            for order, pattern in enumerate(ruler.patterns):
                described: dict[str, Any] = dict(pattern)
                for alternative in described["patterns"]:
                    if not alternative:
                        raise UnsupportedPattern("empty pattern")
                    rules.append(
                        _Rule(
                            order,
                            tuple(_spec(token) for token in alternative),
                            int(described.get("index", 0)),
                            ruler.attrs[order],
                        )
                    )
        except UnsupportedPattern:
            return None
        return cls(rules, ruler.vocab.strings)

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        keys = [(t.tag, self._word_row(t.lower), t.dep, t.is_space) for t in doc]
        entries = [self._entry(key) for key in keys]
        extra: dict[int, list[_Rule]] = {}
        for position, entry in enumerate(entries):
            for rule in entry.longer:
                target = self._longer_match(rule, keys, position)
                if target is not None:
                    extra.setdefault(target, []).append(rule)
        for position, entry in enumerate(entries):
            if position in extra:
                for rule in sorted([*entry.single, *extra[position]], key=lambda r: r.order):
                    set_token_attrs(doc[position], dict(rule.attributes))
            elif entry.merged:
                set_token_attrs(doc[position], entry.merged)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 0) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def _entry(self, key: TokenKey) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            values = self._values(key)
            candidates = {
                id(rule): rule
                for rule in (
                    *self._by_value.get((0, values[0]), ()),
                    *self._by_value.get((1, values[1]), ()),
                    *self._always,
                )
            }
            first = sorted(
                (r for r in candidates.values() if _holds(r.tokens[0], values)),
                key=lambda r: r.order,
            )
            single = tuple(r for r in first if len(r.tokens) == 1)
            merged: dict[int, Any] = {}
            for rule in single:
                merged.update(rule.attributes)
            entry = _Entry(merged, single, tuple(r for r in first if len(r.tokens) > 1))
            self._entries[key] = entry
        return entry

    def _word_row(self, lower: int) -> int:
        """``lower``, or 0 (the empty string) for a word no rule can tell apart from others."""
        row = self._word_rows.get(lower)
        if row is None:
            word = self._strings[lower]
            relevant = (
                not self._words_reduced
                or word in self._named_words
                or any(pattern.search(word) for pattern in self._word_patterns)
            )
            row = lower if relevant else 0
            self._word_rows[lower] = row
        return row

    def _values(self, key: TokenKey) -> tuple[str, str, str, bool]:
        strings = self._strings
        return strings[key[0]], strings[key[1]], strings[key[2]], key[3]

    def _longer_match(self, rule: _Rule, keys: Sequence[TokenKey], start: int) -> int | None:
        """The token getting ``rule``'s attributes when it matches from ``start``
        (its first token is known to match)."""
        end = start + len(rule.tokens)
        if end > len(keys):
            return None
        if not all(
            _holds(spec, self._values(keys[start + i]))
            for i, spec in enumerate(rule.tokens)
            if i > 0
        ):
            return None
        return (start if rule.index >= 0 else end) + rule.index


def _holds(spec: _TokenSpec, values: Sequence[Any]) -> bool:
    return all(p.holds(values) for p in spec)


def _index_keys(spec: _TokenSpec) -> list[tuple[int, Any]]:
    """The (tag or word) values one of which a token must have to match ``spec``; none
    when the spec doesn't pin the tag or the word down."""
    for predicate in spec:
        if predicate.attribute in (0, 1):
            if predicate.within is not None:
                return [(predicate.attribute, v) for v in predicate.within]
            if predicate.equals is not None:
                return [(predicate.attribute, predicate.equals)]
    return []
