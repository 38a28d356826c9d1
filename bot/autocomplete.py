"""Autocomplete answers: suggestions fetched off the event loop, in time for Discord."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from discord import app_commands

from bot.embeds import choices

log = logging.getLogger(__name__)

AUTOCOMPLETE_TIMEOUT = 2.0
"""Discord waits 3 seconds for autocomplete choices; no choices beat a late answer."""


async def timely_choices(
    suggestions: Awaitable[list[str]], what: str, typed: str
) -> list[app_commands.Choice[str]]:
    """The choices for ``suggestions``, or none when they fail or come too late."""
    try:
        found = await asyncio.wait_for(suggestions, timeout=AUTOCOMPLETE_TIMEOUT)
    except TimeoutError:
        log.info("%s suggestions took too long for %r", what, typed[:40])
        return []
    except Exception:
        log.exception("%s suggestions failed", what)
        return []
    return choices(found)
