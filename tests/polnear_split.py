"""A PolNeAR-format split folder written from articles a test writes itself.

The real corpus is read from ../shared at evaluation time only; tests build a
folder of the same format (``articles/`` with ``.txt`` + ``.json``, and
``quotes_gold.json``) from their own texts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

GoldRow = tuple[str, str, str | None, str | None, str]
"""(article id, quote text, speaker, key, resolution): one gold quote, found in its article."""


def gold_entry(number: int, articles: Mapping[str, str], row: GoldRow) -> dict[str, Any]:
    """One ``quotes_gold.json`` entry; the quote's offsets are found in its article's text."""
    article_id, quote, speaker, key, kind = row
    start = articles[article_id].index(quote)
    return {
        "id": f"t-{number:04d}",
        "article_id": article_id,
        "text": quote,
        "start": start,
        "end": start + len(quote),
        "parts": [[start, start + len(quote)]],
        "speaker": speaker,
        "key": key,
        "resolution": kind,
        "source": {"text": key or "someone", "start": 0, "end": 0},
        "cue": "said",
        "in_headline": False,
    }


def write_split(folder: Path, articles: Mapping[str, str], gold: Sequence[GoldRow]) -> Path:
    """Write the split folder (each article's first line is its title) and return it."""
    articles_dir = folder / "articles"
    articles_dir.mkdir(parents=True)
    for article_id, text in articles.items():
        (articles_dir / f"{article_id}.txt").write_text(text, encoding="utf-8")
        title = text.split("\n", 1)[0]
        (articles_dir / f"{article_id}.json").write_text(
            json.dumps({"title": title, "outlet": "Test Gazette"}), encoding="utf-8"
        )
    quotes = [gold_entry(i, articles, row) for i, row in enumerate(gold, 1)]
    (folder / "quotes_gold.json").write_text(
        json.dumps({"counts": {"direct_quotes": len(quotes)}, "quotes": quotes}), encoding="utf-8"
    )
    return folder
