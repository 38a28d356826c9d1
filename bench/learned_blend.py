"""Does a ranking blend learned from data, judged out of fold, rank better than the hand
weights of ``SearchConfig``?

``python -m bench.learned_blend [--folds 5] [--repeats 3] [--json]`` (``--folds 0``: leave
one article out). About 30 s of CPU, most of it building the two indexes.

1. The tuning sets only: the seed questions (``retrieval.json`` and
   ``retrieval_extra.json``) on an index of ``seeds/``, and the real-news dev half
   (``questions.json`` and ``questions_extra.json``) on an index of its articles. The
   held-out and fresh halves are never read.
2. For each answerable question, :meth:`index.search.Searcher.ranking_inputs` gives every
   candidate sentence's features (the ranking's own inputs, plus a few cheap extras: the
   passage's place in the dense list, the sentence's place in its article, its length);
   a passage is right when it contains one of the answer spans
   (:func:`index.evaluation.contains_answer`).
3. A blend scores each sentence as ``weights · features``, and a passage by its best
   sentence, as the ranking does (its passage-level terms are the same for each of its
   sentences). Passages the no-answer threshold drops (``relevance``, which no ranking
   weight changes) are left out, so a question whose candidates are all dropped is a miss
   whatever the blend.
4. Learned blends are fitted on folds of articles (scikit-learn's ``GroupKFold``,
   shuffled, ``--repeats`` times; each dev article is a group, and so is each seed
   article) and scored on the questions of the articles left out: pairwise logistic
   regression on right-vs-wrong sentences of a question, and coordinate ascent on hit@1
   (MRR breaking ties) from the hand weights. The hand weights are scored on the same
   questions (they were tuned on these very sets: in sample, so favoured).

hit@1 / hit@3 / MRR here are those of the candidate ranking; ``python -m index eval``
scores the served answers (duplicates merged, refusals), which differ slightly.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

from index.answer_types import question_type
from index.blocks import block_rows, row_offsets
from index.evaluation import (
    REALNEWS,
    SEED_EXTRA_QUESTIONS,
    SEED_QUESTIONS,
    _norm,
    _temporary_service,
    contains_answer,
    load_retrieval_cases,
)
from index.lexical import tokenize
from index.query import clean_question
from index.search import RankingInputs, SearchConfig, Searcher
from index.service import CorpusService
from index.settings import IndexSettings

Floats = npt.NDArray[np.float64]

HAND_FEATURES = (
    "passage_similarity",
    "passage_late",
    "passage_bm25",
    "similarity",
    "coverage_in_context",
    "late",
    "typed",
)
"""The features the hand blend weighs, in the order of :func:`hand_weights`."""
EXTRA_FEATURES = ("coverage", "dense_nearness", "early", "short")
"""Cheap extras already at hand: coverage without the title, 1 / (1 + dense rank),
1 / (1 + the sentence's place in its article), 1 / log2(2 + its word count)."""
FEATURES = HAND_FEATURES + EXTRA_FEATURES


def hand_weights(config: SearchConfig, features: Sequence[str] = FEATURES) -> Floats:
    """``SearchConfig``'s ranking weights on ``features`` (0 for the extras)."""
    weights = {
        "passage_similarity": config.passage_weight,
        "passage_late": config.passage_late_weight,
        "passage_bm25": config.bm25_weight,
        "similarity": config.sentence_weight,
        "coverage_in_context": config.lexical_weight,
        "late": config.late_weight,
        "typed": config.answer_type_bonus,
    }
    return np.array([weights.get(name, 0.0) for name in features])


@dataclass(frozen=True, slots=True, eq=False)
class Question:
    """One answerable question's candidates, as a blend sees them."""

    text: str
    set_name: str
    group: str
    """The article the question is about (the folds never split one)."""
    features: Floats
    """One row per sentence of the kept passages, one column per ``FEATURES`` name."""
    bounds: npt.NDArray[np.int64]
    """Passage ``i``'s sentences are rows ``bounds[i]:bounds[i + 1]``."""
    right: npt.NDArray[np.bool_]
    """Per kept passage: whether it contains an answer span."""
    answering: npt.NDArray[np.bool_]
    """Per sentence: whether the sentence itself holds (or lies in) an answer span."""


def first_right_rank(question: Question, weights: Floats) -> int | None:
    """The place (1 = top) of the best right passage under ``weights`` (ties go against
    it), or ``None`` when no kept passage is right."""
    if not question.right.any():
        return None
    scores = np.maximum.reduceat(question.features @ weights, question.bounds[:-1])
    best_right = scores[question.right].max()
    return 1 + int((scores[~question.right] >= best_right).sum())


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@3, MRR (and the hit@1 count) over the questions' first right ranks."""
    n = max(1, len(ranks))
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
        "hits": float(sum(r == 1 for r in ranks)),
        "questions": float(len(ranks)),
    }


