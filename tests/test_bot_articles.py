"""``/add-article`` and ``/remove-article`` end to end: the real bot against the fake Discord.

The bot runs on a real ``CorpusService`` (small deterministic embedder) over a copy of the
seeds; uploads come through the fake's CDN, web pages from an aiohttp server on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.client import NewsBot
from index.embedding import HashingEmbedder
from index.intake import ArticleIntake, HttpFetcher, IntakeLimits
from index.service import CorpusService
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    bot_settings,
    fast_send_policy,
    running,
)
from tests.bot_support.folders import snapshot
from tests.fake_discord import InteractionRecord, StoredMessage, UploadedFile

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "tests/data/intake/lighthouse_keeper.html").read_bytes()
TENNIS = (ROOT / "tests/data/quote_articles/tennis_final.txt").read_bytes()
TITLE = "Last keeper leaves Skerrow lighthouse after 41 years"
QUESTION = "how many gales did the lighthouse keeper count in his log?"
LIMITS = IntakeLimits(timeout_seconds=3.0, max_download_bytes=100_000)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    return folder


@pytest.fixture
def bot(
    fake: BotFakeDiscord, seeds: Path, tmp_path: Path, services: list[CorpusService]
) -> NewsBot:
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds, embedding_model="test-hashing")
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    service.open()
    intake = ArticleIntake(seeds, HttpFetcher(LIMITS, allow_private_hosts=True), LIMITS)
    return NewsBot(
        settings, service, intake=intake, send_policy=fast_send_policy, guild_ready_timeout=0.05
    )


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def article(request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="text/html", charset="utf-8")

    async def missing(request: web.Request) -> web.Response:
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/news/keeper", article)
    app.router.add_get("/news/gone", missing)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def final_reply(fake: BotFakeDiscord, record: InteractionRecord) -> StoredMessage:
    """The deferred response once it shows its final embed (a report or a refusal)."""

    def done() -> bool:
        original = record.original
        return original is not None and any(
            e.get("title") in ("Reindex complete", "Reindex failed")
            or str(e.get("title", "")).startswith("Article not")
            for e in original.embeds
        )

    await fake.wait_until(done, timeout=30, what="the final reply")
    assert record.original is not None
    return record.original


async def ask(fake: BotFakeDiscord, question: str) -> str:
    record = await fake.send_slash_command("ask", {"question": question})
    return (await record.wait_response_message(timeout=15)).embed_text()


async def test_moderator_adds_an_html_file_and_it_is_answerable(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path
) -> None:
    async with running(bot, fake):
        upload = UploadedFile("", "lighthouse_keeper.html", "text/html", PAGE)
        record = await fake.send_slash_command(
            "add-article", {"file": upload}, user=fake.admin_user
        )
        reply = await final_reply(fake, record)
        answer = await ask(fake, QUESTION)

    link = "https://courier.example/news/skerrow-lighthouse-keeper"
    assert reply.content.startswith(
        f"Added [**{TITLE}**](<{link}>) (The Coastline Courier · 2025-03-14)"
    )
    assert "as `lighthouse_keeper`" in reply.content and not reply.pings_anyone
    [report] = reply.embeds
    assert report["title"] == "Reindex complete"
    assert {f["name"]: f["value"] for f in report["fields"]}["Added (1)"] == "`lighthouse_keeper`"
    assert json.loads((seeds / "lighthouse_keeper.json").read_text())["outlet"] == (
        "The Coastline Courier"
    )
    assert "312 gales" in answer and TITLE in answer


async def test_moderator_adds_a_web_page_served_on_loopback(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path, site: str
) -> None:
    async with running(bot, fake):
        record = await fake.send_slash_command(
            "add-article", {"url": f"{site}/news/keeper"}, user=fake.owner_user
        )
        reply = await final_reply(fake, record)
        answer = await ask(fake, QUESTION)
        again = await fake.send_slash_command(
            "add-article", {"url": f"{site}/news/keeper"}, user=fake.owner_user
        )
        clash = await final_reply(fake, again)

    aid = "last-keeper-leaves-skerrow-lighthouse-after-41-years"
    assert f"as `{aid}`" in reply.content
    assert reply.embeds[0]["title"] == "Reindex complete"
    sidecar = json.loads((seeds / f"{aid}.json").read_text())
    assert sidecar == {
        "title": TITLE,
        "url": "https://courier.example/news/skerrow-lighthouse-keeper",
        "outlet": "The Coastline Courier",
        "date": "2025-03-14",
    }
    assert "312 gales" in answer
    [refused] = clash.embeds
    assert refused["title"] == "Article not added"
    assert f"already in the articles as {aid}" in refused["description"].replace("\\", "")


@pytest.mark.parametrize("who", ["plain_user", "moderator_user"])
async def test_non_moderators_are_refused_and_nothing_changes(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path, who: str
) -> None:
    fake.enforce_command_permissions = False  # a server admin may show it to everyone
    before = snapshot(seeds)
    async with running(bot, fake):
        upload = UploadedFile("", "keeper.html", "text/html", PAGE)
        added = await fake.send_slash_command(
            "add-article", {"file": upload}, user=getattr(fake, who)
        )
        removed = await fake.send_slash_command(
            "remove-article", {"article": "001_03ff597da4ffc749"}, user=getattr(fake, who)
        )
        for record in (added, removed):
            callback = await record.wait_callback()
            assert callback.ephemeral and "Only moderators can do that" in (callback.content or "")
    assert snapshot(seeds) == before


async def test_bad_input_gets_a_reason_and_changes_nothing(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path, site: str
) -> None:
    before = snapshot(seeds)
    refusals: dict[str, str] = {}
    async with running(bot, fake):
        # refused before anything is downloaded: privately
        for label, options in {
            "oversized": {"file": UploadedFile("", "big.txt", "text/plain", b"news " * 30_000)},
            "not a text file": {"file": UploadedFile("", "scan.pdf", "application/pdf", b"%PDF")},
            "nothing given": {},
        }.items():
            record = await fake.send_slash_command("add-article", options, user=fake.admin_user)
            callback = await record.wait_callback()
            assert callback.ephemeral, label
            refusals[label] = callback.content or ""
        # refused after a look at the content: the deferred reply says why
        for label, options in {
            "not an article": {"file": UploadedFile("", "note.txt", "text/plain", b"Hi all.\n")},
            "binary": {"file": UploadedFile("", "x.txt", "text/plain", b"\x00\x01" * 300)},
            "file scheme": {"url": "file:///etc/passwd"},
            "ftp scheme": {"url": "ftp://127.0.0.1/news.txt"},
            "http error": {"url": f"{site}/news/gone"},
            "clash": {"file": UploadedFile("", "001_03ff597da4ffc749.txt", "text/plain", TENNIS)},
        }.items():
            record = await fake.send_slash_command("add-article", options, user=fake.admin_user)
            [embed] = (await final_reply(fake, record)).embeds
            assert embed["title"] == "Article not added", label
            assert embed["description"].endswith("Nothing was changed."), label
            refusals[label] = embed["description"].replace("\\", "")
        # and the bot still works
        assert "Tom Cruise" in await ask(fake, "who refused to kick Pom Klementieff?")

    assert "too large (150,000 bytes; the limit is 100,000)" in refusals["oversized"]
    assert "The file scan.pdf is not a .txt, .md or .html file" in refusals["not a text file"]
    assert "Attach the article" in refusals["nothing given"]
    assert "does not look like an article" in refusals["not an article"]
    assert "binary file" in refusals["binary"]
    assert "Only http:// and https://" in refusals["file scheme"]
    assert "Only http:// and https://" in refusals["ftp scheme"]
    assert "HTTP 404" in refusals["http error"]
    assert "already exists" in refusals["clash"] and "replace" in refusals["clash"]
    assert snapshot(seeds) == before


async def test_replace_overwrites_an_article(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path
) -> None:
    async with running(bot, fake):
        upload = UploadedFile("", "001_03ff597da4ffc749.txt", "text/plain", TENNIS)
        record = await fake.send_slash_command(
            "add-article", {"file": upload, "replace": True}, user=fake.admin_user
        )
        reply = await final_reply(fake, record)
        answer = await ask(fake, "who won her first professional title?")
    assert reply.content.startswith("Replaced **Keller wins first title")
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Changed (1)"] == "`001_03ff597da4ffc749`"
    assert (seeds / "001_03ff597da4ffc749.txt").read_bytes() == TENNIS
    assert "Keller" in answer


async def test_removed_article_is_never_cited_again(
    fake: BotFakeDiscord, bot: NewsBot, seeds: Path
) -> None:
    async with running(bot, fake):
        upload = UploadedFile("", "lighthouse_keeper.html", "text/html", PAGE)
        await final_reply(
            fake,
            await fake.send_slash_command("add-article", {"file": upload}, user=fake.admin_user),
        )
        assert TITLE in await ask(fake, QUESTION)
        typed = await fake.send_autocomplete(
            "remove-article", {"article": "lighth"}, focused="article", user=fake.admin_user
        )
        choices = await typed.wait_choices()
        record = await fake.send_slash_command(
            "remove-article", {"article": choices[0]["value"]}, user=fake.admin_user
        )
        reply = await final_reply(fake, record)
        after = await ask(fake, QUESTION)

    assert choices[0] == {"name": f"{TITLE} (lighthouse_keeper)", "value": "lighthouse_keeper"}
    assert reply.content.startswith(f"Removed **{TITLE}** (`lighthouse_keeper`)")
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Removed (1)"] == "`lighthouse_keeper`"
    assert TITLE not in after and "lighthouse_keeper" not in after
    assert not (seeds / "lighthouse_keeper.txt").exists()
    kept = sorted(p.name.split("-", 1)[1] for p in (seeds / ".removed").iterdir())
    assert kept == ["lighthouse_keeper.json", "lighthouse_keeper.txt"]  # recoverable
    assert all(a.source.id != "lighthouse_keeper" for a in bot.service.info().articles)
