"""``python -m index``: build the index, ask, who-said, list quotes, evaluate.

The argument and JSON formats here are a contract other tools rely on.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from index.errors import BuildFailed, InvalidQuery, ReindexInProgress, RetrievalError
from index.models import BuildReport, QuoteMatch, SearchResult, SourceRef, WhoSaidResult
from index.settings import IndexSettings

log = logging.getLogger("index")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUSY = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = _settings(args)
    except ValueError as error:
        print(f"error: bad setting: {error}", file=sys.stderr)
        return EXIT_USAGE
    command: Callable[[argparse.Namespace, IndexSettings], int] = args.run
    try:
        return command(args, settings)
    except ReindexInProgress as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BUSY
    except (BuildFailed, RetrievalError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m index", description="Index news articles and answer questions about them."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the index from the seeds folder")
    build.add_argument("--seeds", type=Path, help="folder of article files (SEEDS_DIR)")
    _index_dir_option(build)
    build.set_defaults(run=_cmd_build)

    ask = sub.add_parser("ask", help="answer a question ('-' reads one per line from stdin)")
    ask.add_argument("question")
    ask.add_argument("--k", type=int, default=None, help="passages to return (default TOP_K)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    _index_dir_option(ask)
    ask.set_defaults(run=_cmd_ask)

    who = sub.add_parser("who-said", help="who said a quote ('-' reads one per line from stdin)")
    who.add_argument("quote")
    who.add_argument("--json", action="store_true", help="one JSON object per quote")
    _index_dir_option(who)
    who.set_defaults(run=_cmd_who_said)

    quotes = sub.add_parser("quotes", help="list the extracted quotes and their speakers")
    quotes.add_argument("--speaker", help="only quotes by this speaker (any part of the name)")
    quotes.add_argument("--json", action="store_true", help="one JSON object per quote")
    _index_dir_option(quotes)
    quotes.set_defaults(run=_cmd_quotes)

    evaluate = sub.add_parser("eval", help="measure answer and quote quality")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--baseline", action="store_true", help="also score the plain baseline")
    evaluate.add_argument(
        "--robustness",
        action="store_true",
        help="also score the seed questions among all real-news and 300 synthetic articles (slow)",
    )
    evaluate.add_argument(
        "--half",
        action="append",
        metavar="NAME",
        help="score only this real-news half (dev, heldout, fresh...); repeatable; default all",
    )
    _index_dir_option(evaluate)
    evaluate.set_defaults(run=_cmd_eval)

    polnear = sub.add_parser(
        "eval-quotes", help="score quote extraction, speakers and who-said on a PolNeAR split"
    )
    polnear.add_argument(
        "--polnear", type=Path, required=True, help="a split folder, e.g. ../shared/polnear/dev"
    )
    polnear.add_argument("--limit", type=int, help="only the first N articles (by file name)")
    polnear.add_argument("--queries", type=int, default=200, help="who-said queries (default 200)")
    polnear.add_argument("--seed", type=int, default=0, help="who-said sampling seed (default 0)")
    polnear.add_argument(
        "--extraction-only", action="store_true", help="no index build and no who-said (fast)"
    )
    polnear.add_argument("--errors", action="store_true", help="list the errors by speaker")
    polnear.add_argument(
        "--coref-audit",
        type=Path,
        help="also score coref speakers against this hand audit of the silver labels, "
        "e.g. index/evaldata/polnear_dev_coref_audit.json",
    )
    polnear.add_argument("--json", action="store_true", help="print the scores as JSON")
    polnear.set_defaults(run=_cmd_eval_quotes)
    return parser


def _index_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", type=Path, help="folder of the index (INDEX_DIR)")


def _settings(args: argparse.Namespace) -> IndexSettings:
    overrides: dict[str, Any] = {}
    if getattr(args, "seeds", None) is not None:
        overrides["seeds_dir"] = args.seeds
    if getattr(args, "index_dir", None) is not None:
        overrides["index_dir"] = args.index_dir
    return IndexSettings(**overrides)


def _service(settings: IndexSettings) -> Any:
    from index.service import CorpusService

    service = CorpusService(settings)
    built = service.open()
    if built is not None:
        print(_build_summary(built), file=sys.stderr)
    return service


# -- build ----------------------------------------------------------------


def _cmd_build(args: argparse.Namespace, settings: IndexSettings) -> int:
    from index.service import CorpusService

    service = CorpusService(settings)
    report = service.reindex(progress=_stderr_progress if args.verbose else None)
    print(_build_summary(report))
    print(f"index: {settings.index_dir}")
    return EXIT_OK


def _stderr_progress(stage: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {stage}", file=sys.stderr)


def _build_summary(report: BuildReport) -> str:
    lines = [
        f"articles: {report.articles}",
        f"passages: {report.passages}",
        f"quotes: {report.quotes}",
        f"skipped: {len(report.skipped)}",
    ]
    lines += [f"  {s.path}: {s.reason}" for s in report.skipped]
    if report.reused_articles:
        lines.append(f"reused: {report.reused_articles} unchanged articles")
    lines.append(f"seconds: {report.seconds:.2f}")
    return "\n".join(lines)


# -- ask --------------------------------------------------------------------


def _inputs(argument: str, stdin: TextIO) -> Iterable[str]:
    if argument != "-":
        yield argument
        return
    for line in stdin:
        if line.strip():
            yield line.rstrip("\n")


def _cmd_ask(args: argparse.Namespace, settings: IndexSettings) -> int:
    service = _service(settings)
    k = args.k if args.k is not None else settings.top_k
    status = EXIT_OK
    for question in _inputs(args.question, sys.stdin):
        try:
            result = service.ask(question, k)
        except InvalidQuery as error:
            status = EXIT_FAILED if args.question != "-" else status
            _emit_invalid(
                args.json,
                search_result_json(SearchResult(question=question, answered=False, passages=())),
                error,
            )
            continue
        print(
            json.dumps(search_result_json(result), ensure_ascii=False)
            if args.json
            else format_search_result(result),
            flush=True,
        )
    return status


def _emit_invalid(as_json: bool, empty: dict[str, Any], error: Exception) -> None:
    if as_json:
        print(json.dumps({**empty, "error": str(error)}, ensure_ascii=False), flush=True)
    else:
        print(f"error: {error}", file=sys.stderr, flush=True)


def source_json(source: SourceRef) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "url": source.url,
        "outlet": source.outlet,
        "published": source.published,
    }


def search_result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "question": result.question,
        "answered": result.answered,
        "passages": [
            {
                "text": hit.text,
                "highlight": hit.highlight,
                "score": hit.score,
                "source": source_json(hit.source),
                "sources": [source_json(s) for s in hit.sources],
            }
            for hit in result.passages
        ],
        "conflicts": [
            {
                "kind": conflict.kind,
                "claims": [
                    {
                        "value": claim.value,
                        "highlight": claim.highlight,
                        "sources": [source_json(s) for s in claim.sources],
                    }
                    for claim in conflict.claims
                ],
            }
            for conflict in result.conflicts
        ],
        "asked_for": result.asked_for,
        "covers": list(result.covers),
    }


def format_source(source: SourceRef) -> str:
    parts = [source.title]
    if source.outlet:
        parts.append(source.outlet)
    if source.published:
        parts.append(source.published)
    if source.url:
        parts.append(source.url)
    parts.append(f"file {source.id}")
    return " · ".join(parts)


def format_search_result(result: SearchResult) -> str:
    lines = [f"Q: {result.question}"]
    if not result.answered:
        asked = f" (no {result.asked_for} is given)" if result.asked_for else ""
        lines.append(f"I couldn't find that in the articles{asked}.")
        if result.covers:
            lines.append("The nearest articles cover: " + "; ".join(result.covers))
        return "\n".join(lines) + "\n"
    for conflict in result.conflicts:
        lines.append(f"The sources disagree on the {conflict.kind}:")
        for claim in conflict.claims:
            cited = ", ".join(source.title for source in claim.sources)
            lines.append(f"   {claim.value}: “{claim.highlight}” — {cited}")
    for rank, hit in enumerate(result.passages, 1):
        lines.append(f"{rank}. {hit.highlight}  (score {hit.score:.2f})")
        lines.extend(f"   {line}" for line in hit.text.splitlines())
        for source in hit.sources:
            lines.append(f"   — {format_source(source)}")
    return "\n".join(lines) + "\n"


# -- who-said -------------------------------------------------------------


def _cmd_who_said(args: argparse.Namespace, settings: IndexSettings) -> int:
    service = _service(settings)
    status = EXIT_OK
    for quote in _inputs(args.quote, sys.stdin):
        try:
            result = service.who_said(quote)
        except InvalidQuery as error:
            status = EXIT_FAILED if args.quote != "-" else status
            _emit_invalid(args.json, {"query": quote, "matches": []}, error)
            continue
        print(
            json.dumps(who_said_json(result), ensure_ascii=False)
            if args.json
            else format_who_said(result),
            flush=True,
        )
    return status


def quote_match_json(match: QuoteMatch) -> dict[str, Any]:
    return {
        "speaker": match.speaker,
        "quote": match.quote,
        "said_to": match.said_to,
        "score": match.score,
        "sources": [source_json(s) for s in match.sources],
        "wordings": list(match.wordings),
        "reported_by": match.reported_by,
    }


def who_said_json(result: WhoSaidResult) -> dict[str, Any]:
    return {"query": result.query, "matches": [quote_match_json(m) for m in result.matches]}


def format_who_said(result: WhoSaidResult) -> str:
    lines = [f"Quote: {result.query}"]
    if not result.matches:
        lines.append("Nobody in the articles said that.")
        return "\n".join(lines) + "\n"
    for rank, match in enumerate(result.matches, 1):
        speaker = match.speaker or "an unnamed speaker"
        told = f" to {match.said_to}" if match.said_to else ""
        via = f" (as told by {match.reported_by})" if match.reported_by else ""
        lines.append(f"{rank}. {speaker}{via} said{told}  (score {match.score:.2f})")
        for wording in match.wordings or (match.quote,):
            lines.append(f"   “{wording}”")
        for source in match.sources:
            lines.append(f"   — {format_source(source)}")
    return "\n".join(lines) + "\n"


# -- quotes -----------------------------------------------------------------


def _cmd_quotes(args: argparse.Namespace, settings: IndexSettings) -> int:
    service = _service(settings)
    snapshot = service.snapshot
    quotes = service.quotes(args.speaker)
    for quote in quotes:
        article = snapshot.articles_by_id[quote.article_id]
        if args.json:
            row = asdict(quote)
            row["source"] = source_json(article.source)
            print(json.dumps(row, ensure_ascii=False))
        else:
            speaker = quote.speaker or "(unknown speaker)"
            told = f" → {quote.said_to}" if quote.said_to else ""
            via = f" [told by {quote.reported_by}]" if quote.reported_by else ""
            print(f"{speaker}{via}{told}: “{quote.text}”  ({article.id})")
    if not args.json:
        print(f"{len(quotes)} quotes", file=sys.stderr)
    return EXIT_OK


# -- eval -------------------------------------------------------------------


def _cmd_eval(args: argparse.Namespace, settings: IndexSettings) -> int:
    from index.evaluation import SyntheticWriter, format_report, realnews_sets, run_evaluation

    write_synthetic: SyntheticWriter | None = None
    if args.robustness:
        try:
            from bench.corpus import write_corpus

            write_synthetic = write_corpus
        except ImportError:
            print(
                "error: --robustness needs the repository's bench package: run it from the "
                "repository root",
                file=sys.stderr,
            )
            return EXIT_USAGE
    halves = realnews_sets()
    if args.half:
        unknown = sorted(set(args.half) - {half.name for half in halves})
        if unknown:
            known = ", ".join(half.name for half in halves)
            print(
                f"error: no real-news half {', '.join(unknown)} (known: {known})", file=sys.stderr
            )
            return EXIT_USAGE
        halves = [half for half in halves if half.name in args.half]
    service = _service(settings)
    report = run_evaluation(
        service, baseline=args.baseline, realnews=halves, write_synthetic=write_synthetic
    )
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def _cmd_eval_quotes(args: argparse.Namespace, settings: IndexSettings) -> int:
    from index.polnear import PolnearError

    try:
        report = _polnear_report(args, settings)
    except PolnearError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(report)
    return EXIT_OK


def _polnear_report(args: argparse.Namespace, settings: IndexSettings) -> str:
    from index.polnear import load_split, who_said_cases
    from index.quote_benchmark import (
        MATCHING,
        PROJECT,
        format_errors,
        format_runs,
        run_json,
        run_system,
        split_corpus,
    )

    split = load_split(args.polnear)
    corpus = split_corpus(split, args.limit)
    split = split.limited_to(a.id for a in corpus.articles)
    embedder = None
    if not args.extraction_only:
        from index.embedding import load_embedder

        embedder = load_embedder(settings.embedding_model, settings.embedding_precision)
    cases = who_said_cases(split.quotes, args.queries, args.seed)
    run = run_system(PROJECT, split, corpus, embedder, cases)
    if args.coref_audit is not None:
        from index.coref_audit import load_audit
        from index.quote_benchmark import with_coref_audit

        run = with_coref_audit(run, split, load_audit(args.coref_audit))
    if args.json:
        row = {
            "split": str(args.polnear),
            "seed": args.seed,
            "matching": MATCHING,
            **run_json(run, errors=args.errors),
        }
        return json.dumps(row, indent=2, ensure_ascii=False)
    text = format_runs([run], str(args.polnear))
    return text + ("\n\n" + format_errors(run) if args.errors else "")
