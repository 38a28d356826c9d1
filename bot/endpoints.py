"""Send every REST call and gateway connection to configured endpoints.

discord.py builds REST URLs from ``Route.BASE`` (``https://discord.com/api/v10``)
and connects to ``wss://gateway.discord.gg`` first, then to the READY payload's
``resume_gateway_url`` on resumes. Interaction responses, followups and webhooks
go through a separate adapter (``discord.webhook.async_.async_context``).

To run against a Discord-compatible server (or the test fake), without
touching discord.py's globals:

* the client's ``HTTPClient`` becomes a :class:`RoutedHTTPClient`, which rewrites
  REST URLs and websocket URLs (initial connection, reconnects and resumes);
* a :class:`RoutedWebhookAdapter` is installed in the ``async_context`` context
  variable of the task that runs the client; the tasks that handle events inherit
  it, so interaction callbacks and followups are rewritten too.

A resume URL (READY's ``resume_gateway_url``) is kept when it is on the configured
gateway's host and port; anything else (Discord's own default gateway or resume
host, say) is replaced by the configured gateway, with its query: connections and
resumes never leave the compatible server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import yarl
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

_DISCORD_REST = re.compile(r"^https://(?:canary\.|ptb\.)?discord(?:app)?\.com/api(?:/v\d+)?")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where REST calls and gateway connections go; ``None`` keeps Discord's own."""

    api_base: str | None = None
    gateway_url: str | None = None

    @property
    def custom(self) -> bool:
        return self.api_base is not None or self.gateway_url is not None

    def rest(self, url: str) -> str:
        """``url`` (built on Discord's REST base) moved to ``api_base``."""
        if self.api_base is None:
            return url
        base = self.api_base.rstrip("/")
        if url.startswith(Route.BASE):
            return base + url[len(Route.BASE) :]
        match = _DISCORD_REST.match(url)
        return base + url[match.end() :] if match else url

    def gateway(self, url: str) -> str:
        """The websocket URL to connect to instead of ``url``; the query is kept."""
        if self.gateway_url is None:
            return url
        target = yarl.URL(self.gateway_url)
        wanted = yarl.URL(url)
        same_origin = (wanted.scheme, wanted.host, wanted.port) == (
            target.scheme,
            target.host,
            target.port,
        )
        if same_origin:
            return url
        query = {**target.query, **wanted.query}
        return str(target.with_query(query))


class RoutedHTTPClient(HTTPClient):
    """discord.py's HTTP client, with its URLs rewritten by :class:`Endpoints`."""

    endpoints: Endpoints

    async def request(self, route: Route, **kwargs: Any) -> Any:
        route.url = self.endpoints.rest(route.url)
        return await super().request(route, **kwargs)

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        return await super().ws_connect(self.endpoints.gateway(url), compress=compress)


class RoutedWebhookAdapter(AsyncWebhookAdapter):
    """The interactions/webhooks adapter, with its URLs rewritten by :class:`Endpoints`."""

    def __init__(self, endpoints: Endpoints) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.endpoints = endpoints

    async def request(self, route: Route, session: aiohttp.ClientSession, **kwargs: Any) -> Any:
        route.url = self.endpoints.rest(route.url)
        return await super().request(route, session, **kwargs)


def route_client(client: discord.Client, endpoints: Endpoints) -> None:
    """Make ``client``'s HTTP client (already shared by its state and command tree) routed.

    The instance's class is switched rather than the instance replaced, because the
    connection state and the command tree keep their own references to it.
    """
    http = client.http
    if not isinstance(http, RoutedHTTPClient):
        http.__class__ = RoutedHTTPClient
    assert isinstance(http, RoutedHTTPClient)
    http.endpoints = endpoints


def use_routed_webhooks(endpoints: Endpoints) -> None:
    """Route interaction responses and followups in the current context (and its tasks)."""
    current = async_context.get()
    if isinstance(current, RoutedWebhookAdapter) and current.endpoints == endpoints:
        return
    async_context.set(RoutedWebhookAdapter(endpoints))
