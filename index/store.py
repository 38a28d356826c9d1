"""An index on disk: a folder of plain files with a JSON manifest, no pickle.

``save_snapshot`` and ``load_snapshot`` are mirror images. A folder holds::

    manifest.json         schema, model, dimension, counts, corpus hash, checksums
    articles.json         the indexed articles (title, url, outlet, hashes, counts)
    passages.jsonl        one passage a line, with offsets into the original article
    passages.faiss        the FAISS inner-product index over the passage vectors
    sentences.npy         sentence vectors (float32) and
    sentence_offsets.npy  where each passage's sentences start in it
    bm25.npz, bm25_vocab.json   the lexical index
    quotes.jsonl, quotes.npy    extracted quotes and their vectors, and
    quote_parts.npy, quote_part_offsets.npy   a vector per sentence of longer quotes
    tokens.npy, token_offsets.npy   each sentence's content-token vectors (int8),
                          memory-mapped when loaded, for late-interaction scoring
    statements.jsonl, statements.npy, statement_offsets.npy   each sentence's
                          self-contained statements (one JSON string a line), their
                          vectors and where each sentence's start

The index directory the settings name holds builds and a ``current`` symlink;
``publish`` swaps a complete, verified build in with one atomic rename.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import mmap
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexCorrupt, IndexMismatch, IndexUnavailable, ReindexInProgress
from index.lexical import BM25Index
from index.models import ArticleRecord, Passage, Span, StoredQuote
from index.snapshot import SCHEMA_VERSION, IndexSnapshot, Manifest

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CURRENT = "current"
BUILDS = "builds"
TEMP_PREFIX = ".tmp-"
LOCK_FILE = ".lock"
TOKENS_FILE = "tokens.npy"
KEEP_PREVIOUS_BUILDS = 1


# ---------------------------------------------------------------------------
# save / load: mirror images


def save_snapshot(snapshot: IndexSnapshot, folder: Path) -> Manifest:
    """Write every file of ``snapshot`` into ``folder``, then the manifest with checksums."""
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "articles.json", [dataclasses.asdict(a) for a in snapshot.articles])
    _write_jsonl(folder / "passages.jsonl", (_passage_to_json(p) for p in snapshot.passages))
    faiss.write_index(snapshot.faiss_index, str(folder / "passages.faiss"))
    _save_npy(folder / "sentences.npy", snapshot.sentence_vectors)
    _save_npy(folder / "sentence_offsets.npy", snapshot.sentence_offsets)
    bm25_files = snapshot.bm25.save(folder)
    _write_jsonl(folder / "quotes.jsonl", (dataclasses.asdict(q) for q in snapshot.quotes))
    _save_npy(folder / "quotes.npy", snapshot.quote_vectors)
    _save_npy(folder / "quote_parts.npy", snapshot.quote_part_vectors)
    _save_npy(folder / "quote_part_offsets.npy", snapshot.quote_part_offsets)
    _save_npy(folder / TOKENS_FILE, snapshot.token_vectors)
    _save_npy(folder / "token_offsets.npy", snapshot.token_offsets)
    _write_jsonl(folder / "statements.jsonl", snapshot.statements)
    _save_npy(folder / "statements.npy", snapshot.statement_vectors)
    _save_npy(folder / "statement_offsets.npy", snapshot.statement_offsets)
    names = [
        "articles.json",
        "passages.jsonl",
        "passages.faiss",
        "sentences.npy",
        "sentence_offsets.npy",
        *bm25_files,
        "quotes.jsonl",
        "quotes.npy",
        "quote_parts.npy",
        "quote_part_offsets.npy",
        TOKENS_FILE,
        "token_offsets.npy",
        "statements.jsonl",
        "statements.npy",
        "statement_offsets.npy",
    ]
    files = {name: _file_fingerprint(folder / name) for name in names}
    manifest = dataclasses.replace(snapshot.manifest, files=files)
    _write_json(folder / MANIFEST, dataclasses.asdict(manifest))
    _fsync_folder(folder)
    return manifest


def load_snapshot(
    folder: Path, *, model: str | None = None, verify_checksums: bool = True
) -> IndexSnapshot:
    """Read an index folder written by ``save_snapshot``.

    Raises ``IndexMismatch`` when it was built with another schema or model
    (``model``, when given, is the one expected) and ``IndexCorrupt`` when a
    file is missing, truncated, altered or inconsistent with the others.
    """
    import faiss

    manifest = read_manifest(folder)
    if manifest.schema_version != SCHEMA_VERSION:
        raise IndexMismatch(
            f"index at {folder} has schema version {manifest.schema_version}, "
            f"this program reads version {SCHEMA_VERSION}: rebuild it"
        )
    if model is not None and manifest.model != model:
        raise IndexMismatch(
            f"index at {folder} was built with model {manifest.model!r}, "
            f"the settings ask for {model!r}: rebuild it"
        )
    _check_files(folder, manifest, verify_checksums)
    try:
        articles = tuple(ArticleRecord(**row) for row in _read_json(folder / "articles.json"))
        passages = tuple(_passage_from_json(row) for row in _read_jsonl(folder / "passages.jsonl"))
        faiss_index = faiss.read_index(str(folder / "passages.faiss"))
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        sentence_offsets = np.load(folder / "sentence_offsets.npy", allow_pickle=False)
        bm25 = BM25Index.load(folder)
        quotes = tuple(StoredQuote(**row) for row in _read_jsonl(folder / "quotes.jsonl"))
        quote_vectors = np.load(folder / "quotes.npy", allow_pickle=False)
        quote_part_vectors = np.load(folder / "quote_parts.npy", allow_pickle=False)
        quote_part_offsets = np.load(folder / "quote_part_offsets.npy", allow_pickle=False)
        # only the candidates' tokens are read per question: the file stays on disk
        token_vectors = np.load(folder / TOKENS_FILE, mmap_mode="r", allow_pickle=False)
        token_offsets = np.load(folder / "token_offsets.npy", allow_pickle=False)
        statements = tuple(_statement(row) for row in _read_jsonl(folder / "statements.jsonl"))
        statement_vectors = np.load(folder / "statements.npy", allow_pickle=False)
        statement_offsets = np.load(folder / "statement_offsets.npy", allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexCorrupt(f"index at {folder} is corrupt: {error}") from error
    snapshot = IndexSnapshot(
        manifest=manifest,
        articles=articles,
        passages=passages,
        faiss_index=faiss_index,
        sentence_vectors=sentence_vectors,
        sentence_offsets=sentence_offsets,
        bm25=bm25,
        quotes=quotes,
        quote_vectors=quote_vectors,
        quote_part_vectors=quote_part_vectors,
        quote_part_offsets=quote_part_offsets,
        token_vectors=token_vectors,
        token_offsets=token_offsets,
        statements=statements,
        statement_vectors=statement_vectors,
        statement_offsets=statement_offsets,
    )
    check_consistency(snapshot, folder)
    return snapshot


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexUnavailable(f"no index at {folder} (no {MANIFEST})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _manifest_from_json(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as error:
        raise IndexCorrupt(f"index manifest {path} is unreadable: {error}") from error


_MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "model": str,
    "dimension": int,
    "article_count": int,
    "passage_count": int,
    "sentence_count": int,
    "quote_count": int,
    "corpus_hash": str,
    "built_at": str,
    "build_seconds": (int, float),
    "chunking": dict,
    "faiss_index": str,
    "libraries": dict,
    "files": dict,
}


def _manifest_from_json(data: Any) -> Manifest:
    """A ``Manifest`` from parsed JSON; ``TypeError`` for any field of the wrong shape."""
    if not isinstance(data, dict):
        raise TypeError("the manifest is not a JSON object")
    unknown = sorted(set(data) - set(_MANIFEST_FIELDS))
    if unknown:
        raise TypeError(f"unknown manifest fields: {', '.join(unknown)}")
    for name, expected in _MANIFEST_FIELDS.items():
        if name not in data:
            if name == "files":
                continue  # optional in the dataclass; an empty list is refused by _check_files
            raise TypeError(f"the manifest has no {name!r}")
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise TypeError(f"manifest field {name!r} has the wrong type")
    for name in ("dimension", "article_count", "passage_count", "sentence_count", "quote_count"):
        if data[name] < 0:
            raise TypeError(f"manifest field {name!r} is negative")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["libraries"].items()):
        raise TypeError("manifest field 'libraries' is not a map of names to versions")
    for name, entry in data.get("files", {}).items():
        if (
            not isinstance(entry, dict)
            or isinstance(entry.get("bytes"), bool)
            or not isinstance(entry.get("bytes"), int)
            or not isinstance(entry.get("sha256"), str)
            or not _is_plain_file_name(name)
        ):
            raise TypeError(f"manifest entry for file {name!r} is malformed")
    return Manifest(**data)


def _is_plain_file_name(name: str) -> bool:
    """A file directly in the index folder: no path separators, no '..'."""
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


def check_consistency(snapshot: IndexSnapshot, folder: Path) -> None:
    """Raise ``IndexCorrupt`` unless the files agree with each other and the manifest."""
    manifest = snapshot.manifest
    n = len(snapshot.passages)
    problems = []
    if n != manifest.passage_count:
        problems.append(f"{n} passages, manifest says {manifest.passage_count}")
    if int(snapshot.faiss_index.ntotal) != n:
        problems.append(f"FAISS holds {snapshot.faiss_index.ntotal} vectors for {n} passages")
    if int(snapshot.faiss_index.d) != manifest.dimension:
        problems.append(f"FAISS dimension {snapshot.faiss_index.d} != {manifest.dimension}")
    if snapshot.sentence_offsets.shape != (n + 1,):
        problems.append("sentence offsets do not match the passages")
    elif n and int(snapshot.sentence_offsets[-1]) != len(snapshot.sentence_vectors):
        problems.append("sentence vectors do not match their offsets")
    if snapshot.sentence_vectors.ndim != 2 or (
        len(snapshot.sentence_vectors) and snapshot.sentence_vectors.shape[1] != manifest.dimension
    ):
        problems.append("sentence vectors have the wrong shape")
    if snapshot.bm25.doc_count != n:
        problems.append("lexical index does not match the passages")
    if len(snapshot.quotes) != len(snapshot.quote_vectors):
        problems.append("quote vectors do not match the quotes")
    if snapshot.quote_part_offsets.shape != (len(snapshot.quotes) + 1,) or int(
        snapshot.quote_part_offsets[-1]
    ) != len(snapshot.quote_part_vectors):
        problems.append("quote sentence vectors do not match the quotes")
    if snapshot.token_offsets.shape != (len(snapshot.sentence_vectors) + 1,) or int(
        snapshot.token_offsets[-1]
    ) != len(snapshot.token_vectors):
        problems.append("token vectors do not match the sentences")
    elif snapshot.token_vectors.ndim != 2 or (
        len(snapshot.token_vectors) and snapshot.token_vectors.shape[1] != manifest.dimension
    ):
        problems.append("token vectors have the wrong shape")
    if (
        snapshot.statement_offsets.shape != (len(snapshot.sentence_vectors) + 1,)
        or int(snapshot.statement_offsets[-1]) != len(snapshot.statements)
        or len(snapshot.statement_vectors) != len(snapshot.statements)
    ):
        problems.append("statements do not match the sentences or their vectors")
    elif len(snapshot.statement_vectors) and snapshot.statement_vectors.shape[1] != (
        manifest.dimension
    ):
        problems.append("statement vectors have the wrong shape")
    if len(snapshot.articles) != manifest.article_count:
        problems.append("article count does not match the manifest")
    known = {a.id for a in snapshot.articles}
    for position, passage in enumerate(snapshot.passages):
        if passage.id != position or passage.article_id not in known:
            problems.append(f"passage {position} is out of order or has no article")
            break
        if len(passage.sentence_ranges) != int(
            snapshot.sentence_offsets[position + 1] - snapshot.sentence_offsets[position]
        ):
            problems.append(f"passage {position} has the wrong number of sentence vectors")
            break
    if problems:
        raise IndexCorrupt(f"index at {folder} is inconsistent: " + "; ".join(problems))


def _check_files(folder: Path, manifest: Manifest, verify_checksums: bool) -> None:
    if not manifest.files:
        raise IndexCorrupt(f"index manifest at {folder} lists no files")
    for name, expected in manifest.files.items():
        if not isinstance(expected, dict):  # read_manifest refuses these; a caller's Manifest
            raise IndexCorrupt(f"index manifest at {folder} has a malformed entry for {name!r}")
        path = folder / name
        if not path.is_file():
            raise IndexCorrupt(f"index file {path} is missing")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise IndexCorrupt(
                f"index file {path} has {size} bytes, the manifest says {expected.get('bytes')}"
            )
        if verify_checksums and _sha256(path) != expected.get("sha256"):
            raise IndexCorrupt(f"index file {path} does not match its checksum")


# ---------------------------------------------------------------------------
# the index directory: builds, the current pointer, the lock


def resolve_current(index_dir: Path) -> Path:
    """The folder of the live index: ``current`` when it exists, else the folder itself."""
    pointer = index_dir / CURRENT
    if pointer.exists():
        return pointer.resolve()
    return index_dir


def new_build_folder(index_dir: Path) -> Path:
    """A fresh temporary folder next to the builds, to build into.

    Its name starts with the UTC time to the nanosecond, zero-padded, so that
    names sort in the order the builds were started.
    """
    nanoseconds = time.time_ns()
    stamp = datetime.fromtimestamp(nanoseconds // 1_000_000_000, UTC).strftime("%Y%m%dT%H%M%S")
    fraction = nanoseconds % 1_000_000_000
    folder = index_dir / f"{TEMP_PREFIX}{stamp}.{fraction:09d}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def publish(index_dir: Path, built: Path) -> Path:
    """Move a complete build into ``builds/`` and point ``current`` at it atomically."""
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    final = builds / built.name.removeprefix(TEMP_PREFIX)
    previous = _live_build_name(index_dir)
    os.replace(built, final)
    os.utime(final)  # the build's mtime records when it went live (see _prune_builds)
    link_tmp = index_dir / f"{TEMP_PREFIX}link-{uuid.uuid4().hex[:8]}"
    link_tmp.symlink_to(Path(BUILDS) / final.name)
    pointer = index_dir / CURRENT
    displaced = None
    if pointer.is_dir() and not pointer.is_symlink():
        # a real folder named ``current`` (an index copied with its symlinks followed):
        # a symlink cannot replace it, so it is moved aside and deleted once replaced
        displaced = index_dir / f"{TEMP_PREFIX}displaced-{uuid.uuid4().hex[:8]}"
        os.replace(pointer, displaced)
    os.replace(link_tmp, pointer)
    if displaced is not None:
        shutil.rmtree(displaced, ignore_errors=True)
    _fsync_folder(index_dir)
    _prune_builds(builds, live=final.name, previous=previous)
    return final


def _live_build_name(index_dir: Path) -> str | None:
    """The name of the build ``current`` points at, if it points into ``builds/``."""
    try:
        target = Path(os.readlink(index_dir / CURRENT))
    except OSError:
        return None
    if target.parent != Path(BUILDS):
        return None
    return target.name


def remove_leftovers(index_dir: Path) -> list[str]:
    """Delete temporary folders left by builds that died; return their names."""
    removed: list[str] = []
    if not index_dir.is_dir():
        return removed
    for entry in index_dir.iterdir():
        if entry.name.startswith(TEMP_PREFIX):
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    if removed:
        log.info("removed leftovers of interrupted builds: %s", ", ".join(removed))
    return removed


def _prune_builds(builds: Path, live: str, previous: str | None) -> None:
    """Delete old builds: keep the live one, the one it replaced, and no more.

    Build names are not trusted for the order (two builds may be made in the
    same second, or be named by hand); the build that was live just before is
    known from the ``current`` pointer, and any others are ranked by when they
    were published (their folder's mtime, set by ``publish``).
    """
    keep = {live}
    if previous is not None and previous != live and (builds / previous).is_dir():
        keep.add(previous)
    others = sorted(
        (p for p in builds.iterdir() if p.name not in keep), key=_published_at, reverse=True
    )
    spare = max(0, KEEP_PREVIOUS_BUILDS - (len(keep) - 1))
    for old in others[spare:]:
        shutil.rmtree(old, ignore_errors=True)


def _published_at(build: Path) -> tuple[int, str]:
    try:
        return (build.lstat().st_mtime_ns, build.name)
    except OSError:
        return (0, build.name)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index directory's build lock, across processes; never wait for it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ReindexInProgress("another build of this index is running") from error
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------
# file helpers


def _passage_to_json(passage: Passage) -> dict[str, Any]:
    return {
        "id": passage.id,
        "article_id": passage.article_id,
        "position": passage.position,
        "start": passage.start,
        "end": passage.end,
        "text": passage.text,
        "sentences": [[s.start, s.end] for s in passage.sentences],
        "sentence_ranges": [list(r) for r in passage.sentence_ranges],
    }


def _passage_from_json(row: dict[str, Any]) -> Passage:
    return Passage(
        id=int(row["id"]),
        article_id=str(row["article_id"]),
        position=int(row["position"]),
        start=int(row["start"]),
        end=int(row["end"]),
        text=str(row["text"]),
        sentences=tuple(Span(int(a), int(b)) for a, b in row["sentences"]),
        sentence_ranges=tuple((int(a), int(b)) for a, b in row["sentence_ranges"]),
    )


def _statement(row: Any) -> str:
    if not isinstance(row, str):
        raise TypeError("a line of statements.jsonl is not a string")
    return row


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_jsonl(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False))
            handle.write("\n")


def _read_jsonl(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _save_npy(path: Path, array: Any) -> None:
    """Write ``array`` as ``path``, unless it is that very file, memory-mapped (a build
    writes its token vectors there as it goes: see ``index.spill``)."""
    if _maps_whole_file(array, path):
        return
    with path.open("wb") as handle:
        np.save(handle, np.ascontiguousarray(array), allow_pickle=False)


def _maps_whole_file(array: Any, path: Path) -> bool:
    """Whether ``array`` is ``path`` memory-mapped whole, as ``np.load`` maps it (not a view)."""
    if not isinstance(array, np.memmap) or not isinstance(array.base, mmap.mmap):
        return False
    if array.filename is None or not path.exists():
        return False
    if Path(array.filename).resolve() != path.resolve():
        return False
    stored = np.load(path, mmap_mode="r", allow_pickle=False)
    return bool(stored.shape == array.shape and stored.dtype == array.dtype)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_fingerprint(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
