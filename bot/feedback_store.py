"""Answers shown and the votes on them, in an embedded SQLite database (no Discord here).

Every answer the bot shows is recorded (question, the answer as shown, whether it was
answered, who asked, when); its buttons carry the record's id, so a vote or a "More"
click still finds it after a restart. One vote per user per answer, changeable.

Durability: WAL journal and one transaction per write; a vote is committed with
``synchronous=FULL``, so it is on disk when :meth:`FeedbackStore.vote` returns, whatever
happens to the process or the machine next. Concurrency: one connection per store, used
under a lock (calls come from many threads); other processes on the same file wait up to
``busy_timeout``.

The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` bring any older
database up to date at open time, each in its own transaction.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

MEMORY = ":memory:"
"""A ``DATABASE_PATH`` that keeps everything in memory (lost at exit: tests only)."""

BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: tuple[str, ...] = (
    # 1: answers shown and votes
    """
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        answer TEXT NOT NULL,
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        asked_by INTEGER,
        guild_id INTEGER,
        channel_id INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE INDEX answers_by_question ON answers (normalised);
    CREATE TABLE votes (
        answer_id INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (answer_id, user_id)
    );
    CREATE INDEX votes_by_vote ON votes (vote);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class Vote(IntEnum):
    UP = 1
    DOWN = -1


class FeedbackError(Exception):
    """The database cannot be used (a message for the log and the user)."""


class UnknownAnswer(FeedbackError):
    """No answer has this id (the database was replaced since it was shown)."""


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    question: str
    answer: str
    answered: bool
    asked_by: int | None
    created_at: str


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """What a click did: ``changed`` is false when the user had already voted the same."""

    answer_id: int
    vote: Vote
    previous: Vote | None
    up: int
    down: int

    @property
    def changed(self) -> bool:
        return self.previous is not self.vote


@dataclass(frozen=True, slots=True)
class GapEntry:
    """A question the bot refused or got 👎 on, counted over every wording of it."""

    question: str
    refused: int
    down_votes: int

    @property
    def count(self) -> int:
        return self.refused + self.down_votes


