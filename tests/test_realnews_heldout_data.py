"""The held-out real-news set holds together: answers are in their articles, sources named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.evaluation import _norm, load_retrieval_cases
from index.quotes.gold import load_who_said

HELDOUT = Path(__file__).parent.parent / "index" / "evaldata" / "realnews" / "heldout"
ARTICLES = {
    p.stem: p.read_text(encoding="utf-8") for p in sorted((HELDOUT / "articles").glob("*.txt"))
}
ROWS = json.loads((HELDOUT / "questions.json").read_text(encoding="utf-8"))["questions"]


def test_the_set_is_as_large_and_varied_as_promised() -> None:
    outlets = {
        json.loads((HELDOUT / "articles" / f"{slug}.json").read_text(encoding="utf-8"))["outlet"]
        for slug in ARTICLES
    }
    kinds = [row["kind"] for row in ROWS]
    assert len(ARTICLES) >= 16 and len(outlets) >= 8
    assert len(ROWS) >= 80
    assert kinds.count("unanswerable") >= 11 and kinds.count("off-topic") >= 5
    assert len(load_retrieval_cases(HELDOUT / "questions.json")) == len(ROWS)


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_every_article_names_its_source(slug: str) -> None:
    meta = json.loads((HELDOUT / "articles" / f"{slug}.json").read_text(encoding="utf-8"))
    assert meta["url"].startswith("http") and meta["outlet"] and meta["title"]


def test_every_answer_span_is_verbatim_in_its_article() -> None:
    missing = [
        (row["question"], row["article"])
        for row in ROWS
        if row["kind"] == "answerable"
        and not any(_norm(a) in _norm(ARTICLES[row["article"]]) for a in row["answers"])
    ]
    assert not missing


def test_questions_without_answers_have_no_article_and_no_spans() -> None:
    for row in ROWS:
        if row["kind"] != "answerable":
            assert row["answers"] == [] and "article" not in row


def test_who_said_queries_point_at_held_out_articles() -> None:
    cases = load_who_said(HELDOUT / "who_said.json")
    assert sum(c.speaker is not None for c in cases) >= 20
    assert all(set(c.article_ids) <= set(ARTICLES) for c in cases)
