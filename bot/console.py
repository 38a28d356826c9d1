"""Terminal mode: the bot's commands on stdin/stdout, rendered as text.

``/ask …``, ``/who-said …``, ``/quotes SPEAKER``, ``/sources``, ``/reindex``,
``/good`` / ``/bad`` (on the last answer), ``/unanswered``, ``/add-article PATH-or-URL``,
``/remove-article ID``, ``/help``, ``/quit``; a line
without a slash is a question. Reads line by line (piped input and EOF work) and
renders with the same pure builders as the Discord embeds (``PLAIN`` markup).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TextIO

from bot.article_rendering import added_text, refused_text, removed_text
from bot.errors import describe_error
from bot.feedback_store import FeedbackStore, Vote
from bot.questions import validate_question
from bot.rendering import (
    PLAIN,
    answer_summary,
    card_to_text,
    help_lines,
    render_answer,
    render_report,
    render_sources,
    render_speaker_quotes,
    render_unanswered,
    render_who_said,
    vote_message,
)
from bot.service import open_intake
from bot.settings import BotSettings
from index.intake import ArticleIntake, IntakeError
from index.models import SearchResult
from index.protocols import AnswerService

log = logging.getLogger(__name__)

COMMAND_ALIASES = {
    "ask": "ask",
    "q": "ask",
    "who-said": "who-said",
    "whosaid": "who-said",
    "who_said": "who-said",
    "sources": "sources",
    "quotes": "quotes",
    "reindex": "reindex",
    "good": "good",
    "bad": "bad",
    "unanswered": "unanswered",
    "add-article": "add-article",
    "add": "add-article",
    "remove-article": "remove-article",
    "remove": "remove-article",
    "help": "help",
    "quit": "quit",
    "exit": "quit",
}


CONSOLE_USER = 0
"""The user id the terminal's votes are recorded under (Discord ids are never 0)."""


class Console:
    """Runs the commands against ``service``; one line in, one rendered answer out.

    With ``feedback``, every answer is recorded there, ``/good`` and ``/bad`` vote on the
    last one and ``/unanswered`` lists the gaps; without it those say feedback is off.
    """

    def __init__(
        self,
        service: AnswerService,
        settings: BotSettings,
        out: TextIO,
        err: TextIO,
        *,
        feedback: FeedbackStore | None = None,
        intake: ArticleIntake | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.intake = intake or open_intake(settings)
        self.out = out
        self.err = err
        self.feedback = feedback
        self.last_answer: tuple[int, bool] | None = None
        """The last answer's id in ``feedback``, and whether it answered."""

    def run(self, lines: Iterable[str], prompt: Callable[[], None] | None = None) -> int:
        """Handle every line until ``/quit`` or the end of input; return the exit status."""
        if prompt:
            prompt()
        for raw in lines:
            if not self.handle(raw.rstrip("\r\n")):
                break
            if prompt:
                prompt()
        return 0

    def handle(self, line: str) -> bool:
        """Handle one line; ``False`` means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            command, argument = "ask", line
        else:
            name, _, argument = line[1:].partition(" ")
            command = COMMAND_ALIASES.get(name.lower(), "")
        try:
            return self._dispatch(command, argument.strip(), line)
        except Exception as error:
            report = describe_error(error)
            if report.log_traceback:
                log.error("%s failed", line[:60], exc_info=error)
            self._print(f"! {report.message}")
            return True

    def _dispatch(self, command: str, argument: str, line: str) -> bool:
        max_chars = self.settings.max_question_chars
        if command == "ask":
            question = validate_question(argument, max_chars)
            result = self.service.ask(question, self.settings.top_k)
            self._print(card_to_text(render_answer(result, PLAIN)))
            self._remember(question, result)
        elif command == "who-said":
            quote = validate_question(argument, max_chars, what="quote")
            self._print(card_to_text(render_who_said(self.service.who_said(quote, 3), PLAIN)))
        elif command == "quotes":
            speaker = validate_question(argument, max_chars, what="speaker name")
            quotes = self.service.speaker_quotes(speaker)
            self._print(card_to_text(render_speaker_quotes(speaker, quotes, PLAIN)))
        elif command in ("good", "bad"):
            self._vote(Vote.UP if command == "good" else Vote.DOWN)
        elif command == "unanswered":
            if self.feedback is None:
                self._print("! Feedback is off: no database is open.")
            else:
                self._print(card_to_text(render_unanswered(self.feedback.unanswered(), PLAIN)))
        elif command == "sources":
            self._print(card_to_text(render_sources(self.service.info(), PLAIN)))
        elif command == "reindex":
            report = self.service.reindex(self._progress())
            self._print(card_to_text(render_report(report, PLAIN)))
        elif command == "add-article":
            self._add_article(argument)
        elif command == "remove-article":
            self._remove_article(argument)
        elif command == "help":
            self._print("\n".join(help_lines(console=True)))
        elif command == "quit":
            return False
        else:
            name = line.split(maxsplit=1)[0]
            self._print(f"! Unknown command {name!r}; /help lists the commands.")
        return True

    def _remember(self, question: str, result: SearchResult) -> None:
        if self.feedback is None:
            return
        answered = result.answered and bool(result.passages)
        answer_id = self.feedback.record_answer(
            result.question or question,
            answer_summary(result),
            answered=answered,
            asked_by=CONSOLE_USER,
        )
        self.last_answer = (answer_id, answered)

    def _vote(self, vote: Vote) -> None:
        if self.feedback is None:
            self._print("! Feedback is off: no database is open.")
        elif self.last_answer is None:
            self._print("! Nothing to rate yet: ask a question first, then /good or /bad.")
        elif not self.last_answer[1]:
            self._print("! That question was not answered: it is already listed in /unanswered.")
        else:
            outcome = self.feedback.vote(self.last_answer[0], CONSOLE_USER, vote)
            self._print(vote_message(outcome))

    def _add_article(self, argument: str) -> None:
        words = argument.split()
        replace = "--replace" in words
        source = " ".join(w for w in words if w != "--replace")
        if not source:
            self._print("! Usage: /add-article PATH-or-URL [--replace]")
            return
        try:
            written = self.intake.add(source, replace=replace)
        except IntakeError as error:
            self._print(refused_text("added", error.reason))
            return
        self._reindex_after(added_text(written, PLAIN))

    def _remove_article(self, argument: str) -> None:
        if not argument:
            self._print("! Usage: /remove-article ID-or-title (/sources lists them)")
            return
        try:
            titles = {a.source.id: a.source.title for a in self.service.info().articles}
        except Exception:
            titles = {}
        try:
            removed = self.intake.remove(argument, titles)
        except IntakeError as error:
            self._print(refused_text("removed", error.reason))
            return
        self._reindex_after(removed_text(removed, PLAIN))

    def _reindex_after(self, heading: str) -> None:
        self._print(heading)
        report = self.service.reindex(self._progress())
        self._print(card_to_text(render_report(report, PLAIN)))

    def _progress(self) -> Callable[[str, float], None]:
        last: list[tuple[str, int]] = []

        def show(stage: str, fraction: float) -> None:
            step = (stage, int(fraction * 10))
            if not last or last[-1] != step:
                last.append(step)
                print(f"[{fraction:4.0%}] {stage}", file=self.err, flush=True)

        return show

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)
        print(file=self.out, flush=True)
