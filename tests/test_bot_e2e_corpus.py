"""End to end with the real retrieval core (``index.service.CorpusService``) behind the bot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.client import NewsBot
from bot.rendering import escape_markdown
from bot.settings import BotSettings
from index.embedding import HashingEmbedder
from index.service import CorpusService
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    bot_settings,
    fast_send_policy,
    running,
)
from tests.fake_discord.records import StoredMessage

pytestmark = pytest.mark.e2e

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
QUESTION = "who refused to kick whom?"


def corpus_bot(fake: BotFakeDiscord, settings: BotSettings, service: CorpusService) -> NewsBot:
    return NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)


async def test_corpus_service_behind_the_bot_and_a_reindex(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds)
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    service.open()
    async with running(corpus_bot(fake, settings, service), fake):
        asked = await fake.send_slash_command("ask", {"question": QUESTION})
        answer = (await asked.wait_response_message()).embeds[0]
        sources = await fake.send_slash_command("sources")
        listing = (await sources.wait_response_message()).embeds[0]

        (seeds / "003_new.txt").write_text(
            "Cruise trained for a year.\n\nTom Cruise trained for a year before the jump. "
            "He made the jump six times on the first day of filming.\n"
        )
        (seeds / "004_empty.txt").write_text("   \n")
        reindex = await fake.send_slash_command("reindex", user=fake.admin_user)
        await fake.wait_until(
            lambda: reindex.original is not None and bool(reindex.original.embeds),
            timeout=30,
            what="the reindex report",
        )
        after = await fake.send_slash_command("sources")
        listing_after = (await after.wait_response_message()).embeds[0]

    assert "refused" in answer["description"] and "**" in answer["description"]
    titles = [json.loads(p.read_text())["title"] for p in sorted(SEEDS.glob("*.json"))]
    assert any(f"— {escape_markdown(title)}" in answer["description"] for title in titles)
    assert not any(stem in answer["description"] for stem in (p.stem for p in SEEDS.glob("*.txt")))
    assert listing["title"] == "3 indexed articles"
    assert "test-hashing" in {f["name"]: f["value"] for f in listing["fields"]}["Index built"]
    assert reindex.original is not None
    report = reindex.original.embeds[0]
    fields = {f["name"]: f["value"] for f in report["fields"]}
    assert report["title"] == "Reindex complete"
    assert fields["Added (1)"] == "`003_new`"
    assert fields["Skipped (1)"] == "`004_empty.txt`: empty file"
    assert "3 unchanged" in report["description"]
    assert listing_after["title"] == "4 indexed articles"


@pytest.mark.model
async def test_real_model_answers_who_refused_to_kick_whom(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    settings = bot_settings(fake, tmp_path, seeds_dir=SEEDS)
    service = CorpusService(settings)
    services.append(service)
    service.open()
    async with running(corpus_bot(fake, settings, service), fake):
        asked = await fake.send_slash_command("ask", {"question": QUESTION})
        message = await asked.wait_response_message(timeout=30)
        nothing = await fake.send_slash_command(
            "ask", {"question": "what is the capital of Australia?"}
        )
        no_answer = await nothing.wait_response_message(timeout=30)
    description = message.embeds[0]["description"]
    bold = description.split("**")[1]
    assert "Tom Cruise" in bold or "Cruise" in bold
    assert "refused" in bold or "wouldn't" in bold
    assert "I couldn't find that in the articles" in no_answer.embeds[0]["description"]


async def grace_answers(fake: BotFakeDiscord, bot: NewsBot) -> tuple[StoredMessage, ...]:
    """The bot's answers to "who plays Grace?" with and without noise around it."""
    news = fake.guild.channel("news")
    async with running(bot, fake):
        plain = await fake.send_slash_command("ask", {"question": "who plays Grace?"})
        noisy = await fake.send_slash_command("ask", {"question": "@everyone who plays Grace?"})
        said = await fake.send_message("@everyone who plays Grace?", channel=news)
        hello = await fake.send_message(
            "hey NewsDesk, who plays Grace? @here", channel="general", mentions=[fake.bot_user]
        )
        return (
            await plain.wait_response_message(timeout=30),
            await noisy.wait_response_message(timeout=30),
            await said.wait_reply(timeout=30),
            await hello.wait_reply(timeout=30),
        )


def assert_same_answer_pinging_nobody(messages: tuple[StoredMessage, ...]) -> None:
    plain, *noisy = messages
    assert "I couldn't find" not in plain.embed_text()
    answer = plain.embeds[0]["description"].split("\n")[0]
    # the bold answer line, and the card around it about Grace (with the words-only test
    # embedder the bold line may be the passage's sentence on who "plays" whom)
    assert answer.startswith("**") and "Grace" in plain.embeds[0]["description"]
    for message in noisy:
        assert message.embeds[0]["description"].split("\n")[0] == answer
        assert message.embeds[0]["title"] == "who plays Grace?"
        assert not message.pings_anyone
        assert message.allowed_mentions is not None and message.allowed_mentions["parse"] == []


async def test_everyone_who_plays_grace_is_answered_like_who_plays_grace(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    settings = bot_settings(
        fake, tmp_path, seeds_dir=SEEDS, answer_channel_ids=(fake.guild.channel("news").id,)
    )
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    service.open()
    assert_same_answer_pinging_nobody(
        await grace_answers(fake, corpus_bot(fake, settings, service))
    )


@pytest.mark.model
async def test_real_model_answers_everyone_who_plays_grace(
    fake: BotFakeDiscord, tmp_path: Path, services: list[CorpusService]
) -> None:
    settings = bot_settings(
        fake, tmp_path, seeds_dir=SEEDS, answer_channel_ids=(fake.guild.channel("news").id,)
    )
    service = CorpusService(settings)
    services.append(service)
    service.open()
    messages = await grace_answers(fake, corpus_bot(fake, settings, service))
    assert_same_answer_pinging_nobody(messages)
    assert "Hayley Atwell" in messages[0].embed_text()
