"""Errors the bot shows to users, and what to tell a user about any error.

:func:`describe_error` is pure: it maps an exception (as raised by a command,
possibly wrapped by discord.py) to the private message the user gets and
whether the traceback deserves a log entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from discord import app_commands

from index.errors import (
    BuildFailed,
    IndexUnavailable,
    InvalidQuery,
    ReindexInProgress,
    RetrievalError,
)
from index.intake import IntakeError


class UserFacingError(app_commands.AppCommandError):
    """An expected condition whose message is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuestionError(UserFacingError):
    """An empty question, one too long, or one without any words."""


class CooldownError(UserFacingError):
    """The user asked too many questions too quickly."""

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, round(retry_after + 0.49))
        super().__init__(
            f"You're asking quickly! Please wait {seconds} second{'s' if seconds != 1 else ''} "
            "before your next question."
        )
        self.retry_after = retry_after


class NotModeratorError(app_commands.CheckFailure):
    """A member without Manage Server or a moderator role asked for a moderator command."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can do that (Manage Server permission or a moderator role)."
        )


class ReindexBusyError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "A reindex is already running. Questions are still answered from the current "
            "index; try again when it has finished."
        )


GENERIC_FAILURE = "Sorry, something went wrong on my side. It has been logged; please try again."
INDEX_UNAVAILABLE = (
    "The article index isn't available right now. A moderator can rebuild it with /reindex."
)
SERVICE_BUSY = "I'm busy answering other questions; please try again in a moment."


@dataclass(frozen=True, slots=True)
class ErrorReport:
    message: str
    log_traceback: bool


def unwrap(error: BaseException) -> BaseException:
    """The original exception behind discord.py's wrappers."""
    seen = 0
    while seen < 5:
        original = getattr(error, "original", None)
        if not isinstance(original, BaseException):
            break
        error = original
        seen += 1
    return error


def describe_error(error: BaseException) -> ErrorReport:
    """What to tell the user about ``error``, and whether to log its traceback."""
    error = unwrap(error)
    if isinstance(error, UserFacingError):
        return ErrorReport(error.message, log_traceback=False)
    if isinstance(error, NotModeratorError):
        return ErrorReport(str(error), log_traceback=False)
    if isinstance(error, app_commands.CommandOnCooldown):
        return ErrorReport(CooldownError(error.retry_after).message, log_traceback=False)
    if isinstance(error, app_commands.NoPrivateMessage):
        return ErrorReport("That command only works in a server.", log_traceback=False)
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingAnyRole):
        return ErrorReport(NotModeratorError().args[0], log_traceback=False)
    if isinstance(error, app_commands.CheckFailure):
        return ErrorReport("You can't use that command here.", log_traceback=False)
    if isinstance(error, InvalidQuery):
        detail = str(error).strip() or "That can't be searched: type a few words."
        return ErrorReport(detail[0].upper() + detail[1:], log_traceback=False)
    if isinstance(error, ReindexInProgress):
        return ErrorReport(ReindexBusyError().message, log_traceback=False)
    if isinstance(error, IntakeError):
        reason = error.reason[:1].upper() + error.reason[1:]
        return ErrorReport(f"{reason}. Nothing was changed.", log_traceback=False)
    if isinstance(error, IndexUnavailable):
        return ErrorReport(INDEX_UNAVAILABLE, log_traceback=True)
    if isinstance(error, BuildFailed):
        return ErrorReport(
            f"The reindex failed: {str(error) or 'no index could be built'}. "
            "The previous index is still in use.",
            log_traceback=True,
        )
    if isinstance(error, RetrievalError):
        return ErrorReport(GENERIC_FAILURE, log_traceback=True)
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return ErrorReport(
            "That command isn't up to date yet; please try again in a minute.",
            log_traceback=True,
        )
    if isinstance(error, app_commands.TransformerError):
        return ErrorReport("I couldn't read one of the options; please retype it.", False)
    return ErrorReport(GENERIC_FAILURE, log_traceback=True)
