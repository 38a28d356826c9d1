"""The hand-made evaluation data for quotes: gold quotes and who-said queries.

Both files live in ``index/evaldata`` (package data): ``quotes_gold.json`` has
every direct quote of the seed articles with its speaker, ``who_said.json``
has paraphrased who-said queries with the expected speaker and articles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

GOLD_FILE: Final = "quotes_gold.json"
WHO_SAID_FILE: Final = "who_said.json"


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One quote of a seed article, as a careful reader attributes it."""

    article_id: str
    text: str
    speaker: str | None
    said_to: str | None = None
    reported_by: str | None = None
    in_headline: bool = False


@dataclass(frozen=True, slots=True)
class WhoSaidCase:
    """A who-said query in a reader's words; ``speaker`` None means nothing matches."""

    query: str
    speaker: str | None
    article_ids: tuple[str, ...]
    reported_by: str | None = None


def load_gold(path: str | Path | None = None) -> list[GoldQuote]:
    """The gold quotes (from ``path``, or the packaged ``quotes_gold.json``)."""
    return [_gold_quote(item) for item in _read(path, GOLD_FILE)["quotes"]]


def load_who_said(path: str | Path | None = None) -> list[WhoSaidCase]:
    """The who-said queries (from ``path``, or the packaged ``who_said.json``)."""
    return [_who_said_case(item) for item in _read(path, WHO_SAID_FILE)["queries"]]


def _read(path: str | Path | None, default_name: str) -> dict[str, Any]:
    if path is None:
        raw = resources.files("index").joinpath("evaldata", default_name).read_text("utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError(f"{default_name}: expected a JSON object")
    return data


def _gold_quote(item: dict[str, Any]) -> GoldQuote:
    return GoldQuote(
        article_id=str(item["article_id"]),
        text=str(item["text"]),
        speaker=_optional(item.get("speaker")),
        said_to=_optional(item.get("said_to")),
        reported_by=_optional(item.get("reported_by")),
        in_headline=bool(item.get("in_headline", False)),
    )


def _who_said_case(item: dict[str, Any]) -> WhoSaidCase:
    return WhoSaidCase(
        query=str(item["query"]),
        speaker=_optional(item.get("speaker")),
        article_ids=tuple(str(a) for a in item.get("article_ids", [])),
        reported_by=_optional(item.get("reported_by")),
    )


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
