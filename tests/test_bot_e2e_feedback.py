"""End to end: the answer's buttons (More, 👍, 👎), threads, /unanswered and /quotes.

The real NewsBot against the fake Discord; votes land in a real SQLite file and are read
back with a fresh connection, as a moderator's tool (or the next bot process) would.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

import bot.replies
from bot.client import NewsBot
from bot.feedback_store import FeedbackStore, Vote
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    answers,
    bot_settings,
    fast_send_policy,
    make_bot,
    running,
)
from tests.bot_support.fake_service import FakeAnswerService
from tests.fake_discord import FakeUser
from tests.fake_discord.records import InteractionRecord, StoredMessage

pytestmark = pytest.mark.e2e

QUESTION = "who refused to kick whom?"


@pytest.fixture
def service() -> FakeAnswerService:
    return FakeAnswerService()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "feedback.sqlite3"


def buttons(message: StoredMessage) -> dict[str, str]:
    """The message's buttons, by what the user sees on them (label or emoji)."""
    found: dict[str, str] = {}
    for row in message.components:
        for button in row["components"]:
            shown = button.get("label") or button["emoji"]["name"]
            found[shown] = button["custom_id"]
    return found


def votes_in(db: Path) -> dict[int, int]:
    """user id → vote, read with a connection of our own (what is committed on disk)."""
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT user_id, vote FROM votes").fetchall())


async def shown_privately(record: InteractionRecord) -> StoredMessage:
    message = await record.wait_response_message()
    assert answers(record) == [message]
    assert message.ephemeral and not message.pings_anyone
    assert message.allowed_mentions is not None and message.allowed_mentions["parse"] == []
    return message


async def ask(fake: BotFakeDiscord, question: str = QUESTION) -> StoredMessage:
    record = await fake.send_slash_command("ask", {"question": question})
    return await record.wait_response_message()


async def users(fake: BotFakeDiscord, count: int) -> list[FakeUser]:
    made = []
    for index in range(count):
        member = await fake.add_member(f"reader{index}")
        made.append(member.user)
    return made


# ---------------------------------------------------------------- buttons


