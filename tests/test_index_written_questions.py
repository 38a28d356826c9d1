"""Questions on a few articles written here (HashingEmbedder: words, no meaning).

A question naming a number the articles never state is about something they do not
cover ("Part Two" of a festival whose articles only know Part One): it is refused, while
the same question about the number they state is answered. A sentence holding the
question's word stemmed differently ("directed", "Director") covers it for the ranking,
as it does for the refusal check. A passage whose two sentences together hold the
question's words comes before a sentence holding only part of them (late interaction
over the whole passage). "Which paper…" is answered by the sentence naming whom
someone told, "What country…from?" by the one giving a nationality."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.embedding import SentenceTransformerEmbedder
from index.service import CorpusService
from tests.written_articles import written_service

NUMBER_ARTICLES = {
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
    "parking": (
        "Parking at the old port",
        "The festival opening will cost drivers $8 a day to park at the old port.",
    ),
}
STEM_ARTICLES = {
    "premiere": (
        "Harbour documentary premieres",
        "Who missed the harbour documentary on Friday?",
    ),
    "maker": (
        "The people behind the harbour film",
        "Director Jane Moss made the harbour documentary over several winters.",
    ),
}

SPREAD_ARTICLES = {
    "rescue": (
        "Lifeboat volunteers",
        "A trawler skipper was pulled from the freezing sea on Sunday. "
        "Volunteers rescued him near Black Rock lighthouse.",
    ),
    "awards": ("Awards night", "A trawler skipper was rescued, the awards night heard."),
}
ORIGIN_ARTICLES = {
    "crew": (
        "Lifeboat crew",
        "The lifeboat crew pulled the skipper from the sea on Sunday.\n\n"
        "The Norwegian skipper had sailed alone from the harbour.",
    ),
    "harbour": (
        "Harbour news",
        "The skipper is the most famous skipper in the country, harbour staff said.",
    ),
}
OUTLET_ARTICLES = {
    "rescue": (
        "Lifeboat volunteers",
        "A trawler skipper was pulled from the freezing sea on Sunday.\n\n"
        "“We were lucky,” the skipper told Coastline Weekly after the rescue.",
    ),
    "awards": (
        "Awards night",
        "The skipper talked about the rescue at the awards night, where volunteers were thanked.",
    ),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, NUMBER_ARTICLES) as built:
        yield built


@pytest.fixture(scope="module")
def stems(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, STEM_ARTICLES) as built:
        yield built


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, SPREAD_ARTICLES) as built:
        yield built


@pytest.fixture(scope="module")
def origins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, ORIGIN_ARTICLES) as built:
        yield built


@pytest.fixture(scope="module")
def outlets(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[CorpusService]:
    # the real model: "talk to" is answered by "told", which a words-only embedder can't see
    with written_service(tmp_path_factory, OUTLET_ARTICLES, real_embedder) as built:
        yield built


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


def test_the_word_stemmed_differently_counts_for_the_ranking(stems: CorpusService) -> None:
    result = stems.ask("Who directed the harbour documentary?")
    assert result.answered
    assert "Jane Moss" in result.passages[0].highlight


def test_a_value_only_a_passage_without_the_number_offers_is_no_answer(
    service: CorpusService,
) -> None:
    result = service.ask("How much does the May 3 opening of the festival cost?")
    assert not result.answered
    assert result.asked_for == "sum of money"


def test_a_passage_answering_across_two_sentences_comes_first(spread: CorpusService) -> None:
    # "trawler skipper" in one sentence, "rescued near ... lighthouse" in the next: each
    # sentence alone matches less of the question than the awards line does
    result = spread.ask("Was the trawler skipper rescued near the lighthouse?")
    assert result.answered
    assert result.passages[0].sources[0].id == "rescue"
    assert "Black Rock lighthouse" in result.passages[0].text


def test_which_paper_is_answered_by_the_sentence_naming_it(outlets: CorpusService) -> None:
    result = outlets.ask("Which paper did the trawler skipper talk to after the rescue?")
    assert result.answered
    assert "told Coastline Weekly" in result.passages[0].highlight


def test_what_country_is_answered_by_a_nationality(origins: CorpusService) -> None:
    # no "in/from <Place>" anywhere: as a question for a place it found none to give
    result = origins.ask("What country is the skipper who sailed alone from?")
    assert result.answered
    assert "Norwegian skipper" in result.passages[0].highlight
