"""Run a quote extractor over a PolNeAR split and score it (``python -m index eval-quotes``).

The project's extractor runs exactly as the index builder runs it: each
article is cleaned, its quotes extracted and attributed
(:func:`index.quote_index.article_quotes`), and an index is built over the
split's articles (:func:`index.builder.build_snapshot`, timed: the build time
of the split). Who-said queries then go through the project's quote search
(:class:`index.quote_search.QuoteSearcher`) over that index. Another extractor
(``bench/quotes_vs_textacy.py``) plugs in as a :class:`QuoteSystem` and is
measured the same way. The scoring itself is :mod:`index.polnear`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from index.articles import LoadedCorpus, load_corpus
from index.cleaning import CleanedArticle, clean_article
from index.coref_audit import AuditLabel, CorefAuditScores, score_coref_audit
from index.embedding import Embedder
from index.errors import InvalidQuery
from index.models import Article, StoredQuote
from index.polnear import (
    MIN_OVERLAP,
    PolnearError,
    PolnearSplit,
    PredictedQuote,
    QuoteScores,
    SpeakerScore,
    WhoSaidCase,
    WhoSaidScores,
    errors_by_speaker,
    predicted_quote,
    score_quotes,
    score_who_said,
    spurious_speakers,
)
from index.query import normalise_query
from index.quote_index import (
    ArticlesQuoteExtractor,
    QuoteExtractor,
    article_quotes,
    articles_quotes,
    to_stored,
)
from index.quote_search import QuoteSearcher
from index.quotes import Quote

MATCHING = (
    f"a predicted quote (or a part of a split one) matches a gold quote of the same article "
    f"when their quoted characters (marks trimmed) overlap by >= {MIN_OVERLAP:.0%} of the "
    "shorter, one-to-one; precision "
    "counts predictions of >= 4 words not nested in another quote; a speaker is right when "
    "the gold key is one of its words (case-insensitive); who-said: top match's speaker"
)


@dataclass(frozen=True)
class QuoteSystem:
    """A named quote extractor: (article, cleaned article) -> attributed quotes.

    ``extract_many`` does the same for many articles at once, as the index builder asks
    (the project's parses them in batches); without it articles go one by one.
    """

    name: str
    extract: QuoteExtractor
    extract_many: ArticlesQuoteExtractor | None = None

    def extract_all(self, articles: Sequence[tuple[Article, CleanedArticle]]) -> list[list[Quote]]:
        if self.extract_many is not None:
            return self.extract_many(articles)
        return [self.extract(article, cleaned) for article, cleaned in articles]


PROJECT = QuoteSystem("newsdesk-bot", article_quotes, articles_quotes)


@dataclass(frozen=True)
class SystemRun:
    """One extractor's figures on one split."""

    system: str
    articles: int
    quotes: QuoteScores
    who_said: WhoSaidScores | None
    extraction_seconds: float
    """Time spent in the extractor alone (cleaning excluded)."""
    build_seconds: float | None
    """The index build over the split's articles (extraction and embedding included)."""
    extraction_cpu_seconds: float = 0.0
    """CPU time of the process in the extractor: steadier than wall time on a shared machine."""
    build_cpu_seconds: float | None = None
    coref_audit: CorefAuditScores | None = None
    """Coref speakers scored against a hand audit of the silver labels, when one was given."""


def with_coref_audit(
    run: SystemRun, split: PolnearSplit, labels: Sequence[AuditLabel]
) -> SystemRun:
    """``run`` with its coref speakers also scored against a hand audit of the silver labels."""
    return replace(
        run, coref_audit=score_coref_audit(run.quotes.attributions, split.quotes, labels)
    )


def split_corpus(split: PolnearSplit, limit: int | None = None) -> LoadedCorpus:
    """The split's articles (the first ``limit`` by name), read as the index reads seeds."""
    corpus = load_corpus(split.articles_dir)
    articles = corpus.articles if limit is None else corpus.articles[: max(0, limit)]
    if not articles:
        raise PolnearError(f"{split.articles_dir}: no article to evaluate")
    return LoadedCorpus(articles, corpus.skipped)


def run_system(
    system: QuoteSystem,
    split: PolnearSplit,
    corpus: LoadedCorpus,
    embedder: Embedder | None,
    cases: Sequence[WhoSaidCase],
) -> SystemRun:
    """Extract (and, with an embedder, index and search) the split's quotes, and score them.

    ``split`` should already be limited to ``corpus``'s articles.
    """
    found: dict[str, list[PredictedQuote]] = {}
    extraction = [0.0, 0.0]

    def extract(articles: Sequence[tuple[Article, CleanedArticle]]) -> list[list[StoredQuote]]:
        started, cpu = time.perf_counter(), time.process_time()
        extracted = system.extract_all(articles)
        extraction[0] += time.perf_counter() - started
        extraction[1] += time.process_time() - cpu
        stored: list[list[StoredQuote]] = []
        for (article, _), quotes in zip(articles, extracted, strict=True):
            found[article.id] = [
                predicted_quote(
                    article.id,
                    article.text,
                    q.text,
                    q.parts,
                    q.speaker,
                    nested=q.parent is not None,
                )
                for q in quotes
            ]
            stored.append([to_stored(article.id, i, q) for i, q in enumerate(quotes)])
        return stored

    who_said: WhoSaidScores | None = None
    build_seconds: float | None = None
    build_cpu: float | None = None
    if embedder is None:
        extract(
            [(article, clean_article(article.text, article.title)) for article in corpus.articles]
        )
    else:
        from index.builder import build_snapshot

        embedder.encode_queries(["warm up"])  # no first-call cost in the build time
        started, cpu = time.perf_counter(), time.process_time()
        snapshot, _ = build_snapshot(corpus, embedder, quote_extractor=extract)
        build_seconds = time.perf_counter() - started
        build_cpu = time.process_time() - cpu
        searcher = QuoteSearcher(snapshot, embedder)
        who_said = score_who_said(cases, lambda fragment: _top_speaker(searcher, fragment))
    predicted = [q for article in corpus.articles for q in found.get(article.id, [])]
    return SystemRun(
        system=system.name,
        articles=len(corpus.articles),
        quotes=score_quotes(predicted, split.quotes),
        who_said=who_said,
        extraction_seconds=extraction[0],
        build_seconds=build_seconds,
        extraction_cpu_seconds=extraction[1],
        build_cpu_seconds=build_cpu,
    )


def _top_speaker(searcher: QuoteSearcher, fragment: str) -> tuple[bool, str | None]:
    try:
        result = searcher.search(normalise_query(fragment, what="quote"))
    except InvalidQuery:
        return False, None
    if not result.matches:
        return False, None
    return True, result.matches[0].speaker


# -- reports ----------------------------------------------------------------------


def run_json(run: SystemRun, errors: bool = False) -> dict[str, Any]:
    """One system's figures as JSON (``errors`` adds every error, grouped by speaker)."""
    scores = run.quotes
    row: dict[str, Any] = {
        "system": run.system,
        "articles": run.articles,
        "extraction": {
            "gold": scores.gold,
            "predicted": scores.predicted,
            "matched": scores.matched,
            "recall": round(scores.recall, 4),
            "precision": round(scores.precision, 4),
        },
        "speaker": {kind: _score_json(s) for kind, s in scores.speakers.items()},
        "coref_by_check": {check: _score_json(s) for check, s in scores.coref_checks.items()},
        "coref_audit": None if run.coref_audit is None else _coref_audit_json(run.coref_audit),
        "who_said": None
        if run.who_said is None
        else {
            "queries": run.who_said.queries,
            "right": run.who_said.right,
            "top1": round(run.who_said.top1, 4),
        },
        "seconds": {
            "extraction": round(run.extraction_seconds, 3),
            "build": None if run.build_seconds is None else round(run.build_seconds, 3),
        },
        "cpu_seconds": {
            "extraction": round(run.extraction_cpu_seconds, 3),
            "build": None if run.build_cpu_seconds is None else round(run.build_cpu_seconds, 3),
        },
    }
    if errors:
        row["errors"] = _errors_json(run)
    return row


def _coref_audit_json(audit: CorefAuditScores) -> dict[str, Any]:
    return {
        "labels": audit.labels,
        "unknown": audit.unknown,
        "silver_agrees": audit.silver_agrees,
        "unaudited": audit.unaudited,
        **{name: _score_json(s) for name, s in _audit_scores(audit)},
    }


def _score_json(score: SpeakerScore) -> dict[str, Any]:
    return {"quotes": score.quotes, "right": score.right, "accuracy": round(score.accuracy, 4)}


def _audit_scores(audit: CorefAuditScores) -> tuple[tuple[str, SpeakerScore], ...]:
    return (
        ("silver", audit.silver),
        ("audit", audit.audit),
        ("where_silver_agrees", audit.agreeing),
    )


def _errors_json(run: SystemRun) -> dict[str, Any]:
    return {
        "by_speaker": [
            {
                "speaker": group.speaker,
                "wrong_speaker": [
                    {
                        "id": e.gold.id,
                        "article_id": e.gold.article_id,
                        "resolution": e.gold.resolution,
                        "source": e.gold.source,
                        "got": e.got,
                        "quote": e.gold.text,
                    }
                    for e in group.wrong
                ],
                "missed": [
                    {"id": g.id, "article_id": g.article_id, "quote": g.text} for g in group.missed
                ],
                "who_said": [
                    {"id": m.case.gold.id, "fragment": m.case.fragment, "got": m.got}
                    for m in group.who_said
                ],
            }
            for group in errors_by_speaker(run.quotes, run.who_said)
        ],
        "spurious": [
            {"article_id": p.article_id, "speaker": p.speaker, "quote": p.text}
            for p in run.quotes.spurious
        ],
    }


def format_runs(runs: Sequence[SystemRun], split: str) -> str:
    """The figures of one or more systems side by side, for a terminal."""
    header = f"{'':34}" + "".join(f"{run.system:>20}" for run in runs)
    lines = [f"PolNeAR split {split}: {runs[0].articles} articles", header]

    def row(label: str, cells: Sequence[str]) -> None:
        lines.append(f"{label:34}" + "".join(f"{cell:>20}" for cell in cells))

    row("extraction recall", [_pct(r.quotes.matched, r.quotes.gold) for r in runs])
    row(
        "extraction precision",
        [_pct(r.quotes.matched_predictions, r.quotes.predicted) for r in runs],
    )
    for kind in runs[0].quotes.speakers:
        row(
            f"speaker accuracy ({kind})",
            [_pct(r.quotes.speakers[kind].right, r.quotes.speakers[kind].quotes) for r in runs],
        )
    for check in runs[0].quotes.coref_checks:
        row(
            f"  coref, label {CHECK_LABELS.get(check, check)}",
            [_check_cell(r, check) for r in runs],
        )
    if any(r.coref_audit is not None for r in runs):
        for name, label in AUDIT_ROWS.items():
            row(label, [_audit_cell(r, name) for r in runs])
        row("  audit labels (UNKNOWN, silver agrees)", [_audit_counts(r) for r in runs])
    if any(r.who_said is not None for r in runs):
        row(
            "who-said top-1 (5-8 word fragment)",
            [_pct(r.who_said.right, r.who_said.queries) if r.who_said else "-" for r in runs],
        )
    row(
        "extraction seconds (cpu)",
        [f"{r.extraction_seconds:.1f} ({r.extraction_cpu_seconds:.1f})" for r in runs],
    )
    if any(r.build_seconds is not None for r in runs):
        row(
            "index build seconds (cpu)",
            [
                f"{r.build_seconds:.1f} ({r.build_cpu_seconds or 0:.1f})"
                if r.build_seconds is not None
                else "-"
                for r in runs
            ],
        )
    lines.append(f"matching: {MATCHING}")
    return "\n".join(lines)


CHECK_LABELS = {"agrees": "= nearest person", "differs": "!= nearest person"}
"""How the gold's ``coref_check`` values read in the table."""


def _check_cell(run: SystemRun, check: str) -> str:
    score = run.quotes.coref_checks.get(check)
    return _pct(score.right, score.quotes) if score is not None else "-"


AUDIT_ROWS = {
    "silver": "coref, audited quotes vs silver",
    "audit": "coref vs hand audit (no UNKNOWN)",
    "where_silver_agrees": "  coref vs audit, silver agrees",
}
"""How the coref audit's figures read in the table."""


def _audit_cell(run: SystemRun, name: str) -> str:
    if run.coref_audit is None:
        return "-"
    score = dict(_audit_scores(run.coref_audit))[name]
    return _pct(score.right, score.quotes)


def _audit_counts(run: SystemRun) -> str:
    audit = run.coref_audit
    if audit is None:
        return "-"
    return f"{audit.labels} ({audit.unknown}, {audit.silver_agrees})"


def format_errors(run: SystemRun, examples: int = 5) -> str:
    """Errors grouped by gold speaker, a few examples each, then the spurious quotes."""
    lines = [f"errors of {run.system}, by gold speaker (wrong speaker / missed / who-said):"]
    for group in errors_by_speaker(run.quotes, run.who_said):
        got = ", ".join(f"{name!r} x{n}" for name, n in group.got.most_common(4))
        lines.append(
            f"- {group.speaker}: {len(group.wrong)} / {len(group.missed)} / {len(group.who_said)}"
            + (f"; given as {got}" if got else "")
        )
        for e in group.wrong[:examples]:
            lines.append(
                f"    wrong [{e.gold.id} {e.gold.resolution}, source {e.gold.source!r}]"
                f" got {e.got!r}: {_excerpt(e.gold.text)}"
            )
        for g in group.missed[:examples]:
            lines.append(f"    missed [{g.id}]: {_excerpt(g.text)}")
        for m in group.who_said[:examples]:
            got_text = repr(m.got) if m.matched else "no match"
            lines.append(f"    who-said [{m.case.gold.id}] {m.case.fragment!r} -> {got_text}")
    spurious = spurious_speakers(run.quotes)
    lines.append(
        f"spurious quotes: {len(run.quotes.spurious)}; their speakers: "
        + ", ".join(f"{name!r} x{n}" for name, n in spurious.most_common(10))
    )
    lines.extend(
        f"    [{p.article_id}] {p.speaker!r}: {_excerpt(p.text)}"
        for p in run.quotes.spurious[: examples * 4]
    )
    return "\n".join(lines)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "- (0/0)"


def _excerpt(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")
