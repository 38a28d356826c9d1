"""Terminal mode: the same commands on stdin, rendered as text by the same builders."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import Console
from bot.feedback_store import FeedbackStore
from bot.settings import BotSettings
from tests.bot_support.fake_service import FakeAnswerService

ROOT = Path(__file__).resolve().parents[1]


def console(
    service: FakeAnswerService, feedback: FeedbackStore | None = None
) -> tuple[Console, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    return Console(service, settings, out, err, feedback=feedback), out, err


def test_good_and_bad_vote_on_the_last_answer_and_unanswered_lists_the_gaps(
    tmp_path: Path,
) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    shell, out, _ = console(FakeAnswerService(), store)
    lines = [
        "/good",
        "/ask weather on mars?",
        "/bad",
        "Weather on Mars",
        "/ask who refused to kick whom?",
        "/good",
        "/good",
        "/bad",
        "/unanswered",
        "/quotes klementieff",
        "/quotes nobody at all",
    ]
    assert shell.run(line + "\n" for line in lines) == 0
    text = out.getvalue()
    assert "! Nothing to rate yet: ask a question first, then /good or /bad." in text
    assert "! That question was not answered: it is already listed in /unanswered." in text
    assert "Thanks, noted: this answer helped 👍." in text
    assert "You already said this answer helped." in text
    assert "Thanks, noted: this answer did not help 👎." in text
    assert "(Your earlier vote is replaced.)" in text
    assert "1. **2×** Weather on Mars (2 refused)\n2. **1×** who refused to kick whom? (1 👎)" in (
        text
    )
    assert "2 quotes by Pom Klementieff" in text and "“I love the run”" in text
    assert "No quotes by nobody at all" in text
    [answer] = [a for a in store.unanswered() if a.down_votes]
    assert answer.question == "who refused to kick whom?"
    store.close()


def test_without_a_database_feedback_commands_say_so() -> None:
    shell, out, _ = console(FakeAnswerService())
    assert shell.run(["/ask who refused?\n", "/good\n", "/unanswered\n"]) == 0
    assert out.getvalue().count("! Feedback is off: no database is open.") == 2


def test_terminal_votes_are_kept_in_database_path_across_runs(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "fb.sqlite3")}
    service = ("--service", "tests.bot_support.fake_service:make")
    first = run_bot_process("/ask who refused to kick whom?\n/bad\n", tmp_path, env, *service)
    second = run_bot_process("/unanswered\n", tmp_path, env, *service)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "1. **1×** who refused to kick whom? (1 👎)" in second.stdout


def test_every_command_in_the_terminal() -> None:
    service = FakeAnswerService()
    shell, out, err = console(service)
    lines = [
        "/ask who refused to kick whom?",
        "",
        "who got her into skydiving",
        "/who-said he wouldn't do it",
        "/sources",
        "/reindex",
        "/help",
        "/ask ",
        "/bogus thing",
        "/quit",
        "/ask never read",
    ]
    assert shell.run(line + "\n" for line in lines) == 0
    text = out.getvalue()
    assert "**According to Pom Klementieff, Tom Cruise refused to kick her" in text
    assert "<https://example.com/news/cruise-kick> · Example News · [001_03ff597da4ffc749]" in text
    assert "**Klementieff said Cruise got her into skydiving.**" in text
    assert "**Pom Klementieff** said, to **E! News**:" in text
    assert "3 indexed articles" in text
    assert "Reindex complete" in text and "[notes.pdf]: not a .txt or .md file" in text
    assert "/who-said <quote>" in text and "/quit" in text
    assert "! Please type a question" in text
    assert "! Unknown command '/bogus'" in text
    assert "`" not in text  # no Discord markup in the terminal
    assert service.called("ask") == ["who refused to kick whom?", "who got her into skydiving"]
    assert "[  0%] embedding article 1 of 5" in err.getvalue()


def test_service_errors_are_told_not_raised() -> None:
    service = FakeAnswerService(fail_with=RuntimeError("kaboom"))
    shell, out, _ = console(service)
    assert shell.run(["/ask who refused?\n", "/sources\n"]) == 0
    assert out.getvalue().count("! Sorry, something went wrong on my side.") == 2


def run_bot_process(
    stdin: str, cwd: Path, extra_env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,  # no .env there: no token, whatever the developer's .env says
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
        text=True,
        timeout=timeout,
    )


def test_without_a_token_python_m_bot_runs_in_the_terminal(tmp_path: Path) -> None:
    result = run_bot_process(
        "/ask who refused to kick whom?\n/who-said I love the run\n",
        tmp_path,
        {},
        "--service",
        "tests.bot_support.fake_service:make",
    )
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN is not set, so the bot runs in the terminal" in result.stderr
    assert "discord.com/developers/applications" in result.stderr
    assert "Tom Cruise refused to kick her in the stomach" in result.stdout
    assert "Who said “I love the run”?" in result.stdout
    assert "> " not in result.stdout.splitlines()[0]  # no prompt when stdin is piped


def test_console_flag_forces_the_terminal_even_with_a_token(tmp_path: Path) -> None:
    result = run_bot_process(
        "/sources\n/quit\n/ask unreachable\n",
        tmp_path,
        {"DISCORD_TOKEN": "MTIz.not-used.token"},
        "--console",
        "--service",
        "tests.bot_support.fake_service:make",
    )
    assert result.returncode == 0, result.stderr
    assert "3 indexed articles" in result.stdout
    assert "DISCORD_TOKEN is not set" not in result.stderr
    assert "MTIz.not-used.token" not in result.stdout + result.stderr


def test_a_broken_index_is_reported(tmp_path: Path) -> None:
    result = run_bot_process("", tmp_path, {}, "--service", "tests.bot_support.nowhere:make")
    assert result.returncode == 1
    assert "could not load the index" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.model
def test_piped_question_with_the_real_model(tmp_path: Path) -> None:
    """``echo "/ask who refused to kick whom?" | python -m bot`` prints an answer, exits 0."""
    result = run_bot_process(
        "/ask who refused to kick whom?\n",
        tmp_path,
        {"SEEDS_DIR": str(ROOT / "seeds"), "INDEX_DIR": str(tmp_path / "index")},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    first_line = result.stdout.splitlines()[0]
    assert first_line == "who refused to kick whom?"
    assert "refused to kick" in result.stdout
    assert "Tom Cruise" in result.stdout
    assert "building the index" in result.stderr  # the service said why it built
