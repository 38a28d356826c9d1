"""Score quote extraction, speaker attribution and who-said against a PolNeAR split.

A split folder (``../shared/polnear/dev`` or ``train``, see its README) holds
``articles/`` (the article texts, read at evaluation time, never copied into
the project) and ``quotes_gold.json``: every direct quote (in quote marks, at
least 4 words inside them) with its character ``parts`` inside the marks, the
canonical ``speaker``, its ``key`` (surname or an organisation's main word) and
how the speaker was found (``resolution``: ``name``, ``coref`` or
``unresolved``).

Everything here is pure: predictions in, scores out. The definitions:

- **Match.** A part of a predicted quote matches a gold quote of the same
  article when their quoted characters overlap by at least half of the shorter
  one (quote marks and surrounding spaces trimmed off first). Each gold quote
  and each predicted part matches at most once, largest overlap share first.
  The gold counts each pair of marks of a split quote (``"A," she said, "B."``)
  as a quote of its own; the project extracts it as one quote of two parts,
  which so matches both.
- **Extraction.** Recall = matched gold quotes / gold quotes. Precision =
  matched predictions / scored predictions, where a prediction is scored when
  it has at least 4 words inside its marks (the gold leaves shorter quotations
  out by definition) and is not nested in another predicted quote (the gold
  has no quote inside a quote; reported speech inside a quote is neither right
  nor wrong here). A nested or short prediction that matches a gold quote still
  counts as a hit.
- **Speaker.** On matched quotes whose gold resolution is ``name`` or ``coref``:
  right when the gold ``key`` is one of the predicted speaker's words
  (case-insensitive, surrounding punctuation and a possessive 's ignored).
- **Who-said.** ``who_said_cases`` samples quotes with a known speaker
  deterministically (seeded) and cuts a 5-8 word fragment out of each; a query
  is right when the top match's speaker contains the key, as above.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

from index.models import Span
from index.speakers import SpeakerDirectory

GOLD_FILE: Final = "quotes_gold.json"
ARTICLES_DIR: Final = "articles"
MIN_OVERLAP: Final = 0.5
"""A predicted and a gold quote match when they share this share of the shorter one."""
MIN_QUOTE_WORDS: Final = 4
"""The gold's definition of a direct quote: at least this many words inside the marks."""
RESOLUTIONS: Final = ("name", "coref")
"""Resolution kinds whose speaker is scored (``unresolved`` quotes score extraction only)."""
FRAGMENT_WORDS: Final = (5, 8)
Item = TypeVar("Item")
_MARKS: Final = "\"'“”‘’«»‹›„‚`´"
_EDGE: Final = " \t\n" + _MARKS
_WORD_EDGE: Final = '.,;:!?()[]{}"“”‘’«»*'


class PolnearError(ValueError):
    """The split folder is missing or not in the expected format (message for the user)."""


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One direct quote of a PolNeAR article and its annotated speaker."""

    id: str
    article_id: str
    text: str
    parts: tuple[Span, ...]
    speaker: str | None
    key: str | None
    resolution: str
    in_headline: bool = False
    cue: str | None = None
    source: str | None = None
    """The annotated source span's text (``"he"``, ``"the campaign"``, ``"Trump"``)."""
    coref_check: str | None = None
    """For a ``coref`` quote, whether its silver speaker is the nearest person named
    before the quote (``agrees``) or not (``differs``): the gold's own sanity check."""


@dataclass(frozen=True, slots=True)
class PolnearSplit:
    """A split folder: where its articles are and its gold quotes."""

    folder: Path
    quotes: tuple[GoldQuote, ...]

    @property
    def articles_dir(self) -> Path:
        return self.folder / ARTICLES_DIR

    def limited_to(self, article_ids: Iterable[str]) -> PolnearSplit:
        """The same split with only the gold quotes of these articles."""
        wanted = set(article_ids)
        return PolnearSplit(self.folder, tuple(q for q in self.quotes if q.article_id in wanted))


@dataclass(frozen=True, slots=True)
class PredictedQuote:
    """A quote found by an extractor, reduced to what the scoring needs.

    ``parts`` are character spans into the article text; quote marks at their
    ends are trimmed by :func:`predicted_quote`.
    """

    article_id: str
    text: str
    parts: tuple[Span, ...]
    speaker: str | None
    nested: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class SpeakerScore:
    quotes: int
    right: int

    @property
    def accuracy(self) -> float:
        return _ratio(self.right, self.quotes)


