"""The PolNeAR quote benchmark (``python -m index eval-quotes``) on a tiny split written here.

The real corpus is read from ../shared at evaluation time only; these tests
build a split folder of the same format from articles written for them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.cli import main
from index.embedding import HashingEmbedder
from index.models import Span
from index.polnear import (
    GoldQuote,
    PolnearError,
    PredictedQuote,
    load_split,
    score_quotes,
    speaker_is_right,
    trim_marks,
    who_said_cases,
)
from index.quote_benchmark import PROJECT, QuoteSystem, run_system, split_corpus
from tests.polnear_split import GoldRow, write_split

ARTICLES = {
    "a_budget": (
        "Council Passes The Budget\n\n"
        "The city council approved the budget on Monday after a long debate.\n\n"
        "“We have finally balanced the books for the first time in a decade,” "
        "said Mayor Maria Delgado.\n\n"
        "Delgado added that the vote was close. “Nobody on the council got everything "
        "they wanted this year,” she said.\n\n"
        "Opponents called the plan “a gift to developers and nobody else.”\n"
    ),
    "b_bridge": (
        "Bridge Repairs Begin\n\n"
        "Repairs on the old river bridge started this week, engineers said.\n\n"
        "“The steel is in far better shape than we feared when we began,” "
        "said Tom Okafor, the chief engineer.\n\n"
        "The work should end in spring.\n"
    ),
}


GOLD: list[GoldRow] = [
    (
        "a_budget",
        "We have finally balanced the books for the first time in a decade,",
        "Maria Delgado",
        "Delgado",
        "name",
    ),
    (
        "a_budget",
        "Nobody on the council got everything they wanted this year,",
        "Maria Delgado",
        "Delgado",
        "coref",
    ),
    ("a_budget", "a gift to developers and nobody else.", None, None, "unresolved"),
    (
        "b_bridge",
        "The steel is in far better shape than we feared when we began,",
        "Tom Okafor",
        "Okafor",
        "name",
    ),
]


@pytest.fixture
def split_dir(tmp_path: Path) -> Path:
    return write_split(tmp_path / "dev", ARTICLES, GOLD)


def _gold(article_id: str, start: int, end: int, key: str | None = "Doe") -> GoldQuote:
    return GoldQuote(
        id=f"g{start}",
        article_id=article_id,
        text="x " * 6,
        parts=(Span(start, end),),
        speaker=None if key is None else f"Jane {key}",
        key=key,
        resolution="name" if key else "unresolved",
    )


def _predicted(
    article_id: str, start: int, end: int, speaker: str | None = "Jane Doe", **kw: Any
) -> PredictedQuote:
    return PredictedQuote(
        article_id,
        kw.pop("text", "one two three four five"),
        (Span(start, end),),
        speaker,
        **kw,
    )


# -- pure scoring ---------------------------------------------------------------


def test_a_quote_matches_when_it_overlaps_half_of_the_shorter() -> None:
    gold = [_gold("a", 100, 200)]
    assert score_quotes([_predicted("a", 150, 260)], gold).recall == 1.0  # 50 of 100
    assert score_quotes([_predicted("a", 151, 260)], gold).recall == 0.0  # 49 of 100
    assert score_quotes([_predicted("b", 100, 200)], gold).recall == 0.0  # other article


def test_matching_is_one_to_one_and_counts_misses_and_false_quotes() -> None:
    gold = [_gold("a", 0, 100), _gold("a", 200, 300)]
    predicted = [_predicted("a", 0, 100), _predicted("a", 10, 90), _predicted("a", 500, 600)]
    scores = score_quotes(predicted, gold)
    assert (scores.matched, scores.gold, scores.predicted) == (1, 2, 3)
    assert scores.recall == 0.5
    assert scores.precision == pytest.approx(1 / 3)
    assert [g.parts for g in scores.missed] == [(Span(200, 300),)]
    assert len(scores.spurious) == 2


def test_a_split_quote_matches_the_gold_quote_of_each_of_its_parts() -> None:
    gold = [_gold("a", 0, 100), _gold("a", 120, 200)]
    split_quote = PredictedQuote("a", "one two three four", (Span(0, 100), Span(120, 200)), "Doe")
    scores = score_quotes([split_quote], gold)
    assert (scores.matched, scores.predicted, scores.matched_predictions) == (2, 1, 1)
    one_span = PredictedQuote("a", "one two three four", (Span(0, 200),), "Doe")
    assert score_quotes([one_span], gold).matched == 1


def test_short_and_nested_predictions_do_not_count_against_precision() -> None:
    gold = [_gold("a", 0, 100)]
    predicted = [
        _predicted("a", 0, 100),
        _predicted("a", 300, 310, text="a disaster"),
        _predicted("a", 20, 40, nested=True),
    ]
    scores = score_quotes(predicted, gold)
    assert (scores.predicted, scores.precision, scores.recall) == (1, 1.0, 1.0)


def test_speaker_is_right_when_the_key_is_one_of_its_words() -> None:
    assert speaker_is_right("Jane Doe", "doe")
    assert speaker_is_right("Sen. Patrick O’Neill", "O'Neill")
    assert speaker_is_right("Douglas Holtz-Eakin", "Holtz-Eakin")
    assert not speaker_is_right("Jane Doerr", "Doe")
    assert not speaker_is_right("Hillsborough Bay", "Clinton")
    assert not speaker_is_right(None, "Doe")


def test_speaker_accuracy_is_kept_apart_by_resolution_kind() -> None:
    coref = GoldQuote("c", "a", "y", (Span(200, 300),), "Jane Doe", "Doe", "coref")
    gold = [_gold("a", 0, 100), coref, _gold("a", 400, 500, key=None)]
    predicted = [
        _predicted("a", 0, 100),
        _predicted("a", 200, 300, speaker="United"),
        _predicted("a", 400, 500, speaker="Anyone"),
    ]
    scores = score_quotes(predicted, gold)
    assert (scores.speakers["name"].right, scores.speakers["name"].quotes) == (1, 1)
    assert (scores.speakers["coref"].right, scores.speakers["coref"].quotes) == (0, 1)
    assert [e.got for e in scores.wrong_speakers] == ["United"]


def test_coref_accuracy_is_split_by_whether_the_silver_label_is_the_nearest_person() -> None:
    def coref(quote_id: str, start: int, check: str) -> GoldQuote:
        return GoldQuote(
            quote_id,
            "a",
            "y",
            (Span(start, start + 50),),
            "Jane Doe",
            "Doe",
            "coref",
            coref_check=check,
        )

    gold = [coref("c1", 0, "agrees"), coref("c2", 100, "agrees"), coref("c3", 200, "differs")]
    predicted = [
        _predicted("a", 0, 50, speaker="Jane Doe"),
        _predicted("a", 100, 150, speaker="Jane Doe"),
        _predicted("a", 200, 250, speaker="Bob Roe"),
    ]
    scores = score_quotes(predicted, gold)
    checks = {k: (v.right, v.quotes) for k, v in scores.coref_checks.items()}
    assert checks == {"agrees": (2, 2), "differs": (0, 1)}
    assert (scores.speakers["coref"].right, scores.speakers["coref"].quotes) == (2, 3)


def test_trim_marks_keeps_only_the_quoted_words() -> None:
    text = "He said “Hello there.” Then"
    assert text[slice(*_bounds(trim_marks(text, Span(8, 22))))] == "Hello there."


def _bounds(span: Span) -> tuple[int, int]:
    return span.start, span.end


def test_who_said_fragments_are_deterministic_pieces_of_named_quotes(split_dir: Path) -> None:
    split = load_split(split_dir)
    cases = who_said_cases(split.quotes, count=10, seed=0)
    assert cases == who_said_cases(split.quotes, count=10, seed=0)
    assert len(cases) == 3  # the unresolved quote is never asked
    for case in cases:
        assert 5 <= len(case.fragment.split()) <= 8
        assert case.fragment in case.gold.text
        assert case.gold.key


def test_a_missing_or_malformed_split_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolnearError, match="not a folder"):
        load_split(tmp_path / "nowhere")
    with pytest.raises(PolnearError, match=r"quotes_gold\.json"):
        load_split(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "quotes_gold.json").write_text('{"quotes": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(PolnearError, match="format"):
        load_split(tmp_path)


# -- the project's extractor on the split -------------------------------------------


def test_the_projects_extractor_is_scored_on_the_split(split_dir: Path) -> None:
    split = load_split(split_dir)
    run = run_system(PROJECT, split, split_corpus(split), None, [])
    assert run.articles == 2
    assert run.quotes.matched >= 3
    assert (
        run.quotes.speakers["name"].accuracy == 1.0
    )  # "said Mayor Maria Delgado", "said Tom Okafor"
    assert run.build_seconds is None and run.who_said is None


def test_limit_scores_only_the_first_articles(split_dir: Path) -> None:
    split = load_split(split_dir)
    corpus = split_corpus(split, limit=1)
    limited = split.limited_to(a.id for a in corpus.articles)
    run = run_system(PROJECT, limited, corpus, None, [])
    assert run.articles == 1
    assert run.quotes.gold == 3


def test_who_said_runs_through_an_index_built_from_the_split(split_dir: Path) -> None:
    split = load_split(split_dir)
    cases = who_said_cases(split.quotes, count=10)
    run = run_system(PROJECT, split, split_corpus(split), HashingEmbedder(), cases)
    assert run.build_seconds is not None and run.build_seconds > 0
    assert run.who_said is not None
    assert run.who_said.queries == 3
    # exact fragments are sure matches whatever the embedder: top-1 is right exactly
    # when the quote was extracted with the right speaker
    wrong = {e.gold.id for e in run.quotes.wrong_speakers} | {g.id for g in run.quotes.missed}
    assert run.who_said.right == sum(1 for c in cases if c.gold.id not in wrong)
    assert run.who_said.right >= 2


def test_another_extractor_plugs_in_and_is_scored_the_same_way(split_dir: Path) -> None:
    split = load_split(split_dir)
    nothing = QuoteSystem("nothing", lambda article, cleaned: [])
    run = run_system(nothing, split, split_corpus(split), None, [])
    assert (run.quotes.matched, run.quotes.predicted, run.quotes.recall) == (0, 0, 0.0)
    assert len(run.quotes.missed) == 4


# -- the command ---------------------------------------------------------------------


def test_eval_quotes_prints_json(split_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval-quotes", "--polnear", str(split_dir), "--extraction-only", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["articles"] == 2
    assert report["extraction"]["gold"] == 4
    assert set(report["speaker"]) == {"name", "coref"}
    assert report["who_said"] is None


def test_eval_quotes_lists_errors_by_speaker(
    split_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval-quotes", "--polnear", str(split_dir), "--extraction-only", "--errors"]) == 0
    out = capsys.readouterr().out
    assert "extraction recall" in out
    assert "errors of newsdesk-bot, by gold speaker" in out


def test_eval_quotes_on_a_bad_folder_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval-quotes", "--polnear", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
