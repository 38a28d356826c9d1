"""Does a classifier over question-level features refuse better than today's rules?

``python -m bench.learned_refusal [--features FILE] [--save FILE] [--repeats N]``

1. Every tuning question (the seed questions and their extras on ``seeds/``, the
   real-news dev half and its extras on ``dev/articles/``; never the held-out or fresh
   halves) is searched as ``/ask`` searches it, and described by
   ``bench.refusal_features`` (best relevance and ranking score, margins, late
   interaction, how well each question word is matched in the best sentence, the
   rules' own checks and decision).
2. Labels: *refuse* for unanswerable and off-topic questions; *answer* for answerable
   ones whose answer is in the passages the bot would show. An answerable question
   whose answer is missed anyway costs nothing when refused: ``lenient`` labels it
   *refuse*, ``strict`` labels it *answer*.
3. Small models (logistic regression, a shallow tree) are fitted with folds grouped by
   article (the article an answerable question names, else the article of its best
   candidate), repeated with several shuffles; their out-of-fold probabilities are
   averaged over the repeats (each still out of fold).
4. Against the rules: on-topic unanswerable and off-topic questions refused, and the
   right answers kept (answered with the answer in the first passage: hit@1), for the
   model alone and as a veto on top of the rules (refuse when the rules refuse or the
   model is confident), over a sweep of thresholds; and with the veto threshold chosen
   inside each training fold (nested), which is what shipping it would give.

``--features`` reads the features saved by an earlier ``--save`` instead of searching.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.refusal_features import RefusalFeatures, describe
from index.evaluation import (
    REALNEWS,
    SEED_EXTRA_QUESTIONS,
    SEED_QUESTIONS,
    _temporary_service,
    contains_answer,
    load_retrieval_cases,
)
from index.query import clean_question
from index.service import CorpusService
from index.settings import IndexSettings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TUNING_SETS = (
    ("seeds", SEEDS, SEED_QUESTIONS),
    ("seeds extra", SEEDS, SEED_EXTRA_QUESTIONS),
    ("dev", REALNEWS / "dev" / "articles", REALNEWS / "dev" / "questions.json"),
    ("dev extra", REALNEWS / "dev" / "articles", REALNEWS / "dev" / "questions_extra.json"),
)
"""Only tuning data: the held-out and fresh halves are never read here."""
FOLDS = 5
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LabelledQuestion:
    set_name: str
    question: str
    kind: str
    """answerable, unanswerable (on topic) or off-topic."""
    group: str
    """The article it is about: the one it names, else its best candidate's."""
    hit1: bool
    """The answer is in the first passage the bot would show."""
    hit3: bool
    features: RefusalFeatures

    @property
    def should_refuse(self) -> bool:
        return self.kind != "answerable"


def collect(settings: IndexSettings) -> list[LabelledQuestion]:
    """Search every tuning question on an index of its set's articles."""
    found: list[LabelledQuestion] = []
    template = CorpusService(settings)  # one embedding model for every set's index
    services: dict[Path, CorpusService] = {}
    with tempfile.TemporaryDirectory(prefix="learned-refusal-") as tmp:
        try:
            for set_name, articles, questions in TUNING_SETS:
                service = services.get(articles)
                if service is None:
                    index_dir = Path(tmp) / f"index{len(services)}"
                    service, _ = _temporary_service(template, articles, index_dir)
                    services[articles] = service
                found += _describe_set(service, set_name, questions)
        finally:
            for service in services.values():
                service.close()
    return found


def _describe_set(service: CorpusService, set_name: str, path: Path) -> list[LabelledQuestion]:
    rows = json.loads(path.read_text(encoding="utf-8"))["questions"]
    named = {row["question"]: row.get("article") for row in rows}
    searcher = service._require().searcher
    found = []
    for case in load_retrieval_cases(path):
        text = clean_question(case.question, service.settings.max_question_chars)
        search = describe(searcher, text, service.batcher.encode_with_tokens(text))
        ranks = [i for i, p in enumerate(search.passages) if contains_answer(p, case.answers)]
        group = named.get(case.question) or search.top_article or "none"
        found.append(
            LabelledQuestion(
                set_name,
                case.question,
                case.kind,
                f"{set_name.split(maxsplit=1)[0]}:{group}",
                bool(case.answers) and ranks[:1] == [0],
                bool(case.answers) and bool(ranks),
                search.features,
            )
        )
    return found


def save(questions: Sequence[LabelledQuestion], path: Path) -> None:
    path.write_text(json.dumps([asdict(q) for q in questions], indent=1), encoding="utf-8")


def load(path: Path) -> list[LabelledQuestion]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        LabelledQuestion(**{**row, "features": RefusalFeatures(**row["features"])}) for row in rows
    ]


