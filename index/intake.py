"""Add articles to the seeds folder, and remove them: from an uploaded file or a web page.

``ArticleIntake`` turns an upload (``.txt``, ``.md`` or ``.html``) or a URL into article text
and metadata, checks it is an article the index can use, and writes ``<id>.txt`` (or ``.md``)
with its ``<id>.json`` sidecar atomically (a temporary file, then ``os.replace``): a reader
sees the old state or the new one, never half a file. Bad input raises :class:`IntakeError`
with a reason a moderator can act on, and leaves the folder as it was. Removing moves the
files into ``<seeds>/.removed/`` (which the index never reads), so a mistake can be undone.

Web pages are fetched by an injected :data:`Fetcher`; :class:`HttpFetcher` is the default:
only http(s), a total timeout, a size cap, a bounded number of redirects each checked again,
and no private or loopback address unless allowed (a bot must not become a way into the
server's own network). HTML becomes text with trafilatura, whose metadata gives the title,
outlet (site name), date and canonical URL. Nothing here imports Discord.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import json
import logging
import os
import re
import socket
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from index.articles import (
    ARTICLE_SUFFIXES,
    MAX_ARTICLE_BYTES,
    ArticleRejected,
    decode_article,
    guess_title,
    read_article,
    read_metadata,
)

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
UPLOAD_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
REDIRECT_CODES = (301, 302, 303, 307, 308)
REMOVED_DIR = ".removed"
MAX_ID_CHARS = 60
USER_AGENT = "newsdesk-bot article intake (+https://github.com/)"
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_WORD = re.compile(r"\w+")
_NOT_ID = re.compile(r"[^a-z0-9_]+")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """How much is fetched and what counts as an article."""

    max_download_bytes: int = 5_000_000
    """A web page (HTML) or upload larger than this is refused unread."""
    max_article_bytes: int = MAX_ARTICLE_BYTES
    """The article text written to the seeds folder (what the index accepts)."""
    timeout_seconds: float = 15.0
    """The whole fetch, redirects included."""
    max_redirects: int = 5
    min_words: int = 40
    """Fewer words of body text than this is not an article (a stub, an error page…)."""


class IntakeError(Exception):
    """Input that cannot become an article; ``reason`` says why. Nothing was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ArticleExists(IntakeError):
    """The article id (or the URL) is already in the seeds folder."""

    def __init__(self, reason: str, article_id: str) -> None:
        super().__init__(reason)
        self.article_id = article_id


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A successful (2xx) response: ``url`` is the final URL, after redirects."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


