"""``python -m index eval`` reports every evaluation set it has, each next to the baseline.

Plumbing only (the deterministic ``HashingEmbedder``): which sets are scored, which are
skipped with a note, what the robustness set is made of. The numbers themselves come
from the real model in ``python -m index eval``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from index.cli import main
from index.embedding import HashingEmbedder
from index.evaluation import (
    REALNEWS,
    SEED_EXTRA_QUESTIONS,
    RealNewsSet,
    format_report,
    load_retrieval_cases,
    missing_spans,
    realnews_sets,
    run_evaluation,
)
from index.quotes.gold import load_who_said
from index.service import CorpusService
from index.settings import DEFAULT_MODEL

DEV = RealNewsSet("dev", REALNEWS / "dev")
TWO_ARTICLES = ("boxofficepro_weekend", "expressandstar_chandrayaan")


def small_half(root: Path) -> Path:
    """``root/dev``: two of the dev articles and the dev questions and who-said queries on them."""
    half = root / "dev"
    (half / "articles").mkdir(parents=True)
    for slug in TWO_ARTICLES:
        for suffix in (".txt", ".json"):
            shutil.copy2(DEV.articles / f"{slug}{suffix}", half / "articles" / f"{slug}{suffix}")
    for path in (DEV.questions, DEV.extra_questions):
        rows = json.loads(path.read_text(encoding="utf-8"))["questions"]
        kept = [r for r in rows if r.get("article") in TWO_ARTICLES or r["kind"] != "answerable"]
        (half / path.name).write_text(json.dumps({"questions": kept}), encoding="utf-8")
    (half / "who_said.json").write_text(
        json.dumps(
            {"queries": [{"query": "rise to the occasion", "speaker": None, "article_ids": []}]}
        ),
        encoding="utf-8",
    )
    return root


def test_eval_scores_each_present_half_and_skips_a_missing_one_with_a_note(
    hashing_service: CorpusService, tmp_path: Path
) -> None:
    halves = realnews_sets(small_half(tmp_path / "realnews"))
    assert [h.name for h in halves] == ["dev", "heldout", "fresh"]

    report = run_evaluation(hashing_service, baseline=True, realnews=halves)

    for key in ("retrieval", "baseline", "quotes", "who_said"):
        assert key in report  # the seed set's report is unchanged
    dev = report["realnews_dev"]
    assert dev["articles"] == 2
    assert dev["answerable"] + dev["unanswerable"] == len(
        load_retrieval_cases(tmp_path / "realnews" / "dev" / "questions.json")
    )
    assert dev["off_topic_refused_of"].endswith("/6")
    extra = report["realnews_dev_extra"]  # scored apart, on the same index
    assert extra["answerable"] + extra["unanswerable"] == len(
        load_retrieval_cases(tmp_path / "realnews" / "dev" / "questions_extra.json")
    )
    assert extra["unanswerable_refused_of"].endswith(f"/{extra['unanswerable']}")
    assert report["retrieval_extra"]["answerable"] == sum(
        1 for c in load_retrieval_cases(SEED_EXTRA_QUESTIONS) if c.answers
    )
    assert report["realnews_dev_baseline"]["unanswerable_refused_of"].startswith("0/")
    assert report["realnews_dev_who_said"]["no_match_queries"] == 1
    assert "no articles or questions" in report["realnews_heldout"]["skipped"]
    assert "no articles or questions" in report["realnews_fresh"]["skipped"]
    assert "robustness" not in report

    text = format_report(report)
    summary = text[text.index("== summary") :]
    assert "realnews dev" in summary and "baseline" in summary
    assert "realnews dev extra" in summary and "seeds extra" in summary
    assert "realnews heldout" in summary and "skipped" in summary
    assert "realnews fresh" in summary


def test_robustness_scores_the_seed_questions_among_every_article(
    hashing_service: CorpusService, tmp_path: Path
) -> None:
    halves = realnews_sets(small_half(tmp_path / "realnews"))
    written: list[int] = []

    def five_synthetic(folder: Path, count: int) -> None:
        written.append(count)
        write_corpus(folder, 5)

    report = run_evaluation(hashing_service, realnews=halves, write_synthetic=five_synthetic)

    robustness = report["robustness"]
    assert written == [300]
    assert robustness["articles"] == 3 + 2 + 5  # seeds, the dev half's articles, synthetic
    assert robustness["answerable"] == report["retrieval"]["answerable"]
    assert robustness["seed_hit@1"] == report["retrieval"]["hit@1"]
    assert robustness["hit@1_delta"] == pytest.approx(
        robustness["hit@1"] - report["retrieval"]["hit@1"], abs=1e-3
    )
    assert robustness["build_seconds"] >= 0
    assert "robustness" in format_report(report).split("== summary")[1]


@pytest.fixture
def cli_on_seed_copy(monkeypatch: pytest.MonkeyPatch, seed_copy: Path, tmp_path: Path) -> None:
    """``index.cli.main`` on a copy of the seeds, with the hashing embedder for the model."""
    monkeypatch.setenv("SEEDS_DIR", str(seed_copy))
    monkeypatch.setenv("EMBEDDING_MODEL", DEFAULT_MODEL)
    monkeypatch.chdir(tmp_path)
    fake = HashingEmbedder(name=DEFAULT_MODEL)
    monkeypatch.setattr("index.embedding.SentenceTransformerEmbedder", lambda *a, **k: fake)


def test_eval_command_lists_every_set_in_the_repository(
    cli_on_seed_copy: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:

    code = main(["eval", "--json", "--baseline", "--index-dir", str(tmp_path / "index")])

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert {"retrieval", "baseline", "quotes", "who_said"} <= set(report)
    for half in realnews_sets():
        scores = report[f"realnews_{half.name}"]
        if half.present:
            assert {"hit@1", "hit@3", "mrr", "highlight@1"} <= set(scores)
            assert f"realnews_{half.name}_baseline" in report
        else:
            assert "skipped" in scores


def test_eval_command_scores_only_the_halves_asked_for(
    cli_on_seed_copy: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:

    code = main(["eval", "--json", "--half", "dev", "--index-dir", str(tmp_path / "index")])

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert "hit@1" in report["realnews_dev"]
    assert "hit@1" in report["realnews_dev_extra"] and "hit@1" in report["retrieval_extra"]
    assert not any(key.startswith(("realnews_heldout", "realnews_fresh")) for key in report)


def test_eval_command_names_the_known_halves_when_asked_for_an_unknown_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["eval", "--half", "nope", "--index-dir", str(tmp_path / "index")])

    assert code != 0
    error = capsys.readouterr().err
    assert "nope" in error and "dev, heldout, fresh" in error


# -- the dev half's data ----------------------------------------------------------------------


def dev_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(DEV.questions.read_text(encoding="utf-8"))[
        "questions"
    ]
    return rows


def test_dev_half_is_as_large_and_varied_as_promised() -> None:
    slugs = sorted(p.stem for p in DEV.articles.glob("*.txt"))
    outlets = set()
    for slug in slugs:
        meta = json.loads((DEV.articles / f"{slug}.json").read_text(encoding="utf-8"))
        assert str(meta["url"]).startswith("http") and meta["outlet"] and meta["title"], slug
        outlets.add(meta["outlet"])
    kinds = [row["kind"] for row in dev_rows()]
    assert len(slugs) >= 16 and len(outlets) >= 8
    assert kinds.count("answerable") >= 80
    assert kinds.count("unanswerable") >= 11 and kinds.count("off-topic") >= 5
    who_said = load_who_said(DEV.who_said)
    assert sum(c.speaker is not None for c in who_said) >= 20
    assert all(set(c.article_ids) <= set(slugs) for c in who_said)


@pytest.mark.parametrize("half", [h for h in realnews_sets() if h.present], ids=lambda h: h.name)
def test_every_answer_span_is_verbatim_in_the_article_it_names(half: RealNewsSet) -> None:
    assert missing_spans(half) == []


def test_the_extra_refusal_sets_hold_many_unanswerable_questions_and_close_calls() -> None:
    dev = load_retrieval_cases(DEV.extra_questions)
    seeds = load_retrieval_cases(SEED_EXTRA_QUESTIONS)
    for cases, unanswerable, answerable in ((dev, 40, 20), (seeds, 10, 5)):
        kinds = [c.kind for c in cases]
        assert kinds.count("unanswerable") >= unanswerable
        assert kinds.count("answerable") >= answerable
    old = {c.question.casefold() for c in load_retrieval_cases(DEV.questions)}
    old |= {c.question.casefold() for c in load_retrieval_cases()}
    assert not old & {c.question.casefold() for c in dev + seeds}


def test_only_answerable_dev_questions_name_an_article() -> None:
    extra: list[dict[str, object]] = json.loads(DEV.extra_questions.read_text(encoding="utf-8"))[
        "questions"
    ]
    for row in dev_rows() + extra:
        assert ("article" in row) == (row["kind"] == "answerable"), row
        assert bool(row["answers"]) == (row["kind"] == "answerable"), row
