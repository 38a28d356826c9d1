"""Quote quality: extraction against the gold quotes, and who-said on paraphrased queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from index.quote_index import to_quote
from index.quotes import Quote, load_gold, score_extraction
from index.quotes.gold import load_who_said
from index.service import CorpusService


def evaluate_quotes(service: CorpusService) -> dict[str, Any]:
    snapshot = service.snapshot
    predicted: dict[str, list[Quote]] = {}
    for stored in snapshot.quotes:
        predicted.setdefault(stored.article_id, []).append(to_quote(stored))
    known = {a.id for a in snapshot.articles}
    gold = [g for g in load_gold() if g.article_id in known]
    scores = score_extraction(predicted, gold)
    return {
        "quotes": {
            "gold": scores.gold,
            "extracted": scores.predicted,
            "precision": round(scores.precision, 4),
            "recall": round(scores.recall, 4),
            "speaker_accuracy": round(scores.speaker_accuracy, 4),
            "said_to_accuracy": round(scores.said_to_accuracy, 4),
            "reported_by_accuracy": round(scores.reported_by_accuracy, 4),
            "errors": [str(error) for error in scores.errors],
        },
        "who_said": evaluate_who_said(service),
    }


def evaluate_who_said(service: CorpusService, path: Path | None = None) -> dict[str, Any]:
    """Who-said accuracy on the queries in ``path`` (default: the seed set ``who_said.json``)."""
    cases = load_who_said(path)
    right = refused = 0
    errors: list[str] = []
    matchable = [c for c in cases if c.speaker is not None]
    no_match = [c for c in cases if c.speaker is None]
    for case in cases:
        result = service.who_said(case.query)
        top = result.matches[0] if result.matches else None
        if case.speaker is None:
            if top is None:
                refused += 1
            else:
                errors.append(f"{case.query!r}: expected no match, got {top.speaker!r}")
            continue
        sources = {s.id for s in top.sources} if top else set()
        ok = (
            top is not None
            and top.speaker == case.speaker
            and (case.reported_by is None or top.reported_by == case.reported_by)
            and bool(sources & set(case.article_ids))
        )
        right += ok
        if not ok:
            got = "no match" if top is None else f"{top.speaker!r} in {sorted(sources)}"
            errors.append(f"{case.query!r}: expected {case.speaker!r}, got {got}")
    return {
        "queries": len(matchable),
        "no_match_queries": len(no_match),
        "accuracy": round(right / max(1, len(matchable)), 4),
        "no_match_refused": round(refused / max(1, len(no_match)), 4),
        "errors": errors,
    }
