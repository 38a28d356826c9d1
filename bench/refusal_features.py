"""Question-level features of a search, for learning when to refuse (``bench.learned_refusal``).

Everything here reads what ``index.search.Searcher`` already computes for a question
(its ranking, relevance, late interaction, the refusal rules' inputs) and never
changes it: the features describe the best candidates and how well the question's
words are matched in them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from index.answer_types import AnswerType, kind_names, question_type, refusal_kind
from index.answerability import (
    QuestionWord,
    held,
    missing_numbers,
    question_words,
)
from index.blocks import block_rows
from index.embedding import QueryEncoding
from index.late_interaction import maxsim
from index.lexical import tokenize
from index.search import ScoredPassage, Searcher

NEAR_SIMILARITY = 0.5
"""A question word whose best token cosine reaches this is matched "nearly"."""
WEAK_SIMILARITY = 0.4
"""...and one whose best cosine stays under this is not matched at all."""
CLOSE_MARGIN = 0.05
"""Candidates within this ranking-score margin of the best are close rivals."""


@dataclass(frozen=True, slots=True)
class RefusalFeatures:
    """One question's search, summed up in numbers (booleans as 0/1)."""

    best_relevance: float
    best_score: float
    score_margin: float
    """Ranking score of the best candidate minus the second's."""
    relevance_margin: float
    close_rivals: float
    """Candidates within ``CLOSE_MARGIN`` of the best ranking score."""
    within_secondary: float
    """Candidates within the searcher's ``secondary_margin`` of the best."""
    top_articles: float
    """Distinct articles among the best five candidates."""
    sentence_cosine: float
    """The best candidate's highlight sentence vector against the question's."""
    passage_cosine: float
    sentence_maxsim: float
    """Late interaction of the question's tokens with the highlight sentence."""
    passage_maxsim: float
    exact_share: float
    """Share of the question's word weight (idf) the highlight sentence holds."""
    near_share: float
    """...that it holds or matches a token of at ``NEAR_SIMILARITY``."""
    weakest_sentence: float
    """Lowest best-match cosine among the question's content words in the highlight
    sentence (1 for a word it holds)."""
    weakest_passage: float
    """The same over the best candidate's passage."""
    weakest_context: float
    """The same over the rules' scope: best candidates, neighbours and titles."""
    unmatched_sentence: float
    """Share of the question's word weight neither held by the highlight sentence nor
    matched by one of its tokens at ``WEAK_SIMILARITY``."""
    unmatched_passage: float
    """The same over the best candidate's passage."""
    weakest_weight: float
    """Share of the question's word weight that its weakest word (in the sentence) has."""
    content_words: float
    asks_kind: float
    """The question names a kind of answer (a date, a person, ...)."""
    asks_specific: float
    """...one whose absence refuses it (``refusal_kind``)."""
    kind_missing: float
    """...and no relevant candidate offers one (the rules' answer-kind check)."""
    uncovered: float
    """The rules' uncovered share of the question's word weight."""
    numbers_missing: float
    """A number the question names is stated nowhere near the best candidates."""
    rules_refuse: float
    """What today's rules decide (1: refused)."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def row(self) -> list[float]:
        return [float(v) for v in asdict(self).values()]


@dataclass(frozen=True, slots=True)
class QuestionSearch:
    """A question's features, whether the rules refused it, and the passages the bot would
    show (best first; when the rules refuse, the ones it would have shown)."""

    features: RefusalFeatures
    passages: tuple[str, ...]
    top_article: str | None
    """The article of the best candidate."""


def describe(
    searcher: Searcher, question: str, encoding: QueryEncoding, k: int = 3
) -> QuestionSearch:
    """Search ``question`` as ``/ask`` does and describe the search (read-only)."""
    result = searcher.search_vector(
        question, encoding.vector, k, tokens=encoding.tokens, token_words=encoding.token_words
    )
    kind = question_type(question)
    scored = searcher.rank(question, encoding.vector, encoding.tokens, kind)
    passages = (
        tuple(hit.text for hit in result.passages)
        if result.answered
        else _shown(searcher, scored, k)
    )
    features = _features(searcher, question, encoding, kind, scored, refused=not result.answered)
    top = searcher.snapshot.passages[scored[0].passage_id].article_id if scored else None
    return QuestionSearch(features, passages, top)


def _shown(searcher: Searcher, scored: list[ScoredPassage], k: int) -> tuple[str, ...]:
    """The passages ``search_vector`` would show had it answered (no conflict reordering)."""
    config = searcher.config
    relevant = [s for s in scored if s.relevance >= config.answer_threshold]
    if not relevant:
        return ()
    floor = scored[0].score - config.secondary_margin
    kept = searcher._merge_duplicates(relevant, k)
    return tuple(
        searcher.snapshot.passages[s.passage_id].text for s, _, _ in kept if s.score >= floor
    )


def _features(
    searcher: Searcher,
    question: str,
    encoding: QueryEncoding,
    kind: AnswerType | None,
    scored: list[ScoredPassage],
    *,
    refused: bool,
) -> RefusalFeatures:
    snapshot = searcher.snapshot
    config = searcher.config
    tokens, token_words = encoding.tokens, encoding.token_words
    has_tokens = tokens is not None and len(tokens) > 0 and len(token_words) == len(tokens)
    terms = [term for term in tokenize(question) if term not in kind_names(kind)]
    weights = {t: snapshot.bm25.term_idf(t) for t in set(terms)}
    required = refusal_kind(kind)
    if not scored:
        return _empty(len(weights), kind, required, refused)
    top = scored[0]
    second = scored[1] if len(scored) > 1 else None
    top_row = searcher._sentence_row(top)
    offsets = snapshot.sentence_offsets
    passage_rows = block_rows(offsets, [top.passage_id])
    best = scored[: config.coverage_passages]
    context_rows = block_rows(offsets, (s.passage_id for s in best))
    present = searcher._present_terms(best)
    sentence_terms = searcher._facts(top_row).terms
    passage_terms = {t for row in passage_rows for t in searcher._facts(int(row)).terms}
    sentence_words = passage_words = context_words = question_words(token_words, None, weights)
    sentence_maxsim = passage_maxsim = 0.0
    if has_tokens and tokens is not None:
        matches = searcher._token_matches(np.array([top_row], dtype=np.int64), tokens)
        sentence_maxsim = float(maxsim(matches)[0])
        sentence_words = question_words(token_words, matches[:, 0], weights)
        passage_best = searcher._best_token_similarities(passage_rows, tokens)
        passage_words = question_words(token_words, passage_best, weights)
        if passage_best is not None:
            passage_maxsim = float(np.mean(passage_best))
        context_words = question_words(
            token_words, searcher._best_token_similarities(context_rows, tokens), weights
        )
    total = sum(w.weight for w in sentence_words) or 1.0
    weakest, weakest_word = _weakest(sentence_words, sentence_terms)
    numbers_present = present | searcher._present_terms(scored[len(best) : config.number_passages])
    top_five = {snapshot.passages[s.passage_id].article_id for s in scored[:5]}
    return RefusalFeatures(
        best_relevance=max(s.relevance for s in scored),
        best_score=top.score,
        score_margin=top.score - second.score if second else 1.0,
        relevance_margin=top.relevance - second.relevance if second else 1.0,
        close_rivals=float(sum(s.score >= top.score - CLOSE_MARGIN for s in scored[1:])),
        within_secondary=float(sum(s.score >= top.score - config.secondary_margin for s in scored)),
        top_articles=float(len(top_five)),
        sentence_cosine=float(top.sentence_vector @ encoding.vector),
        passage_cosine=float(snapshot.passage_vectors([top.passage_id])[0] @ encoding.vector),
        sentence_maxsim=sentence_maxsim,
        passage_maxsim=passage_maxsim,
        exact_share=_share(sentence_words, sentence_terms, None, total),
        near_share=_share(sentence_words, sentence_terms, NEAR_SIMILARITY, total),
        weakest_sentence=weakest,
        weakest_passage=_weakest(passage_words, passage_terms)[0],
        weakest_context=_weakest(context_words, present)[0],
        unmatched_sentence=1.0 - _share(sentence_words, sentence_terms, WEAK_SIMILARITY, total),
        unmatched_passage=1.0
        - _share(passage_words, frozenset(passage_terms), WEAK_SIMILARITY, total),
        weakest_weight=weakest_word.weight / total if weakest_word else 0.0,
        content_words=float(len(sentence_words)),
        asks_kind=float(kind is not None),
        asks_specific=float(required is not None),
        kind_missing=float(
            required is not None
            and not searcher._offered(
                required,
                [s for s in scored if s.relevance >= config.answer_threshold],
                top.score - config.secondary_margin,
                question,
                terms,
                tokens=tokens,
                token_words=token_words,
            )
        ),
        uncovered=searcher._uncovered(terms, best, set(present), tokens, token_words),
        numbers_missing=float(bool(missing_numbers(terms, numbers_present))),
        rules_refuse=float(refused),
    )


def _share(
    words: list[QuestionWord], present: frozenset[str], near: float | None, total: float
) -> float:
    return (
        sum(
            w.weight
            for w in words
            if held(w.term, present)
            or (near is not None and w.similarity is not None and w.similarity >= near)
        )
        / total
    )


def _weakest(
    words: list[QuestionWord], present: set[str] | frozenset[str]
) -> tuple[float, QuestionWord | None]:
    """The lowest match among the words (1 for a held word or one of unknown similarity)."""
    scored = [
        (1.0 if held(w.term, present) or w.similarity is None else w.similarity, w) for w in words
    ]
    if not scored:
        return 1.0, None
    return min(scored, key=lambda pair: pair[0])


def _empty(
    words: int, kind: AnswerType | None, required: AnswerType | None, refused: bool
) -> RefusalFeatures:
    """Features of a search that found no candidate at all."""
    values = dict.fromkeys(RefusalFeatures.names(), 0.0)
    values.update(
        content_words=float(words),
        asks_kind=float(kind is not None),
        asks_specific=float(required is not None),
        kind_missing=float(required is not None),
        uncovered=1.0,
        unmatched_sentence=1.0,
        unmatched_passage=1.0,
        rules_refuse=float(refused),
    )
    return RefusalFeatures(**values)
