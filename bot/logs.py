"""Logging to stderr, with secrets redacted from every line (tracebacks included)."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

_WEBHOOK_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)([A-Za-z0-9_.\-]{20,})")
"""Interaction and webhook tokens in URLs that discord.py logs at DEBUG level."""

_TOKEN_FIELD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")
"""``"token": "..."`` in payloads that discord.py logs at DEBUG level (interactions, resumes)."""

REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """Formats like ``logging.Formatter``, then removes secrets and URL tokens."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _TOKEN_FIELD.sub(lambda m: m.group(1) + REDACTED, text)
        return _WEBHOOK_TOKEN.sub(lambda m: m.group(1) + REDACTED, text)


FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

QUIET_LOGGERS = (
    "discord.http",
    "discord.gateway",
    "faiss.loader",
    "sentence_transformers",
    "httpx",
    "urllib3",
)


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Log to ``stream`` (stderr) at ``level``; chatty libraries only warn unless DEBUG."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    return handler
