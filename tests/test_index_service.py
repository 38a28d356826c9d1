"""CorpusService with the HashingEmbedder: open, reindex, publish, incremental builds,
and the article files that cannot be indexed."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from index.articles import MAX_ARTICLE_BYTES, load_corpus
from index.embedding import HashingEmbedder
from index.errors import BuildFailed, IndexUnavailable, ReindexInProgress
from index.models import SearchResult
from index.service import CorpusService
from index.snapshot import IndexSnapshot

SEED_000 = "000_c0f8695bc582e640"
SEED_001 = "001_03ff597da4ffc749"
SEED_002 = "002_371d6967d823f2f5"
SEEDS = (SEED_000, SEED_001, SEED_002)

QUESTION = "Was the cliff stunt shot in remote Hellesylt, Norway?"
"""A question the HashingEmbedder (shared words) answers from seed 001."""

ServiceFactory = Callable[..., CorpusService]
"""The ``make_service`` fixture: ``make_service(seeds_dir, index_dir=None, embedder=None)``."""


def current_build(service: CorpusService) -> Path:
    return (service.settings.index_dir / "current").resolve()


def builds(service: CorpusService) -> set[str]:
    folder = service.settings.index_dir / "builds"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def temp_leftovers(service: CorpusService) -> list[str]:
    return [p.name for p in service.settings.index_dir.iterdir() if p.name.startswith(".tmp-")]


def cited(result: SearchResult) -> set[str]:
    return {source.id for hit in result.passages for source in hit.sources}


def assert_answers(service: CorpusService) -> None:
    """The service answers QUESTION from seed 001, highlighting the answering sentence."""
    result = service.ask(QUESTION)
    assert result.answered
    assert "Hellesylt, Norway" in result.passages[0].highlight
    assert result.passages[0].source.id == SEED_001


def all_passage_text(snapshot: IndexSnapshot) -> str:
    return "\n".join(p.text for p in snapshot.passages)


# -- open() ---------------------------------------------------------------------------------


def test_open_builds_a_missing_index_and_answers(
    seed_copy: Path, make_service: ServiceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    service = make_service(seed_copy)
    with pytest.raises(IndexUnavailable):
        service.ask("Who plays Grace?")
    with caplog.at_level(logging.WARNING, logger="index.service"):
        report = service.open()
    assert report is not None
    assert report.articles == 3
    assert "no index" in caplog.text
    assert (service.settings.index_dir / "current" / "manifest.json").is_file()
    assert_answers(service)


def test_open_loads_a_good_index_without_rebuilding(
    hashing_service: CorpusService, make_service: ServiceFactory, seed_copy: Path
) -> None:
    before = builds(hashing_service)
    again = make_service(seed_copy)
    assert again.open() is None
    assert builds(again) == before
    assert again.info().model == hashing_service.info().model
    assert_answers(again)


def test_open_rebuilds_an_index_of_another_model(
    hashing_service: CorpusService,
    make_service: ServiceFactory,
    seed_copy: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    old_model = hashing_service.info().model
    other = make_service(seed_copy, embedder=HashingEmbedder(name="other-model"))
    with caplog.at_level(logging.WARNING, logger="index.service"):
        report = other.open()
    assert report is not None
    assert "rebuilding" in caplog.text
    assert old_model in caplog.text
    assert "other-model" in caplog.text
    assert other.info().model == "other-model"
    manifest = json.loads((current_build(other) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == "other-model"
    assert_answers(other)


@pytest.mark.parametrize("name", ["passages.jsonl", "passages.faiss", "sentences.npy"])
def test_open_rebuilds_a_corrupt_index(
    hashing_service: CorpusService,
    make_service: ServiceFactory,
    seed_copy: Path,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    damaged = current_build(hashing_service) / name
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    again = make_service(seed_copy)
    with caplog.at_level(logging.WARNING, logger="index.service"):
        report = again.open()
    assert report is not None
    assert name in caplog.text
    assert "checksum" in caplog.text
    assert current_build(again) != damaged.parent
    assert_answers(again)


# -- reindex and publish ------------------------------------------------------------------


def test_reindex_publishes_the_latest_build_and_keeps_at_most_two(
    hashing_service: CorpusService,
) -> None:
    for _ in range(3):
        before = builds(hashing_service)
        hashing_service.reindex()
        new = builds(hashing_service) - before
        assert len(new) == 1
        assert current_build(hashing_service).name == new.pop()
        assert len(builds(hashing_service)) <= 2
        assert temp_leftovers(hashing_service) == []
    # which older build survives is test_build_replaced_last_is_the_one_kept (store tests)
    live = hashing_service.info()
    on_disk = json.loads(
        (current_build(hashing_service) / "manifest.json").read_text(encoding="utf-8")
    )
    assert on_disk["passage_count"] == live.passages


def test_reindex_removes_leftovers_of_a_killed_build(hashing_service: CorpusService) -> None:
    index_dir = hashing_service.settings.index_dir
    killed = index_dir / ".tmp-20240101T000000-deadbeef"
    killed.mkdir()
    (killed / "passages.jsonl").write_text('{"id": 0, "te', encoding="utf-8")
    os.symlink("builds/gone", index_dir / ".tmp-link-deadbeef")
    hashing_service.reindex()
    assert temp_leftovers(hashing_service) == []
    assert_answers(hashing_service)


def test_failed_save_leaves_the_live_index_untouched(
    hashing_service: CorpusService, monkeypatch: pytest.MonkeyPatch, seed_copy: Path
) -> None:
    live_build = current_build(hashing_service)
    before = builds(hashing_service)
    snapshot = hashing_service.snapshot
    answer = hashing_service.ask(QUESTION)
    (seed_copy / f"{SEED_002}.txt").unlink()  # the failed build would have dropped it

    def disk_full(snapshot: IndexSnapshot, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "articles.json").write_text("[", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.service.save_snapshot", disk_full)
    with pytest.raises(OSError, match="No space left"):
        hashing_service.reindex()
    assert hashing_service.snapshot is snapshot
    assert hashing_service.ask(QUESTION) == answer
    assert SEED_002 in {a.source.id for a in hashing_service.info().articles}
    assert current_build(hashing_service) == live_build
    assert builds(hashing_service) == before
    assert temp_leftovers(hashing_service) == []
    assert not hashing_service.reindexing


def test_reindex_of_an_emptied_folder_fails_and_keeps_the_live_index(
    hashing_service: CorpusService, seed_copy: Path
) -> None:
    live_build = current_build(hashing_service)
    for path in seed_copy.iterdir():
        path.unlink()
    with pytest.raises(BuildFailed, match="no article could be indexed"):
        hashing_service.reindex()
    assert current_build(hashing_service) == live_build
    assert temp_leftovers(hashing_service) == []
    assert_answers(hashing_service)


def test_questions_are_answered_while_reindexes_run(hashing_service: CorpusService) -> None:
    failures: list[BaseException] = []
    done = threading.Event()

    def ask_repeatedly() -> None:
        while not done.is_set():
            try:
                assert_answers(hashing_service)
            except BaseException as error:  # reported by the assertion below
                failures.append(error)
                return

    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for _ in range(4):
            hashing_service.reindex()
    finally:
        done.set()
        for thread in askers:
            thread.join(timeout=30)
    assert failures == []


def test_service_still_answers_after_close(hashing_service: CorpusService) -> None:
    hashing_service.close()
    assert_answers(hashing_service)


def test_second_reindex_while_one_runs_is_refused(
    hashing_service: CorpusService, make_service: ServiceFactory, seed_copy: Path
) -> None:
    started = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def slow_progress(stage: str, fraction: float) -> None:
        started.set()
        release.wait(timeout=30)

    def run() -> None:
        try:
            outcome["report"] = hashing_service.reindex(progress=slow_progress)
        except BaseException as error:  # reported by the assertions below
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(timeout=30)
        assert hashing_service.reindexing
        with pytest.raises(ReindexInProgress):
            hashing_service.reindex()
        other_process = make_service(seed_copy)  # same index folder: the file lock refuses
        with pytest.raises(ReindexInProgress):
            other_process.reindex()
        assert_answers(hashing_service)  # old index still live
    finally:
        release.set()
        worker.join(timeout=30)
    assert "error" not in outcome
    assert "report" in outcome
    assert not hashing_service.reindexing
    hashing_service.reindex()  # the lock is free again


# -- incremental reindex ------------------------------------------------------------------


def test_unchanged_seeds_reuse_every_article(hashing_service: CorpusService) -> None:
    report = hashing_service.reindex()
    assert report.articles == 3
    assert report.reused_articles == report.articles
    assert (report.added, report.removed, report.changed) == ((), (), ())


def test_edited_article_is_reembedded_and_answers_change(
    hashing_service: CorpusService, seed_copy: Path
) -> None:
    path = seed_copy / f"{SEED_000}.txt"
    text = path.read_text(encoding="utf-8")
    assert "I’ve jumped 104 times" in text
    path.write_text(
        text.replace("I’ve jumped 104 times", "I’ve jumped 250 times")
        + "\nThe zebra orchestra rehearsed in Lisbon on Tuesday afternoon.\n",
        encoding="utf-8",
    )
    report = hashing_service.reindex()
    assert report.changed == (SEED_000,)
    assert report.reused_articles == 2
    assert (report.added, report.removed) == ((), ())
    info = hashing_service.info()
    assert sum(a.passages for a in info.articles) == info.passages == report.passages
    passages = all_passage_text(hashing_service.snapshot)
    assert "I’ve jumped 250 times" in passages
    assert "104 times" not in passages
    result = hashing_service.ask("Where did the zebra orchestra rehearse?")
    assert result.answered
    assert "zebra orchestra rehearsed in Lisbon" in result.passages[0].highlight
    assert result.passages[0].source.id == SEED_000


def test_deleted_article_is_removed_and_never_cited(
    hashing_service: CorpusService, seed_copy: Path
) -> None:
    (seed_copy / f"{SEED_002}.txt").unlink()
    (seed_copy / f"{SEED_002}.json").unlink()
    report = hashing_service.reindex()
    assert report.removed == (SEED_002,)
    assert report.reused_articles == 2
    assert {a.source.id for a in hashing_service.info().articles} == {SEED_000, SEED_001}
    result = hashing_service.ask("Paris chaotic element in the story")
    assert SEED_002 not in cited(result)
    assert "[Paris is] very, very, very much" not in all_passage_text(hashing_service.snapshot)


def test_added_article_is_indexed_and_findable(
    hashing_service: CorpusService, seed_copy: Path
) -> None:
    (seed_copy / "003_bakery.txt").write_text(
        "Local bakery wins national award for its sourdough\n\n"
        "The Lighthouse Bakery in Whitby won the national sourdough award on Monday.\n",
        encoding="utf-8",
    )
    report = hashing_service.reindex()
    assert report.added == ("003_bakery",)
    assert report.reused_articles == 3
    assert report.articles == 4
    result = hashing_service.ask("Which bakery won the sourdough award?")
    assert result.answered
    assert "Lighthouse Bakery in Whitby" in result.passages[0].highlight
    assert result.passages[0].source.title == "Local bakery wins national award for its sourdough"


def test_renamed_article_file_shows_its_new_path(
    hashing_service: CorpusService, seed_copy: Path
) -> None:
    (seed_copy / f"{SEED_001}.txt").rename(seed_copy / f"{SEED_001}.md")
    hashing_service.reindex()
    paths = {a.source.id: a.path for a in hashing_service.info().articles}
    assert paths[SEED_001] == f"{SEED_001}.md"


# -- article files that cannot be indexed -------------------------------------------------

BAD_FILES: dict[str, str] = {
    "empty.txt": "empty",
    "blank.md": "empty",
    "binary.txt": "binary",
    "latin1.txt": "UTF-8",
    "huge.txt": "too large",
    "folder.txt": "not a regular file",
    "dangling.txt": "not a regular file",
}


def write_bad_files(seeds: Path) -> None:
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "blank.md").write_text("   \n\t\n\n  \n", encoding="utf-8")
    (seeds / "binary.txt").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    (seeds / "latin1.txt").write_bytes(
        "Café crème à Paris\n\nLe café a fermé ses portes lundi.\n".encode("latin-1")
    )
    (seeds / "huge.txt").write_bytes(b"The council met again. " * (MAX_ARTICLE_BYTES // 23 + 1))
    (seeds / "folder.txt").mkdir()  # named like an article; root can read anything
    (seeds / "dangling.txt").symlink_to(seeds / "gone.txt")


def test_bad_article_files_are_skipped_with_a_reason(
    seed_copy: Path, make_service: ServiceFactory
) -> None:
    write_bad_files(seed_copy)
    service = make_service(seed_copy)
    report = service.reindex()
    assert report.articles == 3
    reasons = {s.path: s.reason for s in report.skipped}
    assert set(reasons) == set(BAD_FILES)
    for name, expected in BAD_FILES.items():
        assert expected in reasons[name], f"{name}: {reasons[name]!r}"
    assert {a.source.id for a in service.info().articles} == set(SEEDS)
    assert_answers(service)


def test_too_large_limit_is_a_parameter(seed_copy: Path) -> None:
    corpus = load_corpus(seed_copy, max_bytes=1_000)
    assert corpus.articles == ()
    assert len(corpus.skipped) == 3
    assert all("too large" in s.reason and "1,000" in s.reason for s in corpus.skipped)


def test_missing_seeds_folder_is_reported(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path / "nope")
    assert corpus.articles == ()
    assert [s.reason for s in corpus.skipped] == ["seeds folder not found"]


def test_broken_sidecar_is_ignored_with_a_warning(
    seed_copy: Path, make_service: ServiceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    (seed_copy / f"{SEED_001}.json").write_text('{"title": "Broken', encoding="utf-8")
    (seed_copy / f"{SEED_002}.json").write_text('["not", "an", "object"]', encoding="utf-8")
    service = make_service(seed_copy)
    with caplog.at_level(logging.WARNING, logger="index.articles"):
        report = service.reindex()
    assert report.articles == 3
    assert report.skipped == ()
    assert f"{SEED_001}.json" in caplog.text
    assert f"{SEED_002}.json" in caplog.text
    titles = {a.source.id: a.source.title for a in service.info().articles}
    assert titles[SEED_001] == (
        "Tom Cruise refused to kick Pom Klementieff in the stomach as they filmed "
        "Mission Impossible 7"
    )  # the headline, read from the text
    assert titles[SEED_002].startswith("'He wouldn't do it'")


def test_article_without_body_is_reported_as_skipped(
    seed_copy: Path, make_service: ServiceFactory
) -> None:
    (seed_copy / "headline_only.txt").write_text(
        "Breaking: markets close early after power cut\n", encoding="utf-8"
    )
    report = make_service(seed_copy).reindex()
    indexed = report.articles
    skipped = {s.path for s in report.skipped}
    assert indexed + len(skipped) == 4
    assert "headline_only.txt" in skipped