@dataclass(frozen=True, slots=True)
class Attribution:
    """A matched quote whose speaker is scored: the gold quote and the predicted speaker."""

    gold: GoldQuote
    got: str | None


SpeakerError = Attribution
"""An attribution whose predicted speaker misses the gold key."""


@dataclass(frozen=True, slots=True)
class QuoteScores:
    """Extraction precision/recall and speaker accuracy per resolution kind."""

    gold: int
    predicted: int
    """Scored predictions (the precision's denominator)."""
    matched: int
    matched_predictions: int
    """Predictions counted in ``predicted`` that match a gold quote (precision's numerator)."""
    speakers: Mapping[str, SpeakerScore]
    missed: tuple[GoldQuote, ...] = ()
    spurious: tuple[PredictedQuote, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    """Every matched quote whose speaker is scored (``name`` or ``coref``), right or wrong."""
    coref_checks: Mapping[str, SpeakerScore] = field(default_factory=dict)
    """Speaker accuracy on ``coref`` quotes by the gold's ``coref_check`` (``agrees`` /
    ``differs``): the silver label is the nearest person named before the quote, or not."""

    @property
    def wrong_speakers(self) -> tuple[SpeakerError, ...]:
        """The attributions whose speaker misses the gold key, in gold order."""
        return tuple(a for a in self.attributions if not speaker_is_right(a.got, a.gold.key))

    @property
    def recall(self) -> float:
        return _ratio(self.matched, self.gold)

    @property
    def precision(self) -> float:
        return _ratio(self.matched_predictions, self.predicted)


@dataclass(frozen=True, slots=True)
class WhoSaidCase:
    """A who-said query: a fragment of a gold quote, and who said that quote."""

    fragment: str
    gold: GoldQuote


@dataclass(frozen=True, slots=True)
class WhoSaidMiss:
    case: WhoSaidCase
    got: str | None
    """The top match's speaker (None: no match, or a match without a speaker)."""
    matched: bool = True
    """False when nothing matched the fragment at all."""


@dataclass(frozen=True, slots=True)
class WhoSaidScores:
    queries: int
    right: int
    misses: tuple[WhoSaidMiss, ...] = field(default=())

    @property
    def top1(self) -> float:
        return _ratio(self.right, self.queries)


# -- loading ------------------------------------------------------------------


def load_split(folder: Path) -> PolnearSplit:
    """Read a split folder's gold quotes; raise ``PolnearError`` with a clear message."""
    if not folder.is_dir():
        raise PolnearError(f"{folder}: not a folder (expected a PolNeAR split such as .../dev)")
    gold_path = folder / GOLD_FILE
    if not gold_path.is_file():
        raise PolnearError(f"{folder}: no {GOLD_FILE} (expected a PolNeAR split folder)")
    if not (folder / ARTICLES_DIR).is_dir():
        raise PolnearError(f"{folder}: no {ARTICLES_DIR}/ folder")
    return PolnearSplit(folder, read_json_items(gold_path, "quotes", _gold_quote, "PolNeAR gold"))


def read_json_items(
    path: Path, field: str, parse: Callable[[dict[str, Any]], Item], what: str
) -> tuple[Item, ...]:
    """The entries of the JSON file's list ``field``, each parsed; ``PolnearError`` with a
    clear message when the file is unreadable or an entry is not in the ``what`` format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(parse(item) for item in data[field])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PolnearError(f"{path}: unreadable ({error})") from error
    except (KeyError, TypeError, ValueError) as error:
        raise PolnearError(f"{path}: not in the {what} format ({error!r})") from error


def _gold_quote(item: dict[str, Any]) -> GoldQuote:
    source = item.get("source")
    return GoldQuote(
        id=str(item["id"]),
        article_id=str(item["article_id"]),
        text=str(item["text"]),
        parts=tuple(Span(int(a), int(b)) for a, b in item["parts"]),
        speaker=_optional(item.get("speaker")),
        key=_optional(item.get("key")),
        resolution=str(item["resolution"]),
        in_headline=bool(item.get("in_headline", False)),
        cue=_optional(item.get("cue")),
        source=_optional(source.get("text")) if isinstance(source, dict) else None,
        coref_check=_optional(item.get("coref_check")),
    )


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


# -- predictions ----------------------------------------------------------------


def predicted_quote(
    article_id: str,
    article_text: str,
    text: str,
    parts: Sequence[Span],
    speaker: str | None,
    *,
    nested: bool = False,
) -> PredictedQuote:
    """A prediction whose parts are trimmed of quote marks and spaces at their ends."""
    return PredictedQuote(
        article_id=article_id,
        text=text,
        parts=tuple(trim_marks(article_text, part) for part in parts),
        speaker=speaker,
        nested=nested,
    )


def trim_marks(text: str, span: Span) -> Span:
    """``span`` without the quote marks and whitespace at its ends."""
    start, end = span.start, span.end
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return Span(start, end)


# -- scoring ------------------------------------------------------------------


def overlap_share(a: Sequence[Span], b: Sequence[Span]) -> float:
    """Characters shared by two sets of spans, as a share of the shorter set."""
    shorter = min(sum(map(len, a)), sum(map(len, b)))
    if shorter == 0:
        return 0.0
    return _overlap(a, b) / shorter


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> int:
    return sum(max(0, min(x.end, y.end) - max(x.start, y.start)) for x in a for y in b)


def speaker_is_right(speaker: str | None, key: str | None) -> bool:
    """True when ``key`` is one of the words of ``speaker`` (case-insensitive)."""
    if not speaker or not key:
        return False
    return _fold(key) in speaker_words(speaker)


def speaker_words(speaker: str) -> set[str]:
    """The words of a speaker's name, folded: ``"Sen. O’Neill's"`` gives ``{"sen", "o'neill"}``."""
    found: set[str] = set()
    for raw in speaker.split():
        word = _fold(raw).strip(_WORD_EDGE)
        word = word.removesuffix("'s")
        if word:
            found.add(word)
    return found


def _fold(text: str) -> str:
    return text.casefold().replace("’", "'").replace("‘", "'")


def match_quotes(
    predicted: Sequence[PredictedQuote], gold: Sequence[GoldQuote]
) -> list[tuple[int, int]]:
    """(prediction, gold) index pairs: each gold quote matched at most once, to one part.

    Each part of a prediction matches at most one gold quote, largest overlap share
    first, so a split quote (``"A," she said, "B."``: one prediction of two parts)
    matches both gold quotes ``A`` and ``B``; a prediction spanning both from one mark
    to the other is one part and matches one of them only.
    """
    candidates = [
        (share, _overlap((part,), g.parts), i, k, j)
        for i, p in enumerate(predicted)
        for k, part in enumerate(p.parts)
        for j, g in enumerate(gold)
        if p.article_id == g.article_id
        and (share := overlap_share((part,), g.parts)) >= MIN_OVERLAP
    ]
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3], c[4]))
    used_parts: set[tuple[int, int]] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, i, k, j in candidates:
        if (i, k) not in used_parts and j not in used_g:
            used_parts.add((i, k))
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def is_scored(quote: PredictedQuote) -> bool:
    """Whether a prediction counts in the precision (see the module's definitions)."""
    return not quote.nested and quote.words >= MIN_QUOTE_WORDS


