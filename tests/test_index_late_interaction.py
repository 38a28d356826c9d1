"""Late interaction (MaxSim over stored token vectors): what is stored, and what it changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.articles import load_corpus
from index.builder import build_snapshot
from index.embedding import HashingEmbedder, dequantise, is_content_token, quantise
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
