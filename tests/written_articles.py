"""An index over a few articles a test writes itself, with the HashingEmbedder (or the
embedder given)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

from index.embedding import Embedder, HashingEmbedder
from index.service import CorpusService
from index.settings import IndexSettings


@contextmanager
def written_service(
    tmp_path_factory: pytest.TempPathFactory,
    articles: Mapping[str, tuple[str, str]],
    embedder: Embedder | None = None,
) -> Iterator[CorpusService]:
    """A service over ``articles`` (slug: (title, text)), indexed in a temporary folder."""
    folder = tmp_path_factory.mktemp("written-articles")
    for slug, (title, text) in articles.items():
        (folder / f"{slug}.txt").write_text(text, encoding="utf-8")
        sidecar = {"title": title, "url": None, "outlet": None}
        (folder / f"{slug}.json").write_text(json.dumps(sidecar), encoding="utf-8")
    embedder = embedder or HashingEmbedder()
    settings = IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=folder,
        index_dir=tmp_path_factory.mktemp("written-index"),
        embedding_model=embedder.name,
    )
    service = CorpusService(settings, embedder=embedder)
    try:
        service.reindex()
        yield service
    finally:
        service.close()