def score_quotes(predicted: Sequence[PredictedQuote], gold: Sequence[GoldQuote]) -> QuoteScores:
    """Extraction and speaker scores of ``predicted`` against ``gold`` (any articles)."""
    by_article_p: dict[str, list[int]] = {}
    for i, p in enumerate(predicted):
        by_article_p.setdefault(p.article_id, []).append(i)
    by_article_g: dict[str, list[int]] = {}
    for j, g in enumerate(gold):
        by_article_g.setdefault(g.article_id, []).append(j)
    pairs: list[tuple[int, int]] = []
    for article_id in sorted(set(by_article_p) | set(by_article_g)):
        rows_p = by_article_p.get(article_id, [])
        rows_g = by_article_g.get(article_id, [])
        local = match_quotes([predicted[i] for i in rows_p], [gold[j] for j in rows_g])
        pairs.extend((rows_p[i], rows_g[j]) for i, j in local)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    scored = [i for i, p in enumerate(predicted) if is_scored(p)]
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in RESOLUTIONS}
    checks: dict[str, list[int]] = {}
    attributions: list[Attribution] = []
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        item = gold[j]
        if item.resolution not in counts:
            continue
        right = speaker_is_right(predicted[i].speaker, item.key)
        attributions.append(Attribution(item, predicted[i].speaker))
        counts[item.resolution][0] += 1
        counts[item.resolution][1] += right
        if item.resolution == "coref" and item.coref_check is not None:
            check = checks.setdefault(item.coref_check, [0, 0])
            check[0] += 1
            check[1] += right
    return QuoteScores(
        gold=len(gold),
        predicted=len(scored),
        matched=len(pairs),
        matched_predictions=sum(1 for i in scored if i in matched_p),
        speakers={kind: SpeakerScore(n, right) for kind, (n, right) in counts.items()},
        missed=tuple(g for j, g in enumerate(gold) if j not in matched_g),
        spurious=tuple(predicted[i] for i in scored if i not in matched_p),
        attributions=tuple(attributions),
        coref_checks={
            check: SpeakerScore(n, right) for check, (n, right) in sorted(checks.items())
        },
    )