@dataclass(frozen=True, slots=True, eq=False)
class Pool:
    """Questions stacked, so that a blend ranks them all in a few array operations."""

    features: Floats
    passage_starts: npt.NDArray[np.int64]
    """Each passage's first sentence row."""
    question_starts: npt.NDArray[np.int64]
    """Each question's first passage (only questions with a right passage are kept)."""
    right: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, questions: Sequence[Question]) -> Pool:
        kept = [q for q in questions if q.right.any()]
        rows = np.cumsum([0] + [len(q.features) for q in kept])
        passages = np.cumsum([0] + [len(q.right) for q in kept])
        return cls(
            features=np.concatenate([q.features for q in kept]),
            passage_starts=np.concatenate([q.bounds[:-1] + rows[i] for i, q in enumerate(kept)]),
            question_starts=passages[:-1],
            right=np.concatenate([q.right for q in kept]),
        )

    def first_right_ranks(self, weights: Floats) -> npt.NDArray[np.int64]:
        """Each kept question's :func:`first_right_rank`."""
        scores = np.maximum.reduceat(self.features @ weights, self.passage_starts)
        best_right = np.maximum.reduceat(
            np.where(self.right, scores, -np.inf), self.question_starts
        )
        per_passage = np.repeat(best_right, np.diff(np.r_[self.question_starts, len(scores)]))
        ahead = (~self.right & (scores >= per_passage)).astype(np.int64)
        ranks: npt.NDArray[np.int64] = 1 + np.add.reduceat(ahead, self.question_starts)
        return ranks


def _objective(pool: Pool, weights: Floats) -> float:
    ranks = pool.first_right_ranks(weights)
    return float((ranks == 1).sum() + 0.1 * (1.0 / ranks).sum())


def fit_ascent(
    questions: Sequence[Question],
    start: Floats,
    used: npt.NDArray[np.bool_],
    *,
    steps: Sequence[float] = (-0.2, -0.1, -0.05, -0.02, 0.02, 0.05, 0.1, 0.2),
    passes: int = 4,
) -> Floats:
    """Coordinate ascent on hit@1 (+0.1 MRR) from ``start``, moving the ``used`` weights
    but the sentence similarity's (a blend's scale is free). A move must gain: ties keep
    the weight."""
    weights = start.copy()
    pool = Pool.of(questions)
    best = _objective(pool, weights)
    fixed = FEATURES.index("similarity")
    for _ in range(passes):
        moved = False
        for j in range(len(weights)):
            if j == fixed or not used[j]:
                continue
            for step in steps:
                trial = weights.copy()
                trial[j] += step
                value = _objective(pool, trial)
                if value > best + 1e-9:
                    best, weights, moved = value, trial, True
        if not moved:
            break
    return weights


