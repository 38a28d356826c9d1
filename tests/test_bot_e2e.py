"""End to end: the real NewsBot (discord.py 2.7) against the local fake Discord.

The bot reaches the fake only through its DISCORD_API_BASE / DISCORD_GATEWAY_URL settings;
discord.py's own defaults point at a closed loopback port (see ``tests/bot_support``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable

import pytest

import bot.replies
from index.errors import IndexUnavailable
from index.models import SourceRef
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    answers,
    make_bot,
    running,
)
from tests.bot_support.fake_service import FakeAnswerService, FakePassage
from tests.fake_discord import FakeDiscord, Perm
from tests.fake_discord.records import InteractionRecord, StoredMessage

pytestmark = pytest.mark.e2e

QUESTION = "who refused to kick whom?"
MASS_MENTION = re.compile(r"@(everyone|here)")
COMMANDS = {
    "ask",
    "who-said",
    "quotes",
    "sources",
    "reindex",
    "unanswered",
    "add-article",
    "remove-article",
}
DEFERRED = 5
MESSAGE = 4


@pytest.fixture
def service() -> FakeAnswerService:
    return FakeAnswerService()


@pytest.fixture
def short_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers taking more than 50 ms are deferred ("thinking…") and followed up."""
    monkeypatch.setattr(bot.replies, "RESPOND_WITHIN", 0.05)


def held(release: threading.Event, error: Exception | None = None) -> Callable[[str], None]:
    """An ``on_ask`` hook: the answer waits for ``release`` (then fails with ``error``)."""

    def hold(_question: str) -> None:
        release.wait(5)
        if error is not None:
            raise error

    return hold


def requests_to(fake: FakeDiscord, record: InteractionRecord, method: str, kind: str) -> list:  # type: ignore[type-arg]
    """The bot's requests for one interaction: ``kind`` is "callback" or "webhook"."""
    if kind == "callback":
        pattern = rf"^/interactions/{record.id}/{re.escape(record.token)}/callback$"
    else:
        pattern = rf"^/webhooks/\d+/{re.escape(record.token)}"
    return fake.find_requests(method, pattern)


async def private_reply(record: InteractionRecord) -> str:
    callback = await record.wait_callback()
    assert callback.type == MESSAGE
    assert callback.ephemeral
    assert callback.allowed_mentions is not None and callback.allowed_mentions["parse"] == []
    return callback.content or ""


# ---------------------------------------------------------------- startup


async def test_startup_logs_in_and_syncs_commands_to_the_guild(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    bot = make_bot(fake, service)
    async with running(bot, fake):
        assert bot.get_guild(fake.guild.id) is not None  # READY + GUILD_CREATE
        assert fake.identifies == 1
        assert fake.gateway.connections[0].path == "/gateway"
        names = {c["name"] for c in fake.registered_commands(fake.guild)}
        assert names == COMMANDS
        assert fake.registered_commands() == []

        ask = fake.registered_command("ask", fake.guild)
        assert ask["description"] == "Answer a question from the news articles, citing them."
        [question] = ask["options"]
        assert question["name"] == "question" and question["required"]
        assert question["description"].startswith("What you want to know")

        [quote] = fake.registered_command("who-said", fake.guild)["options"]
        assert quote["autocomplete"] is True

        for moderated in ("reindex", "add-article", "remove-article"):
            command = fake.registered_command(moderated, fake.guild)
            assert command["default_member_permissions"] == str(int(Perm.MANAGE_GUILD))
            assert command["contexts"] == [0]


async def test_without_guild_ids_commands_are_synced_globally(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service, guild_ids=()), fake):
        assert {c["name"] for c in fake.registered_commands()} == COMMANDS
        assert fake.registered_commands(fake.guild) == []