# -- who-said -------------------------------------------------------------------


def who_said_cases(gold: Sequence[GoldQuote], count: int = 200, seed: int = 0) -> list[WhoSaidCase]:
    """``count`` quotes with a known speaker, sampled with ``seed``, each cut to a fragment.

    A fragment is 5 to 8 consecutive words of the quote (the length and the
    place drawn with the same seeded generator); the same split and seed always
    give the same queries.
    """
    eligible = sorted(
        (
            g
            for g in gold
            if g.resolution in RESOLUTIONS and g.key and len(g.text.split()) >= FRAGMENT_WORDS[0]
        ),
        key=lambda g: g.id,
    )
    rng = random.Random(seed)
    chosen = rng.sample(eligible, min(count, len(eligible)))
    cases: list[WhoSaidCase] = []
    for item in chosen:
        words = item.text.split()
        length = min(len(words), rng.randint(*FRAGMENT_WORDS))
        start = rng.randint(0, len(words) - length)
        cases.append(WhoSaidCase(" ".join(words[start : start + length]), item))
    return cases


def score_who_said(
    cases: Sequence[WhoSaidCase], top_speaker: Callable[[str], tuple[bool, str | None]]
) -> WhoSaidScores:
    """Ask ``top_speaker(fragment)`` -> (anything matched, top match's speaker) for each case."""
    right = 0
    misses: list[WhoSaidMiss] = []
    for case in cases:
        matched, speaker = top_speaker(case.fragment)
        if speaker_is_right(speaker, case.gold.key):
            right += 1
        else:
            misses.append(WhoSaidMiss(case, speaker, matched))
    return WhoSaidScores(queries=len(cases), right=right, misses=tuple(misses))


# -- errors by speaker ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerErrors:
    """What went wrong for one gold speaker: wrong attributions, missed quotes, who-said misses."""

    speaker: str
    wrong: tuple[SpeakerError, ...]
    missed: tuple[GoldQuote, ...]
    who_said: tuple[WhoSaidMiss, ...]

    @property
    def total(self) -> int:
        return len(self.wrong) + len(self.missed) + len(self.who_said)

    @property
    def got(self) -> Counter[str]:
        """The wrong speakers given, by how often."""
        return Counter(e.got or "(no speaker)" for e in self.wrong)


def errors_by_speaker(
    scores: QuoteScores, who_said: WhoSaidScores | None = None
) -> list[SpeakerErrors]:
    """The errors grouped by gold speaker, most errors first.

    The gold names one person in several ways (``Obama``, ``Mr. Obama``, ``President
    Obama``): they are grouped under one name as the index groups speakers.
    """
    unknown = "(unresolved speaker)"
    misses = who_said.misses if who_said else ()
    golds = [
        *(e.gold for e in scores.wrong_speakers),
        *scores.missed,
        *(m.case.gold for m in misses),
    ]
    directory = SpeakerDirectory((g.article_id, g.speaker) for g in golds if g.speaker)

    def name(gold: GoldQuote) -> str:
        return directory.canonical(gold.article_id, gold.speaker) or unknown

    wrong: dict[str, list[SpeakerError]] = {}
    missed: dict[str, list[GoldQuote]] = {}
    asked: dict[str, list[WhoSaidMiss]] = {}
    for error in scores.wrong_speakers:
        wrong.setdefault(name(error.gold), []).append(error)
    for item in scores.missed:
        missed.setdefault(name(item), []).append(item)
    for miss in misses:
        asked.setdefault(name(miss.case.gold), []).append(miss)
    groups = [
        SpeakerErrors(
            speaker,
            tuple(wrong.get(speaker, ())),
            tuple(missed.get(speaker, ())),
            tuple(asked.get(speaker, ())),
        )
        for speaker in set(wrong) | set(missed) | set(asked)
    ]
    groups.sort(key=lambda g: (-g.total, g.speaker))
    return groups


def spurious_speakers(scores: QuoteScores) -> Counter[str]:
    """The speakers given to predictions that match no gold quote, by how often."""
    return Counter(p.speaker or "(no speaker)" for p in scores.spurious)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
