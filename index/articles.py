"""Read the articles of the seeds folder.

An article is a UTF-8 (or BOM-marked UTF-16) text file (``*.txt`` or ``*.md``); an optional sidecar
``<stem>.json`` gives its metadata (``title``, ``url``, ``outlet``, ``published``). The article
id is the file stem. A file that cannot be used is reported, never fatal.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.models import Article, SkippedFile

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md")
MAX_ARTICLE_BYTES = 2_000_000
"""Larger files are not news articles (a long feature is ~50 kB); they are skipped."""


@dataclass(frozen=True, slots=True)
class ArticleMetadata:
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedCorpus:
    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...]


def load_corpus(seeds_dir: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> LoadedCorpus:
    """Read every article file of ``seeds_dir``, sorted by name."""
    if not seeds_dir.is_dir():
        return LoadedCorpus((), (SkippedFile(str(seeds_dir), "seeds folder not found"),))
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    for path in _article_paths(seeds_dir.iterdir()):
        try:
            if path.stem in seen:
                raise ArticleRejected(f"same article id as {seen[path.stem]} (rename one of them)")
            articles.append(read_article(path, max_bytes))
            seen[path.stem] = path.name
        except ArticleRejected as rejected:
            log.warning("skipping %s: %s", path.name, rejected.reason)
            skipped.append(SkippedFile(path.name, rejected.reason))
    return LoadedCorpus(tuple(articles), tuple(skipped))


class ArticleRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _article_paths(entries: Iterable[Path]) -> list[Path]:
    return sorted(
        p for p in entries if p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
    )


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file and its metadata; raise ``ArticleRejected`` with a reason."""
    raw = _read_bytes(path, max_bytes)
    text = _decode(raw)
    if not text.strip():
        raise ArticleRejected("empty file")
    metadata = read_metadata(path)
    title = metadata.title or guess_title(text) or path.stem
    digest = hashlib.sha256(raw)
    described = [title, metadata.url, metadata.outlet]
    if metadata.published is not None:  # absent: the hash articles had before dates existed
        described.append(metadata.published)
    digest.update(json.dumps(described).encode())
    return Article(
        id=path.stem,
        title=title,
        text=text,
        path=path.name,
        content_hash=digest.hexdigest(),
        url=metadata.url,
        outlet=metadata.outlet,
        published=metadata.published,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if not path.is_file():
            raise ArticleRejected("not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleRejected(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise ArticleRejected(f"unreadable ({error.strerror or error})") from error


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # what Windows editors save as "Unicode": readable, so not lost
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ArticleRejected(
                f"not valid UTF-16 (bad bytes at offset {error.start})"
            ) from error
        if "\x00" in text:
            raise ArticleRejected("binary file (contains NUL characters)")
    else:
        if b"\x00" in raw:
            raise ArticleRejected("binary file (contains NUL bytes)")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArticleRejected(f"not UTF-8 text (bad byte at offset {error.start})") from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_article(raw: bytes) -> str:
    """An article file's bytes as text (UTF-8, or UTF-16 with a BOM), newlines normalised;
    ``ArticleRejected`` for binary or undecodable bytes."""
    return _decode(raw)


def read_metadata(article_path: Path) -> ArticleMetadata:
    """The sidecar ``<stem>.json`` of an article; a broken sidecar is ignored with a warning."""
    sidecar = article_path.with_suffix(".json")
    if not sidecar.is_file():
        return ArticleMetadata()
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("ignoring unreadable metadata %s: %s", sidecar.name, error)
        return ArticleMetadata()
    if not isinstance(data, dict):
        log.warning("ignoring metadata %s: not a JSON object", sidecar.name)
        return ArticleMetadata()
    return ArticleMetadata(
        title=_optional_str(data.get("title")),
        url=_optional_str(data.get("url")),
        outlet=_optional_str(data.get("outlet")),
        published=_optional_str(data.get("published") or data.get("date")),
    )


def _optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def guess_title(text: str) -> str | None:
    """The headline when no metadata gives one: the first headline-like line."""
    from index.cleaning import clean_article

    cleaned = clean_article(text)
    if cleaned.headline is not None:
        return text[cleaned.headline.start : cleaned.headline.end].strip()
    return None