def fit_pairwise(
    questions: Sequence[Question], used: npt.NDArray[np.bool_], c: float = 1.0
) -> Floats:
    """Pairwise logistic regression: each answering sentence (or, where none holds the
    span, each sentence of a right passage) against each sentence of a wrong passage of
    the same question, each question weighing the same. Features are standardised for
    the fit; the weights returned apply to the raw features, scaled so the sentence
    similarity's weight is the hand blend's (the scale that ``secondary_margin`` reads)."""
    rows = np.concatenate([q.features for q in questions])[:, used]
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    differences: list[Floats] = []
    sample: list[Floats] = []
    for q in questions:
        features = q.features[:, used]
        sentence_right = np.repeat(q.right, np.diff(q.bounds))
        positive = features[q.answering & sentence_right]
        if not len(positive):
            positive = features[sentence_right]
        negative = features[~sentence_right]
        if not len(positive) or not len(negative):
            continue
        pairs = (positive[:, None, :] - negative[None, :, :]).reshape(-1, rows.shape[1])
        differences.append(pairs / scale)
        sample.append(np.full(len(pairs), 1.0 / len(pairs)))
    x = np.concatenate(differences)
    w = np.concatenate(sample)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))], np.r_[w, w])
    weights = np.zeros(len(FEATURES))
    weights[used] = model.coef_[0] / scale
    anchor = weights[FEATURES.index("similarity")]
    if anchor > 0:
        weights = weights * (SearchConfig().sentence_weight / anchor)
    return weights


def fit_softmax(
    questions: Sequence[Question],
    start: Floats,
    used: npt.NDArray[np.bool_],
    *,
    temperature: float = 0.05,
    l2: float = 1.0,
) -> Floats:
    """Listwise: minimise each question's softmax cross-entropy of its right passages
    against all its kept passages (a passage scored by its best sentence; ``temperature``
    on the ranking's scale), plus ``l2`` times the squared distance to ``start``. The
    sentence similarity's weight stays put (it fixes the scale)."""
    pool = Pool.of(questions)
    fixed = FEATURES.index("similarity")
    free = used.copy()
    free[fixed] = False
    ends = np.r_[pool.question_starts[1:], len(pool.right)]
    sizes = ends - pool.question_starts

    def loss(values: Floats) -> float:
        weights = start.copy()
        weights[free] = values
        scores = np.maximum.reduceat(pool.features @ weights, pool.passage_starts) / temperature
        top = np.repeat(np.maximum.reduceat(scores, pool.question_starts), sizes)
        shifted = np.exp(scores - top)
        every = np.add.reduceat(shifted, pool.question_starts)
        right = np.add.reduceat(np.where(pool.right, shifted, 0.0), pool.question_starts)
        penalty = l2 * float(((values - start[free]) ** 2).sum())
        return float(np.log(every / right).sum()) + penalty

    found = minimize(loss, start[free], method="Powell")
    weights = start.copy()
    weights[free] = found.x
    return weights


Fitter = Callable[[Sequence[Question]], Floats]


def out_of_fold(
    questions: Sequence[Question], fit: Fitter, folds: int, seed: int
) -> tuple[list[int | None], list[Floats]]:
    """Each question's first right rank under a blend fitted without its article."""
    groups = [q.group for q in questions]
    ranks: list[int | None] = [None] * len(questions)
    fitted: list[Floats] = []
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(questions)), groups=groups):
        weights = fit([questions[i] for i in train])
        fitted.append(weights)
        for i in test:
            ranks[i] = first_right_rank(questions[i], weights)
    return ranks, fitted


# -- collecting the candidates ----------------------------------------------------------


def _article_sentence_places(searcher: Searcher) -> dict[tuple[str, int], int]:
    """(article id, sentence start) -> the sentence's place in its article (0: first)."""
    starts: dict[str, set[int]] = {}
    for passage in searcher.snapshot.passages:
        starts.setdefault(passage.article_id, set()).update(s.start for s in passage.sentences)
    return {
        (article, start): place
        for article, found in starts.items()
        for place, start in enumerate(sorted(found))
    }


