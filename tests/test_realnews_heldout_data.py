"""The held-out real-news sets hold together: answers are in their articles, sources named.

Two halves nobody tunes on: ``heldout/`` (mostly one film; one tuning decision looked at its
totals) and ``fresh/`` (varied news, written before the ranking work of its session).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from index.evaluation import REALNEWS, REALNEWS_HALVES, _norm, load_retrieval_cases
from index.quotes.gold import load_who_said


@dataclass(frozen=True, slots=True)
class Promise:
    """The least a held-out half was promised to hold."""

    name: str
    articles: int
    outlets: int
    answerable: int
    unanswerable: int
    off_topic: int
    who_said: int


PROMISES = (
    Promise(
        "heldout", articles=16, outlets=8, answerable=80, unanswerable=11, off_topic=5, who_said=20
    ),
    Promise(
        "fresh", articles=24, outlets=14, answerable=110, unanswerable=20, off_topic=8, who_said=12
    ),
)


def articles(half: str) -> dict[str, str]:
    folder = REALNEWS / half / "articles"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def sidecar(half: str, slug: str) -> dict[str, str]:
    meta: dict[str, str] = json.loads(
        (REALNEWS / half / "articles" / f"{slug}.json").read_text(encoding="utf-8")
    )
    return meta


def rows(half: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (REALNEWS / half / "questions.json").read_text(encoding="utf-8")
    )["questions"]
    return data


ALL_ARTICLES = [(p.name, slug) for p in PROMISES for slug in articles(p.name)]


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.name)
def test_the_set_is_as_large_and_varied_as_promised(promise: Promise) -> None:
    texts = articles(promise.name)
    outlets = {sidecar(promise.name, slug)["outlet"] for slug in texts}
    kinds = [row["kind"] for row in rows(promise.name)]
    assert len(texts) >= promise.articles and len(outlets) >= promise.outlets
    assert kinds.count("answerable") >= promise.answerable
    assert kinds.count("unanswerable") >= promise.unanswerable
    assert kinds.count("off-topic") >= promise.off_topic
    questions = REALNEWS / promise.name / "questions.json"
    assert len(load_retrieval_cases(questions)) == len(kinds)
    assert promise.name in REALNEWS_HALVES  # reported by ``python -m index eval``


@pytest.mark.parametrize(("half", "slug"), ALL_ARTICLES)
def test_every_article_names_its_source(half: str, slug: str) -> None:
    meta = sidecar(half, slug)
    assert meta["url"].startswith("http") and meta["outlet"] and meta["title"]


def test_no_page_is_in_two_halves() -> None:
    halves = [p.name for p in PROMISES] + ["dev"]
    urls = [sidecar(half, slug)["url"] for half in halves for slug in articles(half)]
    assert len(urls) == len(set(urls))


def test_the_fresh_half_is_not_about_the_film_the_others_are_about() -> None:
    film = ("Mission: Impossible", "Dead Reckoning", "Tom Cruise")
    assert not [slug for slug, text in articles("fresh").items() if any(f in text for f in film)]


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.name)
def test_every_answer_span_is_verbatim_in_its_article(promise: Promise) -> None:
    texts = {slug: _norm(text) for slug, text in articles(promise.name).items()}
    missing = [
        (row["question"], row["article"])
        for row in rows(promise.name)
        if row["kind"] == "answerable"
        and not any(_norm(a) in texts[row["article"]] for a in row["answers"])
    ]
    assert not missing


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.name)
def test_questions_without_answers_have_no_article_and_no_spans(promise: Promise) -> None:
    for row in rows(promise.name):
        if row["kind"] != "answerable":
            assert row["answers"] == [] and "article" not in row


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.name)
def test_who_said_queries_point_at_the_half_s_own_articles(promise: Promise) -> None:
    cases = load_who_said(REALNEWS / promise.name / "who_said.json")
    assert sum(c.speaker is not None for c in cases) >= promise.who_said
    assert all(set(c.article_ids) <= set(articles(promise.name)) for c in cases)