async def test_votes_are_private_one_per_user_and_can_change(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    async with running(make_bot(fake, service, database_path=db), fake):
        answer = await ask(fake)
        ids = buttons(answer)
        assert set(ids) == {"More", "👍", "👎"}
        up = await fake.send_component(answer, ids["👍"], user=fake.plain_user)
        said = (await shown_privately(up)).content
        again = await fake.send_component(answer, ids["👍"], user=fake.plain_user)
        said_again = (await shown_privately(again)).content
        changed = await fake.send_component(answer, ids["👎"], user=fake.plain_user)
        said_changed = (await shown_privately(changed)).content
        other = await fake.send_component(answer, ids["👍"], user=fake.moderator_user)
        await shown_privately(other)

    assert said == "Thanks, noted: this answer helped 👍."
    assert said_again.startswith("You already said this answer helped.")
    assert said_changed.startswith("Thanks, noted: this answer did not help 👎.")
    assert "(Your earlier vote is replaced.)" in said_changed
    assert votes_in(db) == {fake.plain_user.id: -1, fake.moderator_user.id: 1}
    with sqlite3.connect(db) as connection:
        [(question, shown, asked_by)] = connection.execute(
            "SELECT question, answer, asked_by FROM answers"
        ).fetchall()
    assert question == QUESTION and asked_by == fake.plain_user.id
    assert "According to Pom Klementieff, Tom Cruise refused to kick her" in shown


async def test_more_shows_the_next_passages_privately(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    async with running(make_bot(fake, service, database_path=db), fake):
        answer = await ask(fake)
        more = await fake.send_component(answer, buttons(answer)["More"], user=fake.admin_user)
        shown = await shown_privately(more)
    [embed] = shown.embeds
    assert embed["title"] == f"More on: {QUESTION}"
    [field] = embed["fields"]
    assert field["name"].startswith("'He wouldn't do it'")
    assert "**Tom Cruise refused to kick Pom Klementieff in the stomach" in field["value"]
    assert not answer.edited  # the answer itself is left as it was


async def test_buttons_still_work_after_a_restart(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    async with running(make_bot(fake, service, database_path=db), fake):
        answer = await ask(fake)
    ids = buttons(answer)

    restarted = make_bot(fake, FakeAnswerService(), database_path=db)  # a new process' client
    async with running(restarted, fake):
        down = await fake.send_component(answer, ids["👎"], user=fake.moderator_user)
        said = (await shown_privately(down)).content
        more = await fake.send_component(answer, ids["More"], user=fake.moderator_user)
        more_embed = (await shown_privately(more)).embeds[0]

    assert said.startswith("Thanks, noted: this answer did not help 👎.")
    assert votes_in(db) == {fake.moderator_user.id: -1}
    assert more_embed["title"] == f"More on: {QUESTION}"
    assert restarted.service.called("ask") == [QUESTION]  # type: ignore[attr-defined]


async def test_a_click_on_an_answer_the_database_no_longer_has_is_explained(
    fake: BotFakeDiscord, service: FakeAnswerService, tmp_path: Path
) -> None:
    async with running(make_bot(fake, service, database_path=tmp_path / "old.sqlite3"), fake):
        answer = await ask(fake)
    async with running(make_bot(fake, service, database_path=tmp_path / "new.sqlite3"), fake):
        click = await fake.send_component(answer, buttons(answer)["👍"])
        said = (await shown_privately(click)).content
    assert said == "I no longer have this answer on record: please ask the question again."
    assert votes_in(tmp_path / "new.sqlite3") == {}


async def test_concurrent_clicks_are_all_counted(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    readers = await users(fake, 30)
    async with running(make_bot(fake, service, database_path=db), fake):
        answer = await ask(fake)
        ids = buttons(answer)
        clicks = await asyncio.gather(
            *(
                fake.send_component(answer, ids["👍" if i % 3 else "👎"], user=reader)
                for i, reader in enumerate(readers)
            )
        )
        await asyncio.gather(*(shown_privately(click) for click in clicks))
    votes = votes_in(db)
    assert len(votes) == 30
    assert sorted(votes.values()).count(-1) == 10


async def test_a_refusal_has_no_buttons(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    async with running(make_bot(fake, service, database_path=db), fake):
        refused = await ask(fake, "weather on mars tomorrow")
    assert "I couldn't find that in the articles" in refused.embed_text()
    assert refused.components == []


# ---------------------------------------------------------------- threads


async def test_a_question_in_an_answer_channel_is_answered_in_a_thread(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    news = fake.guild.channel("news")
    bot = make_bot(fake, service, answer_channel_ids=(news.id,), answer_in_threads=True)
    async with running(bot, fake):
        asked = await fake.send_message(QUESTION, channel="news")
        thread = await asked.wait_thread()
        answer = await asked.wait_bot_message()
        mention = await fake.send_message(QUESTION, channel="general", mentions=[fake.bot_user])
        reply = await mention.wait_reply()

    assert thread.parent_id == news.id and thread.name == QUESTION
    assert answer.channel_id == thread.id  # in the thread, not in #news
    assert [m for m in fake.bot_messages(news) if m.source == "channel"] == []
    assert "Tom Cruise refused" in answer.embed_text()
    assert set(buttons(answer)) == {"More", "👍", "👎"}
    assert not answer.pings_anyone
    assert reply.channel_id == fake.guild.channel("general").id  # mentions elsewhere: a reply


async def test_threads_off_keeps_replies(fake: BotFakeDiscord, service: FakeAnswerService) -> None:
    news = fake.guild.channel("news")
    async with running(make_bot(fake, service, answer_channel_ids=(news.id,)), fake):
        asked = await fake.send_message(QUESTION, channel="news")
        reply = await asked.wait_reply()
    assert asked.message.thread_id is None
    assert reply.channel_id == news.id and "Tom Cruise refused" in reply.embed_text()


# ---------------------------------------------------------------- /unanswered


@pytest.mark.parametrize("who", ["plain_user"])
async def test_unanswered_is_refused_for_non_moderators(
    fake: BotFakeDiscord, service: FakeAnswerService, who: str
) -> None:
    fake.enforce_command_permissions = False  # a server admin may have shown it to everyone
    async with running(make_bot(fake, service), fake):
        record = await fake.send_slash_command("unanswered", user=getattr(fake, who))
        callback = await record.wait_callback()
    assert callback.ephemeral
    assert "Only moderators can do that" in (callback.content or "")


async def test_unanswered_lists_refused_and_down_voted_questions_most_frequent_first(
    fake: BotFakeDiscord, service: FakeAnswerService, db: Path
) -> None:
    async with running(make_bot(fake, service, database_path=db), fake):
        for question in ("Weather on Mars?", "weather on mars", "WEATHER on Mars!", "price of tea"):
            await ask(fake, question)
        answer = await ask(fake)
        for reader in (fake.plain_user, fake.moderator_user):
            vote = await fake.send_component(answer, buttons(answer)["👎"], user=reader)
            await shown_privately(vote)
        listing = await fake.send_slash_command("unanswered", user=fake.admin_user)
        shown = await shown_privately(listing)
    [embed] = shown.embeds
    assert embed["description"].split("\n") == [
        "1. **3×** WEATHER on Mars! (3 refused)",
        f"2. **2×** {QUESTION} (2 👎)",
        "3. **1×** price of tea (1 refused)",
    ]


# ---------------------------------------------------------------- /quotes


async def test_quotes_autocompletes_speakers_and_lists_their_quotes(
    fake: BotFakeDiscord, service: FakeAnswerService
) -> None:
    async with running(make_bot(fake, service), fake):
        typed = await fake.send_autocomplete("quotes", {"speaker": "klem"}, focused="speaker")
        choices = await typed.wait_choices()
        listing = await fake.send_slash_command("quotes", {"speaker": "Pom Klementieff"})
        message = await listing.wait_response_message()
        nobody = await fake.send_slash_command("quotes", {"speaker": "Nobody Known"})
        none_found = await nobody.wait_response_message()

    assert choices == [{"name": "Pom Klementieff", "value": "Pom Klementieff"}]
    [embed] = message.embeds
    assert embed["title"] == "2 quotes by Pom Klementieff"
    assert "> “He wouldn't do it” (to E! News)" in embed["description"]
    assert "> “I love the run”" in embed["description"]
    assert not message.pings_anyone
    assert none_found.embeds[0]["title"] == "No quotes by Nobody Known"


async def test_votes_survive_reopening_the_database(db: Path) -> None:
    store = FeedbackStore(db)
    answer_id = store.record_answer("q", "a", answered=True)
    store.vote(answer_id, 7, Vote.UP)
    store.close()
    assert votes_in(db) == {7: 1}


async def test_a_slow_answer_keeps_its_buttons_once_the_thinking_is_replaced(
    fake: BotFakeDiscord, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.replies, "RESPOND_WITHIN", 0.05)
    slow = FakeAnswerService(delay=0.3)
    async with running(make_bot(fake, slow, database_path=db), fake):
        record = await fake.send_slash_command("ask", {"question": QUESTION})
        assert (await record.wait_callback()).type == 5  # "thinking…" first
        answer = await record.wait_response_message()
        vote = await fake.send_component(answer, buttons(answer)["👍"], user=fake.plain_user)
        await shown_privately(vote)
    assert answer is record.original and not answer.loading
    assert votes_in(db) == {fake.plain_user.id: 1}


async def test_an_unwritable_database_still_answers_without_buttons(
    fake: BotFakeDiscord, service: FakeAnswerService, caplog: pytest.LogCaptureFixture
) -> None:
    broken = FeedbackStore(":memory:")
    broken.close()  # every write now fails, as on a full or vanished disk
    bot = NewsBot(
        bot_settings(fake),
        service,
        feedback=broken,
        send_policy=fast_send_policy,
        guild_ready_timeout=0.05,
    )
    async with running(bot, fake):
        answer = await ask(fake)
    assert "Tom Cruise refused" in answer.embed_text()
    assert answer.components == []
    assert "could not record the answer to a question" in caplog.text