# -- models ------------------------------------------------------------------


ModelFactory = Callable[[], Any]


def logistic(c: float, keep: int | None = None) -> ModelFactory:
    """Standardised logistic regression; ``keep``: only the features with the best
    univariate F score on the training rows (selection inside each fold)."""

    def make() -> Any:
        from sklearn.feature_selection import SelectKBest, f_classif
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        steps: list[Any] = [StandardScaler()]
        if keep is not None:
            steps.append(SelectKBest(f_classif, k=keep))
        return make_pipeline(*steps, LogisticRegression(C=c, max_iter=5000))

    return make


def tree(depth: int) -> ModelFactory:
    def make() -> Any:
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(max_depth=depth, min_samples_leaf=8, random_state=0)

    return make


def boosted() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_depth=3, max_iter=100, learning_rate=0.05)


SWEPT_MODELS: dict[str, ModelFactory] = {
    "logistic C=0.1": logistic(0.1),
    "logistic C=1": logistic(1.0),
    "tree depth 2": tree(2),
    "tree depth 3": tree(3),
    "boosted trees (upper bound: no plain numbers)": boosted,
}
RULE_OUTPUTS = ("rules_refuse", "kind_missing", "uncovered", "numbers_missing")
RANKING_SCALE = ("best_score", "score_margin", "close_rivals", "within_secondary")
"""Features read on the ranking blend's scale, which the ranking weights move."""


def feature_sets() -> dict[str, tuple[str, ...]]:
    names = RefusalFeatures.names()
    return {
        "all features": names,
        "without the rules' outputs": tuple(n for n in names if n not in RULE_OUTPUTS),
        "without ranking-scale features": tuple(n for n in names if n not in RANKING_SCALE),
    }


def labels(questions: Sequence[LabelledQuestion], lenient: bool) -> npt.NDArray[np.int64]:
    """1: should refuse. ``lenient``: an answerable question missed anyway too."""
    return np.array(
        [int(q.should_refuse or (lenient and not q.hit3)) for q in questions], dtype=np.int64
    )


def matrix(questions: Sequence[LabelledQuestion], names: Sequence[str]) -> Floats:
    return np.array([[getattr(q.features, n) for n in names] for q in questions], dtype=float)


@dataclass(frozen=True, slots=True)
class Data:
    """The questions with their feature matrix, labels and the rules' decisions."""

    questions: Sequence[LabelledQuestion]
    x: Floats
    y: npt.NDArray[np.int64]
    rules: npt.NDArray[np.bool_]
    groups: npt.NDArray[np.str_]

    @classmethod
    def of(cls, questions: Sequence[LabelledQuestion], names: Sequence[str], lenient: bool) -> Data:
        return cls(
            questions,
            matrix(questions, names),
            labels(questions, lenient),
            np.array([bool(q.features.rules_refuse) for q in questions]),
            np.array([q.group for q in questions]),
        )

    def subset(self, rows: npt.NDArray[np.int64]) -> Data:
        return Data(
            [self.questions[i] for i in rows], self.x[rows], self.y[rows], self.rules[rows],
            self.groups[rows],
        )  # fmt: skip

    @property
    def kept(self) -> npt.NDArray[np.bool_]:
        """Right answers the rules keep (hit@1, answered)."""
        return np.array([q.hit1 for q in self.questions]) & ~self.rules


def out_of_fold(
    make: ModelFactory, data: Data, *, repeats: int, veto: bool, seed: int = 0
) -> Floats:
    """Each question's refusal probability from models that never saw its article's
    questions, averaged over ``repeats`` shuffles of the grouped folds. A veto's model is
    trained on the questions the rules answer only."""
    from sklearn.model_selection import StratifiedGroupKFold

    total = np.zeros(len(data.y))
    for shuffle in range(seed, seed + repeats):
        folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=shuffle)
        for train, test in folds.split(data.x, data.y, data.groups):
            fitted = train[~data.rules[train]] if veto else train
            model = make().fit(data.x[fitted], data.y[fitted])
            total[test] += model.predict_proba(data.x[test])[:, 1]
    return total / repeats