async def test_a_guild_the_bot_cannot_sync_to_is_skipped(
    fake: BotFakeDiscord, service: FakeAnswerService, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(make_bot(fake, service, guild_ids=(12345, fake.guild.id)), fake):
        assert len(fake.registered_commands(fake.guild)) == len(COMMANDS)
    assert "could not sync commands to guild 12345" in caplog.text


# ---------------------------------------------------------------- /ask


async def test_ask_answers_at_once_with_highlight_and_sources(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        message = await record.wait_response_message()

    assert record.callback is not None and record.callback.type == MESSAGE  # no "thinking…"
    assert answers(record) == [message]
    assert not message.ephemeral
    [embed] = message.embeds
    assert embed["title"] == QUESTION
    answer, context, source = embed["description"].split("\n")
    assert answer == (
        "**According to Pom Klementieff, Tom Cruise refused to kick her in the stomach "
        "during a fight scene.**"
    )
    assert context == (
        "> He might be one of the greatest action heroes of all time. … "
        "She says he just wouldn't do it."
    )
    assert source == (
        "— [Tom Cruise refused to kick Pom Klementieff in the stomach as they filmed Mission "
        "Impossible 7](https://example.com/news/cruise-kick) · *Example News*"
    )
    assert "001_03ff597da4ffc749" not in str(embed)  # titles, never file ids
    assert embed["url"] == "https://example.com/news/cruise-kick"
    assert embed["fields"] == [
        {
            "name": "Also in",
            "value": "• 'He wouldn't do it': Pom Klementieff urged Tom Cruise to kick her in "
            "the stomach",
            "inline": False,
        }
    ]
    [row] = message.components
    assert [(b.get("label"), b.get("emoji", {}).get("name")) for b in row["components"]] == [
        ("More", None),
        (None, "👍"),
        (None, "👎"),
    ]
    assert message.allowed_mentions is not None and message.allowed_mentions["parse"] == []
    assert service.called("ask") == [QUESTION]


async def test_a_slow_answer_shows_thinking_then_replaces_it(
    fake: BotFakeDiscord, service: FakeAnswerService, short_budget: None
) -> None:
    release = threading.Event()
    service.on_ask = held(release)
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        callback = await record.wait_callback()
        assert callback.type == DEFERRED and not callback.ephemeral
        assert record.original is not None and record.original.loading  # "thinking…"
        release.set()
        message = await record.wait_response_message()

    assert answers(record) == [message]
    assert message is record.original and not message.loading  # the same message, answered
    assert not message.ephemeral and not message.pings_anyone
    assert message.allowed_mentions is not None and message.allowed_mentions["parse"] == []
    assert "Tom Cruise refused" in message.embeds[0]["description"]


async def test_ask_nothing_found_points_to_sources(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": "weather on mars tomorrow"})
        message = await record.wait_response_message()
    assert "I couldn't find that in the articles" in message.embeds[0]["description"]
    assert "/sources" in message.embeds[0]["description"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("   ", "Please type a question"),
        ("x" * 501, "501 characters long; the limit is 500"),
        ("?!", "no words I can search for"),
    ],
)
async def test_bad_questions_get_a_private_message_and_nothing_runs(
    fake: BotFakeDiscord, service: FakeAnswerService, question: str, expected: str
) -> None:
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": question})
        assert expected in await private_reply(record)
    assert service.called("ask") == []


async def test_per_user_cooldown_is_friendly_and_private(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    bot = make_bot(fake, service, cooldown_questions=1, cooldown_seconds=60)
    async with running(bot, fake):
        first = await fake.send_slash_command("ask", {"question": QUESTION})
        await first.wait_response_message()
        second = await fake.send_slash_command("ask", {"question": QUESTION})
        assert "You're asking quickly! Please wait" in await private_reply(second)
        other = await fake.send_slash_command(
            "who-said", {"quote": "I love the run"}, user=fake.moderator_user
        )
        await other.wait_response_message()
    assert service.called("ask") == [QUESTION]


async def test_twenty_concurrent_asks_are_all_answered_in_time(fake: BotFakeDiscord) -> None:
    service = FakeAnswerService(delay=0.1)
    async with running(make_bot(fake, service), fake):
        records = await asyncio.gather(
            *(fake.send_slash_command("ask", {"question": f"{QUESTION} ({n})"}) for n in range(20))
        )
        messages = await asyncio.gather(*(r.wait_response_message(timeout=15) for r in records))
    assert len(service.called("ask")) == 20
    for record, message in zip(records, messages, strict=True):
        assert record.rejected_callbacks == []  # every callback within Discord's 3 s
        assert answers(record) == [message]
        assert message.embeds[0]["title"] == record.payload["data"]["options"][0]["value"]


# ---------------------------------------------------------------- /who-said, /sources


async def test_who_said_answers_and_autocompletes(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        typing = await fake.send_autocomplete("who-said", {"quote": "love"}, focused="quote")
        assert await typing.wait_choices() == [
            {"name": "I love the run", "value": "I love the run"}
        ]
        record = await fake.send_slash_command("who-said", {"quote": "he wouldn't do it"})
        message = await record.wait_response_message()
        nobody = await fake.send_slash_command("who-said", {"quote": "to be or not to be"})
        nobody_message = await nobody.wait_response_message()

    description = message.embeds[0]["description"]
    assert description.startswith("**Pom Klementieff** said, to **E! News**:")
    assert "> “He wouldn't do it”\n> “he just wouldn't do it”" in description
    assert "`002_371d6967d823f2f5`" in description and "`001_03ff597da4ffc749`" in description
    assert nobody_message.embeds[0]["description"].startswith("Nobody in the articles said that.")


async def test_autocomplete_respects_discord_limits(fake: BotFakeDiscord) -> None:
    service = FakeAnswerService()
    service.quotes = tuple(
        service.quotes[0].__class__(
            speaker="Someone",
            quote=f"Quote number {n} " + "that goes on and on " * 10,
            said_to=None,
            score=0.5,
            sources=(),
        )
        for n in range(40)
    )
    async with running(make_bot(fake, service), fake):
        typing = await fake.send_autocomplete("who-said", {"quote": "quote"}, focused="quote")
        choices = await typing.wait_choices()
    assert len(choices) == 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_sources_lists_articles_and_the_build(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("sources")
        message = await record.wait_response_message()
    [embed] = message.embeds
    assert embed["title"] == "3 indexed articles"
    assert "`000_c0f8695bc582e640`" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Index built"] == "<t:1735787045:f> with `fake-model (generation 1)`"


# ---------------------------------------------------------------- /reindex


@pytest.mark.parametrize("who", ["plain_user", "moderator_user"])
async def test_reindex_refused_privately_for_non_moderators(
    fake: BotFakeDiscord, service: FakeAnswerService, who: str
) -> None:
    fake.enforce_command_permissions = False  # a server admin may show it to everyone
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("reindex", user=getattr(fake, who))
        assert "Only moderators can do that" in await private_reply(record)
    assert service.called("reindex") == []


async def test_reindex_by_moderator_role_shows_progress_and_reports(fake: BotFakeDiscord) -> None:
    fake.enforce_command_permissions = False
    service = FakeAnswerService(reindex_steps=12, reindex_step_delay=0.08)
    moderators = (fake.guild.role("Moderator").id,)
    bot = make_bot(fake, service, moderator_role_ids=moderators)
    async with running(bot, fake):
        record = await fake.send_slash_command("reindex", user=fake.moderator_user)
        callback = await record.wait_callback()
        assert callback.type == DEFERRED
        await fake.wait_until(
            lambda: record.original is not None and bool(record.original.embeds),
            timeout=10,
            what="the reindex report",
        )
    original = record.original
    assert original is not None and not original.ephemeral
    progress = [edit.get("content") or "" for edit in original.edits]
    assert progress[0].startswith("Reindexing…")
    assert sum(text.startswith("Reindexing…") for text in progress) >= 3
    assert len(original.edits) <= 10  # rate-limited: 13 callbacks, one edit per 0.2 s at most
    [embed] = original.embeds
    assert original.content == ""
    assert embed["title"] == "Reindex complete"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Added (1)"] == "`003_new_article`"
    assert fields["Changed (1)"] == "`001_03ff597da4ffc749`"
    assert fields["Skipped (1)"] == "`notes.pdf`: not a .txt or .md file"
    assert "**12** passages, **2** quotes" in embed["description"]
    assert service.called("reindex") == [None]


async def test_one_reindex_at_a_time_and_questions_meanwhile(fake: BotFakeDiscord) -> None:
    gate = threading.Event()
    service = FakeAnswerService(reindex_gate=gate)
    async with running(make_bot(fake, service), fake):
        first = await fake.send_slash_command("reindex", user=fake.admin_user)
        assert await asyncio.to_thread(service.reindex_started.wait, 5)

        second = await fake.send_slash_command("reindex", user=fake.owner_user)
        assert "A reindex is already running" in await private_reply(second)

        question = await fake.send_slash_command("ask", {"question": QUESTION})
        answer = await question.wait_response_message()
        assert "Tom Cruise refused" in answer.embeds[0]["description"]

        gate.set()
        await fake.wait_until(
            lambda: first.original is not None and bool(first.original.embeds),
            timeout=10,
            what="the first reindex report",
        )
    assert service.called("reindex") == [None]


async def test_reindex_failure_is_reported(fake: BotFakeDiscord) -> None:
    service = FakeAnswerService()
    service.reindex_gate = None

    def broken(progress: object = None) -> None:
        raise IndexUnavailable("seeds folder not found")

    service.reindex = broken  # type: ignore[method-assign, assignment]
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("reindex", user=fake.admin_user)
        await fake.wait_until(
            lambda: record.original is not None and bool(record.original.embeds),
            what="the failure report",
        )
    assert record.original is not None
    assert record.original.embeds[0]["title"] == "Reindex failed"


# ---------------------------------------------------------------- plain messages


async def test_mention_is_answered_as_a_reply_pinging_nobody(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        sent = await fake.send_message(
            f"@everyone {QUESTION} @here", mentions=[fake.bot_user], channel="general"
        )
        reply = await sent.wait_reply()
    assert service.called("ask") == [QUESTION]  # the mentions are not searched
    assert reply.allowed_mentions is not None and reply.allowed_mentions["parse"] == []
    assert not reply.pings_anyone
    assert not MASS_MENTION.search(reply.content + reply.embed_text())
    assert "Tom Cruise refused" in reply.embed_text()


async def test_passages_with_mass_mentions_ping_nobody(fake: BotFakeDiscord) -> None:
    hostile = FakePassage(
        "Tom Cruise refused to kick @everyone and @here in the stomach.",
        "Tom Cruise refused to kick @everyone and @here in the stomach.",
        SourceRef(id="evil", title="@everyone read this"),
    )
    service = FakeAnswerService(passages=(hostile,))
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": "@everyone " + QUESTION})
        message = await record.wait_response_message()
    assert not message.pings_anyone
    assert "Tom Cruise refused" in message.embed_text()
    assert not MASS_MENTION.search(message.embed_text())


async def test_answer_channel_questions_and_messages_to_ignore(fake: BotFakeDiscord) -> None:
    service = FakeAnswerService()
    news = fake.guild.channel("news")
    other_bot = fake.add_user("otherbot", bot=True)
    await fake.add_member(other_bot)
    async with running(make_bot(fake, service, answer_channel_ids=(news.id,)), fake):
        ignored = [
            await fake.send_message("what did Cruise refuse?", channel="general"),
            await fake.send_message("a bot asks who refused?", channel="news", author=other_bot),
        ]
        asked = await fake.send_message(QUESTION, channel="news")
        reply = await asked.wait_reply()
        # the bot's own reply was echoed into #news: it must not answer itself
        last = await fake.send_message("who got her into skydiving", channel="news")
        await last.wait_reply()
    assert "Tom Cruise refused" in reply.embed_text()
    assert all(m.delivered for m in ignored)
    assert service.called("ask") == [QUESTION, "who got her into skydiving"]


async def test_mentioning_the_bots_role_counts_as_a_mention(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    [own_role] = [r for r in fake.guild.roles.values() if r.bot_id == fake.bot_user.id]
    async with running(make_bot(fake, service), fake):
        sent = await fake.send_message(QUESTION, mentions=[own_role], channel="general")
        reply = await sent.wait_reply()
    assert reply.embeds and not reply.pings_anyone
    assert service.called("ask") == [QUESTION]


async def test_bare_mention_gets_help(fake: BotFakeDiscord, service: FakeAnswerService) -> None:
    async with running(make_bot(fake, service), fake):
        sent = await fake.send_message("", mentions=[fake.bot_user], channel="general")
        reply = await sent.wait_reply()
    assert reply.content.startswith("Ask me something after the mention")
    assert service.called("ask") == []


# ---------------------------------------------------------------- failures


async def test_rate_limited_reply_is_waited_out_once(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        rule = fake.fail_next("POST", r"^/interactions/", status=429, retry_after=0.3)
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        message = await record.wait_response_message()
        channel_rule = fake.fail_next("POST", r"^/channels/\d+/messages$", status=429)
        sent = await fake.send_message(QUESTION, mentions=[fake.bot_user])
        reply = await sent.wait_reply()
    assert rule.hits == 1 and channel_rule.hits == 1
    assert [r.status for r in requests_to(fake, record, "POST", "callback")] == [429, 200]
    assert answers(record) == [message] and message.embeds
    assert reply.embeds
    assert service.called("ask") == [QUESTION, QUESTION]


async def test_transient_server_errors_and_dropped_connections_are_retried(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        fake.fail_next("POST", r"^/interactions/", status=503)
        first = await fake.send_slash_command("ask", {"question": QUESTION})
        first_answer = await first.wait_response_message()
        fake.drop_next("POST", r"^/interactions/")
        second = await fake.send_slash_command("ask", {"question": QUESTION})
        second_answer = await second.wait_response_message()
    assert [r.status for r in requests_to(fake, first, "POST", "callback")] == [503, 200]
    assert [r.status for r in requests_to(fake, second, "POST", "callback")] == [0, 200]  # dropped
    assert answers(first) == [first_answer] and answers(second) == [second_answer]


async def test_errors_are_logged_and_told_privately(
    fake: BotFakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    service = FakeAnswerService(fail_with=RuntimeError("kaboom"))
    caplog.set_level(logging.INFO, logger="bot")
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        failure = await private_reply(record)
        service.fail_with = IndexUnavailable("no index")
        who = await fake.send_slash_command("who-said", {"quote": "I love the run"})
        second = await private_reply(who)
    assert failure.startswith("Sorry, something went wrong on my side.")
    assert "kaboom" not in failure
    assert "/reindex" in second
    assert record.followups == [] and who.followups == []  # nothing public
    [logged] = [r for r in caplog.records if r.getMessage().startswith("/ask failed")]
    assert logged.exc_info is not None and "kaboom" in str(logged.exc_info[1])


async def test_a_slow_failure_replaces_thinking_with_a_private_message(
    fake: BotFakeDiscord,
    service: FakeAnswerService,
    short_budget: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = threading.Event()
    service.on_ask = held(release, RuntimeError("kaboom"))
    caplog.set_level(logging.INFO, logger="bot")
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        assert (await record.wait_callback()).type == DEFERRED  # public "thinking…"
        release.set()
        failure = await record.wait_followup()
    assert record.original is not None and record.original.deleted  # the "thinking…" is gone
    assert failure is not record.original and failure.ephemeral
    assert failure.content.startswith("Sorry, something went wrong on my side.")
    assert "kaboom" not in failure.content
    assert [r for r in caplog.records if r.getMessage().startswith("/ask failed")]


# ---------------------------------------------------------------- gateway


async def test_reconnect_resumes_on_resume_url_and_still_answers(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        await fake.send_reconnect()
        await fake.wait_for_resume()
        assert fake.gateway.connections[-1].path == "/resume-gateway"
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        assert (await record.wait_response_message()).embeds
    assert fake.identifies == 1


async def test_invalid_session_reidentifies_through_the_configured_gateway(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        await fake.send_invalid_session(resumable=False)
        await fake.wait_for_identify(2, timeout=10)
        assert fake.gateway.connections[-1].path == "/gateway"
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        assert (await record.wait_response_message()).embeds


async def test_token_never_reaches_the_logs(
    fake: BotFakeDiscord,
    service: FakeAnswerService,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    assert fake.token is not None
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        await record.wait_response_message()
        await fake.send_reconnect()  # RESUME carries the token too
        await fake.wait_for_resume()
    out, err = capfd.readouterr()
    assert len(caplog.records) > 20  # discord.py's debug logging was on
    for text in (caplog.text, out, err):
        assert fake.token not in text
    for logged in caplog.records:
        assert fake.token not in logged.getMessage()


async def test_message_reply_survives_a_deleted_question(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    release = threading.Event()

    def hold(_question: str) -> None:
        release.wait(5)

    service.on_ask = hold
    async with running(make_bot(fake, service), fake):
        sent = await fake.send_message(QUESTION, mentions=[fake.bot_user])
        while not service.called("ask"):
            await asyncio.sleep(0.01)
        fake.messages[sent.id].deleted = True
        release.set()
        reply: StoredMessage = await fake.wait_for_bot_message(channel="general")
    assert reply.embeds
