"""Add articles to the seeds folder, and remove them: from an uploaded file or a web page.

``ArticleIntake`` turns an upload (``.txt``, ``.md`` or ``.html``) or a URL into article text
and metadata, checks it is an article the index can use, and writes ``<id>.txt`` (or ``.md``)
with its ``<id>.json`` sidecar atomically (a temporary file, then ``os.replace``): a reader
sees the old state or the new one, never half a file. Bad input raises :class:`IntakeError`
with a reason a moderator can act on, and leaves the folder as it was. Removing moves the
files into ``<seeds>/.removed/`` (which the index never reads), so a mistake can be undone.

Web pages are fetched by an injected :data:`Fetcher` (``index.article_fetch``;
:class:`HttpFetcher` by default: http(s) only, a total timeout, a size cap, bounded
redirects each checked again, no private addresses unless allowed); uploads and pages
become text and metadata in ``index.article_text`` (trafilatura for HTML). This module
owns the folder. Nothing here imports Discord.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from index.article_fetch import (
    FetchedPage,
    Fetcher,
    HttpFetcher,
    IntakeError,
    IntakeLimits,
    check_url,
)
from index.article_text import (
    ArticleDraft,
    article_id,
    check_upload,
    draft_from_page,
    draft_from_upload,
)
from index.articles import ARTICLE_SUFFIXES, ArticleRejected, read_article, read_metadata

__all__ = [
    "ArticleDraft",
    "ArticleExists",
    "ArticleIntake",
    "FetchedPage",
    "Fetcher",
    "HttpFetcher",
    "IntakeError",
    "IntakeLimits",
    "RemovedArticle",
    "WrittenArticle",
    "article_id",
    "check_upload",
    "check_url",
]

log = logging.getLogger(__name__)

REMOVED_DIR = ".removed"


class ArticleExists(IntakeError):
    """The article id (or the URL) is already in the seeds folder."""

    def __init__(self, reason: str, article_id: str) -> None:
        super().__init__(reason)
        self.article_id = article_id


@dataclass(frozen=True, slots=True)
class WrittenArticle:
    id: str
    title: str
    path: Path
    sidecar: Path
    replaced: bool
    url: str | None = None
    outlet: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class RemovedArticle:
    id: str
    title: str
    moved_to: tuple[Path, ...]


# ------------------------------------------------------------------------- the folder


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, all or nothing: a temporary file beside it, then a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _article_files(seeds_dir: Path, article_id: str) -> list[Path]:
    return [
        seeds_dir / f"{article_id}{suffix}"
        for suffix in ARTICLE_SUFFIXES
        if (seeds_dir / f"{article_id}{suffix}").is_file()
    ]


def _normal_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


class ArticleIntake:
    """Adds and removes articles in ``seeds_dir`` (see the module docstring).

    Not a lock: callers run one add/remove (and its reindex) at a time, as the bot does.
    """

    def __init__(
        self,
        seeds_dir: Path,
        fetcher: Fetcher | None = None,
        limits: IntakeLimits | None = None,
    ) -> None:
        self.seeds_dir = seeds_dir
        self.limits = limits or IntakeLimits()
        self.fetcher: Fetcher = fetcher or HttpFetcher(self.limits)

    # -- adding -------------------------------------------------------------------------

    def add_upload(self, filename: str, data: bytes, *, replace: bool = False) -> WrittenArticle:
        return self.write(draft_from_upload(filename, data, self.limits), replace=replace)

    def add_url(self, url: str, *, replace: bool = False) -> WrittenArticle:
        url = check_url(url)
        known = self._known_url(url, replace=replace)
        draft = draft_from_page(self.fetcher(url), self.limits)
        if known is None and draft.url and draft.url != url:
            known = self._known_url(draft.url, replace=replace)
        if known is not None:  # refreshing a page keeps its id
            draft = dataclasses.replace(draft, suggested_id=known)
        return self.write(draft, replace=replace)

    def add(self, source: str, *, replace: bool = False) -> WrittenArticle:
        """A URL, or the path of a local file (the terminal mode's ``/add-article``)."""
        source = source.strip()
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) or source.lower().startswith(
            ("file:", "ftp:", "data:", "javascript:", "mailto:")
        ):
            return self.add_url(source, replace=replace)
        path = Path(source).expanduser()
        if not path.is_file():
            raise IntakeError(f"no such file: {source}")
        check_upload(path.name, path.stat().st_size, self.limits)
        return self.add_upload(path.name, path.read_bytes(), replace=replace)

    def _known_url(self, url: str, *, replace: bool) -> str | None:
        """The id of the article already added from ``url``; refused unless ``replace``."""
        wanted = _normal_url(url)
        if not self.seeds_dir.is_dir():
            return None
        for sidecar in sorted(self.seeds_dir.glob("*.json")):
            metadata = read_metadata(sidecar)
            if (
                metadata.url
                and _normal_url(metadata.url) == wanted
                and _article_files(self.seeds_dir, sidecar.stem)
            ):
                if not replace:
                    raise ArticleExists(
                        f"this page is already in the articles as {sidecar.stem} "
                        f"({metadata.title or 'untitled'}); add it with replace to refresh it",
                        sidecar.stem,
                    )
                return sidecar.stem
        return None

    def write(self, draft: ArticleDraft, *, replace: bool = False) -> WrittenArticle:
        """Write ``draft`` as ``<id><suffix>`` + ``<id>.json``; a clash is refused unless
        ``replace``."""
        seeds = self.seeds_dir
        if not seeds.is_dir():
            raise IntakeError(f"the articles folder {seeds} does not exist")
        aid = draft.suggested_id
        existing = _article_files(seeds, aid)
        if existing and not replace:
            title = read_metadata(existing[0]).title or existing[0].name
            raise ArticleExists(
                f"an article with the id {aid} already exists ({title}); add it with replace "
                "to overwrite it, or remove that one first",
                aid,
            )
        path = seeds / f"{aid}{draft.suffix}"
        sidecar = seeds / f"{aid}.json"
        metadata = {
            "title": draft.title,
            "url": draft.url,
            "outlet": draft.outlet,
            "date": draft.date,
        }
        described = json.dumps(
            {k: v for k, v in metadata.items() if v}, ensure_ascii=False, indent=2
        )
        try:
            old_sidecar = sidecar.read_bytes() if sidecar.is_file() else None
            _write_atomically(sidecar, (described + "\n").encode("utf-8"))
        except OSError as error:
            raise IntakeError(
                f"the articles folder cannot be written ({error.strerror or error})"
            ) from None
        try:
            _write_atomically(path, draft.text.encode("utf-8"))
            read_article(path, self.limits.max_article_bytes)  # what the index will read
        except (OSError, ArticleRejected) as error:
            self._restore(path, sidecar, old_sidecar, existing)
            reason = error.reason if isinstance(error, ArticleRejected) else str(error)
            raise IntakeError(f"the article could not be written ({reason})") from None
        for other in existing:
            if other != path:  # replaced by a file of the other suffix: one file per id
                other.unlink(missing_ok=True)
        log.info("article %s written to %s (%s)", aid, path, draft.origin)
        return WrittenArticle(
            id=aid,
            title=draft.title,
            path=path,
            sidecar=sidecar,
            replaced=bool(existing),
            url=draft.url,
            outlet=draft.outlet,
            date=draft.date,
        )

    @staticmethod
    def _restore(
        path: Path, sidecar: Path, old_sidecar: bytes | None, existing: list[Path]
    ) -> None:
        if old_sidecar is None:
            sidecar.unlink(missing_ok=True)
        else:
            _write_atomically(sidecar, old_sidecar)
        if path not in existing:
            path.unlink(missing_ok=True)

    # -- removing -----------------------------------------------------------------------

    def resolve(self, reference: str, titles: Mapping[str, str] | None = None) -> str:
        """The article id ``reference`` names: an id on disk, or a title (any case)."""
        reference = reference.strip()
        if not reference:
            raise IntakeError("name the article to remove (its id or title)")
        if (
            "/" not in reference
            and "\\" not in reference
            and _article_files(self.seeds_dir, reference)
        ):
            return reference
        wanted = reference.casefold()
        matches = [aid for aid, title in (titles or {}).items() if title.casefold() == wanted]
        if len(matches) == 1 and _article_files(self.seeds_dir, matches[0]):
            return matches[0]
        if len(matches) > 1:
            raise IntakeError(
                f"several articles are titled {reference!r} ({', '.join(matches)}): use the id"
            )
        raise IntakeError(f"no article {reference!r} in the articles folder")

    def remove(self, reference: str, titles: Mapping[str, str] | None = None) -> RemovedArticle:
        """Move the article's files into ``<seeds>/.removed/`` (never read by the index)."""
        aid = self.resolve(reference, titles)
        files = _article_files(self.seeds_dir, aid)
        sidecar = self.seeds_dir / f"{aid}.json"
        title = read_metadata(files[0]).title or (titles or {}).get(aid) or aid
        trash = self.seeds_dir / REMOVED_DIR
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        moved: list[Path] = []
        try:
            trash.mkdir(exist_ok=True)
            for path in [*files, *([sidecar] if sidecar.is_file() else [])]:
                target = trash / f"{stamp}-{path.name}"
                os.replace(path, target)  # the article first: once it is gone, so is the article
                moved.append(target)
        except OSError as error:
            if not moved:
                raise IntakeError(
                    f"the articles folder cannot be written ({error.strerror or error})"
                ) from None
            log.warning("article %s removed, but its sidecar stays: %s", aid, error)
        log.info("article %s removed (files moved to %s)", aid, trash)
        return RemovedArticle(id=aid, title=title, moved_to=tuple(moved))
