"""``python -m index eval``: answer quality on the evaluation sets shipped in ``evaldata/``.

Retrieval: hit@1, hit@3, MRR over answerable questions (a passage is a hit when
it contains one of the expected answer spans), highlight@1 (the highlighted
sentence itself contains or lies within the span) and no-answer accuracy over
unanswerable ones. The plain baseline (3-sentence windows of the raw text,
dense retrieval only, top-1, always answering) is scored on the same set.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
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


@dataclass(frozen=True, slots=True)
class RetrievalCase:
    question: str
    answers: tuple[str, ...]
    kind: str = "answerable"
    """answerable, off-topic (must be refused) or unanswerable (on topic, not in the text)."""


def load_retrieval_cases(path: Path = EVALDATA / "retrieval.json") -> list[RetrievalCase]:
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


def run_evaluation(service: CorpusService, baseline: bool = False) -> dict[str, Any]:
    cases = load_retrieval_cases()
    report: dict[str, Any] = {"retrieval": evaluate_service(service, cases)}
    if baseline:
        report["baseline"] = evaluate_baseline(service.settings.seeds_dir, service.embedder, cases)
    from index.quote_evaluation import evaluate_quotes

    report.update(evaluate_quotes(service))
    return report


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
    return "\n".join(lines)
