"""``python -m index eval``: answer quality on the evaluation sets shipped in ``evaldata/``.

Retrieval: hit@1, hit@3, MRR over answerable questions (a passage is a hit when
it contains one of the expected answer spans), highlight@1 (the highlighted
sentence itself contains or lies within the span) and no-answer accuracy over
unanswerable ones. The plain baseline (3-sentence windows of the raw text,
dense retrieval only, top-1, always answering) is scored on the same set.

Sets: the seed questions (``retrieval.json``) on the index being served, and
each real-news half under ``evaldata/realnews/<half>/`` (``articles/`` and
``questions.json``, optionally ``who_said.json``) on an index of that half's
articles alone, built in a temporary folder. A half without its folder is
reported as skipped. Extra questions (``retrieval_extra.json`` beside the seed
questions, ``questions_extra.json`` in a half: the refusal development set) are
scored as sets of their own on the same index, so the older sets' figures stay
comparable across sessions. Robustness (opt-in, slow): the seed questions on an index
of the seeds, every real-news article and synthetic articles, next to the
seed-only score.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.articles import load_corpus
from index.embedding import Embedder
from index.models import Span
from index.sentences import split_sentences
from index.service import CorpusService

EVALDATA = Path(__file__).parent / "evaldata"
SEED_QUESTIONS = EVALDATA / "retrieval.json"
SEED_EXTRA_QUESTIONS = EVALDATA / "retrieval_extra.json"
"""More seed questions, scored as a set of their own (``retrieval_extra``)."""
REALNEWS = EVALDATA / "realnews"
REALNEWS_HALVES = ("dev", "heldout", "fresh")
"""The real-news halves always reported (as skipped when absent), in this order."""
ROBUSTNESS_SYNTHETIC = 300
ROBUSTNESS_HALVES = ("dev", "heldout")
"""The real-news halves whose articles join the seeds in the robustness check: the ones
issue 9's target was set on, so its figure stays comparable across sessions."""

SyntheticWriter = Callable[[Path, int], object]
"""Writes that many synthetic articles (text + sidecar) into a folder (``bench.corpus``)."""


@dataclass(frozen=True, slots=True)
class RetrievalCase:
    question: str
    answers: tuple[str, ...]
    kind: str = "answerable"
    """answerable, off-topic (must be refused) or unanswerable (on topic, not in the text)."""


def load_retrieval_cases(path: Path = SEED_QUESTIONS) -> list[RetrievalCase]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        RetrievalCase(row["question"], tuple(row["answers"]), row.get("kind", "answerable"))
        for row in data["questions"]
    ]


_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-"})


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_PUNCTUATION)
    return re.sub(r"\s+", " ", text).strip()


def contains_answer(passage: str, answers: Sequence[str]) -> bool:
    plain = _norm(passage)
    return any(_norm(answer) in plain for answer in answers)


def highlight_matches(highlight: str, answers: Sequence[str]) -> bool:
    plain = _norm(highlight)
    return any(_norm(a) in plain or plain in _norm(a) for a in answers)