_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_for_counting(question: str) -> str:
    """The key that groups wordings of one question: case, accents, punctuation ignored."""
    folded = unicodedata.normalize("NFKD", question.casefold())
    letters = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", letters).split())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class FeedbackStore:
    """The feedback database at ``path`` (created, or migrated, on open)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # explicit BEGIN/COMMIT below
                check_same_thread=False,
            )
            self._configure()
            self._migrate()
        except sqlite3.Error as error:
            raise FeedbackError(
                f"cannot open the feedback database {self.path}: {error}"
            ) from error

    # -- setup ---------------------------------------------------------------------

    def _configure(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.path != MEMORY:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise FeedbackError(f"cannot use WAL mode on {self.path} (got {mode})")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._write() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise FeedbackError(
                f"{self.path} has schema version {version}, newer than this bot's "
                f"{SCHEMA_VERSION}: upgrade the bot or point DATABASE_PATH elsewhere"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._write() as db:
                # re-read inside the write lock: another process may have migrated meanwhile
                if int(db.execute("PRAGMA user_version").fetchone()[0]) != number:
                    continue
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _write(self, *, synced: bool = True) -> Iterator[sqlite3.Connection]:
        """One immediate transaction, committed on success.

        ``synced``: on disk when this returns, even if the machine loses power next
        (``synchronous=FULL``). Otherwise (``NORMAL``) a commit survives the process being
        killed, and only a power loss may take back the last ones: enough for the record
        of an answer shown, and no fsync on the path of every question.
        """
        with self._lock:
            db = self._db
            db.execute(f"PRAGMA synchronous = {'FULL' if synced else 'NORMAL'}")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for a long read: its own (WAL readers never wait for the writer,
        and votes never wait for the read), except for an in-memory database."""
        if self.path == MEMORY:
            with self._lock:
                yield self._db
            return
        uri = Path(self.path).resolve().as_uri() + "?mode=ro"
        reader = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            yield reader
        finally:
            reader.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- answers -------------------------------------------------------------------

    def record_answer(
        self,
        question: str,
        answer: str,
        *,
        answered: bool,
        asked_by: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
    ) -> int:
        """Remember an answer as shown; its id goes into the answer's buttons."""
        with self._write(synced=False) as db:
            cursor = db.execute(
                "INSERT INTO answers (question, normalised, answer, answered, asked_by, "
                "guild_id, channel_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    question,
                    normalise_for_counting(question),
                    answer,
                    int(answered),
                    asked_by,
                    guild_id,
                    channel_id,
                    _now(),
                ),
            )
            row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def answer(self, answer_id: int) -> AnswerRecord:
        """The answer with this id; raise ``UnknownAnswer`` when there is none."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, question, answer, answered, asked_by, created_at FROM answers "
                "WHERE id = ?",
                (answer_id,),
            ).fetchone()
        if row is None:
            raise UnknownAnswer(f"no answer {answer_id}")
        return AnswerRecord(row[0], row[1], row[2], bool(row[3]), row[4], row[5])

    def latest_answer(self, asked_by: int | None = None) -> AnswerRecord | None:
        """The most recent answer (asked by ``asked_by`` when given)."""
        with self._lock:
            where, params = (
                ("WHERE asked_by = ?", (asked_by,)) if asked_by is not None else ("", ())
            )
            row = self._db.execute(
                "SELECT id FROM answers " + where + " ORDER BY id DESC LIMIT 1", params
            ).fetchone()
        return None if row is None else self.answer(int(row[0]))

    # -- votes ---------------------------------------------------------------------

    def vote(self, answer_id: int, user_id: int, vote: Vote) -> VoteOutcome:
        """Record (or change) ``user_id``'s vote on an answer; committed when this returns."""
        with self._write() as db:
            exists = db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if exists is None:
                raise UnknownAnswer(f"no answer {answer_id}")
            row = db.execute(
                "SELECT vote FROM votes WHERE answer_id = ? AND user_id = ?", (answer_id, user_id)
            ).fetchone()
            previous = Vote(row[0]) if row is not None else None
            if previous is not vote:
                db.execute(
                    "INSERT INTO votes (answer_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (answer_id, user_id) "
                    "DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                    (answer_id, user_id, int(vote), _now()),
                )
            up, down = db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM votes "
                "WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
        return VoteOutcome(answer_id, vote, previous, int(up), int(down))

    def votes(self, answer_id: int) -> dict[int, Vote]:
        """Each user's current vote on an answer."""
        with self._lock:
            rows = self._db.execute(
                "SELECT user_id, vote FROM votes WHERE answer_id = ?", (answer_id,)
            ).fetchall()
        return {int(user): Vote(value) for user, value in rows}

    # -- coverage gaps -------------------------------------------------------------

    def unanswered(self, limit: int = 25) -> list[GapEntry]:
        """Questions refused or voted 👎, most frequent first (wordings grouped)."""
        with self._reading() as db:
            rows: Sequence[tuple[str, str, int, int]] = db.execute(
                """
                WITH down AS (
                    SELECT answer_id, COUNT(*) AS n FROM votes WHERE vote = -1
                    GROUP BY answer_id
                ),
                grouped AS (
                    SELECT a.normalised,
                           MAX(a.id) AS last_id,
                           SUM(a.answered = 0) AS refused,
                           COALESCE(SUM(down.n), 0) AS down_votes
                    FROM answers a LEFT JOIN down ON down.answer_id = a.id
                    GROUP BY a.normalised
                    HAVING refused > 0 OR down_votes > 0
                )
                SELECT g.normalised,
                       (SELECT question FROM answers WHERE id = g.last_id),
                       g.refused,
                       g.down_votes
                FROM grouped g
                ORDER BY g.refused + g.down_votes DESC, g.last_id DESC
                LIMIT ?
                """,
                (limit,),
            ).fetchall()
        return [
            GapEntry(question=shown, refused=int(r), down_votes=int(d)) for _, shown, r, d in rows
        ]


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
