"""Hybrid passage search with sentence-level rescoring and an honest "no answer".

1. Candidates: the passages nearest to the question in the FAISS index, and
   the best BM25 passages.
2. Each candidate's sentences are scored by meaning (their vectors, pooled from
   the passage's pass through the model) and by words (idf-weighted coverage of
   the question's terms); the best one is the highlight.
3. A passage's score blends its own similarity with its best sentence's. When
   the best score is under the no-answer threshold, the result says so.
4. The same statement in several articles is one hit listing every source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.answer_types import AnswerType, offers, question_type
from index.embedding import Embedder
from index.lexical import tokenize
from index.models import Passage, PassageHit, SearchResult, SourceRef
from index.snapshot import IndexSnapshot


@dataclass(frozen=True, slots=True)
class SearchConfig:
    candidates: int = 24
    """Passages taken from each of the dense and the lexical retrievers."""
    answer_threshold: float = 0.30
    """Below this blended score, nothing is relevant enough to be an answer."""
    secondary_margin: float = 0.2
    """Further passages must score within this margin of the best one."""
    duplicate_similarity: float = 0.85
    """Highlights this similar (cosine) are the same statement..."""
    paraphrase_similarity: float = 0.7
    paraphrase_overlap: float = 0.35
    """...and so are highlights this similar sharing this share of their words."""
    passage_weight: float = 0.35
    sentence_weight: float = 0.45
    lexical_weight: float = 0.20
    answer_type_bonus: float = 0.1
    """Added when a sentence holds the kind of answer the question asks for: it helps
    rank and highlight, but never makes an irrelevant passage an answer."""


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    passage_id: int
    score: float
    """Ranks the passages: relevance plus the answer-type bonus."""
    relevance: float
    """Meaning and word evidence only: what the no-answer threshold is applied to."""
    sentence: int
    """Index of the highlight sentence within the passage."""
    sentence_vector: npt.NDArray[np.float32]


class Searcher:
    """Answers questions from one index snapshot; safe to share between threads."""

    def __init__(
        self, snapshot: IndexSnapshot, embedder: Embedder, config: SearchConfig | None = None
    ) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.config = config or SearchConfig()

    def search(self, question: str, k: int = 3) -> SearchResult:
        return self.search_many([question], k)[0]

    def search_many(self, questions: Sequence[str], k: int = 3) -> list[SearchResult]:
        """Answer several questions, encoding them in one batch."""
        if not questions:
            return []
        vectors = self.embedder.encode_queries(list(questions))
        return [self.search_vector(q, v, k) for q, v in zip(questions, vectors, strict=True)]

    def search_vector(
        self, question: str, vector: npt.NDArray[np.float32], k: int = 3
    ) -> SearchResult:
        scored = self.rank(question, vector)
        config = self.config
        if not scored or max(s.relevance for s in scored) < config.answer_threshold:
            return SearchResult(question=question, answered=False, passages=())
        floor = max(config.answer_threshold, scored[0].score - config.secondary_margin)
        hits = self._merge_duplicates(
            [s for s in scored if s.score >= floor and s.relevance >= config.answer_threshold], k
        )
        return SearchResult(question=question, answered=True, passages=tuple(hits))

    def rank(self, question: str, vector: npt.NDArray[np.float32]) -> list[ScoredPassage]:
        """Every candidate passage, scored and sorted best first."""
        snapshot = self.snapshot
        count = len(snapshot.passages)
        if count == 0:
            return []
        config = self.config
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        take = min(config.candidates, count)
        dense_scores, dense_ids = snapshot.faiss_index.search(query, take)
        dense = {
            int(i): float(s) for i, s in zip(dense_ids[0], dense_scores[0], strict=True) if i >= 0
        }
        terms = tokenize(question)
        lexical_ids: list[int] = []
        if terms:
            bm25 = snapshot.bm25.scores(terms)
            top = np.argsort(-bm25)[:take]
            lexical_ids = [int(i) for i in top if bm25[i] > 0]
        candidates = set(dense) | set(lexical_ids)
        missing = [i for i in candidates if i not in dense]
        if missing:
            vectors = snapshot.passage_vectors(missing)
            for i, row in zip(missing, vectors @ query[0], strict=True):
                dense[i] = float(row)
        weights = {t: snapshot.bm25.term_idf(t) for t in set(terms)}
        kind = question_type(question)
        scored = [self._score(i, dense[i], query[0], weights, kind) for i in candidates]
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def _score(
        self,
        passage_id: int,
        passage_similarity: float,
        query: npt.NDArray[np.float32],
        term_weights: dict[str, float],
        kind: AnswerType | None,
    ) -> ScoredPassage:
        snapshot = self.snapshot
        config = self.config
        passage = snapshot.passages[passage_id]
        sentence_vectors = snapshot.passage_sentence_vectors(passage_id)
        similarities = sentence_vectors @ query if len(sentence_vectors) else np.zeros(1)
        sentences = [passage.text[a:b] for a, b in passage.sentence_ranges] or [passage.text]
        coverages = np.array([_coverage(term_weights, sentence) for sentence in sentences])
        typed = np.array(
            [1.0 if kind is not None and offers(sentence, kind) else 0.0 for sentence in sentences]
        )
        sentence_scores = (
            config.sentence_weight * similarities
            + config.lexical_weight * coverages
            + config.answer_type_bonus * typed
        )
        best = int(np.argmax(sentence_scores))
        score = config.passage_weight * passage_similarity + float(sentence_scores[best])
        relevance = score - config.answer_type_bonus * float(typed[best])
        vector = sentence_vectors[best] if len(sentence_vectors) else np.zeros_like(query)
        return ScoredPassage(passage_id, score, relevance, best, vector)

    def _merge_duplicates(self, scored: list[ScoredPassage], k: int) -> list[PassageHit]:
        """Keep the best passage of each statement; its duplicates add their sources."""
        snapshot = self.snapshot
        kept: list[tuple[ScoredPassage, list[SourceRef], list[int]]] = []
        for candidate in scored:
            passage = snapshot.passages[candidate.passage_id]
            source = snapshot.articles_by_id[passage.article_id].source
            duplicate_of = self._find_duplicate(candidate, kept)
            if duplicate_of is not None:
                _, sources, ids = kept[duplicate_of]
                if source not in sources:
                    sources.append(source)
                ids.append(candidate.passage_id)
                continue
            if len(kept) < k:
                kept.append((candidate, [source], [candidate.passage_id]))
        return [self._hit(s, sources, ids) for s, sources, ids in kept]

    def _find_duplicate(
        self,
        candidate: ScoredPassage,
        kept: list[tuple[ScoredPassage, list[SourceRef], list[int]]],
    ) -> int | None:
        snapshot = self.snapshot
        passage = snapshot.passages[candidate.passage_id]
        highlight = _highlight_text(passage, candidate.sentence)
        for position, (other, _, _) in enumerate(kept):
            other_passage = snapshot.passages[other.passage_id]
            other_highlight = _highlight_text(other_passage, other.sentence)
            if other_passage.article_id == passage.article_id and (
                passage.sentences[candidate.sentence : candidate.sentence + 1]
                == other_passage.sentences[other.sentence : other.sentence + 1]
            ):
                return position  # overlapping passages answering with the same sentence
            similarity = float(candidate.sentence_vector @ other.sentence_vector)
            if same_statement(highlight, other_highlight, similarity, self.config):
                return position
        return None

    def _hit(self, scored: ScoredPassage, sources: list[SourceRef], ids: list[int]) -> PassageHit:
        passage = self.snapshot.passages[scored.passage_id]
        return PassageHit(
            text=passage.text,
            highlight=_highlight_text(passage, scored.sentence),
            score=round(scored.score, 4),
            sources=tuple(sources),
            passage_ids=tuple(ids),
        )


def _coverage(term_weights: dict[str, float], sentence: str) -> float:
    """The idf-weighted share of the question's terms that the sentence contains."""
    total = sum(term_weights.values())
    if total <= 0:
        return 0.0
    present = set(tokenize(sentence))
    return sum(w for t, w in term_weights.items() if t in present) / total


def _highlight_text(passage: Passage, sentence: int) -> str:
    if not passage.sentence_ranges:
        return passage.text
    start, end = passage.sentence_ranges[sentence]
    return passage.text[start:end]


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def same_statement(first: str, second: str, similarity: float, config: SearchConfig) -> bool:
    """Whether two sentences state the same thing: near-identical meaning, or close
    meaning in shared words, and never with different numbers in them."""
    if set(_NUMBER.findall(first)) != set(_NUMBER.findall(second)):
        return False
    if similarity >= config.duplicate_similarity:
        return True
    words_a, words_b = set(tokenize(first)), set(tokenize(second))
    union = words_a | words_b
    overlap = len(words_a & words_b) / len(union) if union else 0.0
    return similarity >= config.paraphrase_similarity and overlap >= config.paraphrase_overlap