Fetcher = Callable[[str], FetchedPage]
"""Fetch a URL or raise :class:`IntakeError`; called in a worker thread."""


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article ready to be written: its text and metadata."""

    text: str
    title: str
    suffix: str
    """``.txt`` or ``.md``: how the text is stored."""
    suggested_id: str
    url: str | None = None
    outlet: str | None = None
    date: str | None = None
    origin: str = ""
    """Where it came from (the file name or the URL), for messages."""


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


# ------------------------------------------------------------------------------------ URLs


def check_url(url: str) -> str:
    """``url`` stripped, if it is an http(s) URL with a host; else :class:`IntakeError`."""
    url = url.strip().strip("<>")
    if not url:
        raise IntakeError("the URL is empty")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise IntakeError(f"only http:// and https:// links can be added (this one has {shown})")
    if not parts.hostname:
        raise IntakeError("the URL has no host name")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise IntakeError(f"the URL has a bad port ({error})") from None
    return url


def _check_host(host: str, port: int, allow_private: bool) -> None:
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise IntakeError(f"the host {host} could not be found ({error.strerror})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise IntakeError(
                f"{host} is a private or local network address ({address}); only public "
                "web pages can be added"
            )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by :class:`HttpFetcher` itself, each one checked again."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class HttpFetcher:
    """Fetch a web page with urllib under :class:`IntakeLimits` (see the module docstring).

    ``allow_private_hosts`` lets it reach loopback and private networks (tests, intranets).
    No proxy from the environment is used: the request goes to the URL's host only.
    """

    def __init__(self, limits: IntakeLimits | None = None, *, allow_private_hosts: bool = False):
        self.limits = limits or IntakeLimits()
        self.allow_private_hosts = allow_private_hosts
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())

    def __call__(self, url: str) -> FetchedPage:
        limits = self.limits
        deadline = time.monotonic() + limits.timeout_seconds
        current = check_url(url)
        for _ in range(limits.max_redirects + 1):
            parts = urlsplit(current)
            host = parts.hostname or ""
            _check_host(
                host,
                parts.port or (443 if parts.scheme == "https" else 80),
                self.allow_private_hosts,
            )
            location = self._get(current, deadline)
            if isinstance(location, FetchedPage):
                return location
            current = check_url(urljoin(current, location))
        raise IntakeError(f"the link redirects more than {limits.max_redirects} times")

    def _remaining(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise IntakeError(
                f"the page took longer than {self.limits.timeout_seconds:g} s to download"
            )
        return left

    def _get(self, url: str, deadline: float) -> FetchedPage | str:
        """The page, or where it redirects to."""
        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            },
        )
        try:
            with self._opener.open(request, timeout=self._remaining(deadline)) as response:
                return self._read(response.geturl(), response.headers, response, deadline)
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                if error.code in REDIRECT_CODES:
                    location = error.headers.get("Location")
                    if not location:
                        raise IntakeError(
                            f"the page answered HTTP {error.code} without a Location"
                        ) from None
                    return location
                raise IntakeError(
                    f"the page answered HTTP {error.code} {error.reason or ''}".rstrip()
                ) from None
        except TimeoutError:
            raise IntakeError(
                f"the page took longer than {self.limits.timeout_seconds:g} s to download"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                raise IntakeError(
                    f"the page took longer than {self.limits.timeout_seconds:g} s to download"
                ) from None
            raise IntakeError(f"the page could not be fetched ({reason})") from None
        except OSError as error:
            raise IntakeError(f"the page could not be fetched ({error})") from None

    def _read(self, url: str, headers: Message, response: object, deadline: float) -> FetchedPage:
        limit = self.limits.max_download_bytes
        length = headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise IntakeError(
                f"the page is too large ({int(length):,} bytes; the limit is {limit:,})"
            )
        read = getattr(response, "read")  # noqa: B009 - http.client.HTTPResponse.read
        chunks: list[bytes] = []
        size = 0
        while True:
            self._remaining(deadline)
            chunk: bytes = read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise IntakeError(f"the page is too large (over {limit:,} bytes)")
            chunks.append(chunk)
        return FetchedPage(
            url=url,
            content_type=headers.get_content_type(),
            charset=headers.get_content_charset(),
            body=b"".join(chunks),
        )


# ------------------------------------------------------------------------- text & HTML


def article_id(text: str) -> str:
    """A file-name-safe id from a title or file name: ``storm-closes-westport-harbour``."""
    if len(text) <= MAX_ID_CHARS and _SAFE_ID.match(text):
        return text  # already a file-name-safe id (such as a seed's own name): kept as it is
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_ID.sub("-", ascii_text.lower()).strip("-_")
    if len(slug) > MAX_ID_CHARS:
        slug = slug[:MAX_ID_CHARS].rsplit("-", 1)[0] or slug[:MAX_ID_CHARS]
    return slug or "article"


def body_words(text: str, title: str | None = None) -> int:
    """Words in the lines the index keeps as body text (furniture and headline excluded)."""
    from index.cleaning import clean_article

    cleaned = clean_article(text, title)
    return sum(len(_WORD.findall(text[span.start : span.end])) for span in cleaned.paragraphs)


def _check_article(text: str, title: str | None, limits: IntakeLimits) -> None:
    encoded = len(text.encode("utf-8"))
    if encoded > limits.max_article_bytes:
        raise IntakeError(
            f"the article text is too large ({encoded:,} bytes; the limit is "
            f"{limits.max_article_bytes:,})"
        )
    words = body_words(text, title)
    if words < limits.min_words:
        raise IntakeError(
            f"this does not look like an article: {words} word{'s' if words != 1 else ''} of "
            f"body text (at least {limits.min_words} are needed)"
        )


def _markdown_title(text: str) -> str | None:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# "):
            return stripped[2:].strip() or None
        if stripped:
            return None
    return None


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(data[:2048]))


def draft_from_text(
    text: str, *, suffix: str, origin: str, suggested_id: str, limits: IntakeLimits
) -> ArticleDraft:
    """A plain-text or Markdown article, titled by its headline."""
    text = text.strip("\n").replace("\t", " ")
    if not text.strip():
        raise IntakeError("the file is empty")
    title = (_markdown_title(text) if suffix == ".md" else None) or guess_title(text)
    _check_article(text, title, limits)
    return ArticleDraft(
        text=text + "\n",
        title=title or suggested_id,
        suffix=suffix,
        suggested_id=suggested_id,
        origin=origin,
    )


def draft_from_html(
    html: bytes | str,
    *,
    url: str | None,
    origin: str,
    suggested_id: str | None,
    limits: IntakeLimits,
) -> ArticleDraft:
    """The article in a web page (trafilatura), with its title, outlet, date and URL."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    raw_text = getattr(document, "text", None) if document is not None else None
    if not raw_text or not raw_text.strip():
        raise IntakeError("no article text was found in the page")
    title = _clean_meta(getattr(document, "title", None))
    paragraphs = [line.strip() for line in raw_text.splitlines() if line.strip()]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    body = "\n\n".join(paragraphs)
    text = f"{title}\n\n{body}\n" if title else body + "\n"
    _check_article(text, title, limits)
    page_url = _clean_meta(getattr(document, "url", None)) or url
    if page_url is not None and urlsplit(page_url).scheme.lower() not in ALLOWED_SCHEMES:
        page_url = url
    title = title or guess_title(text) or (suggested_id or "article")
    return ArticleDraft(
        text=text,
        title=title,
        suffix=".txt",
        suggested_id=suggested_id or article_id(title),
        url=page_url,
        outlet=_clean_meta(getattr(document, "sitename", None)),
        date=_clean_meta(getattr(document, "date", None)),
        origin=origin,
    )


