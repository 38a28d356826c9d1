"""A question naming a number the articles never state is about something they do not
cover ("Part Two" of a festival whose articles only know Part One): it is refused, while
the same question about the number they state is answered. HashingEmbedder, own text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedding import HashingEmbedder
from index.service import CorpusService
from index.settings import IndexSettings

ARTICLES = {
    "harbour": (
        "Harbour festival opens its first part",
        "The Harbour Festival Part One opens on May 3 in the old port.\n\n"
        "Organisers said forty boats will sail past the lighthouse on the opening night.\n\n"
        "The mayor thanked the volunteers who painted the quay.",
    ),
    "ferries": (
        "Ferry timetable changes",
        "Three ferries will run every hour to the island this summer.\n\n"
        "The ferry company said tickets go on sale on Friday.",
    ),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    folder = tmp_path_factory.mktemp("number-articles")
    for slug, (title, text) in ARTICLES.items():
        (folder / f"{slug}.txt").write_text(text, encoding="utf-8")
        sidecar = {"title": title, "url": None, "outlet": None}
        (folder / f"{slug}.json").write_text(json.dumps(sidecar), encoding="utf-8")
    embedder = HashingEmbedder()
    settings = IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=folder,
        index_dir=Path(tmp_path_factory.mktemp("number-index")),
        embedding_model=embedder.name,
    )
    built = CorpusService(settings, embedder=embedder)
    built.reindex()
    yield built
    built.close()


def test_the_number_the_articles_state_is_answered(service: CorpusService) -> None:
    result = service.ask("When does the Harbour Festival Part One open?")
    assert result.answered
    assert "May 3" in result.passages[0].text


def test_a_number_the_articles_never_state_is_refused(service: CorpusService) -> None:
    result = service.ask("When does the Harbour Festival Part Two open?")
    assert not result.answered
    assert result.passages == ()


def test_a_number_in_words_finds_it_in_digits_and_back(service: CorpusService) -> None:
    result = service.ask("How often do the 3 ferries run to the island?")
    assert result.answered
    assert "every hour" in result.passages[0].text