def score_rankings(
    cases: Sequence[RetrievalCase],
    rankings: Sequence[tuple[bool, list[str], str | None]],
) -> dict[str, Any]:
    """Metrics from, per case, (answered, passage texts best first, top highlight)."""
    answerable = [(c, r) for c, r in zip(cases, rankings, strict=True) if c.answers]
    unanswerable = [(c, r) for c, r in zip(cases, rankings, strict=True) if not c.answers]
    hits1 = hits3 = highlight1 = 0
    reciprocal = 0.0
    misses: list[str] = []
    for case, (answered, passages, highlight) in answerable:
        ranks = [
            i for i, p in enumerate(passages, 1) if answered and contains_answer(p, case.answers)
        ]
        first = ranks[0] if ranks else None
        hits1 += first == 1
        hits3 += first is not None and first <= 3
        reciprocal += 1.0 / first if first else 0.0
        if first == 1 and highlight is not None and highlight_matches(highlight, case.answers):
            highlight1 += 1
        if first != 1:
            misses.append(f"{case.question} -> {'no answer' if not answered else first or 'miss'}")
    refused = sum(1 for _, (answered, _, _) in unanswerable if not answered)
    off_topic = [(c, r) for c, r in unanswerable if c.kind == "off-topic"]
    off_topic_refused = sum(1 for _, (answered, _, _) in off_topic if not answered)
    on_topic = [(c, r) for c, r in unanswerable if c.kind != "off-topic"]
    on_topic_refused = sum(1 for _, (answered, _, _) in on_topic if not answered)
    wrongly_answered = [
        f"{c.question} ({c.kind})" for c, (answered, _, _) in unanswerable if answered
    ]
    n = max(1, len(answerable))
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": round(hits1 / n, 4),
        "hit@3": round(hits3 / n, 4),
        "mrr": round(reciprocal / n, 4),
        "highlight@1": round(highlight1 / n, 4),
        "no_answer_accuracy": round(refused / max(1, len(unanswerable)), 4),
        "off_topic_refused": round(off_topic_refused / max(1, len(off_topic)), 4),
        "unanswerable_refused_of": f"{on_topic_refused}/{len(on_topic)}",
        "off_topic_refused_of": f"{off_topic_refused}/{len(off_topic)}",
        "misses": misses,
        "wrongly_answered": wrongly_answered,
    }


def evaluate_service(service: CorpusService, cases: Sequence[RetrievalCase]) -> dict[str, Any]:
    rankings = []
    for case in cases:
        result = service.ask(case.question, k=3)
        rankings.append(
            (
                result.answered,
                [hit.text for hit in result.passages],
                result.passages[0].highlight if result.passages else None,
            )
        )
    return score_rankings(cases, rankings)


def evaluate_baseline(
    seeds_dir: Path, embedder: Embedder, cases: Sequence[RetrievalCase]
) -> dict[str, Any]:
    """3-sentence windows of the raw article text, dense only, top-1, always answering."""
    windows: list[str] = []
    for article in load_corpus(seeds_dir).articles:
        text = article.text
        sentences = [
            text[s.span.start : s.span.end]
            for match in re.finditer(r"[^\n]+", text)
            for s in split_sentences(text, Span(match.start(), match.end()))
        ]
        windows += [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    vectors = embedder.encode_queries(windows)
    rankings = []
    for case in cases:
        query = embedder.encode_queries([case.question])[0]
        order = np.argsort(-(vectors @ query))
        rankings.append((True, [windows[int(order[0])]], None))
    return score_rankings(cases, rankings)


@dataclass(frozen=True, slots=True)
class RealNewsSet:
    """One real-news half: its articles folder and questions (who-said queries if any)."""

    name: str
    folder: Path

    @property
    def articles(self) -> Path:
        return self.folder / "articles"

    @property
    def questions(self) -> Path:
        return self.folder / "questions.json"

    @property
    def extra_questions(self) -> Path:
        """More questions on the same articles, scored as a set of their own."""
        return self.folder / "questions_extra.json"

    @property
    def who_said(self) -> Path:
        return self.folder / "who_said.json"

    @property
    def present(self) -> bool:
        return self.articles.is_dir() and self.questions.is_file()


def realnews_sets(root: Path = REALNEWS) -> list[RealNewsSet]:
    """The known halves (present or not), then any other half found under ``root``."""
    names = list(REALNEWS_HALVES)
    if root.is_dir():
        names += sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in names)
    return [RealNewsSet(name, root / name) for name in names]


