"""The embedder's own forward path: the same vectors as sentence-transformers, batched by tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.builder import encode_distinct
from index.embedding import (
    HashingEmbedder,
    SentenceTransformerEmbedder,
    Vectors,
    cpu_has_native_bf16,
    pool_segments,
    resolve_precision,
    token_batches,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize("budget", [1, 40, 100, 10_000])
def test_token_batches_cover_every_row_once_within_the_budget(budget: int) -> None:
    lengths = [5, 40, 12, 12, 7, 33, 1, 40, 20]
    batches = token_batches(lengths, budget)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) == 1 or len(batch) * width <= budget
        assert lengths[batch[0]] == width  # longest first: the batch's padding width


def test_sentence_vector_is_the_mean_of_its_tokens_and_an_empty_one_falls_back() -> None:
    tokens = np.array([[9.0, 9.0], [1.0, 0.0], [0.0, 1.0], [3.0, 0.0], [9.0, 9.0]], np.float32)
    offsets = [(0, 0), (0, 4), (5, 9), (10, 14), (0, 0)]  # [CLS] three words [SEP]
    fallback = np.array([0.0, 1.0], np.float32)
    pooled = pool_segments(tokens, offsets, [(0, 9), (10, 14), (20, 30)], fallback)
    np.testing.assert_allclose(pooled[0], np.array([1.0, 1.0]) / np.sqrt(2), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], [1.0, 0.0])
    np.testing.assert_allclose(pooled[2], fallback)  # past the truncated text


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, recording the texts it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.seen += texts
        return super().encode_queries(texts)


def test_a_quote_printed_twice_is_encoded_once_and_gets_the_same_vector() -> None:
    embedder = CountingEmbedder()
    texts = ["I kept telling him", "we jumped", "I kept telling him"]
    vectors = encode_distinct(embedder, texts)
    assert embedder.seen == ["I kept telling him", "we jumped"]
    np.testing.assert_array_equal(vectors, HashingEmbedder().encode_queries(texts))


def _texts() -> list[str]:
    return [
        path.read_text(encoding="utf-8")[start : start + size]
        for path in sorted(SEEDS.glob("*.txt"))
        for start, size in ((0, 80), (300, 600), (900, 2000))
    ] + ["Who plays Grace?", "When does the film open?"]


def test_bfloat16_is_taken_only_on_a_cpu_with_native_bfloat16(tmp_path: Path) -> None:
    zen4 = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 avx512_vnni\n"
    skylake = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512bw\n"
    assert cpu_has_native_bf16(zen4)
    assert cpu_has_native_bf16("flags: amx_bf16 amx_tile")
    assert not cpu_has_native_bf16(skylake)
    assert not cpu_has_native_bf16("")
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(skylake)
    assert not resolve_precision("auto", cpuinfo)
    assert resolve_precision("bfloat16", cpuinfo)  # forced, whatever the CPU
    cpuinfo.write_text(zen4)
    assert resolve_precision("auto", cpuinfo)
    assert not resolve_precision("float32", cpuinfo)
    assert not resolve_precision("auto", tmp_path / "missing")


@pytest.mark.model
def test_bfloat16_vectors_are_those_of_float32_within_rounding() -> None:
    texts = _texts()
    exact = SentenceTransformerEmbedder(precision="float32")
    fast = SentenceTransformerEmbedder(precision="bfloat16")
    assert (exact.precision, fast.precision) == ("float32", "bfloat16")
    cosines = np.sum(exact.encode_queries(texts) * fast.encode_queries(texts), axis=1)
    assert cosines.min() > 0.9995
    whole = [[(0, len(text))] for text in texts]
    passages = np.sum(
        exact.encode_passages(texts, whole).passages * fast.encode_passages(texts, whole).passages,
        axis=1,
    )
    assert passages.min() > 0.9995


@pytest.mark.model
def test_vectors_are_those_of_sentence_transformers_encode() -> None:
    # several batches of unequal widths; float32, as sentence-transformers computes
    embedder = SentenceTransformerEmbedder(token_budget=700, precision="float32")
    texts = _texts()
    expected = embedder.model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    np.testing.assert_allclose(embedder.encode_queries(texts), expected, atol=2e-6)
    whole = [[(0, len(text))] for text in texts]
    passages = embedder.encode_passages(texts, whole)
    np.testing.assert_allclose(passages.passages, expected, atol=2e-6)
    # a sentence spanning the whole text: its tokens without [CLS]/[SEP], nearly the same
    cosines = np.sum(np.concatenate(passages.segments) * expected, axis=1)
    assert cosines.min() > 0.9
