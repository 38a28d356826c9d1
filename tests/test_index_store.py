"""The index on disk: a faithful round trip, and a clear refusal of anything else."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.articles import load_corpus
from index.builder import build_snapshot
from index.embedding import HashingEmbedder
from index.errors import IndexCorrupt, IndexMismatch, IndexUnavailable
from index.lexical import tokenize
from index.models import StoredQuote
from index.search import Searcher
from index.service import CorpusService
from index.snapshot import IndexSnapshot
from index.store import (
    load_snapshot,
    new_build_folder,
    publish,
    remove_leftovers,
    resolve_current,
    save_snapshot,
)

SEED_000 = "000_c0f8695bc582e640"
SEED_002 = "002_371d6967d823f2f5"
MODEL = "test-hashing"
INDEX_SUFFIXES = {".json", ".jsonl", ".npy", ".npz", ".faiss"}


@pytest.fixture(scope="module")
def snapshot(seeds_dir: Path) -> IndexSnapshot:
    """The seeds indexed with the HashingEmbedder, with two quotes (one nested in the other)."""
    embedder = HashingEmbedder(name=MODEL)
    corpus = load_corpus(seeds_dir)
    built, _ = build_snapshot(corpus, embedder)
    texts = {a.id: a.text for a in corpus.articles}

    def quote(row: int, article_id: str, text: str, **fields: object) -> StoredQuote:
        start = texts[article_id].index(text)
        return StoredQuote(
            row, article_id, text, start, start + len(text), "Pom Klementieff", **fields
        )  # type: ignore[arg-type]

    quotes = (
        quote(0, SEED_000, "I love haste, I love precision, I love how sharp it makes me."),
        quote(
            1,
            SEED_002,
            "You can just go for it.",
            said_to="Tom Cruise",
            reported_by="Pom Klementieff",
            parent=0,
            in_headline=False,
        ),
    )
    return dataclasses.replace(
        built,
        manifest=dataclasses.replace(built.manifest, quote_count=len(quotes)),
        quotes=quotes,
        quote_vectors=embedder.encode_queries([q.text for q in quotes]),
        quote_part_vectors=np.zeros((0, embedder.dimension), np.float32),
        quote_part_offsets=np.zeros(len(quotes) + 1, dtype=np.int64),
    )


@pytest.fixture
def saved(snapshot: IndexSnapshot, tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    save_snapshot(snapshot, folder)
    return folder


def test_round_trip_gives_back_the_same_index(snapshot: IndexSnapshot, saved: Path) -> None:
    loaded = load_snapshot(saved, model=MODEL)
    assert loaded.passages == snapshot.passages
    assert loaded.articles == snapshot.articles
    assert loaded.quotes == snapshot.quotes
    assert np.allclose(loaded.passage_vectors(), snapshot.passage_vectors())
    assert np.allclose(loaded.sentence_vectors, snapshot.sentence_vectors)
    assert np.array_equal(loaded.sentence_offsets, snapshot.sentence_offsets)
    assert np.allclose(loaded.quote_vectors, snapshot.quote_vectors)
    assert np.array_equal(loaded.token_vectors, snapshot.token_vectors)
    assert np.array_equal(loaded.token_offsets, snapshot.token_offsets)
    assert dataclasses.replace(loaded.manifest, files={}) == snapshot.manifest
    terms = tokenize("Tom Cruise refused to kick her in the stomach")
    assert np.allclose(loaded.bm25.scores(terms), snapshot.bm25.scores(terms))
    assert loaded.articles_by_id.keys() == {a.id for a in snapshot.articles}


def test_loaded_index_answers_like_the_built_one(snapshot: IndexSnapshot, saved: Path) -> None:
    embedder = HashingEmbedder(name=MODEL)
    loaded = load_snapshot(saved, model=MODEL)
    for question in ["Where was the cliff stunt shot?", "Who plays Grace?", "kick stomach"]:
        assert Searcher(loaded, embedder).search(question) == Searcher(snapshot, embedder).search(
            question
        )


def test_index_files_are_plain_data_without_pickle(saved: Path) -> None:
    files = sorted(p for p in saved.iterdir())
    assert files
    assert {p.suffix for p in files} <= INDEX_SUFFIXES, [p.name for p in files]
    for path in files:
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line)
        elif path.suffix == ".npy":
            assert np.load(path, allow_pickle=False).dtype != object
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as arrays:
                assert all(arrays[name].dtype != object for name in arrays.files)
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p.name for p in files} - {"manifest.json"}


def test_another_model_is_refused_naming_both_models(saved: Path) -> None:
    with pytest.raises(IndexMismatch) as raised:
        load_snapshot(saved, model="all-mpnet-base-v2")
    assert MODEL in str(raised.value)
    assert "all-mpnet-base-v2" in str(raised.value)


def test_another_schema_version_is_refused(saved: Path) -> None:
    manifest_path = saved / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["schema_version"] = 999
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="999"):
        load_snapshot(saved, model=MODEL)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def remove(path: Path) -> None:
    path.unlink()


INDEX_FILES = [
    "articles.json",
    "passages.jsonl",
    "passages.faiss",
    "sentences.npy",
    "sentence_offsets.npy",
    "bm25.npz",
    "bm25_vocab.json",
    "quotes.jsonl",
    "quotes.npy",
]


@pytest.mark.parametrize(
    ("damage", "name", "expected"),
    [
        (truncate, "passages.faiss", "bytes"),
        (flip_byte, "passages.jsonl", "checksum"),
        *[(flip_byte, name, "checksum") for name in INDEX_FILES],
        *[(remove, name, "missing") for name in INDEX_FILES],
    ],
    ids=[
        "truncated-faiss",
        "flipped-jsonl",
        *[f"flipped-{n}" for n in INDEX_FILES],
        *[f"missing-{n}" for n in INDEX_FILES],
    ],
)
def test_damaged_file_is_refused_as_corrupt(
    saved: Path, damage: Callable[[Path], None], name: str, expected: str
) -> None:
    damage(saved / name)
    with pytest.raises(IndexCorrupt) as raised:
        load_snapshot(saved, model=MODEL)
    message = str(raised.value)
    assert name in message
    assert expected in message


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff\xfe garbage \x81", b"{not json", b"[1, 2, 3]", b"{}", b'"manifest"', b"null"],
    ids=["binary", "broken-json", "list", "empty-object", "string", "null"],
)
def test_garbage_manifest_is_refused_as_corrupt(saved: Path, content: bytes) -> None:
    (saved / "manifest.json").write_bytes(content)
    with pytest.raises(IndexCorrupt, match="manifest"):
        load_snapshot(saved, model=MODEL)


def test_truncated_manifest_is_refused_as_corrupt(saved: Path) -> None:
    truncate(saved / "manifest.json")
    with pytest.raises(IndexCorrupt, match="manifest"):
        load_snapshot(saved, model=MODEL)


def test_manifest_with_malformed_file_entries_is_refused_as_corrupt(saved: Path) -> None:
    manifest_path = saved / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = {name: 0 for name in manifest["files"]}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_snapshot(saved, model=MODEL)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("passage_count", "12"),
        ("dimension", True),
        ("article_count", -1),
        ("chunking", []),
        ("libraries", {"numpy": 2}),
        ("files", ["articles.json"]),
        ("files", {"articles.json": {"bytes": "10", "sha256": "x"}}),
        ("files", {"../articles.json": {"bytes": 10, "sha256": "x"}}),
    ],
    ids=[
        "count-as-text",
        "bool-dimension",
        "negative-count",
        "chunking-list",
        "library-version-number",
        "files-list",
        "file-bytes-text",
        "file-outside-folder",
    ],
)
def test_manifest_with_fields_of_the_wrong_type_is_refused_as_corrupt(
    saved: Path, field: str, value: object
) -> None:
    manifest_path = saved / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[field] = value
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="manifest"):
        load_snapshot(saved, model=MODEL)


def test_build_folder_names_sort_in_the_order_they_were_made(tmp_path: Path) -> None:
    made = [new_build_folder(tmp_path).name for _ in range(5)]
    assert sorted(made) == made


def test_folder_without_manifest_is_unavailable_not_corrupt(saved: Path) -> None:
    (saved / "manifest.json").unlink()
    with pytest.raises(IndexUnavailable, match="no index") as raised:
        load_snapshot(saved, model=MODEL)
    assert not isinstance(raised.value, IndexCorrupt | IndexMismatch)


@pytest.mark.parametrize("exists", [True, False], ids=["empty-folder", "no-folder"])
def test_folder_with_no_index_is_unavailable(tmp_path: Path, exists: bool) -> None:
    folder = tmp_path / "nothing"
    if exists:
        folder.mkdir()
    with pytest.raises(IndexUnavailable, match="no index") as raised:
        load_snapshot(folder, model=MODEL)
    assert not isinstance(raised.value, IndexCorrupt | IndexMismatch)


# -- the index directory: builds, the current pointer, leftovers ---------------------------


def fake_build(index_dir: Path, name: str, snapshot: IndexSnapshot) -> Path:
    """A complete build in a temporary folder named like the ones the service makes."""
    folder = index_dir / f".tmp-{name}"
    save_snapshot(snapshot, folder)
    return folder


def test_publish_points_current_at_the_new_build(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = publish(index_dir, fake_build(index_dir, "20250101T000000-aaaaaaaa", snapshot))
    second = publish(index_dir, fake_build(index_dir, "20250101T000001-bbbbbbbb", snapshot))
    assert (index_dir / "current").is_symlink()
    assert resolve_current(index_dir) == second.resolve()
    assert first.is_dir(), "the previous build is kept"
    assert not any(p.name.startswith(".tmp-") for p in index_dir.iterdir())
    load_snapshot(resolve_current(index_dir), model=MODEL)


def test_at_most_two_builds_are_kept(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    published = [
        publish(index_dir, fake_build(index_dir, f"20250101T00000{i}-{i}{i}{i}{i}", snapshot))
        for i in range(4)
    ]
    remaining = sorted(p.name for p in (index_dir / "builds").iterdir())
    assert remaining == [published[2].name, published[3].name]
    assert resolve_current(index_dir) == published[3].resolve()


def test_build_replaced_last_is_the_one_kept(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    names = ["20250101T000000-ffffffff", "20250101T000000-eeeeeeee", "20250101T000000-dddddddd"]
    for name in names:
        publish(index_dir, fake_build(index_dir, name, snapshot))
    remaining = sorted(p.name for p in (index_dir / "builds").iterdir())
    assert remaining == sorted(names[1:])


def test_index_directory_can_be_moved(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, fake_build(index_dir, "20250101T000000-aaaaaaaa", snapshot))
    moved = tmp_path / "elsewhere"
    shutil.move(index_dir, moved)
    loaded = load_snapshot(resolve_current(moved), model=MODEL)
    assert loaded.passages == snapshot.passages


def test_leftovers_of_killed_builds_are_removed(snapshot: IndexSnapshot, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    live = publish(index_dir, fake_build(index_dir, "20250101T000000-aaaaaaaa", snapshot))
    half_built = index_dir / ".tmp-20250101T000001-deadbeef"
    half_built.mkdir()
    (half_built / "passages.jsonl").write_text('{"id": 0', encoding="utf-8")
    os.symlink("builds/nowhere", index_dir / ".tmp-link-0badc0de")
    removed = remove_leftovers(index_dir)
    assert sorted(removed) == [".tmp-20250101T000001-deadbeef", ".tmp-link-0badc0de"]
    assert sorted(p.name for p in index_dir.iterdir()) == ["builds", "current"]
    assert resolve_current(index_dir) == live.resolve()


def test_the_publication_date_of_a_sidecar_is_kept_and_cited(
    seed_copy: Path, make_service: Callable[..., CorpusService]
) -> None:
    sidecar = seed_copy / "001_03ff597da4ffc749.json"
    metadata = json.loads(sidecar.read_text())
    unchanged_hash = load_corpus(seed_copy).articles[1].content_hash
    sidecar.write_text(json.dumps({**metadata, "published": "2023-07-11"}))
    dated = load_corpus(seed_copy).articles
    assert dated[1].published == "2023-07-11" and dated[1].content_hash != unchanged_hash
    assert dated[0].published is None  # and the others' hashes are as before dates existed

    service = make_service(seed_copy)
    service.reindex()
    reloaded = make_service(seed_copy)
    reloaded.load()
    [record] = [a for a in reloaded.snapshot.articles if a.id == "001_03ff597da4ffc749"]
    assert record.source.published == "2023-07-11"


def test_a_build_in_its_folder_saves_the_same_files_with_its_tokens_on_disk(
    seeds_dir: Path, tmp_path: Path
) -> None:
    corpus = load_corpus(seeds_dir)
    in_memory, _ = build_snapshot(corpus, HashingEmbedder(name=MODEL))
    save_snapshot(in_memory, tmp_path / "memory")
    folder = tmp_path / "workspace"
    folder.mkdir()
    on_disk, _ = build_snapshot(corpus, HashingEmbedder(name=MODEL), workspace=folder)
    assert isinstance(on_disk.token_vectors, np.memmap)
    assert Path(on_disk.token_vectors.filename or "") == (folder / "tokens.npy").resolve()
    save_snapshot(on_disk, folder)
    names = sorted(p.name for p in (tmp_path / "memory").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == names  # no spill file left behind
    for name in names:
        if name != "manifest.json":  # its build time differs
            assert (folder / name).read_bytes() == (tmp_path / "memory" / name).read_bytes()
    assert load_snapshot(folder, model=MODEL).passages == in_memory.passages
