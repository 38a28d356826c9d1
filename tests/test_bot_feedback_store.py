"""The feedback database: durable votes, one per user, migrations, coverage gaps."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.feedback_store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    FeedbackError,
    FeedbackStore,
    UnknownAnswer,
    Vote,
    normalise_for_counting,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    opened = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    yield opened
    opened.close()


def test_a_new_database_is_in_wal_mode_at_the_current_schema(store: FeedbackStore) -> None:
    assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_old_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:  # a version-1 database written by an earlier bot
        old.executescript(MIGRATIONS[0])
        old.execute(
            "INSERT INTO answers (question, normalised, answer, answered, created_at) "
            "VALUES ('q?', 'q', 'a', 1, '2026-01-01')"
        )
        old.execute("PRAGMA user_version = 1")
    store = FeedbackStore(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.answer(1).question == "q?"
    store.close()


def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(FeedbackError, match="newer than this bot"):
        FeedbackStore(path)


def test_a_path_that_cannot_be_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(FeedbackError, match="cannot open the feedback database"):
        FeedbackStore(tmp_path / "not-a-db")


def test_one_vote_per_user_per_answer_changeable(store: FeedbackStore) -> None:
    answer = store.record_answer("who?", "Cruise", answered=True, asked_by=1)
    first = store.vote(answer, 5, Vote.UP)
    same = store.vote(answer, 5, Vote.UP)
    changed = store.vote(answer, 5, Vote.DOWN)
    other = store.vote(answer, 6, Vote.UP)
    assert (first.changed, same.changed, changed.changed) == (True, False, True)
    assert changed.previous is Vote.UP
    assert (other.up, other.down) == (1, 1)
    assert store.votes(answer) == {5: Vote.DOWN, 6: Vote.UP}
    with pytest.raises(UnknownAnswer):
        store.vote(answer + 1, 5, Vote.UP)


def test_concurrent_votes_from_many_threads_and_connections_all_land(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    stores = [FeedbackStore(path) for _ in range(3)]  # as three processes would
    answer = stores[0].record_answer("who?", "Cruise", answered=True)
    errors: list[BaseException] = []

    def click(user: int) -> None:
        try:
            stores[user % 3].vote(answer, user, Vote.UP if user % 2 else Vote.DOWN)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=click, args=(user,)) for user in range(1, 121)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(stores[1].votes(answer)) == 120
    for opened in stores:
        opened.close()


def test_unanswered_groups_wordings_and_counts_refusals_and_down_votes(
    store: FeedbackStore,
) -> None:
    for question in ("Who directed the film?", "who directed the film", "WHO DIRECTED THE FILM!"):
        store.record_answer(question, "", answered=False)
    disliked = store.record_answer("When does it open?", "July 10", answered=True)
    liked = store.record_answer("Who refused?", "Cruise", answered=True)
    store.vote(disliked, 1, Vote.DOWN)
    store.vote(disliked, 2, Vote.DOWN)
    store.vote(liked, 1, Vote.UP)
    store.record_answer("Héllo wörld?", "", answered=False)
    gaps = store.unanswered()
    assert [(g.question, g.refused, g.down_votes, g.count) for g in gaps] == [
        ("WHO DIRECTED THE FILM!", 3, 0, 3),
        ("When does it open?", 0, 2, 2),
        ("Héllo wörld?", 1, 0, 1),
    ]


def test_counting_key_ignores_case_accents_and_punctuation() -> None:
    assert normalise_for_counting("  Who   directed, the Fílm?! ") == "who directed the film"


def test_in_memory_database_for_tests() -> None:
    store = FeedbackStore(":memory:")
    answer = store.record_answer("q", "a", answered=True)
    assert store.latest_answer() == store.answer(answer)
    store.close()