def _feature_rows(
    searcher: Searcher, inputs: RankingInputs, places: dict[tuple[str, int], int]
) -> Floats:
    snapshot = searcher.snapshot
    per = inputs.per_sentence
    passage_of = per(inputs.passage_ids.astype(np.float64)).astype(np.int64)
    offsets = snapshot.sentence_offsets
    early, short = [], []
    for row, passage_id in zip(inputs.rows.tolist(), passage_of.tolist(), strict=True):
        passage = snapshot.passages[passage_id]
        span = passage.sentences[row - int(offsets[passage_id])]
        early.append(1.0 / (1 + places[(passage.article_id, span.start)]))
        short.append(1.0 / math.log2(2 + len(tokenize(searcher._sentence_text(row)))))
    columns = {
        "passage_similarity": per(inputs.passage_similarity),
        "passage_late": per(inputs.passage_late),
        "passage_bm25": per(inputs.passage_bm25),
        "similarity": inputs.similarity,
        "coverage_in_context": inputs.coverage_in_context,
        "late": inputs.late,
        "typed": inputs.typed,
        "coverage": inputs.coverage,
        "dense_nearness": per(1.0 / (1.0 + inputs.dense_rank.astype(np.float64))),
        "early": np.array(early),
        "short": np.array(short),
    }
    return np.column_stack([columns[name] for name in FEATURES])


def collect(
    service: CorpusService,
    paths: Sequence[Path],
    set_name: str,
    group_of: Callable[[dict[str, Any]], str],
) -> list[Question]:
    """The answerable questions of ``paths`` on ``service``'s index, as blends see them."""
    searcher = Searcher(service.snapshot, service.embedder)
    places = _article_sentence_places(searcher)
    questions: list[Question] = []
    for path in paths:
        raw = json.loads(path.read_text(encoding="utf-8"))["questions"]
        for row, case in zip(raw, load_retrieval_cases(path), strict=True):
            if not case.answers:
                continue
            text = clean_question(case.question, service.settings.max_question_chars)
            encoding = service.batcher.encode_with_tokens(text)  # as ``ask`` encodes
            inputs = searcher.ranking_inputs(
                text, encoding.vector, encoding.tokens, question_type(text)
            )
            assert inputs is not None
            relevant = inputs.relevances(searcher.config) >= searcher.config.answer_threshold
            keep = relevant & (np.diff(inputs.bounds) > 0)
            features = _feature_rows(searcher, inputs, places)
            chosen = np.flatnonzero(keep)
            row_index = block_rows(inputs.bounds, chosen)
            bounds = row_offsets(np.diff(inputs.bounds)[chosen].tolist())
            passages = [searcher.snapshot.passages[int(inputs.passage_ids[i])] for i in chosen]
            sentences = [searcher._sentence_text(int(inputs.rows[r])) for r in row_index]
            spans = [_norm(a) for a in case.answers]
            questions.append(
                Question(
                    text=case.question,
                    set_name=set_name,
                    group=f"{set_name}:{group_of(row)}",
                    features=features[row_index],
                    bounds=bounds,
                    right=np.array([contains_answer(p.text, case.answers) for p in passages], bool),
                    answering=np.array(
                        [any(a in _norm(s) or _norm(s) in a for a in spans) for s in sentences],
                        bool,
                    ),
                )
            )
    return questions


def _seed_article_of(service: CorpusService) -> Callable[[dict[str, Any]], str]:
    """The seed article holding a question's answer (seed questions name none)."""
    texts: dict[str, str] = {}
    for passage in service.snapshot.passages:
        texts[passage.article_id] = texts.get(passage.article_id, "") + " " + passage.text

    def group(row: dict[str, Any]) -> str:
        for article, text in texts.items():
            if contains_answer(text, row["answers"]):
                return article
        return "none"

    return group


def collect_all() -> list[Question]:
    """The seed and dev questions with their candidates (two temporary indexes)."""
    settings = IndexSettings()
    template = CorpusService(settings)
    questions: list[Question] = []
    dev = REALNEWS / "dev"
    sets = [
        ("seeds", settings.seeds_dir, [SEED_QUESTIONS, SEED_EXTRA_QUESTIONS]),
        ("dev", dev / "articles", [dev / "questions.json", dev / "questions_extra.json"]),
    ]
    for name, articles, paths in sets:
        with tempfile.TemporaryDirectory(prefix=f"learned-blend-{name}-") as tmp:
            service, _ = _temporary_service(template, articles, Path(tmp) / "index")
            try:
                group_of = _seed_article_of(service) if name == "seeds" else _by_article
                questions += collect(service, paths, name, group_of)
            finally:
                service.close()
    return questions


def _by_article(row: dict[str, Any]) -> str:
    return str(row.get("article", "none"))


