"""Open the answer service: the retrieval core's ``CorpusService``, or a named factory."""

from __future__ import annotations

import importlib
import logging
from typing import cast

from bot.settings import BotSettings
from index.intake import ArticleIntake, HttpFetcher, IntakeLimits
from index.protocols import AnswerService

log = logging.getLogger(__name__)


def load_factory(spec: str) -> object:
    """The object named by ``"package.module:attribute"``."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected module:factory, got {spec!r}")
    target: object = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def open_service(settings: BotSettings, factory: str | None = None) -> AnswerService:
    """Load the index (building it when missing, stale, or built with another model).

    ``factory`` (``module:callable``, called with the settings) replaces the default
    ``CorpusService``: another retrieval backend, or a fake in tests.
    """
    if factory:
        make = load_factory(factory)
        if not callable(make):
            raise TypeError(f"{factory} is not callable")
        return cast(AnswerService, make(settings))
    from index.service import CorpusService  # heavy (torch): imported only when used

    service = CorpusService(settings)
    log.info("loading the index from %s", settings.index_dir)
    built = service.open()
    if built is not None:
        log.info(
            "index built: %d articles, %d passages, %d quotes in %.1fs",
            built.articles,
            built.passages,
            built.quotes,
            built.seconds,
        )
    return service


def open_intake(settings: BotSettings) -> ArticleIntake:
    """What /add-article and /remove-article write with: the seeds folder, fetched over
    http(s) under the settings' timeout (and private hosts only when allowed)."""
    limits = IntakeLimits(timeout_seconds=settings.fetch_timeout_seconds)
    fetcher = HttpFetcher(limits, allow_private_hosts=settings.fetch_private_hosts)
    return ArticleIntake(settings.seeds_dir, fetcher, limits)