def missing_spans(half: RealNewsSet) -> list[str]:
    """Answerable questions (of ``questions.json`` and ``questions_extra.json``) none of
    whose spans is in the article they name."""
    rows = [
        row
        for path in (half.questions, half.extra_questions)
        if path.is_file()
        for row in json.loads(path.read_text(encoding="utf-8"))["questions"]
    ]
    texts: dict[str, str] = {}
    missing = []
    for row in rows:
        if row.get("kind", "answerable") != "answerable":
            continue
        slug = row.get("article", "")
        path = half.articles / f"{slug}.txt"
        if slug not in texts:
            texts[slug] = _norm(path.read_text(encoding="utf-8")) if path.is_file() else ""
        if not any(_norm(answer) in texts[slug] for answer in row["answers"]):
            missing.append(f"{row['question']} ({slug or 'no article'})")
    return missing


def _temporary_service(
    template: CorpusService, articles: Path, index_dir: Path
) -> tuple[CorpusService, float]:
    """A service over ``articles`` with its index built in ``index_dir``; build seconds."""
    settings = template.settings.model_copy(update={"seeds_dir": articles, "index_dir": index_dir})
    service = CorpusService(settings, embedder=template.embedder)
    started = time.perf_counter()
    service.reindex()
    return service, time.perf_counter() - started


def evaluate_realnews(
    template: CorpusService, half: RealNewsSet, baseline: bool = False
) -> dict[str, Any]:
    """Scores of one half on an index of its own articles (built in a temporary folder)."""
    cases = load_retrieval_cases(half.questions)
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=f"eval-{half.name}-") as tmp:
        service, seconds = _temporary_service(template, half.articles, Path(tmp) / "index")
        try:
            scores = evaluate_service(service, cases)
            scores["articles"] = len(service.snapshot.articles)
            scores["build_seconds"] = round(seconds, 1)
            report[f"realnews_{half.name}"] = scores
            if half.extra_questions.is_file():
                report[f"realnews_{half.name}_extra"] = evaluate_service(
                    service, load_retrieval_cases(half.extra_questions)
                )
            if baseline:
                report[f"realnews_{half.name}_baseline"] = evaluate_baseline(
                    half.articles, service.embedder, cases
                )
            if half.who_said.is_file():
                from index.quote_evaluation import evaluate_who_said

                report[f"realnews_{half.name}_who_said"] = evaluate_who_said(service, half.who_said)
        finally:
            service.close()
    return report


def evaluate_robustness(
    template: CorpusService,
    seed_scores: dict[str, Any],
    halves: Sequence[RealNewsSet],
    write_synthetic: SyntheticWriter,
    synthetic: int = ROBUSTNESS_SYNTHETIC,
) -> dict[str, Any]:
    """The seed questions on seeds + every real-news article + synthetic ones."""
    cases = load_retrieval_cases()
    with tempfile.TemporaryDirectory(prefix="eval-robustness-") as tmp:
        corpus = Path(tmp) / "articles"
        folders = [template.settings.seeds_dir] + [
            h.articles for h in halves if h.present and h.name in ROBUSTNESS_HALVES
        ]
        for folder in folders:
            _copy_articles(folder, corpus)
        write_synthetic(corpus, synthetic)
        service, seconds = _temporary_service(template, corpus, Path(tmp) / "index")
        try:
            scores = evaluate_service(service, cases)
            articles = len(service.snapshot.articles)
        finally:
            service.close()
    answerable = scores["answerable"]
    lost = round((seed_scores["hit@1"] - scores["hit@1"]) * answerable)
    return {
        "articles": articles,
        "synthetic_articles": synthetic,
        "build_seconds": round(seconds, 1),
        "seed_hit@1": seed_scores["hit@1"],
        "hit@1_delta": round(scores["hit@1"] - seed_scores["hit@1"], 4),
        "seed_questions_lost_at_1": lost,
        **scores,
    }