@dataclass(frozen=True, slots=True)
class Outcome:
    refused_unanswerable: int
    refused_off_topic: int
    kept_hit1: int
    kept_hit3: int

    @classmethod
    def of(cls, questions: Sequence[LabelledQuestion], refuse: npt.NDArray[np.bool_]) -> Outcome:
        pairs = list(zip(questions, refuse, strict=True))
        return cls(
            sum(bool(r) for q, r in pairs if q.kind == "unanswerable"),
            sum(bool(r) for q, r in pairs if q.kind == "off-topic"),
            sum(q.hit1 and not r for q, r in pairs),
            sum(q.hit3 and not r for q, r in pairs),
        )

    @property
    def refused(self) -> int:
        return self.refused_unanswerable + self.refused_off_topic

    def versus(self, rules: Outcome) -> str:
        cells = (
            ("unanswerable refused", self.refused_unanswerable, rules.refused_unanswerable),
            ("off-topic refused", self.refused_off_topic, rules.refused_off_topic),
            ("hit@1 kept", self.kept_hit1, rules.kept_hit1),
            ("answer shown kept", self.kept_hit3, rules.kept_hit3),
        )
        return "  ".join(f"{name} {mine:3d} ({mine - theirs:+d})" for name, mine, theirs in cells)


def decide(
    probability: Floats, threshold: float, rules: npt.NDArray[np.bool_], veto: bool
) -> npt.NDArray[np.bool_]:
    refuse = probability >= threshold
    return refuse | rules if veto else refuse


def sweep(
    data: Data, probability: Floats, veto: bool, budgets: Sequence[int] = (0, 1, 2, 3)
) -> list[tuple[int, float, Outcome]]:
    """For each budget of hit@1 answers lost against the rules, the threshold refusing
    the most unanswerable and off-topic questions within it."""
    base = Outcome.of(data.questions, data.rules)
    best: dict[int, tuple[float, Outcome]] = {}
    for threshold in sorted({*np.round(probability, 4).tolist(), 1.01}):
        outcome = Outcome.of(data.questions, decide(probability, threshold, data.rules, veto))
        lost = base.kept_hit1 - outcome.kept_hit1
        for budget in budgets:
            current = best.get(budget)
            if lost <= budget and (current is None or outcome.refused > current[1].refused):
                best[budget] = (float(threshold), outcome)
    return [(budget, *best[budget]) for budget in budgets if budget in best]


def chosen_threshold(make: ModelFactory, data: Data, budget_share: float, seed: int) -> float:
    """The lowest veto threshold whose out-of-fold refusals on ``data`` lose at most
    ``budget_share`` of the right answers the rules keep there."""
    inner = out_of_fold(make, data, repeats=1, veto=True, seed=seed)
    kept = data.kept
    allowed = int(budget_share * kept.sum())
    threshold = 1.01
    for candidate in sorted(set(np.round(inner, 4).tolist()), reverse=True):
        if int((kept & (inner >= candidate)).sum()) > allowed:
            break
        threshold = candidate
    return threshold


def veto_on(make: ModelFactory, train: Data, test: Data, threshold: float) -> npt.NDArray[np.bool_]:
    fitted = ~train.rules
    model = make().fit(train.x[fitted], train.y[fitted])
    return decide(model.predict_proba(test.x)[:, 1], threshold, test.rules, veto=True)


def nested_veto(make: ModelFactory, data: Data, budget_share: float, seed: int) -> Outcome:
    """The veto with its threshold chosen inside each training fold (inner grouped folds),
    as shipping it would: nothing of a test fold is seen before it is scored."""
    from sklearn.model_selection import StratifiedGroupKFold

    refuse = data.rules.copy()
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(data.x, data.y, data.groups):
        inner = data.subset(train)
        threshold = chosen_threshold(make, inner, budget_share, seed)
        refuse[test] = veto_on(make, inner, data.subset(test), threshold)
    return Outcome.of(data.questions, refuse)


def family(question: LabelledQuestion) -> str:
    """seeds (with their extras), dev or dev extra."""
    return "seeds" if question.set_name.startswith("seeds") else question.set_name


def set_out_veto(
    make: ModelFactory, data: Data, budget_share: float
) -> list[tuple[str, Outcome, Outcome]]:
    """Each family of sets scored by a veto trained (threshold included) on the others."""
    families = np.array([family(q) for q in data.questions])
    found = []
    for name in dict.fromkeys(families.tolist()):
        test = np.flatnonzero(families == name)
        train = data.subset(np.flatnonzero(families != name))
        tested = data.subset(test)
        refuse = veto_on(make, train, tested, chosen_threshold(make, train, budget_share, 0))
        found.append(
            (name, Outcome.of(tested.questions, refuse), Outcome.of(tested.questions, tested.rules))
        )
    return found


def _spread(values: Sequence[int]) -> str:
    return f"{np.mean(values):5.1f} [{min(values)}..{max(values)}]"