def _clean_meta(value: object) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return None


def _decode(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            return data.decode(charset).replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_article(data)
    except ArticleRejected as rejected:
        raise IntakeError(f"not a text file: {rejected.reason}") from None


def check_upload(filename: str, size: int, limits: IntakeLimits) -> str:
    """The file's suffix, if an upload of this name and size can be an article (checked
    before downloading it); else :class:`IntakeError`."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise IntakeError(f"the file {name or '(no name)'} is not a .txt, .md or .html file")
    if size == 0:
        raise IntakeError("the file is empty")
    if size > limits.max_download_bytes:
        raise IntakeError(
            f"the file is too large ({size:,} bytes; the limit is {limits.max_download_bytes:,})"
        )
    return suffix


def draft_from_upload(filename: str, data: bytes, limits: IntakeLimits) -> ArticleDraft:
    """An uploaded ``.txt``, ``.md`` or ``.html`` file; its id comes from the file name."""
    name = Path(filename).name
    suffix = check_upload(name, len(data), limits)
    stem_id = article_id(Path(name).stem)
    if suffix in HTML_SUFFIXES or looks_like_html(data):
        if b"\x00" in data:
            raise IntakeError("not a text file: binary file (contains NUL bytes)")
        return draft_from_html(data, url=None, origin=name, suggested_id=stem_id, limits=limits)
    text = _decode(data, None)
    return draft_from_text(text, suffix=suffix, origin=name, suggested_id=stem_id, limits=limits)


def draft_from_page(page: FetchedPage, limits: IntakeLimits) -> ArticleDraft:
    """A fetched web page: HTML, or plain text / Markdown."""
    if not page.body.strip():
        raise IntakeError("the page is empty")
    ctype = page.content_type.lower()
    if ctype in HTML_TYPES or (ctype not in TEXT_TYPES and looks_like_html(page.body)):
        return draft_from_html(
            page.body, url=page.url, origin=page.url, suggested_id=None, limits=limits
        )
    if ctype in TEXT_TYPES:
        text = _decode(page.body, page.charset)
        suffix = ".md" if "markdown" in ctype else ".txt"
        path = urlsplit(page.url).path.rstrip("/")
        draft = draft_from_text(
            text,
            suffix=suffix,
            origin=page.url,
            suggested_id=article_id(Path(path).stem or urlsplit(page.url).hostname or ""),
            limits=limits,
        )
        return dataclasses.replace(draft, url=page.url, suggested_id=article_id(draft.title))
    raise IntakeError(f"this does not look like an article: the link serves {ctype}")


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
