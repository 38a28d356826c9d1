"""Fetch an article's web page: http(s) only, within a size cap and a total timeout.

:class:`HttpFetcher` follows a bounded number of redirects itself, checking each new URL
again (scheme and host), and refuses private and loopback addresses unless allowed (a bot
must not become a way into its server's own network). Every refusal is an
:class:`IntakeError` whose reason a moderator can act on. Nothing here imports Discord.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from index.articles import MAX_ARTICLE_BYTES

ALLOWED_SCHEMES = ("http", "https")
REDIRECT_CODES = (301, 302, 303, 307, 308)
USER_AGENT = "newsdesk-bot article intake (+https://github.com/)"


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


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A successful (2xx) response: ``url`` is the final URL, after redirects."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


Fetcher = Callable[[str], FetchedPage]
"""Fetch a URL or raise :class:`IntakeError`; called in a worker thread."""


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
