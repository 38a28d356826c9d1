"""Canonical speakers: every wording of one person's or organisation's name, one name.

The quote extractor names a speaker as one article writes it: ``"Tom Cruise"``
in one, ``"Cruise"`` or ``"Mr. Cruise"`` in another that never gives the first
name, ``"Donald J. Trump"`` here and ``"Donald Trump"`` there. The index groups
them into entities over the whole corpus and stores each quote under its
entity's name, so ``/who-said`` and ``quotes --speaker`` show one person once,
with every article.

The rules, on names as written (pure string work, no guessing from context):

- Leading titles are not part of a name (``Mr.``, ``Dr.``, ``Sen.``,
  ``President``, ``Vice President``, ``Gov.``…), nor a leading ``The``
  (``The New York Times`` is ``New York Times``), a possessive ``'s`` or a
  trailing ``Jr.``/``Sr.``/``III``.
- Names of two words or more are one entity when their first and last words
  agree (case-insensitive, dots ignored): ``Donald J. Trump`` and
  ``Donald Trump``, ``Hillary Rodham Clinton`` and ``Hillary Clinton``; never
  ``Bill Clinton`` and ``Hillary Clinton``.
- A one-word name (``Cruise``, ``Mr. Cruise``) joins the one entity whose last
  word it is; when several fit (``Clinton``), the one quoted in the same
  article when exactly one is, else the one quoted at least three times as
  often as each other one; otherwise it stays an entity of its own.
- An entity's name is its most frequent full wording without a title (ties:
  the longer, then alphabetical); an entity known only by one word keeps its
  most frequent wording (ties: one without a title).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

_TITLES: Final = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "mister", "dr", "doctor", "prof", "professor",
        "sir", "dame", "sen", "senator", "rep", "representative", "congressman",
        "congresswoman", "gov", "governor", "lt", "president", "vice", "mayor", "judge",
        "rev", "reverend", "sgt", "capt", "col", "adm", "gen", "former", "pope", "st",
    }
)  # fmt: skip
"""Words that open a title before a name. ``General`` and ``Justice`` are absent:
``General Motors``, ``Justice Department``; ``Gen.`` with its dot is a title."""
_ABBREVIATED_ONLY: Final = frozenset({"gen", "st", "col", "capt", "adm", "lt", "sgt"})
"""Titles that are titles only when abbreviated: ``Gen.`` but not ``General``."""
_SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TOKEN: Final = re.compile(r"\S+")
_Key = tuple[str, str, str]
DOMINANCE: Final = 3
"""A one-word name that fits several entities, none quoted in its article, goes to one
quoted this many times as often as each other one (``Trump``: Donald, not Donald Jr.)."""


@dataclass(frozen=True, slots=True)
class _Name:
    written: str
    plain: str
    """The name without its title, as written: ``"Cruise"`` for ``"Mr. Cruise"``."""
    words: tuple[str, ...]
    """Folded words of ``plain`` without dots: ``("donald", "j", "trump")``."""
    titled: bool

    @property
    def suffix(self) -> str:
        return self.words[-1] if len(self.words) > 1 and self.words[-1] in _SUFFIXES else ""

    @property
    def surname(self) -> str:
        return self.words[-2] if self.suffix else self.words[-1]

    @property
    def full(self) -> bool:
        return len(self.words) - bool(self.suffix) >= 2

    @property
    def key(self) -> _Key:
        """First word, surname, suffix: ``Donald Trump Jr.`` is not ``Donald Trump``."""
        return (self.words[0], self.surname, self.suffix)


def parse_name(written: str) -> _Name | None:
    """A speaker's name split into its words, without title; None when nothing is left."""
    tokens = _TOKEN.findall(written.replace("’", "'"))
    tokens = [t.rstrip(",;:") for t in tokens]
    if tokens and tokens[-1].lower().endswith("'s"):
        tokens[-1] = tokens[-1][:-2]
    titled = False
    while len(tokens) > 1 and _is_title(tokens[0]):
        tokens = tokens[1:]
        titled = True
    if len(tokens) > 1 and tokens[0].casefold() == "the":
        tokens = tokens[1:]
    words = tuple(w for w in (_fold(t) for t in tokens) if w)
    if not words:
        return None
    return _Name(written, " ".join(tokens), words, titled)


def _is_title(token: str) -> bool:
    word = _fold(token)
    if word not in _TITLES:
        return False
    return token.endswith(".") or word not in _ABBREVIATED_ONLY


def _fold(token: str) -> str:
    return token.casefold().replace(".", "").strip("\"“”'()[]")


class SpeakerDirectory:
    """The canonical name of every speaker of a corpus, from ``(article id, name)`` pairs.

    Pass every quote's pair (repeats count: the most frequent wording names an
    entity); then :meth:`canonical` gives the entity name of any of them.
    """

    def __init__(self, mentions: Iterable[tuple[str, str]]) -> None:
        counted: Counter[tuple[str, str]] = Counter(
            (article, name) for article, name in mentions if name and name.strip()
        )
        self._names: dict[str, _Name | None] = {}
        full_wordings: dict[_Key, Counter[str]] = {}
        short_wordings: dict[str, Counter[str]] = {}
        by_surname: dict[str, set[_Key]] = {}
        quoted_in: dict[_Key, set[str]] = {}
        for (article, written), count in counted.items():
            name = self._parse(written)
            if name is None:
                continue
            if name.full:
                full_wordings.setdefault(name.key, Counter())[name.plain] += count
                by_surname.setdefault(name.surname, set()).add(name.key)
                quoted_in.setdefault(name.key, set()).add(article)
            else:
                short_wordings.setdefault(name.words[0], Counter())[written.strip()] += count
        self._full = {key: _best(wordings) for key, wordings in full_wordings.items()}
        self._quotes = {key: wordings.total() for key, wordings in full_wordings.items()}
        self._short = {word: _best(wordings) for word, wordings in short_wordings.items()}
        self._by_surname = by_surname
        self._quoted_in = quoted_in

    def _parse(self, written: str) -> _Name | None:
        if written not in self._names:
            self._names[written] = parse_name(written)
        return self._names[written]

    def canonical(self, article_id: str, written: str | None) -> str | None:
        """The entity name for ``written`` as an article wrote it (None stays None)."""
        if written is None or not written.strip():
            return written
        name = self._parse(written)
        if name is None:
            return written
        if name.full:
            return self._full.get(name.key, name.plain)
        word = name.words[0]
        candidates = sorted(self._by_surname.get(word, ()))
        if len(candidates) > 1:
            here = [k for k in candidates if article_id in self._quoted_in.get(k, ())]
            candidates = here or _dominant(candidates, self._quotes)
        if len(candidates) == 1:
            return self._full[candidates[0]]
        return self._short.get(word, written.strip())


def _dominant(candidates: list[_Key], quotes: dict[_Key, int]) -> list[_Key]:
    """The candidate quoted at least ``DOMINANCE`` times as often as every other, if any."""
    ranked = sorted(candidates, key=lambda k: -quotes.get(k, 0))
    if quotes.get(ranked[0], 0) >= DOMINANCE * quotes.get(ranked[1], 0):
        return ranked[:1]
    return ranked


def _best(wordings: Counter[str]) -> str:
    """The most frequent wording; ties: one without a title, the longer, alphabetical."""

    def rank(item: tuple[str, int]) -> tuple[int, bool, int, str]:
        name = parse_name(item[0])
        return (-item[1], name is not None and name.titled, -len(item[0]), item[0])

    return min(wordings.items(), key=rank)[0]
