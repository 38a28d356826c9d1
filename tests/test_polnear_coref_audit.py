"""Coref speakers scored against a hand audit of the silver labels (``eval-quotes --coref-audit``).

The article, its gold (with one silver label that is wrong, as automatic
coreference gets it) and the audit are written here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from index.cli import main
from index.coref_audit import AuditLabel, load_audit, score_coref_audit
from index.models import Span
from index.polnear import Attribution, GoldQuote, PolnearError
from tests.polnear_split import GoldRow, write_split

HARBOUR = (
    "Harbour Plan Approved\n\n"
    "The port board voted on Tuesday to widen the northern harbour after a long night.\n\n"
    "Board chairman Tom Reyes opened the meeting. Priya Natarajan, the engineer who drew up "
    "the plan, said the work would start soon.\n\n"
    "“The channel will take the largest container ships by the end of next year,” "
    "she said.\n\n"
    "“Dredging starts in March and the fishing fleet keeps every one of its berths,” "
    "she added.\n\n"
    "Outside, the crowd was split. “This harbour was never meant for ships of that size,” "
    "one of them said.\n"
)
ARTICLES = {"c_harbour": HARBOUR}
CHANNEL = "The channel will take the largest container ships by the end of next year,"
DREDGING = "Dredging starts in March and the fishing fleet keeps every one of its berths,"
CROWD = "This harbour was never meant for ships of that size,"
GOLD: list[GoldRow] = [
    # the silver label names the chairman: the kind of slip automatic coreference makes
    ("c_harbour", CHANNEL, "Tom Reyes", "Reyes", "coref"),
    ("c_harbour", DREDGING, "Priya Natarajan", "Natarajan", "coref"),
    ("c_harbour", CROWD, "Priya Natarajan", "Natarajan", "coref"),
]


def _label(quote: str, speaker: str | None, key: str | None) -> dict[str, Any]:
    start = HARBOUR.index(quote)
    return {
        "article_id": "c_harbour",
        "start": start,
        "end": start + len(quote),
        "speaker": speaker,
        "key": key,
        "why": "written for the test",
    }


AUDIT = {
    "items": [
        _label(CHANNEL, "Priya Natarajan", "Natarajan"),
        _label(DREDGING, "Priya Natarajan", "Natarajan"),
        _label(CROWD, None, None),  # someone in the crowd: the article does not say who
    ]
}


@pytest.fixture
def split_dir(tmp_path: Path) -> Path:
    return write_split(tmp_path / "dev", ARTICLES, GOLD)


@pytest.fixture
def audit_file(tmp_path: Path) -> Path:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(AUDIT), encoding="utf-8")
    return path


def _coref(number: int, start: int, speaker: str, key: str) -> GoldQuote:
    return GoldQuote(f"c{number}", "a", "x", (Span(start, start + 50),), speaker, key, "coref")


def _audit(start: int, speaker: str | None, key: str | None) -> AuditLabel:
    return AuditLabel("a", start, start + 50, speaker, key)


# -- pure scoring ---------------------------------------------------------------------


def test_the_audit_scores_the_same_answers_against_both_labels() -> None:
    wrong_silver = _coref(1, 0, "Tom Reyes", "Reyes")
    right_silver = _coref(2, 100, "Priya Natarajan", "Natarajan")
    unknown = _coref(3, 200, "Priya Natarajan", "Natarajan")
    gold = [wrong_silver, right_silver, unknown]
    labels = [
        _audit(0, "Priya Natarajan", "Natarajan"),
        _audit(100, "Priya Natarajan", "Natarajan"),
        _audit(200, None, None),
    ]
    said = [
        Attribution(wrong_silver, "Priya Natarajan"),
        Attribution(right_silver, "Natarajan"),
        Attribution(unknown, "Bob Roe"),
    ]
    scores = score_coref_audit(said, gold, labels)
    assert (scores.labels, scores.unknown, scores.silver_agrees) == (3, 1, 1)
    assert (scores.silver.right, scores.silver.quotes) == (1, 3)
    assert (scores.audit.right, scores.audit.quotes) == (2, 2)  # UNKNOWN left out
    assert (scores.agreeing.right, scores.agreeing.quotes) == (1, 1)


def test_labels_outside_the_split_and_name_quotes_are_ignored() -> None:
    coref = _coref(1, 0, "Jane Doe", "Doe")
    named = GoldQuote("n1", "a", "x", (Span(100, 150),), "Jane Doe", "Doe", "name")
    labels = [_audit(0, "Jane Doe", "Doe"), _audit(100, "Jane Doe", "Doe"), _audit(900, "X", "X")]
    said = [Attribution(coref, "Jane Doe"), Attribution(named, "Jane Doe")]
    scores = score_coref_audit(said, [coref, named], labels)
    assert (scores.labels, scores.audit.quotes, scores.unaudited) == (1, 1, 0)
    unlabelled = score_coref_audit(said, [coref, named], [])
    assert (unlabelled.labels, unlabelled.unaudited, unlabelled.audit.quotes) == (0, 1, 0)


def test_a_malformed_audit_is_a_clear_error(tmp_path: Path, audit_file: Path) -> None:
    assert [label.known for label in load_audit(audit_file)] == [True, True, False]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"items": [_label(CHANNEL, "Priya Natarajan", None)]}))
    with pytest.raises(PolnearError, match="not in the coref audit format"):
        load_audit(path)
    twice = _label(CHANNEL, "Priya Natarajan", "Natarajan")
    path.write_text(json.dumps({"items": [twice, twice]}))
    with pytest.raises(PolnearError, match="labelled twice"):
        load_audit(path)
    with pytest.raises(PolnearError, match="unreadable"):
        load_audit(tmp_path / "missing.json")


# -- the command ---------------------------------------------------------------------


def test_eval_quotes_shows_the_audit_figures_next_to_the_silver_one(
    split_dir: Path, audit_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["eval-quotes", "--polnear", str(split_dir), "--extraction-only"]
    assert main([*argv, "--coref-audit", str(audit_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    audit = report["coref_audit"]
    assert (audit["labels"], audit["unknown"], audit["silver_agrees"]) == (3, 1, 1)
    # the project names the engineer for both of her quotes: wrong against the silver
    # label of the first, right against the audit
    assert (audit["audit"]["right"], audit["audit"]["quotes"]) == (2, 2)
    assert (audit["silver"]["right"], audit["silver"]["quotes"]) == (1, 3)
    assert (audit["where_silver_agrees"]["right"], audit["where_silver_agrees"]["quotes"]) == (1, 1)
    assert report["speaker"]["coref"]["right"] == audit["silver"]["right"]

    assert main([*argv, "--coref-audit", str(audit_file)]) == 0
    table = capsys.readouterr().out
    assert re.search(r"coref vs hand audit \(no UNKNOWN\) +100\.0% \(2/2\)", table)
    assert re.search(r"coref, audited quotes vs silver +33\.3% \(1/3\)", table)
    assert main(argv) == 0
    assert "hand audit" not in capsys.readouterr().out
