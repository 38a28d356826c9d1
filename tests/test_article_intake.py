"""Adding and removing articles in the seeds folder (``index.intake``), without Discord.

Web pages are served by an aiohttp server on 127.0.0.1; the fetcher is the real
``HttpFetcher`` (urllib), allowed to reach loopback for these tests only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from index.articles import load_corpus
from index.intake import (
    ArticleExists,
    ArticleIntake,
    HttpFetcher,
    IntakeError,
    IntakeLimits,
    article_id,
    check_url,
)
from tests.bot_support.folders import snapshot

DATA = Path(__file__).resolve().parent / "data"
PAGE = (DATA / "intake" / "lighthouse_keeper.html").read_bytes()
BAKERY = (DATA / "quote_articles" / "bakery_closures.txt").read_bytes()
LIMITS = IntakeLimits(timeout_seconds=2.0, max_download_bytes=200_000)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "existing.txt").write_bytes(BAKERY)
    return folder


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """A small web site on 127.0.0.1: an article, redirects, errors, slow and huge pages."""

    async def article(request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="text/html", charset="utf-8")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query.get("to", "/article"))

    async def loop(request: web.Request) -> web.Response:
        hops = int(request.match_info["n"])
        raise web.HTTPFound(f"/loop/{hops + 1}")

    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(50):
            await response.write(b"<p>still loading</p>")
            await asyncio.sleep(0.2)
        return response

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()  # no Content-Length: the cap must hold while reading
        await response.prepare(request)
        for _ in range(40):
            await response.write(b"<p>" + b"news " * 2000 + b"</p>")
        return response

    async def stub(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body><h1>Page not found</h1><p>Sorry.</p></body></html>",
            content_type="text/html",
        )

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + bytes(300), content_type="image/png")

    async def missing(request: web.Request) -> web.Response:
        raise web.HTTPNotFound()

    async def plain(request: web.Request) -> web.Response:
        return web.Response(body=BAKERY, content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/article", article)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop/{n}", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/huge", huge)
    app.router.add_get("/stub", stub)
    app.router.add_get("/image.png", image)
    app.router.add_get("/missing", missing)
    app.router.add_get("/plain.txt", plain)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def intake(seeds: Path) -> ArticleIntake:
    return ArticleIntake(seeds, HttpFetcher(LIMITS, allow_private_hosts=True), LIMITS)


# ---------------------------------------------------------------- files


def test_text_file_is_written_with_its_sidecar_and_indexable(seeds: Path) -> None:
    written = intake(seeds).add_upload(
        "Rail fares.txt", (DATA / "quote_articles/rail_fares.txt").read_bytes()
    )
    assert written.id == "rail-fares" and not written.replaced
    assert written.path == seeds / "rail-fares.txt"
    assert (
        written.path.read_bytes().decode() == (DATA / "quote_articles/rail_fares.txt").read_text()
    )
    sidecar = json.loads(written.sidecar.read_text())
    assert sidecar == {"title": "Minister defends rail fare rise as critics cry 'foul'"}
    corpus = load_corpus(seeds)
    assert [a.id for a in corpus.articles] == ["existing", "rail-fares"] and not corpus.skipped
    assert not [p for p in seeds.iterdir() if p.name.endswith(".tmp")]


def test_markdown_file_keeps_its_heading_as_title(seeds: Path) -> None:
    text = (
        "# Harbour wall to be rebuilt\n\n"
        + "The council voted on Monday to rebuild the wall. " * 12
    )
    written = intake(seeds).add_upload("wall.md", text.encode())
    assert written.path.name == "wall.md" and written.title == "Harbour wall to be rebuilt"


def test_html_file_becomes_article_text_with_metadata(seeds: Path) -> None:
    written = intake(seeds).add_upload("keeper.html", PAGE)
    text = written.path.read_text()
    assert written.path.name == "keeper.txt"
    assert text.startswith("Last keeper leaves Skerrow lighthouse after 41 years\n\n")
    assert "312 gales" in text and "ceilidh" in text
    for furniture in ("cookie", "Related stories", "All rights reserved", "analytics", "Sport"):
        assert furniture not in text
    assert json.loads(written.sidecar.read_text()) == {
        "title": "Last keeper leaves Skerrow lighthouse after 41 years",
        "url": "https://courier.example/news/skerrow-lighthouse-keeper",
        "outlet": "The Coastline Courier",
        "date": "2025-03-14",
    }


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\n \t\n", "the file is empty"),
        ("photo.png", b"\x89PNG\r\n", "is not a .txt, .md or .html file"),
        ("report.pdf", b"%PDF-1.7", "is not a .txt, .md or .html file"),
        ("binary.txt", b"abc\x00\x01\x02" * 20, "binary file"),
        ("latin1.txt", "Le café a fermé. ".encode("latin-1") * 20, "not UTF-8"),
        ("short.txt", b"Just a line.\n", "does not look like an article"),
        ("huge.txt", b"word " * 50_000, "too large"),
        (
            "nav.html",
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "does not look like an article: 0 words",
        ),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(
    seeds: Path, name: str, data: bytes, reason: str
) -> None:
    before = snapshot(seeds)
    with pytest.raises(IntakeError) as refused:
        intake(seeds).add_upload(name, data)
    assert reason in refused.value.reason
    assert snapshot(seeds) == before


def test_a_clash_is_refused_unless_replacing(seeds: Path) -> None:
    before = snapshot(seeds)
    with pytest.raises(ArticleExists) as clash:
        intake(seeds).add_upload(
            "existing.txt", (DATA / "quote_articles/tennis_final.txt").read_bytes()
        )
    assert "already exists" in clash.value.reason and clash.value.article_id == "existing"
    assert snapshot(seeds) == before
    written = intake(seeds).add_upload(
        "existing.txt", (DATA / "quote_articles/tennis_final.txt").read_bytes(), replace=True
    )
    assert written.replaced and b"Nina Keller won" in written.path.read_bytes()


def test_a_failed_write_leaves_no_half_file(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(seeds)
    import index.intake as module

    real_replace = module.os.replace

    def failing_replace(src: str, dst: str) -> None:
        if str(dst).endswith(".txt"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(module.os, "replace", failing_replace)
    with pytest.raises(IntakeError, match="could not be written"):
        intake(seeds).add_upload("keeper.html", PAGE)
    assert snapshot(seeds) == before


def test_a_read_only_folder_is_a_clear_refusal(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.intake as module

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    before = snapshot(seeds)
    monkeypatch.setattr(module.tempfile, "mkstemp", read_only)
    monkeypatch.setattr(module.os, "replace", read_only)
    with pytest.raises(IntakeError, match=r"cannot be written \(Read-only file system\)"):
        intake(seeds).add_upload("keeper.html", PAGE)
    with pytest.raises(IntakeError, match=r"cannot be written \(Read-only file system\)"):
        intake(seeds).remove("existing")
    assert snapshot(seeds) == before


# ---------------------------------------------------------------- URLs


async def test_url_is_fetched_through_redirects_with_metadata(seeds: Path, site: str) -> None:
    written = await asyncio.to_thread(intake(seeds).add_url, f"{site}/redirect?to=/article")
    assert written.id == "last-keeper-leaves-skerrow-lighthouse-after-41-years"
    assert written.outlet == "The Coastline Courier" and written.date == "2025-03-14"
    assert written.url == "https://courier.example/news/skerrow-lighthouse-keeper"
    assert "rowed ashore for the final time" in written.path.read_text()
    # the same page again is a clash (by its URL), unless replacing, which keeps its id
    with pytest.raises(ArticleExists, match="already in the articles"):
        await asyncio.to_thread(intake(seeds).add_url, f"{site}/article")
    again = await asyncio.to_thread(intake(seeds).add_url, f"{site}/article", replace=True)
    assert again.id == written.id and again.replaced


async def test_plain_text_url(seeds: Path, site: str) -> None:
    written = await asyncio.to_thread(intake(seeds).add_url, f"{site}/plain.txt")
    assert written.url == f"{site}/plain.txt"
    assert written.path.read_bytes() == BAKERY.strip(b"\n") + b"\n"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404"),
        ("/stub", "does not look like an article"),
        ("/image.png", "the link serves image/png"),
        ("/huge", "too large"),
        ("/slow", "longer than 2 s"),
        ("/loop/0", "redirects more than 5 times"),
        ("/redirect?to=file:///etc/passwd", "only http:// and https://"),
        ("/redirect?to=ftp://127.0.0.1/news.txt", "only http:// and https://"),
    ],
)
async def test_bad_pages_are_refused_and_change_nothing(
    seeds: Path, site: str, path: str, reason: str
) -> None:
    before = snapshot(seeds)
    with pytest.raises(IntakeError) as refused:
        await asyncio.to_thread(intake(seeds).add_url, site + path)
    assert reason in refused.value.reason
    assert snapshot(seeds) == before


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/a.txt", "javascript:alert(1)", "gopher://x", "//x/y"],
)
def test_only_http_and_https_urls(url: str) -> None:
    with pytest.raises(IntakeError, match="only http:// and https://"):
        check_url(url)


def test_private_addresses_are_refused_by_default(seeds: Path) -> None:
    before = snapshot(seeds)
    strict = ArticleIntake(seeds, HttpFetcher(LIMITS), LIMITS)
    for url in ("http://127.0.0.1:9/news", "http://10.0.0.8/news", "http://[::1]/news"):
        with pytest.raises(IntakeError, match="private or local network address"):
            strict.add_url(url)
    assert snapshot(seeds) == before


def test_terminal_source_is_a_path_or_a_url(seeds: Path, tmp_path: Path) -> None:
    page = tmp_path / "keeper.html"
    page.write_bytes(PAGE)
    assert intake(seeds).add(str(page)).id == "keeper"
    with pytest.raises(IntakeError, match="no such file"):
        intake(seeds).add(str(tmp_path / "nope.txt"))
    with pytest.raises(IntakeError, match="only http:// and https://"):
        intake(seeds).add("file:///etc/hostname")


# ---------------------------------------------------------------- removing


def test_remove_moves_the_files_aside(seeds: Path) -> None:
    written = intake(seeds).add_upload("keeper.html", PAGE)
    removed = intake(seeds).remove("keeper")
    assert removed.id == "keeper" and removed.title == written.title
    assert not written.path.exists() and not written.sidecar.exists()
    assert sorted(p.name.split("-", 1)[1] for p in removed.moved_to) == [
        "keeper.json",
        "keeper.txt",
    ]
    assert all(p.parent == seeds / ".removed" for p in removed.moved_to)
    assert [a.id for a in load_corpus(seeds).articles] == ["existing"]


def test_remove_by_title_and_unknown_articles(seeds: Path) -> None:
    titles = {"existing": "'We had no choice': bakery chain to close 40 shops"}
    removed = intake(seeds).remove("'we had no choice': BAKERY chain to close 40 shops", titles)
    assert removed.id == "existing"
    before = snapshot(seeds)
    for reference in ("existing", "../seeds/existing", "nothing-like-it", ""):
        with pytest.raises(IntakeError):
            intake(seeds).remove(reference, titles)
    assert snapshot(seeds) == before


def test_article_ids_are_safe_file_names() -> None:
    assert article_id("Storm closes Westport harbour!") == "storm-closes-westport-harbour"
    assert article_id("Café ‘Noël’ à Zürich") == "cafe-noel-a-zurich"
    assert article_id("../../etc/passwd") == "etc-passwd"
    assert article_id("一二三") == "article"
    assert article_id("001_03ff597da4ffc749") == "001_03ff597da4ffc749"  # a seed's own id
    assert article_id("Rail fares") == "rail-fares"
    assert len(article_id("word " * 40)) <= 60
