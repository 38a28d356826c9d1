"""Canonical speakers: one person, one name, across every wording and every article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.articles import load_corpus
from index.builder import build_snapshot
from index.embedding import HashingEmbedder
from index.quote_search import QuoteSearcher
from index.snapshot import IndexSnapshot
from index.speaker_quotes import exactly_named, grouped_by_statement
from index.speakers import SpeakerDirectory, parse_name
from index.store import load_snapshot, save_snapshot


def _directory(*pairs: tuple[str, str]) -> SpeakerDirectory:
    return SpeakerDirectory(pairs)


def test_short_names_and_titles_join_the_full_name() -> None:
    directory = _directory(("a", "Tom Cruise"), ("b", "Cruise"), ("c", "Mr. Cruise"))
    assert directory.canonical("b", "Cruise") == "Tom Cruise"
    assert directory.canonical("c", "Mr. Cruise") == "Tom Cruise"
    assert directory.canonical("a", "Tom Cruise") == "Tom Cruise"


def test_middle_names_and_initials_are_the_same_person_first_names_are_not() -> None:
    directory = _directory(
        ("a", "Donald J. Trump"),
        ("b", "Donald Trump"),
        ("c", "Donald Trump"),
        ("d", "Hillary Rodham Clinton"),
        ("e", "Hillary Clinton"),
        ("f", "Bill Clinton"),
        ("g", "Donald Trump Jr."),
    )
    assert directory.canonical("a", "Donald J. Trump") == "Donald Trump"
    # as often one as the other: the longer wording names the person
    assert directory.canonical("e", "Hillary Clinton") == "Hillary Rodham Clinton"
    assert directory.canonical("f", "Bill Clinton") == "Bill Clinton"
    assert directory.canonical("g", "Donald Trump Jr.") == "Donald Trump Jr."


def test_an_ambiguous_surname_goes_to_the_person_quoted_in_the_same_article() -> None:
    directory = _directory(
        ("a", "Hillary Clinton"), ("b", "Bill Clinton"), ("b", "Clinton"), ("c", "Clinton")
    )
    assert directory.canonical("b", "Clinton") == "Bill Clinton"
    assert directory.canonical("c", "Clinton") == "Clinton"  # could be either: left alone


def test_an_ambiguous_surname_goes_to_a_far_more_quoted_person() -> None:
    directory = _directory(*[("a", "Donald Trump")] * 3, ("b", "Donald Trump Jr."), ("c", "Trump"))
    assert directory.canonical("c", "Trump") == "Donald Trump"


def test_organisations_lose_a_leading_the_and_keep_their_words() -> None:
    directory = _directory(
        ("a", "The New York Times"), ("b", "New York Times"), ("c", "General Motors")
    )
    assert directory.canonical("a", "The New York Times") == "New York Times"
    assert directory.canonical("c", "General Motors") == "General Motors"
    assert directory.canonical("c", "Justice Department") == "Justice Department"


def test_a_name_known_by_one_word_only_keeps_its_most_frequent_wording() -> None:
    directory = _directory(("a", "Schriefer"), ("b", "Schriefer"), ("c", "Mr. Schriefer"))
    assert directory.canonical("c", "Mr. Schriefer") == "Schriefer"


def test_no_speaker_stays_none_and_a_title_alone_is_kept() -> None:
    directory = _directory(("a", "President"))
    assert directory.canonical("a", None) is None
    assert directory.canonical("a", "President") == "President"
    name = parse_name("Sen. Patrick O’Neill's")
    assert name is not None and name.plain == "Patrick O'Neill"


# -- in the index ----------------------------------------------------------------

ARTICLES = {
    "stunts": "Cruise Does His Stunts\n\n“I always do my own stunts, every single one "
    "of them,” said Tom Cruise on Monday.\n",
    "premiere": "A Late Premiere\n\nThe star arrived late. “I always do my own stunts, "
    "every one of them,” Cruise said.\n",
    "review": "Review Of The Film\n\nThe film opens Friday. “I always do my own stunts, "
    "every single one of them,” said Mr. Cruise.\n",
}


@pytest.fixture
def snapshot(tmp_path: Path) -> IndexSnapshot:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.json").write_text(json.dumps({"title": name}), encoding="utf-8")
    built, _ = build_snapshot(load_corpus(folder), HashingEmbedder())
    return built


def test_the_index_stores_one_name_per_person_and_keeps_the_wording(
    snapshot: IndexSnapshot,
) -> None:
    by_article = {q.article_id: q for q in snapshot.quotes}
    assert {q.speaker for q in snapshot.quotes} == {"Tom Cruise"}
    assert by_article["premiere"].speaker_as_written == "Cruise"
    assert by_article["review"].speaker_as_written == "Mr. Cruise"


def test_who_said_groups_every_article_of_one_person(snapshot: IndexSnapshot) -> None:
    result = QuoteSearcher(snapshot, HashingEmbedder()).search("I always do my own stunts")
    top = result.matches[0]
    assert top.speaker == "Tom Cruise"
    assert {s.id for s in top.sources} == set(ARTICLES)
    assert len(result.matches) == 1
    assert len(top.wordings) == 2


def test_quotes_by_speaker_finds_every_wording(snapshot: IndexSnapshot) -> None:
    searcher = QuoteSearcher(snapshot, HashingEmbedder())
    assert len(searcher.quotes("Mr. Cruise")) == 3
    assert len(searcher.quotes("tom cruise")) == 3


def test_canonical_speakers_survive_saving_and_a_rebuild(
    snapshot: IndexSnapshot, tmp_path: Path
) -> None:
    save_snapshot(snapshot, tmp_path / "index")
    loaded = load_snapshot(tmp_path / "index", model=HashingEmbedder().name)
    assert loaded.quotes == snapshot.quotes
    # a rebuild reusing every article recomputes the names from the wordings kept
    folder = tmp_path / "seeds"
    (folder / "stunts.txt").unlink()
    rebuilt, report = build_snapshot(load_corpus(folder), HashingEmbedder(), previous=loaded)
    assert report.reused_articles == 2
    assert {q.speaker for q in rebuilt.quotes} == {"Cruise"}
    assert {q.speaker_as_written for q in rebuilt.quotes} == {"Cruise", "Mr. Cruise"}


def test_quotes_command_lists_one_person_under_any_wording_of_the_name(
    snapshot: IndexSnapshot,
) -> None:
    """``/quotes speaker:Mr. Cruise`` shows Tom Cruise's quotes, each wording once with
    every article that prints it (the service's exact pick, else the searcher's lookup)."""
    searcher = QuoteSearcher(snapshot, HashingEmbedder())
    assert exactly_named(snapshot.quotes, "Mr. Cruise") == []
    assert len(exactly_named(snapshot.quotes, "tom cruise")) == 3
    matches = grouped_by_statement(searcher.quotes("Mr. Cruise"), snapshot.articles_by_id)
    assert {m.speaker for m in matches} == {"Tom Cruise"}
    assert {s.id for m in matches for s in m.sources} == set(ARTICLES)
    assert len(matches) == 2  # "every single one of them" (two articles) and "every one of them"
