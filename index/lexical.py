"""Lexical retrieval: a BM25 index over passages, stored as plain arrays.

Postings are kept term-major (like a CSR matrix) with each posting's BM25
weight precomputed, so scoring a query is a few array gathers. Saved as a
``.npz`` of numeric arrays and a JSON vocabulary: no pickle.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

WORD = re.compile(r"[^\W_]+", re.UNICODE)
"""A word, as tokenising splits a text (before stopwords are dropped and stems taken)."""
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "re",
        "ve",
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
    ]
)
K1 = 1.2
B = 0.75
_NO_FLOATS = np.zeros(0, dtype=np.float32)
_NO_INTS = np.zeros(0, dtype=np.int64)


def stem(word: str) -> str:
    """A light English suffix stripper: enough to match plurals and verb forms."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement, min_stem in (
        ("ies", "y", 2),
        ("ing", "", 3),
        ("ed", "", 3),
        ("es", "", 3),
        ("s", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes", "zes")):
                continue
            return word[: len(word) - len(suffix)] + replacement
    return word


def tokenize(text: str) -> list[str]:
    """Content-word stems of a text, in order."""
    words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return [stem(word) for word in words if word not in STOPWORDS]


@dataclass(frozen=True)
class BM25Index:
    vocabulary: dict[str, int]
    indptr: npt.NDArray[np.int64]
    doc_ids: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    idf: npt.NDArray[np.float32]
    doc_count: int

    @classmethod
    def build(cls, documents: Iterable[str]) -> BM25Index:
        """Index ``documents``; postings are gathered in flat integer arrays, not Python tuples."""
        term_ids: dict[str, int] = {}
        posting_terms = array("q")
        posting_docs = array("q")
        posting_tfs = array("q")
        lengths_list = array("f")
        for doc_id, doc in enumerate(documents):
            counter = Counter(tokenize(doc))
            lengths_list.append(sum(counter.values()))
            for term, tf in counter.items():
                posting_terms.append(term_ids.setdefault(term, len(term_ids)))
                posting_docs.append(doc_id)
                posting_tfs.append(tf)
        doc_count = len(lengths_list)
        lengths = np.frombuffer(lengths_list, dtype=np.float32) if doc_count else _NO_FLOATS
        average = float(lengths.mean()) if doc_count and lengths.sum() > 0 else 1.0
        terms = sorted(term_ids)
        vocabulary = {term: i for i, term in enumerate(terms)}
        rank = np.zeros(len(terms), dtype=np.int64)
        rank[[term_ids[term] for term in terms]] = np.arange(len(terms))
        by_term = rank[np.frombuffer(posting_terms, dtype=np.int64)] if terms else _NO_INTS
        # stable: within a term, postings stay in document order
        order = np.argsort(by_term, kind="stable")
        by_term = by_term[order]
        doc_ids = np.frombuffer(posting_docs, dtype=np.int64)[order] if terms else _NO_INTS
        tfs = np.frombuffer(posting_tfs, dtype=np.int64)[order] if terms else _NO_INTS
        df = np.bincount(by_term, minlength=len(terms))
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        idf = np.log(1.0 + (doc_count - df + 0.5) / (df + 0.5)).astype(np.float32)
        # the same float32/float64 steps as the per-posting formula, so weights are bit-equal
        norm = np.float32(K1) * (
            np.float32(1.0 - B) + np.float32(B) * lengths[doc_ids] / np.float32(average)
        )
        numerator = (idf[by_term].astype(np.float64) * tfs * (K1 + 1.0)).astype(np.float32)
        weights = numerator / (tfs.astype(np.float32) + norm)
        return cls(
            vocabulary=vocabulary,
            indptr=indptr,
            doc_ids=doc_ids.astype(np.int32),
            weights=weights.astype(np.float32),
            idf=idf,
            doc_count=doc_count,
        )

    def scores(self, query_terms: Sequence[str]) -> npt.NDArray[np.float32]:
        """BM25 score of every document for the query terms."""
        scores = np.zeros(self.doc_count, dtype=np.float32)
        for term in set(query_terms):
            term_id = self.vocabulary.get(term)
            if term_id is None:
                continue
            start, end = self.indptr[term_id], self.indptr[term_id + 1]
            np.add.at(scores, self.doc_ids[start:end], self.weights[start:end])
        return scores

    def term_idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms get the rarest weight."""
        term_id = self.vocabulary.get(term)
        if term_id is None:
            return math.log(1.0 + (self.doc_count + 0.5) / 0.5)
        return float(self.idf[term_id])

    def save(self, folder: Path) -> list[str]:
        """Write ``bm25.npz`` and ``bm25_vocab.json``; return the file names."""
        with (folder / "bm25.npz").open("wb") as handle:
            np.savez(
                handle,
                indptr=self.indptr,
                doc_ids=self.doc_ids,
                weights=self.weights,
                idf=self.idf,
                doc_count=np.array([self.doc_count], dtype=np.int64),
            )
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (folder / "bm25_vocab.json").write_text(json.dumps(terms), encoding="utf-8")
        return ["bm25.npz", "bm25_vocab.json"]

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        with np.load(folder / "bm25.npz", allow_pickle=False) as arrays:
            indptr = arrays["indptr"]
            doc_ids = arrays["doc_ids"]
            weights = arrays["weights"]
            idf = arrays["idf"]
            doc_count = int(arrays["doc_count"][0])
        terms = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        if not isinstance(terms, list) or len(terms) + 1 != len(indptr):
            raise ValueError("BM25 vocabulary does not match its postings")
        if len(doc_ids) != len(weights) or (len(indptr) and indptr[-1] != len(doc_ids)):
            raise ValueError("BM25 postings are inconsistent")
        return cls(
            vocabulary={str(term): i for i, term in enumerate(terms)},
            indptr=indptr,
            doc_ids=doc_ids,
            weights=weights,
            idf=idf,
            doc_count=doc_count,
        )