def report(questions: Sequence[LabelledQuestion], repeats: int, shuffles: int) -> list[str]:
    rules = np.array([bool(q.features.rules_refuse) for q in questions])
    base = Outcome.of(questions, rules)
    counts = {k: sum(q.kind == k for q in questions) for k in KINDS}
    return [
        f"questions: {counts}, article groups: {len({q.group for q in questions})}",
        "answerable with the answer first / in the passages shown: "
        f"{sum(q.hit1 for q in questions)} / {sum(q.hit3 for q in questions)}",
        f"rules: {base.versus(base)}",
        *uncovered_report(questions, base),
        "",
        *sweep_report(questions, base, repeats),
        "",
        *nested_report(questions, base, shuffles),
        "",
        *set_out_report(questions),
    ]


KINDS = ("answerable", "unanswerable", "off-topic")


def uncovered_report(questions: Sequence[LabelledQuestion], base: Outcome) -> list[str]:
    """The rules with a lower uncovered limit (in sample): what most of a model's gain is."""
    rules = np.array([bool(q.features.rules_refuse) for q in questions])
    uncovered = np.array([q.features.uncovered for q in questions])
    return [
        f"rules, uncovered limit {limit} (in sample): "
        f"{Outcome.of(questions, rules | (uncovered >= limit)).versus(base)}"
        for limit in (0.1, 0.2, 0.3)
    ]


def sweep_report(questions: Sequence[LabelledQuestion], base: Outcome, repeats: int) -> list[str]:
    lines = [
        f"== threshold sweeps on out-of-fold probabilities ({FOLDS} grouped folds x {repeats} "
        "shuffles; the threshold is picked knowing the labels: an upper bound)"
    ]
    for lenient in (True, False):
        for set_label, names in feature_sets().items():
            data = Data.of(questions, names, lenient)
            for model_name, make in SWEPT_MODELS.items():
                for veto in (False, True):
                    probability = out_of_fold(make, data, repeats=repeats, veto=veto)
                    lines.append(
                        f"[{'lenient' if lenient else 'strict'} labels | {set_label} | {model_name}"
                        f" | {'veto on the rules' if veto else 'alone'}]"
                    )
                    lines += [
                        f"  lose <= {budget} hit@1  t={threshold:.3f}: {outcome.versus(base)}"
                        for budget, threshold, outcome in sweep(data, probability, veto)
                    ]
    return lines


def shippable_models() -> dict[str, tuple[ModelFactory, tuple[str, ...]]]:
    """The veto candidates of the nested and set-out runs, with their features."""
    names = RefusalFeatures.names()
    return {
        **{
            f"logistic C={c:g} | {label}": (logistic(c), chosen)
            for label, chosen in feature_sets().items()
            for c in (0.1, 1.0)
        },
        **{
            f"logistic C=1 | best {k} features chosen in each fold": (logistic(1.0, k), names)
            for k in (6, 10)
        },
        "tree depth 2 | all features": (tree(2), names),
    }


def nested_report(questions: Sequence[LabelledQuestion], base: Outcome, shuffles: int) -> list[str]:
    lines = [
        "== nested: veto (trained on what the rules answer, lenient labels) with its threshold "
        f"chosen inside each training fold; mean [min..max] over {shuffles} outer shuffles"
    ]
    for label, (make, names) in shippable_models().items():
        data = Data.of(questions, names, lenient=True)
        for share in (0.0, 0.01):
            outcomes = [nested_veto(make, data, share, seed) for seed in range(shuffles)]
            gained = [o.refused - base.refused for o in outcomes]
            lost = [base.kept_hit1 - o.kept_hit1 for o in outcomes]
            lines.append(
                f"  {label} | budget {share:.0%}: "
                f"refused {_spread(gained)}  hit@1 lost {_spread(lost)}"
            )
    return lines


def set_out_report(questions: Sequence[LabelledQuestion]) -> list[str]:
    lines = ["== each family of sets scored by a veto trained on the others (lenient, budget 0)"]
    for label, (make, names) in shippable_models().items():
        data = Data.of(questions, names, lenient=True)
        for name, outcome, rules_outcome in set_out_veto(make, data, 0.0):
            lines.append(f"  {label} | {name:9s}: {outcome.versus(rules_outcome)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    import warnings

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--features", type=Path, help="read saved features instead of searching")
    parser.add_argument("--save", type=Path, help="save the features to this JSON file")
    parser.add_argument("--repeats", type=int, default=5, help="shuffles of the grouped folds")
    parser.add_argument("--shuffles", type=int, default=6, help="outer shuffles of the nested runs")
    args = parser.parse_args(argv)
    questions = load(args.features) if args.features else collect(IndexSettings())
    if args.save:
        save(questions, args.save)
    from threadpoolctl import threadpool_limits

    # one thread: the many small fits gain nothing from more, and spin on a shared machine
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # constant columns (the rules' outputs in a veto's rows)
        for line in report(questions, args.repeats, args.shuffles):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