# -- the comparison -----------------------------------------------------------------------


def compare(questions: Sequence[Question], folds: int, repeats: int) -> dict[str, Any]:
    """Hand weights and each learned blend, out of fold, by set; the learned blends'
    weights averaged over their fits. ``folds`` 0: one fold per article (leave one
    article out; a single run, there being nothing to shuffle)."""
    if folds == 0:
        folds, repeats = len({q.group for q in questions}), 1
    hand = hand_weights(SearchConfig())
    in_hand = np.array([name in HAND_FEATURES for name in FEATURES])
    every = np.ones(len(FEATURES), bool)
    # a start that knows nothing of the hand weights (they were tuned on these questions)
    flat = np.where(in_hand, 0.1, 0.0)
    flat[FEATURES.index("similarity")] = hand[FEATURES.index("similarity")]
    fitters: dict[str, Fitter] = {
        "ascent, hand features": lambda qs: fit_ascent(qs, hand, in_hand),
        "ascent, + extras": lambda qs: fit_ascent(qs, hand, every),
        "ascent from flat, hand features": lambda qs: fit_ascent(qs, flat, in_hand),
        "softmax T=0.05, hand features": lambda qs: fit_softmax(qs, hand, in_hand),
        "softmax T=0.1, hand features": lambda qs: fit_softmax(qs, hand, in_hand, temperature=0.1),
        "softmax T=0.05, + extras": lambda qs: fit_softmax(qs, hand, every),
        "pairwise, hand features": lambda qs: fit_pairwise(qs, in_hand),
        "pairwise, + extras": lambda qs: fit_pairwise(qs, every),
    }
    hand_ranks = [first_right_rank(q, hand) for q in questions]
    report: dict[str, Any] = {"hand": _by_set(questions, hand_ranks)}
    for name, fit in fitters.items():
        runs = []
        weights: list[Floats] = []
        for seed in range(repeats):
            ranks, fitted = out_of_fold(questions, fit, folds, seed)
            runs.append(_by_set(questions, ranks))
            weights += fitted
        mean = np.mean(weights, axis=0).round(3).tolist()
        report[name] = {"runs": runs, "mean_weights": dict(zip(FEATURES, mean, strict=True))}
    return report


def _by_set(
    questions: Sequence[Question], ranks: Sequence[int | None]
) -> dict[str, dict[str, float]]:
    names = ["all", *sorted({q.set_name for q in questions})]
    return {
        name: metrics(
            [r for q, r in zip(questions, ranks, strict=True) if name in ("all", q.set_name)]
        )
        for name in names
    }


def format_report(report: dict[str, Any]) -> str:
    """Per blend and set: hit@1 count (mean over the runs, then its range), hit@1, hit@3
    and MRR (means); then the blend's mean weights."""
    lines = [
        "out of fold (hand: in sample)   per set: hit@1 count mean [min-max] / questions"
        "  hit@1 hit@3 MRR"
    ]
    for name, scored in report.items():
        runs: list[dict[str, dict[str, float]]] = scored.get("runs", [scored])
        cells = []
        for set_name in runs[0]:
            hits = [run[set_name]["hits"] for run in runs]
            mean = {
                k: float(np.mean([run[set_name][k] for run in runs])) for k in runs[0][set_name]
            }
            cells.append(
                f"{set_name} {mean['hits']:.1f} [{min(hits):.0f}-{max(hits):.0f}]/"
                f"{mean['questions']:.0f} {mean['hit@1']:.3f} {mean['hit@3']:.3f} {mean['mrr']:.3f}"
            )
        lines.append(f"  {name:<32} " + "   ".join(cells))
        if "mean_weights" in scored:
            weights = ", ".join(f"{k} {v:+.3f}" for k, v in scored["mean_weights"].items())
            lines.append(f"  {'':<32} mean weights: {weights}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--folds", type=int, default=5, help="folds of articles (0: leave one article out)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="shuffles of the articles into folds"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = compare(collect_all(), args.folds, args.repeats)
    print(json.dumps(report, indent=2) if args.json else format_report(report))


if __name__ == "__main__":
    main()
