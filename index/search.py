"""Hybrid passage search with sentence-level rescoring and an honest "no answer".

1. Candidates: the passages nearest to the question in the FAISS index, and
   the best BM25 passages.
2. Each candidate's sentences are scored by meaning (their vectors, pooled from
   the passage's pass through the model), by late interaction (each content
   token of the question matched to its best counterpart among the sentence's
   stored token vectors, MaxSim) and by words (idf-weighted coverage of the
   question's terms, the same word stemmed differently counting, as
   ``index.answerability.held`` says; for the ranking, the words of the article's
   title count as the sentence's context); the best one is the highlight.
3. A passage's score blends its own similarity, its BM25 score scaled by the
   best candidate's, its late interaction as a whole (each question token's best
   match in any of its sentences, ``index.late_interaction``) and its best
   sentence's score (weights calibrated on the seed and real-news dev questions).
   Whether anything answers is judged on a separate relevance blend, the one the
   no-answer threshold is calibrated on: when the best relevance is under it, the
   result says so.
4. The same statement in several articles is one hit listing every source.
5. When the question asks for a kind of answer (a height, a sum of money, a
   date, a count...) and no relevant candidate sentence offers one, or when the
   best candidates and their neighbours miss too much of the question's words or
   never state a number it names (``index.answerability``),
   the articles do not say: the result is refused, naming what was asked for and
   what the nearest articles cover.
6. When the best answers give different values for the asked fact, the result
   lists the conflict (``index.conflicts``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from index.answer_types import AnswerType, kind_names, offers, question_type, refusal_kind
from index.answerability import (
    HeldTerms,
    counted_words,
    covers_one_of,
    missing_numbers,
    number_value,
    question_words,
    uncovered_share,
)
from index.blocks import block_rows, row_offsets
from index.conflicts import Answer, find_conflict
from index.embedding import Embedder, Vectors, dequantise, encode_with_tokens
from index.late_interaction import Floats, maxsim, passage_maxsim, token_matches
from index.lexical import tokenize
from index.models import Conflict, Passage, PassageHit, SearchResult, SourceRef
from index.snapshot import IndexSnapshot

CACHE_LIMIT = 500_000
"""Sentences whose terms are remembered between questions (about 100 MB at most)."""


@dataclass(frozen=True, slots=True)
class SearchConfig:
    candidates: int = 24
    """Passages taken from each of the dense and the lexical retrievers."""
    answer_threshold: float = 0.30
    """Below this blended score, nothing is relevant enough to be an answer."""
    secondary_margin: float = 0.25
    """Further passages must score within this margin of the best one (on the ranking
    blend's scale; it also bounds the passages the answer-kind check looks at)."""
    duplicate_similarity: float = 0.85
    """Highlights this similar (cosine) are the same statement..."""
    paraphrase_similarity: float = 0.7
    paraphrase_overlap: float = 0.35
    """...and so are highlights this similar sharing this share of their words."""
    passage_weight: float = 0.2
    sentence_weight: float = 0.65
    lexical_weight: float = 0.2
    """Weight of the sentence's idf-weighted coverage of the question's terms."""
    bm25_weight: float = 0.1
    """Weight of the passage's BM25 score divided by the best among the candidates: scaled
    per question, so it means the same in a corpus of 3 articles or 3,000 (raw BM25 grows
    with the idf of rare terms as the corpus grows)."""
    late_weight: float = 0.2
    late_center: float = 0.5
    """Late interaction adds ``late_weight * (maxsim - late_center)`` to a sentence's score:
    centred, so a question encoded without token vectors is judged on the same scale."""
    passage_late_weight: float = 0.2
    """Late interaction over the whole passage (each question token's best match in any of
    its sentences, centred the same way) adds this weight of it to the passage's score: a
    question answered across two sentences is matched by the passage as a whole."""
    relevance_weights: tuple[float, float, float, float] = (0.35, 0.45, 0.2, 0.15)
    """Passage, sentence, coverage and late-interaction weights of ``relevance``, the blend
    the no-answer threshold was calibrated on; ranking uses the weights above,
    calibrated on the seed and real-news dev questions (``index/evaldata/realnews``). Blends
    learned from those questions and judged out of fold (``bench/learned_blend.py``) gained
    at most 2-4 of 167 at top-1: not adopted (see the realnews README)."""
    answer_type_bonus: float = 0.1
    """Added when a sentence holds the kind of answer the question asks for: it helps
    rank and highlight, but never makes an irrelevant passage an answer."""
    on_topic_margin: float = 0.08
    """A refused question whose best candidate scores within this margin under the
    threshold is on topic: the refusal lists what the nearest articles cover."""
    covers: int = 3
    """Article titles listed in ``covers`` at most."""
    coverage_passages: int = 3
    """The best candidates whose words (and their neighbours') must cover the question's...
    (2 with an ``uncovered_limit`` of 0.2 refused 3 more held-out questions for 15 held-out
    answers lost, see ``index/evaldata/realnews/README.md``)"""
    number_passages: int = 3
    """...and those that must state the numbers it names."""
    word_similarity: float = 0.3
    """A question word missing from those passages is still covered when one of its tokens
    has this cosine with one of theirs."""
    uncovered_limit: float = 0.4
    """When this share of the question's word weight (idf) is uncovered, the articles do
    not say."""
    offer_similarity: float = 0.5
    """A sentence offering a count holds the word naming what is counted when it holds the
    word or one of the word's tokens has this cosine with one of the sentence's. (Asking
    the offering sentence to cover 30% of the question's word weight too refused 4 more
    held-out questions for 4 held-out answers lost: see the realnews README.)"""
    conflict_depth: int = 5
    """Answers (after merging duplicates) examined for conflicting values."""
    statement_weight: float = 1.0
    """A sentence's meaning gains this share of what its best self-contained statement
    (``index.statements``: "Hayley Atwell plays Grace" for "Grace (Hayley Atwell)") is
    closer to the question than the sentence itself (1: the better of the two; 0: the
    statements are not read); the highlight stays the sentence."""


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    passage_id: int
    score: float
    """Ranks the passages: the ranking blend of ``SearchConfig``, answer-type bonus included."""
    relevance: float
    """Meaning and word evidence in the calibrated blend (``SearchConfig.relevance_weights``),
    no answer-type bonus: what the no-answer threshold is applied to."""
    sentence: int
    """Index of the highlight sentence within the passage."""
    sentence_vector: npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class RankingInputs:
    """What the ranking blends for one question: one entry per candidate passage, and one
    per sentence of theirs (candidate ``i``'s sentences are ``bounds[i]:bounds[i + 1]``)."""

    passage_ids: npt.NDArray[np.int64]
    """The candidate passages, by id (ascending)."""
    bounds: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]
    """Each sentence's row in the snapshot's sentence arrays."""
    passage_similarity: npt.NDArray[np.float64]
    """The passage vector's cosine with the question."""
    passage_bm25: npt.NDArray[np.float64]
    """The passage's BM25 score over the best candidate's (0..1)."""
    passage_late: npt.NDArray[np.float64]
    """The passage's late interaction as a whole, minus ``SearchConfig.late_center``."""
    dense_rank: npt.NDArray[np.int64]
    """The passage's place in the dense list (0: nearest; ``candidates``: only BM25 found it)."""
    similarity: npt.NDArray[np.floating[Any]]
    """The sentence's cosine with the question, with its best statement's gain (float32
    when no statement weighs, as the stored vectors are)."""
    coverage: npt.NDArray[np.float64]
    """The share of the question's term weight (idf) the sentence holds."""
    coverage_in_context: npt.NDArray[np.float64]
    """The same, the article's title words counting as the sentence's."""
    late: npt.NDArray[np.float64]
    """The sentence's late interaction (MaxSim) minus ``SearchConfig.late_center``."""
    typed: npt.NDArray[np.float64]
    """1 when the sentence offers the kind of answer the question asks for, else 0."""

    def relevances(self, config: SearchConfig) -> npt.NDArray[np.float64]:
        """Each candidate's relevance, the blend the no-answer threshold judges: its own
        similarity and its most relevant sentence's meaning, words (the title apart) and late
        interaction (meaningless for a candidate without sentences)."""
        passage_w, sentence_w, lexical_w, late_w = config.relevance_weights
        sentences = sentence_w * self.similarity + lexical_w * self.coverage + late_w * self.late
        # -inf closes the last block when it is empty (reduceat needs its starts in range)
        best = np.maximum.reduceat(np.append(sentences, -np.inf), self.bounds[:-1])
        return np.asarray(passage_w * self.passage_similarity + best, dtype=np.float64)

    def per_sentence(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """A per-passage array repeated for each of the passage's sentences."""
        return np.repeat(values, np.diff(self.bounds))


class Searcher:
    """Answers questions from one index snapshot; safe to share between threads."""

    def __init__(
        self, snapshot: IndexSnapshot, embedder: Embedder, config: SearchConfig | None = None
    ) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.config = config or SearchConfig()
        # per-sentence facts that do not depend on the question, filled in as needed
        self._facts_cache: dict[int, SentenceFacts] = {}
        self._title_terms: dict[str, HeldTerms] = {}

    def search(self, question: str, k: int = 3) -> SearchResult:
        return self.search_many([question], k)[0]

    def search_many(self, questions: Sequence[str], k: int = 3) -> list[SearchResult]:
        """Answer several questions, encoding them in one batch."""
        if not questions:
            return []
        encodings = encode_with_tokens(self.embedder, list(questions))
        return [
            self.search_vector(q, e.vector, k, tokens=e.tokens, token_words=e.token_words)
            for q, e in zip(questions, encodings, strict=True)
        ]

    def search_vector(
        self,
        question: str,
        vector: npt.NDArray[np.float32],
        k: int = 3,
        tokens: Vectors | None = None,
        token_words: Sequence[str] = (),
    ) -> SearchResult:
        """Answer ``question`` from its vector and, when given, its content-token vectors
        (``token_words``: the question word each token lies in)."""
        kind = question_type(question)
        required = refusal_kind(kind)
        scored = self.rank(question, vector, tokens, kind)
        config = self.config
        best = max((s.relevance for s in scored), default=0.0)
        if best < config.answer_threshold:
            on_topic = bool(scored) and best >= config.answer_threshold - config.on_topic_margin
            covers = self._covers(scored) if on_topic else ()
            return SearchResult(question=question, answered=False, passages=(), covers=covers)
        relevant = [s for s in scored if s.relevance >= config.answer_threshold]
        floor = scored[0].score - config.secondary_margin
        frame = kind_names(kind)
        terms = [term for term in tokenize(question) if term not in frame]
        offered = required is None or self._offered(
            required, relevant, floor, question, terms, tokens=tokens, token_words=token_words
        )
        if not offered or self._unanswerable(terms, scored, tokens, token_words):
            return SearchResult(
                question=question,
                answered=False,
                passages=(),
                asked_for=required.value if required is not None else None,
                covers=self._covers(scored),
            )
        # below the floor a passage is no answer of its own, but may contradict the best one
        kept = self._merge_duplicates(relevant, max(k, config.conflict_depth))
        conflict, claimed = self._conflict(kind, kept)
        # positions in ``kept`` (best first) of the answers shown
        chosen = [i for i, (s, _, _) in enumerate(kept) if s.score >= floor][:k]
        for position in claimed:
            if position in chosen:
                continue
            if len(chosen) < k:
                chosen.append(position)
            else:  # a side of the conflict displaces the lowest answer that is none
                free = [i for i, shown in enumerate(chosen) if shown not in claimed]
                if free:
                    chosen[free[-1]] = position
        return SearchResult(
            question=question,
            answered=True,
            passages=tuple(self._hit(*kept[i]) for i in sorted(chosen)),
            conflicts=(conflict,) if conflict is not None else (),
        )

    def _offered(
        self,
        kind: AnswerType,
        relevant: list[ScoredPassage],
        floor: float,
        question: str,
        terms: Sequence[str],
        *,
        tokens: Vectors | None,
        token_words: Sequence[str],
    ) -> bool:
        """Whether a sentence of the relevant candidates scoring at least ``floor`` and
        stating every number the question names holds the kind of answer asked; for a
        count, one that also holds one of the words naming what is counted (a word held as
        well when one of its tokens is close to one of the sentence's): "How many acres
        burned?" is no question "2,700 structures were destroyed" answers. Without the
        question's token vectors, the kind alone counts."""
        snapshot = self.snapshot
        offsets = snapshot.sentence_offsets
        counted = counted_words(question) if kind is AnswerType.COUNT else ()
        offering = [
            row
            for s in relevant
            if s.score >= floor and self._states_numbers(terms, [s])
            for row in range(int(offsets[s.passage_id]), int(offsets[s.passage_id + 1]))
            if kind in self._facts(row).answer_kinds
        ]
        if not counted or tokens is None or not len(tokens) or len(token_words) != len(tokens):
            return bool(offering)
        weights = {t: snapshot.bm25.term_idf(t) for t in set(terms)}
        rows = np.array(offering, dtype=np.int64)
        for row, similarities in zip(
            offering, self._token_similarities_by_row(rows, tokens), strict=True
        ):
            words = question_words(token_words, similarities, weights)
            if covers_one_of(words, self._facts(row).terms, self.config.offer_similarity, counted):
                return True
        return False

    def _states_numbers(self, terms: Sequence[str], passages: list[ScoredPassage]) -> bool:
        """Whether the passages, their neighbours and titles state every number the
        question (its ``terms``) names; their terms are gathered only when it names one."""
        if all(number_value(term) is None for term in terms):
            return True
        return not missing_numbers(terms, self._present_terms(passages))

    def _unanswerable(
        self,
        terms: Sequence[str],
        scored: list[ScoredPassage],
        tokens: Vectors | None,
        token_words: Sequence[str],
    ) -> bool:
        """Whether the best candidates, their neighbours and titles leave too much of the
        question's word weight uncovered (the best ``coverage_passages``) or never state a
        number it names (the best ``number_passages``)."""
        config = self.config
        best = scored[: config.coverage_passages]
        present = self._present_terms(best)
        if self._uncovered(terms, best, present, tokens, token_words) >= config.uncovered_limit:
            return True
        present |= self._present_terms(scored[len(best) : config.number_passages])
        return bool(missing_numbers(terms, present))

    def _uncovered(
        self,
        terms: Sequence[str],
        best: list[ScoredPassage],
        present: set[str],
        tokens: Vectors | None,
        token_words: Sequence[str],
    ) -> float:
        """The share of the question's word weight (its ``terms``) that the terms
        ``present`` in the best candidates, their neighbouring passages and their articles'
        titles do not cover (0 when the question came without token vectors: words alone
        cannot tell a paraphrase from a gap)."""
        if tokens is None or not len(tokens) or len(token_words) != len(tokens) or not best:
            return 0.0
        snapshot = self.snapshot
        rows = block_rows(snapshot.sentence_offsets, (s.passage_id for s in best))
        weights = {t: snapshot.bm25.term_idf(t) for t in set(terms)}
        words = question_words(token_words, self._best_token_similarities(rows, tokens), weights)
        return uncovered_share(words, present, self.config.word_similarity)

    def _present_terms(self, best: list[ScoredPassage]) -> set[str]:
        """The terms of the candidates, of their neighbouring passages in the same article
        and of their articles' titles."""
        snapshot = self.snapshot
        offsets = snapshot.sentence_offsets
        present: set[str] = set()
        for s in best:
            passage = snapshot.passages[s.passage_id]
            present |= self._title_words(passage.article_id).terms
            for neighbour in (s.passage_id - 1, s.passage_id, s.passage_id + 1):
                if 0 <= neighbour < len(snapshot.passages):
                    other = snapshot.passages[neighbour]
                    if other.article_id == passage.article_id:
                        for row in range(int(offsets[neighbour]), int(offsets[neighbour + 1])):
                            present |= self._facts(row).terms
        return present

    def _best_token_similarities(
        self, rows: npt.NDArray[np.int64], query_tokens: Vectors
    ) -> npt.NDArray[np.float32] | None:
        """Each question token's best cosine with any token of the sentence ``rows``."""
        tokens = self._row_tokens(rows)
        if not len(tokens):
            return None
        similarities: npt.NDArray[np.float32] = (query_tokens @ tokens.T).max(axis=1)
        return similarities

    def _token_similarities_by_row(
        self, rows: npt.NDArray[np.int64], query_tokens: Vectors
    ) -> list[Floats | None]:
        """For each sentence row, each question token's best cosine with the row's tokens
        (``None`` for a row without token vectors)."""
        offsets = self.snapshot.token_offsets
        has_tokens = offsets[rows + 1] > offsets[rows]
        matches = self._token_matches(rows, query_tokens)
        return [matches[:, i] if has_tokens[i] else None for i in range(len(rows))]

    def _row_tokens(self, rows: npt.NDArray[np.int64]) -> Vectors:
        """The stored content-token vectors of the sentence ``rows``, in row order, as floats."""
        index = block_rows(self.snapshot.token_offsets, rows)
        return dequantise(np.asarray(self.snapshot.token_vectors[index]))

    def _title_words(self, article_id: str) -> HeldTerms:
        terms = self._title_terms.get(article_id)
        if terms is None:
            terms = HeldTerms.of(tokenize(self.snapshot.articles_by_id[article_id].title))
            self._title_terms[article_id] = terms
        return terms

    def _covers(self, scored: list[ScoredPassage]) -> tuple[str, ...]:
        """The titles of the articles nearest to the question, best first, once each."""
        titles: list[str] = []
        snapshot = self.snapshot
        for candidate in scored:
            article = snapshot.articles_by_id[snapshot.passages[candidate.passage_id].article_id]
            if article.title not in titles:
                titles.append(article.title)
            if len(titles) >= self.config.covers:
                break
        return tuple(titles)

    def _conflict(
        self, kind: AnswerType | None, kept: list[tuple[ScoredPassage, list[SourceRef], list[int]]]
    ) -> tuple[Conflict | None, list[int]]:
        """The conflict among the kept answers, and the positions of its sides in ``kept``."""
        answers = [
            Answer(
                highlight=self._sentence_text(self._sentence_row(s)),
                vector=s.sentence_vector,
                sources=tuple(sources),
            )
            for s, sources, _ in kept
        ]
        return find_conflict(kind, answers)

    def rank(
        self,
        question: str,
        vector: npt.NDArray[np.float32],
        tokens: Vectors | None = None,
        kind: AnswerType | None = None,
    ) -> list[ScoredPassage]:
        """Every candidate passage, scored and sorted best first; ``kind`` is the kind of
        answer the question asks for (:func:`question_type`)."""
        inputs = self.ranking_inputs(question, vector, tokens, kind)
        return self._score_all(inputs) if inputs is not None else []

    def ranking_inputs(
        self,
        question: str,
        vector: npt.NDArray[np.float32],
        tokens: Vectors | None = None,
        kind: AnswerType | None = None,
    ) -> RankingInputs | None:
        """What :meth:`rank` blends, for every sentence of every candidate passage (``None``
        for an empty index): read-only, for studying the blend (``bench/learned_blend.py``)."""
        snapshot = self.snapshot
        count = len(snapshot.passages)
        if count == 0:
            return None
        config = self.config
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        take = min(config.candidates, count)
        dense_scores, dense_ids = snapshot.faiss_index.search(query, take)
        dense = {
            int(i): float(s) for i, s in zip(dense_ids[0], dense_scores[0], strict=True) if i >= 0
        }
        dense_order = list(dense)
        terms = tokenize(question)
        lexical_ids: list[int] = []
        bm25 = np.zeros(count, dtype=np.float32)
        if terms:
            bm25 = snapshot.bm25.scores(terms)
            top = np.argsort(-bm25)[:take]
            lexical_ids = [int(i) for i in top if bm25[i] > 0]
        candidates = sorted(set(dense) | set(lexical_ids))
        best_bm25 = max((float(bm25[i]) for i in candidates), default=0.0)
        missing = [i for i in candidates if i not in dense]
        if missing:
            vectors = snapshot.passage_vectors(missing)
            for i, row in zip(missing, vectors @ query[0], strict=True):
                dense[i] = float(row)
        weights = {t: snapshot.bm25.term_idf(t) for t in set(terms)}
        rank_of = {passage_id: rank for rank, passage_id in enumerate(dense_order)}
        return self._inputs(
            candidates,
            query[0],
            weights,
            passage_similarity=np.array([dense[i] for i in candidates]),
            passage_bm25=np.array(
                [float(bm25[i]) / best_bm25 if best_bm25 > 0 else 0.0 for i in candidates]
            ),
            dense_rank=np.array([rank_of.get(i, take) for i in candidates], dtype=np.int64),
            kind=kind,
            query_tokens=tokens,
        )

    def _inputs(
        self,
        candidates: list[int],
        query: npt.NDArray[np.float32],
        term_weights: dict[str, float],
        *,
        passage_similarity: npt.NDArray[np.float64],
        passage_bm25: npt.NDArray[np.float64],
        dense_rank: npt.NDArray[np.int64],
        kind: AnswerType | None,
        query_tokens: Vectors | None = None,
    ) -> RankingInputs:
        """Every sentence of every candidate at once: its meaning, words, late interaction
        and answer kind; each passage's own similarity, BM25 score (over the best
        candidate's: 0..1) and passage-level MaxSim."""
        snapshot = self.snapshot
        config = self.config
        offsets = snapshot.sentence_offsets
        rows = block_rows(offsets, candidates)
        # candidate i's sentences are rows[bounds[i]:bounds[i + 1]]
        bounds = row_offsets([int(offsets[c + 1] - offsets[c]) for c in candidates])
        own = snapshot.sentence_vectors[rows] @ query if len(rows) else np.zeros(0)
        similarities = own
        if config.statement_weight:
            gain = np.maximum(0.0, self._statement_similarities(rows, query) - own)
            similarities = own + config.statement_weight * gain
        sentence_terms = [self._facts(int(row)).held for row in rows]
        titles = [
            self._title_words(snapshot.passages[c].article_id)
            for position, c in enumerate(candidates)
            for _ in range(int(bounds[position + 1] - bounds[position]))
        ]
        typed = np.array(
            [1.0 if kind in self._facts(int(row)).answer_kinds else 0.0 for row in rows]
        )
        # each question token's best cosine with each sentence's tokens (late interaction)
        late = np.zeros(len(rows))
        passage_late = np.zeros(len(candidates))
        if query_tokens is not None and len(query_tokens):
            matches = self._token_matches(rows, query_tokens)
            late = maxsim(matches) - config.late_center
            passage_late = passage_maxsim(matches, bounds) - config.late_center
        return RankingInputs(
            passage_ids=np.array(candidates, dtype=np.int64),
            bounds=bounds,
            rows=rows,
            passage_similarity=passage_similarity,
            passage_bm25=passage_bm25,
            passage_late=passage_late,
            dense_rank=dense_rank,
            similarity=similarities,
            coverage=coverage(term_weights, sentence_terms),
            # ranking reads a sentence in its article: the title's words are its context
            # too ("the submersible" in a story titled "Titan"); relevance judges it alone
            coverage_in_context=coverage(term_weights, sentence_terms, titles),
            late=late,
            typed=typed,
        )

    def _score_all(self, inputs: RankingInputs) -> list[ScoredPassage]:
        """Each passage scored by its best sentence, its own similarity, its BM25 score and
        its passage-level MaxSim (the ranking blend), and by its relevance."""
        config = self.config
        similarities, late = inputs.similarity, inputs.late
        sentence_scores = (
            config.sentence_weight * similarities
            + config.lexical_weight * inputs.coverage_in_context
            + config.late_weight * late
            + config.answer_type_bonus * inputs.typed
        )
        relevances = inputs.relevances(config)
        bounds = inputs.bounds
        scored: list[ScoredPassage] = []
        for position, passage_id in enumerate(inputs.passage_ids.tolist()):
            first, last = int(bounds[position]), int(bounds[position + 1])
            if first == last:
                continue
            best = int(np.argmax(sentence_scores[first:last]))
            best_row = first + best
            similarity = float(inputs.passage_similarity[position])
            score = (
                config.passage_weight * similarity
                + config.passage_late_weight * float(inputs.passage_late[position])
                + config.bm25_weight * float(inputs.passage_bm25[position])
                + float(sentence_scores[best_row])
            )
            # the bonus may make a less relevant sentence the highlight; the passage is
            # still as relevant as its most relevant sentence by meaning and words
            relevance = float(relevances[position])
            vector = self.snapshot.sentence_vectors[inputs.rows[best_row]]
            scored.append(ScoredPassage(passage_id, score, relevance, best, vector))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def _statement_similarities(
        self, rows: npt.NDArray[np.int64], query: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float64]:
        """Each sentence row's best cosine among its statements (-1 for a row without)."""
        offsets = self.snapshot.statement_offsets
        best = np.full(len(rows), -1.0)
        counts = offsets[rows + 1] - offsets[rows]
        has = np.flatnonzero(counts)
        if not len(has):
            return best
        index = block_rows(offsets, rows[has])
        cosines = self.snapshot.statement_vectors[index] @ query
        best[has] = np.maximum.reduceat(cosines, np.concatenate([[0], np.cumsum(counts[has])[:-1]]))
        return best

    def _token_matches(self, rows: npt.NDArray[np.int64], query_tokens: Vectors) -> Floats:
        """Each question token's best cosine with each sentence row's stored tokens
        (:func:`index.late_interaction.token_matches`)."""
        offsets = self.snapshot.token_offsets
        lengths = (offsets[rows + 1] - offsets[rows]).astype(np.int64)
        return token_matches(query_tokens, self._row_tokens(rows), lengths)

    def _sentence_text(self, row: int) -> str:
        passage_id = int(np.searchsorted(self.snapshot.sentence_offsets, row, side="right")) - 1
        passage = self.snapshot.passages[passage_id]
        start, end = passage.sentence_ranges[row - int(self.snapshot.sentence_offsets[passage_id])]
        return passage.text[start:end]

    def _facts(self, row: int) -> SentenceFacts:
        """The terms, numbers and answer kinds of a sentence, computed once per snapshot
        (cached)."""
        facts = self._facts_cache.get(row)
        if facts is None:
            if len(self._facts_cache) > CACHE_LIMIT:
                self._facts_cache.clear()
            facts = SentenceFacts.of(self._sentence_text(row))
            self._facts_cache[row] = facts
        return facts

    def _merge_duplicates(
        self, scored: list[ScoredPassage], k: int
    ) -> list[tuple[ScoredPassage, list[SourceRef], list[int]]]:
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
        return kept

    def _find_duplicate(
        self,
        candidate: ScoredPassage,
        kept: list[tuple[ScoredPassage, list[SourceRef], list[int]]],
    ) -> int | None:
        snapshot = self.snapshot
        passage = snapshot.passages[candidate.passage_id]
        highlight = self._facts(self._sentence_row(candidate))
        for position, (other, _, _) in enumerate(kept):
            other_passage = snapshot.passages[other.passage_id]
            other_highlight = self._facts(self._sentence_row(other))
            if other_passage.article_id == passage.article_id and (
                passage.sentences[candidate.sentence : candidate.sentence + 1]
                == other_passage.sentences[other.sentence : other.sentence + 1]
            ):
                return position  # overlapping passages answering with the same sentence
            similarity = float(candidate.sentence_vector @ other.sentence_vector)
            if same_statement(highlight, other_highlight, similarity, self.config):
                return position
        return None

    def _sentence_row(self, scored: ScoredPassage) -> int:
        return int(self.snapshot.sentence_offsets[scored.passage_id]) + scored.sentence

    def _hit(self, scored: ScoredPassage, sources: list[SourceRef], ids: list[int]) -> PassageHit:
        passage = self.snapshot.passages[scored.passage_id]
        return PassageHit(
            text=passage.text,
            highlight=_highlight_text(passage, scored.sentence),
            score=round(scored.score, 4),
            sources=tuple(sources),
            passage_ids=tuple(ids),
        )


def coverage(
    term_weights: dict[str, float],
    row_terms: Sequence[HeldTerms],
    context: Sequence[HeldTerms] | None = None,
) -> npt.NDArray[np.float64]:
    """For each row's terms (and its ``context``'s, when given), the share of the question
    terms' weight (idf) they hold, the same word stemmed differently counting
    (``index.answerability.held``)."""
    total = sum(term_weights.values())
    if not total:
        return np.zeros(len(row_terms))
    around = context if context is not None else [HeldTerms.of(())] * len(row_terms)
    return np.array(
        [
            sum(
                weight
                for term, weight in term_weights.items()
                if terms.holds(term) or extra.holds(term)
            )
            / total
            for terms, extra in zip(row_terms, around, strict=True)
        ]
    )


def _highlight_text(passage: Passage, sentence: int) -> str:
    if not passage.sentence_ranges:
        return passage.text
    start, end = passage.sentence_ranges[sentence]
    return passage.text[start:end]


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class SentenceFacts:
    """What search compares of a sentence, whatever the question."""

    terms: frozenset[str]
    numbers: frozenset[str]
    answer_kinds: frozenset[AnswerType]
    """The kinds of answer the sentence offers (a date, a number, a person…)."""
    held: HeldTerms
    """``terms``, ready for the coverage of a question's terms."""

    @classmethod
    def of(cls, sentence: str) -> SentenceFacts:
        terms = frozenset(tokenize(sentence))
        return cls(
            terms,
            frozenset(_NUMBER.findall(sentence)),
            frozenset(kind for kind in AnswerType if offers(sentence, kind)),
            HeldTerms.of(terms),
        )


def same_statement(
    first: SentenceFacts, second: SentenceFacts, similarity: float, config: SearchConfig
) -> bool:
    """Whether two sentences state the same thing: near-identical meaning, or close
    meaning in shared words, and never with different numbers in them."""
    if first.numbers != second.numbers:
        return False
    if similarity >= config.duplicate_similarity:
        return True
    words_a, words_b = first.terms, second.terms
    union = words_a | words_b
    overlap = len(words_a & words_b) / len(union) if union else 0.0
    return similarity >= config.paraphrase_similarity and overlap >= config.paraphrase_overlap
