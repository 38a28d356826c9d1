"""Terminal mode: ``/add-article PATH-or-URL`` and ``/remove-article``, then the reindex."""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console import Console
from bot.settings import BotSettings
from index.embedding import HashingEmbedder
from index.intake import ArticleIntake, HttpFetcher, IntakeLimits
from index.service import CorpusService

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests/data/intake/lighthouse_keeper.html"
TITLE = "Last keeper leaves Skerrow lighthouse after 41 years"
QUESTION = "how many gales did the lighthouse keeper count in his log?"


@pytest.fixture
def web_root(tmp_path: Path) -> Iterator[str]:
    """``tmp_path/www`` served by http.server on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(PAGE, root / "keeper.html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def shell(tmp_path: Path, services: list[CorpusService]) -> tuple[Console, io.StringIO]:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    settings = BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds,
        index_dir=tmp_path / "index",
        embedding_model="test-hashing",
    )
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    service.open()
    limits = IntakeLimits(timeout_seconds=3.0)
    intake = ArticleIntake(seeds, HttpFetcher(limits, allow_private_hosts=True), limits)
    out = io.StringIO()
    return Console(service, settings, out, io.StringIO(), intake=intake), out


def test_add_a_file_then_remove_it(shell: tuple[Console, io.StringIO]) -> None:
    console, out = shell
    console.run(
        [
            f"/add-article {PAGE}\n",
            f"/ask {QUESTION}\n",
            "/remove-article lighthouse_keeper\n",
            f"/ask {QUESTION}\n",
        ]
    )
    text = out.getvalue()
    assert text.startswith(
        f"Added **{TITLE}** (The Coastline Courier · 2025-03-14) as [lighthouse_keeper].\n"
        "https://courier.example/news/skerrow-lighthouse-keeper"
    ), text
    assert "Reindex complete" in text and "Added (1):\n  [lighthouse_keeper]" in text
    answer, after = text.split(f"Removed **{TITLE}** ([lighthouse_keeper])")
    assert "312 gales" in answer and TITLE in answer.split("Reindex complete")[1]
    assert "Removed (1):\n  [lighthouse_keeper]" in after
    assert TITLE not in after.split("Reindex complete")[1]


def test_add_a_url_and_bad_sources(shell: tuple[Console, io.StringIO], web_root: str) -> None:
    console, out = shell
    console.run(
        [
            f"/add-article {web_root}/keeper.html\n",
            f"/add-article {web_root}/keeper.html\n",
            f"/add-article {web_root}/missing.html\n",
            "/add-article file:///etc/passwd\n",
            "/add-article /no/such/file.txt\n",
            "/add-article\n",
            "/remove-article nothing-like-it\n",
        ]
    )
    text = out.getvalue()
    assert f"Added **{TITLE}**" in text and text.count("Reindex complete") == 1
    assert "! Article not added: This page is already in the articles as" in text
    assert "! Article not added: The page answered HTTP 404" in text
    assert "! Article not added: Only http:// and https:// links can be added" in text
    assert "! Article not added: No such file: /no/such/file.txt" in text
    assert "! Usage: /add-article PATH-or-URL [--replace]" in text
    assert "! Article not removed: No article 'nothing-like-it' in the articles folder" in text
    assert text.count("Nothing was changed.") == 5
