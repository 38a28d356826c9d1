"""Late interaction (MaxSim over stored token vectors): what is stored, and what it changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.articles import load_corpus
from index.builder import build_snapshot
from index.embedding import HashingEmbedder, dequantise, is_content_token, quantise
from index.late_interaction import maxsim, passage_maxsim, token_matches
from index.snapshot import IndexSnapshot
from index.store import load_snapshot, save_snapshot


@pytest.fixture(scope="module")
def snapshot(seeds_dir: Path) -> IndexSnapshot:
    built, _ = build_snapshot(load_corpus(seeds_dir), HashingEmbedder(name="test-hashing"))
    return built


def test_quantised_tokens_keep_their_direction() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stored = quantise(vectors)
    assert stored.dtype == np.int8
    cosines = np.sum(dequantise(stored) * vectors, axis=1)
    assert cosines.min() > 0.999


@pytest.mark.parametrize(
    ("piece", "content"),
    [("stunt", True), ("##ieff", True), ("the", False), ("?", False), ("[CLS]", False)],
)
def test_content_tokens(piece: str, content: bool) -> None:
    assert is_content_token(piece) is content


def test_every_sentence_has_its_own_content_tokens(snapshot: IndexSnapshot) -> None:
    offsets = snapshot.token_offsets
    assert offsets.shape == (len(snapshot.sentence_vectors) + 1,)
    assert int(offsets[-1]) == len(snapshot.token_vectors)
    passage = snapshot.passages[0]
    start, end = passage.sentence_ranges[0]
    sentence = passage.text[start:end]
    words = [w for w in sentence.casefold().split() if w.strip(".,“”‘’!?") not in {"the", "a"}]
    assert 0 < len(snapshot.sentence_tokens(0)) <= len(words)


def test_stored_tokens_are_memory_mapped_not_read_into_memory(
    snapshot: IndexSnapshot, tmp_path: Path
) -> None:
    save_snapshot(snapshot, tmp_path / "build")
    loaded = load_snapshot(tmp_path / "build", model="test-hashing")
    assert isinstance(loaded.token_vectors, np.memmap)
    assert np.array_equal(loaded.sentence_tokens(3), snapshot.sentence_tokens(3))


def _unit(*axes: int) -> np.ndarray:
    vectors = np.zeros((len(axes), 4), dtype=np.float32)
    vectors[np.arange(len(axes)), axes] = 1.0
    return vectors


def test_each_question_token_takes_its_best_match_in_each_sentence() -> None:
    question = _unit(0, 1)  # two tokens
    sentences = np.vstack([_unit(0, 2), _unit(1), _unit(3)])  # 2 + 1 + 1 tokens
    matches = token_matches(question, sentences, np.array([2, 1, 1]))
    assert matches.tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert maxsim(matches).tolist() == [0.5, 0.5, 0.0]


def test_a_sentence_without_tokens_matches_nothing() -> None:
    matches = token_matches(_unit(0), _unit(0), np.array([0, 1]))
    assert np.isnan(matches[0, 0])
    assert maxsim(matches).tolist() == [0.0, 1.0]


def test_a_passage_matches_the_question_tokens_its_sentences_match_between_them() -> None:
    # passage 0: sentences matching the first and the second token; passage 1: one sentence
    # matching the first token only
    question = _unit(0, 1)
    sentences = np.vstack([_unit(0), _unit(1), _unit(0)])
    matches = token_matches(question, sentences, np.array([1, 1, 1]))
    passages = passage_maxsim(matches, np.array([0, 2, 3]))
    assert passages.tolist() == [1.0, 0.5]
    assert maxsim(matches).max() == 0.5  # no sentence alone matches the whole question


def test_a_passage_whose_sentences_have_no_tokens_matches_nothing() -> None:
    matches = token_matches(_unit(0), np.zeros((0, 4), np.float32), np.array([0, 0]))
    assert passage_maxsim(matches, np.array([0, 2])).tolist() == [0.0]
