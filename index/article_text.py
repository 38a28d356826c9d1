"""Turn an upload or a fetched page into article text and metadata (an ``ArticleDraft``).

Plain text and Markdown are kept as they are (titled by their headline); HTML becomes the
article's text with trafilatura, whose metadata gives the title, outlet (site name), date
and canonical URL. Whatever has fewer words of body text than ``IntakeLimits.min_words``
(as the index's own cleaning counts them) is not an article. Nothing here imports Discord.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from index.article_fetch import ALLOWED_SCHEMES, FetchedPage, IntakeError, IntakeLimits
from index.articles import ArticleRejected, decode_article, guess_title

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
UPLOAD_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
MAX_ID_CHARS = 60
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_WORD = re.compile(r"\w+")
_NOT_ID = re.compile(r"[^a-z0-9_]+")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


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