def _copy_articles(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file() and path.suffix in {".txt", ".md", ".json"}:
            destination = target / path.name
            if destination.exists():
                raise ValueError(f"two evaluation articles are named {path.name}")
            shutil.copy2(path, destination)


def run_evaluation(
    service: CorpusService,
    baseline: bool = False,
    realnews: Sequence[RealNewsSet] | None = None,
    write_synthetic: SyntheticWriter | None = None,
) -> dict[str, Any]:
    """Every set's scores; robustness too when ``write_synthetic`` is given."""
    cases = load_retrieval_cases()
    report: dict[str, Any] = {"retrieval": evaluate_service(service, cases)}
    if SEED_EXTRA_QUESTIONS.is_file():
        report["retrieval_extra"] = evaluate_service(
            service, load_retrieval_cases(SEED_EXTRA_QUESTIONS)
        )
    if baseline:
        report["baseline"] = evaluate_baseline(service.settings.seeds_dir, service.embedder, cases)
    from index.quote_evaluation import evaluate_quotes

    report.update(evaluate_quotes(service))
    halves = realnews_sets() if realnews is None else list(realnews)
    for half in halves:
        if not half.present:
            report[f"realnews_{half.name}"] = {
                "skipped": f"no articles or questions in {half.folder}"
            }
            continue
        bad = missing_spans(half)
        if bad:
            report[f"realnews_{half.name}_data"] = {"spans_not_in_their_article": bad}
        report.update(evaluate_realnews(service, half, baseline))
    if write_synthetic is not None:
        report["robustness"] = evaluate_robustness(
            service, report["retrieval"], halves, write_synthetic
        )
    return report


_SUMMARY_SETS = (
    ("seeds", "retrieval", "baseline"),
    ("seeds extra", "retrieval_extra", None),
    ("realnews dev", "realnews_dev", "realnews_dev_baseline"),
    ("realnews dev extra", "realnews_dev_extra", None),
    ("realnews heldout", "realnews_heldout", "realnews_heldout_baseline"),
    ("realnews fresh", "realnews_fresh", "realnews_fresh_baseline"),
    ("robustness", "robustness", None),
)
_SUMMARY_COLUMNS = (
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("MRR", "mrr"),
    ("hl@1", "highlight@1"),
    ("unans refused", "unanswerable_refused_of"),
    ("off-topic refused", "off_topic_refused_of"),
)


def summary_rows(report: dict[str, Any]) -> list[list[str]]:
    """One row per scored set and per baseline beside it (the table ``format_report`` ends with)."""
    rows = [["set"] + [title for title, _ in _SUMMARY_COLUMNS]]
    known = {key for _, key, _ in _SUMMARY_SETS}
    extra = [
        (key.removeprefix("realnews_").replace("_", " "), key, f"{key}_baseline")
        for key in report
        if key.startswith("realnews_")
        and key not in known
        and "hit@1" in report[key]
        and not key.endswith("_baseline")
    ]
    for label, key, base in (*_SUMMARY_SETS, *extra):
        for name, scores in ((label, report.get(key)), ("  baseline", report.get(base or ""))):
            if isinstance(scores, dict) and "hit@1" in scores:
                rows.append([name] + [_cell(scores[k]) for _, k in _SUMMARY_COLUMNS])
            elif isinstance(scores, dict) and "skipped" in scores:
                rows.append([name, "skipped: " + scores["skipped"]])
    return rows


def _cell(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def format_report(report: dict[str, Any]) -> str:
    lines: list[str] = []
    for name, scores in report.items():
        lines.append(f"== {name}")
        for key, value in scores.items():
            if isinstance(value, list):
                if value:
                    lines.append(f"  {key}:")
                    lines.extend(f"    - {item}" for item in value)
            elif isinstance(value, float):
                lines.append(f"  {key}: {value:.3f}")
            else:
                lines.append(f"  {key}: {value}")
    rows = summary_rows(report)
    table = [row for row in rows if len(row) > 2]
    widths = [max(len(row[i]) for row in table) for i in range(len(rows[0]))]
    widths[0] = max(len(row[0]) for row in rows)
    lines.append("== summary (each set next to the plain baseline)")
    for row in rows:
        cells = row if len(row) > 2 else [row[0].ljust(widths[0]), row[1]]
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)))
    return "\n".join(lines)
