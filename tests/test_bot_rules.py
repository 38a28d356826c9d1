"""Pure rules: permissions, question validation, which messages to answer, cooldown."""

from __future__ import annotations

import pytest

from bot.cooldown import UserCooldown
from bot.errors import (
    CooldownError,
    InvalidQuestionError,
    NotModeratorError,
    describe_error,
)
from bot.permissions import is_moderator
from bot.questions import IncomingMessage, question_from_message, strip_mentions, validate_question
from index.errors import IndexUnavailable, InvalidQuery, ReindexInProgress

BOT = 999


@pytest.mark.parametrize(
    ("manage_guild", "administrator", "roles", "expected"),
    [
        (True, False, [], True),
        (False, True, [], True),
        (False, False, [5], True),
        (False, False, [6, 7], False),
        (False, False, [], False),
    ],
)
def test_moderator_rule(
    manage_guild: bool, administrator: bool, roles: list[int], expected: bool
) -> None:
    assert (
        is_moderator(
            manage_guild=manage_guild,
            administrator=administrator,
            role_ids=roles,
            moderator_role_ids={5},
        )
        is expected
    )


def test_questions_are_validated() -> None:
    assert validate_question("  who   refused? ", 500) == "who refused?"
    with pytest.raises(InvalidQuestionError, match="Please type a question"):
        validate_question("   \u200b ", 500)
    with pytest.raises(InvalidQuestionError, match="501 characters long; the limit is 500"):
        validate_question("x" * 501, 500)
    with pytest.raises(InvalidQuestionError, match="no words"):
        validate_question("?!?", 500)
    with pytest.raises(InvalidQuestionError, match="few words of the quote"):
        validate_question("", 500, what="quote")


def test_mentions_of_the_bot_are_stripped() -> None:
    assert strip_mentions(f"<@{BOT}> who refused? <@!{BOT}>", BOT) == "who refused?"
    assert strip_mentions("<@123> hi", BOT) == "<@123> hi"
    assert strip_mentions("<@&55> who? <@&66>", BOT, (55,)) == "who? <@&66>"


def message(**overrides: object) -> IncomingMessage:
    values: dict[str, object] = {
        "content": "who refused to kick whom?",
        "author_id": 1,
        "author_is_bot": False,
        "is_webhook": False,
        "is_system": False,
        "channel_id": 10,
        "parent_channel_id": None,
        "mentions_bot": False,
    }
    values.update(overrides)
    return IncomingMessage(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, None),
        ({"channel_id": 20}, "who refused to kick whom?"),
        ({"parent_channel_id": 20}, "who refused to kick whom?"),
        ({"mentions_bot": True, "content": f"<@{BOT}> who?"}, "who?"),
        ({"mentions_bot": True, "content": f"<@{BOT}>"}, ""),
        ({"mentions_bot": True, "content": "<@&7> who?", "bot_role_ids": (7,)}, "who?"),
        ({"channel_id": 20, "author_is_bot": True}, None),
        ({"channel_id": 20, "author_id": BOT}, None),
        ({"channel_id": 20, "is_webhook": True}, None),
        ({"channel_id": 20, "is_system": True}, None),
        ({"channel_id": 20, "content": "   "}, None),
    ],
)
def test_which_messages_are_answered(overrides: dict[str, object], expected: str | None) -> None:
    assert question_from_message(message(**overrides), BOT, {20}) == expected


def test_cooldown_per_user_sliding_window() -> None:
    now = [0.0]
    cooldown = UserCooldown(rate=2, per=10, clock=lambda: now[0])
    assert cooldown.hit(1) is None
    assert cooldown.hit(1) is None
    assert cooldown.hit(1) == pytest.approx(10)
    assert cooldown.hit(2) is None  # per user
    now[0] = 4
    assert cooldown.hit(1) == pytest.approx(6)
    now[0] = 10
    assert cooldown.hit(1) is None
    assert UserCooldown(rate=1, per=0).hit(1) is None  # disabled
    with pytest.raises(ValueError, match="rate"):
        UserCooldown(rate=0, per=1)


def test_error_messages() -> None:
    assert "wait 3 seconds" in describe_error(CooldownError(2.6)).message
    assert "Only moderators" in describe_error(NotModeratorError()).message
    assert describe_error(InvalidQuestionError("bad")).message == "bad"
    assert "already running" in describe_error(ReindexInProgress("x")).message
    unavailable = describe_error(IndexUnavailable("gone"))
    assert unavailable.log_traceback and "/reindex" in unavailable.message
    assert describe_error(InvalidQuery("the quote is empty.")).message == "The quote is empty."
    crash = describe_error(RuntimeError("boom"))
    assert crash.log_traceback and "boom" not in crash.message
