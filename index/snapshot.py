"""An index in memory: everything a search needs, immutable once built or loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from index.embedding import TokenVectors, Vectors
from index.lexical import BM25Index
from index.models import ArticleRecord, Passage, StoredQuote

SCHEMA_VERSION = 5
"""3: quotes store their canonical speaker and the speaker as written; 4: int8 token vectors
for late-interaction rescoring (``tokens.npy``, ``token_offsets.npy``); 5: each sentence's
self-contained statements and their vectors (``statements.jsonl``, ``statements.npy``,
``statement_offsets.npy``; :mod:`index.statements`)."""
CHUNKER_VERSION = 5
"""Bumped when cleaning or chunking changes, so stored passages are not reused."""


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    model: str
    dimension: int
    article_count: int
    passage_count: int
    sentence_count: int
    quote_count: int
    corpus_hash: str
    built_at: str
    build_seconds: float
    chunking: dict[str, Any]
    faiss_index: str
    libraries: dict[str, str]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexSnapshot:
    manifest: Manifest
    articles: tuple[ArticleRecord, ...]
    passages: tuple[Passage, ...]
    faiss_index: Any
    """A FAISS inner-product index over the passage vectors (row i = passage i)."""
    sentence_vectors: Vectors
    """All sentence vectors, passage after passage, sentence after sentence."""
    sentence_offsets: npt.NDArray[np.int64]
    """Row of passage i's first sentence in ``sentence_vectors``; length n + 1."""
    bm25: BM25Index
    quotes: tuple[StoredQuote, ...]
    quote_vectors: Vectors
    """One vector per quote, for its whole text."""
    quote_part_vectors: Vectors
    """One vector per sentence of each quote of several sentences, quote after quote."""
    quote_part_offsets: npt.NDArray[np.int64]
    """Row of quote i's first sentence in ``quote_part_vectors``; length len(quotes) + 1."""
    token_vectors: TokenVectors
    """Every sentence's content-token vectors (int8, see ``embedding.quantise``), sentence
    after sentence in the order of ``sentence_vectors``; may be memory-mapped."""
    token_offsets: npt.NDArray[np.int64]
    """Row of sentence row r's first token in ``token_vectors``; length sentences + 1."""
    statements: tuple[str, ...]
    """Every sentence's self-contained statements (:mod:`index.statements`), sentence after
    sentence in the order of ``sentence_vectors``."""
    statement_vectors: Vectors
    """One vector per statement, in the order of ``statements``."""
    statement_offsets: npt.NDArray[np.int64]
    """Row of sentence row r's first statement in ``statements``; length sentences + 1."""
    articles_by_id: dict[str, ArticleRecord] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "articles_by_id", {a.id: a for a in self.articles})

    def passage_sentence_vectors(self, passage_id: int) -> Vectors:
        start, end = self.sentence_offsets[passage_id], self.sentence_offsets[passage_id + 1]
        return self.sentence_vectors[start:end]

    def sentence_tokens(self, row: int) -> TokenVectors:
        """The content-token vectors of the sentence at ``row`` of ``sentence_vectors``."""
        return self.token_vectors[self.token_offsets[row] : self.token_offsets[row + 1]]

    def sentence_statements(self, row: int) -> tuple[str, ...]:
        """The statements of the sentence at ``row`` of ``sentence_vectors``."""
        return self.statements[self.statement_offsets[row] : self.statement_offsets[row + 1]]

    def quote_parts(self, row: int) -> Vectors:
        start, end = self.quote_part_offsets[row], self.quote_part_offsets[row + 1]
        return self.quote_part_vectors[start:end]

    def passage_vectors(self, ids: list[int] | None = None) -> Vectors:
        """Passage vectors read back from the FAISS index."""
        if ids is None:
            count = int(self.faiss_index.ntotal)
            return np.asarray(self.faiss_index.reconstruct_n(0, count), dtype=np.float32)
        return np.stack([self.faiss_index.reconstruct(int(i)) for i in ids]).astype(np.float32)
