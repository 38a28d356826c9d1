"""Quote extraction and who-said quality (filled in once quote extraction lands)."""

from __future__ import annotations

from typing import Any

from index.service import CorpusService


def evaluate_quotes(service: CorpusService) -> dict[str, Any]:
    return {}
