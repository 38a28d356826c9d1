"""Self-contained statements in the index: stored beside their sentences, saved, reused,
and read by search, which still shows the article's own sentence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from index.articles import load_corpus
from index.builder import build_snapshot
from index.embedding import HashingEmbedder
from index.search import SearchConfig, Searcher
from index.snapshot import IndexSnapshot
from index.store import load_snapshot, save_snapshot

MODEL = "test-hashing"

WRITTEN_ARTICLE = """Harbour Lights review: a quiet thriller

The film follows the harbour master Marlow (Dana Whitfield) through one long winter night.

The film was shot over six weeks in a fishing town, and the crew lived on a trawler.

Critics praised the score by Owen Petrak. The cast also includes Paul Brenner as a smuggler.
"""


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    (folder / "harbour_lights.txt").write_text(WRITTEN_ARTICLE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def snapshot(articles: Path) -> IndexSnapshot:
    built, _ = build_snapshot(load_corpus(articles), HashingEmbedder(name=MODEL), max_chars=120)
    return built


def test_the_index_stores_each_statement_beside_its_sentence(snapshot: IndexSnapshot) -> None:
    rows = [
        row
        for row in range(len(snapshot.sentence_vectors))
        if "Dana Whitfield plays Marlow." in snapshot.sentence_statements(row)
    ]
    assert rows
    assert len(snapshot.statement_vectors) == len(snapshot.statements)
    assert int(snapshot.statement_offsets[-1]) == len(snapshot.statements)


def test_statements_survive_saving_and_loading(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    save_snapshot(snapshot, tmp_path)
    loaded = load_snapshot(tmp_path, model=MODEL)
    assert loaded.statements == snapshot.statements
    assert np.array_equal(loaded.statement_offsets, snapshot.statement_offsets)
    assert np.allclose(loaded.statement_vectors, snapshot.statement_vectors)
    assert {"statements.jsonl", "statements.npy", "statement_offsets.npy"} <= set(
        loaded.manifest.files
    )


def test_a_rebuild_reuses_the_stored_statements(snapshot: IndexSnapshot, articles: Path) -> None:
    rebuilt, report = build_snapshot(
        load_corpus(articles), HashingEmbedder(name=MODEL), max_chars=120, previous=snapshot
    )
    assert report.reused_articles == 1
    assert rebuilt.statements == snapshot.statements
    assert np.allclose(rebuilt.statement_vectors, snapshot.statement_vectors)


def test_a_question_worded_like_a_statement_finds_its_sentence_and_shows_the_sentence(
    snapshot: IndexSnapshot,
) -> None:
    embedder = HashingEmbedder(name=MODEL)
    question = "Who plays Marlow?"
    vector = embedder.encode_queries([question])[0]
    with_statements = Searcher(snapshot, embedder, SearchConfig(answer_threshold=0.0))
    without = Searcher(
        snapshot, embedder, dataclasses.replace(with_statements.config, statement_weight=0.0)
    )
    best = with_statements.rank(question, vector)[0]
    plain = without.rank(question, vector)
    assert best.score > next(s.score for s in plain if s.passage_id == best.passage_id)
    result = with_statements.search_vector(question, vector, k=1)
    assert result.passages
    highlight = result.passages[0].highlight
    assert "Marlow (Dana Whitfield)" in highlight
    assert "plays Marlow" not in highlight
