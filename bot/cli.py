"""``python -m bot``: load the index, then connect to Discord (or run in the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

import discord

from bot.client import NewsBot
from bot.console import Console
from bot.feedback_store import FeedbackError, FeedbackStore
from bot.logs import configure_logging
from bot.runner import run_bot
from bot.service import open_service
from bot.settings import BotSettings, SettingsError, load_settings
from index.errors import RetrievalError
from index.protocols import AnswerService

log = logging.getLogger("bot")

NO_TOKEN_HELP = (
    "DISCORD_TOKEN is not set, so the bot runs in the terminal. To connect it to Discord: "
    "create an application at https://discord.com/developers/applications, add a bot, "
    "copy its token into .env as DISCORD_TOKEN=... (see docs/discord-setup.md)."
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about news articles, on Discord or in the terminal.",
    )
    parser.add_argument(
        "--console", action="store_true", help="run the commands in the terminal (stdin)"
    )
    parser.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    parser.add_argument(
        "--service",
        metavar="MODULE:FACTORY",
        help="answer service factory called with the settings (default: index.service)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings(args.env_file)
    except SettingsError as error:
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, [settings.token] if settings.token else [])
    discord.VoiceClient.warn_nacl = False  # no voice here: skip the PyNaCl/davey warnings
    discord.VoiceClient.warn_dave = False
    console = args.console or settings.token is None
    if settings.token is None and not args.console:
        log.warning(NO_TOKEN_HELP)
    try:
        service = open_service(settings, args.service)
    except (RetrievalError, OSError, ValueError, ImportError, AttributeError) as error:
        log.error("could not load the index: %s", error)
        return 1
    try:
        return serve(settings, service, console)
    finally:
        close = getattr(service, "close", None)  # CorpusService has worker threads to stop
        if callable(close):
            close()


def serve(settings: BotSettings, service: AnswerService, console: bool) -> int:
    """Run the terminal mode, or the Discord bot until it is stopped."""
    try:
        feedback = FeedbackStore(settings.database_path)
    except FeedbackError as error:
        log.error("%s (check DATABASE_PATH)", error)
        return 1
    try:
        if console:
            interactive = sys.stdin.isatty()
            if interactive:
                print("Ask a question, or /help. End with /quit or Ctrl-D.", flush=True)
            prompt = (lambda: print("> ", end="", flush=True)) if interactive else None
            terminal = Console(service, settings, sys.stdout, sys.stderr, feedback=feedback)
            return terminal.run(sys.stdin, prompt)
        token = settings.token
        assert token is not None
        return asyncio.run(run_bot(NewsBot(settings, service, feedback=feedback), token))
    except KeyboardInterrupt:
        return 130
    finally:
        feedback.close()
