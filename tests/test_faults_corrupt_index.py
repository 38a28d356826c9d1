"""A corrupt or truncated index at startup: a clear log line, a rebuild, the right answers.

Each case damages one file of the live build (or the ``current`` pointer), then opens the
index the way the bot does (``CorpusService.open``): the log must say what is wrong, the
index must be rebuilt, and the answers must be those of an intact index — never an answer
read from a damaged file. ``python -m bot --console`` is also run twice, as processes, on a
damaged index: neither run crashes, and only the first rebuilds.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import BotSettings
from index.embedding import HashingEmbedder
from index.models import SearchResult
from index.service import CorpusService
from index.settings import IndexSettings
from index.store import BUILDS, CURRENT, MANIFEST, resolve_current

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
QUESTIONS = (
    "who refused to kick whom?",
    "where was the motorbike stunt filmed?",
    "how many times has she jumped?",
    "what is the capital of Australia?",
)
MODEL = "test-hashing"


def settings_for(seeds: Path, index_dir: Path) -> IndexSettings:
    return IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds,
        index_dir=index_dir,
        embedding_model=MODEL,
    )


def hashing_service(settings: BotSettings) -> CorpusService:
    """``--service`` factory for ``python -m bot``: what ``bot.service.open_service`` does,
    with the HashingEmbedder instead of the real model."""
    service = CorpusService(settings, embedder=HashingEmbedder())
    built = service.open()
    if built is not None:
        logging.getLogger("bot").info("index built: %d articles", built.articles)
    return service


# ------------------------------------------------------------------ damage


def _truncate(name: str, keep: float) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / name
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return damage


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return damage


def _edit_manifest(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / MANIFEST
        data = json.loads(path.read_text(encoding="utf-8"))
        data = change(data) or data
        path.write_text(json.dumps(data), encoding="utf-8")

    return damage


def _alter_passage_text(folder: Path) -> None:
    """Change one word of one passage, keeping the file's size: only the checksum can tell."""
    path = folder / "passages.jsonl"
    text = path.read_text(encoding="utf-8")
    assert "refused" in text
    path.write_text(text.replace("refused", "accepted", 1).replace("Tom", "T.", 1), "utf-8")
    assert len(path.read_bytes()) == len(text.encode())


def _swap_passage_lines(folder: Path) -> None:
    path = folder / "passages.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0], lines[1] = lines[1], lines[0]
    path.write_text("".join(lines), encoding="utf-8")


def _delete(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()

    return damage


def _files_as(value: object) -> Callable[[dict[str, object]], None]:
    def change(data: dict[str, object]) -> None:
        data["files"] = value

    return change


def _set(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(data: dict[str, object]) -> None:
        data[key] = value

    return change


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    # case: (damage, a phrase the log must contain)
    "faiss truncated": (_truncate("passages.faiss", 0.5), "passages.faiss"),
    "faiss empty": (_write("passages.faiss", b""), "passages.faiss"),
    "faiss garbage": (_write("passages.faiss", b"\x00garbage" * 64), "passages.faiss"),
    "passages.jsonl altered": (_alter_passage_text, "passages.jsonl does not match its checksum"),
    "passages.jsonl reordered": (_swap_passage_lines, "passages.jsonl"),
    "passages.jsonl truncated": (_truncate("passages.jsonl", 0.7), "passages.jsonl"),
    "sentences.npy missing": (_delete("sentences.npy"), "sentences.npy is missing"),
    "bm25.npz truncated": (_truncate("bm25.npz", 0.5), "bm25.npz"),
    "manifest garbage": (_write(MANIFEST, b"\x89PNG\r\n\x1a\n\x00\xff\xfe garbage"), MANIFEST),
    "manifest truncated": (_truncate(MANIFEST, 0.5), MANIFEST),
    "manifest empty": (_write(MANIFEST, b""), MANIFEST),
    "manifest a list": (_write(MANIFEST, b"[1, 2, 3]"), MANIFEST),
    "manifest null": (_write(MANIFEST, b"null"), MANIFEST),
    "manifest missing": (_delete(MANIFEST), MANIFEST),
    "manifest files a list": (_edit_manifest(_files_as(["passages.faiss"])), MANIFEST),
    "manifest files entry a string": (
        _edit_manifest(_files_as({"passages.faiss": "sha256:0"})),
        MANIFEST,
    ),
    "manifest files empty": (_edit_manifest(_files_as({})), "lists no files"),
    "manifest counts wrong": (_edit_manifest(_set("passage_count", 1)), "inconsistent"),
    "manifest dimension a string": (_edit_manifest(_set("dimension", "64")), "index"),
    "manifest schema a string": (_edit_manifest(_set("schema_version", "1")), "schema"),
    "manifest other model": (_edit_manifest(_set("model", "another-model")), "another-model"),
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SearchResult]]:
    """The answers of an intact index of the seeds."""
    root = tmp_path_factory.mktemp("reference")
    service = CorpusService(settings_for(SEEDS, root / "index"), embedder=HashingEmbedder())
    service.open()
    yield [service.ask(q) for q in QUESTIONS]
    service.close()


@pytest.fixture
def damaged_index(tmp_path: Path) -> Callable[[Callable[[Path], None]], Path]:
    """Build an index of a copy of the seeds, then damage its live build folder."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)

    def make(damage: Callable[[Path], None]) -> Path:
        index_dir = tmp_path / "index"
        service = CorpusService(settings_for(seeds, index_dir), embedder=HashingEmbedder())
        service.open()
        service.close()
        damage(resolve_current(index_dir))
        return index_dir

    return make


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_index_is_rebuilt_with_a_clear_log_and_right_answers(
    case: str,
    damaged_index: Callable[[Callable[[Path], None]], Path],
    reference: list[SearchResult],
    caplog: pytest.LogCaptureFixture,
) -> None:
    damage, phrase = DAMAGE[case]
    index_dir = damaged_index(damage)
    damaged = resolve_current(index_dir)
    settings = settings_for(index_dir.parent / "seeds", index_dir)
    caplog.set_level(logging.INFO, logger="index")
    caplog.clear()

    service = CorpusService(settings, embedder=HashingEmbedder())
    try:
        report = service.open()
        assert report is not None, "the damaged index was used as it is"
        [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
        message = warning.getMessage()
        assert message.startswith(("rebuilding the index:", "building the index:"))
        assert phrase in message, message
        assert str(index_dir) in message  # says which index
        assert [service.ask(q) for q in QUESTIONS] == reference
        assert resolve_current(index_dir) != damaged
    finally:
        service.close()

    # the next start loads the rebuilt index as it is: no rebuild loop
    caplog.clear()
    again = CorpusService(settings, embedder=HashingEmbedder())
    try:
        assert again.open() is None
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [again.ask(q) for q in QUESTIONS] == reference
    finally:
        again.close()


def test_dangling_current_pointer_is_rebuilt(
    damaged_index: Callable[[Callable[[Path], None]], Path],
    reference: list[SearchResult],
    caplog: pytest.LogCaptureFixture,
) -> None:
    index_dir = damaged_index(shutil.rmtree)
    assert (index_dir / CURRENT).is_symlink() and not (index_dir / CURRENT).exists()
    service = CorpusService(settings_for(index_dir.parent / "seeds", index_dir), HashingEmbedder())
    try:
        assert service.open() is not None
        assert "no index at" in caplog.text
        assert [service.ask(q) for q in QUESTIONS] == reference
        assert (index_dir / CURRENT).resolve().parent.name == BUILDS
    finally:
        service.close()


@pytest.mark.parametrize("kind", ["file", "directory"])
def test_current_pointer_that_is_not_a_symlink_is_replaced(
    kind: str,
    damaged_index: Callable[[Callable[[Path], None]], Path],
    reference: list[SearchResult],
) -> None:
    """``current`` copied as a plain file or folder (e.g. ``cp -rL``), then damaged."""

    def replace_pointer(folder: Path) -> None:
        pointer = folder.parent.parent / CURRENT
        pointer.unlink()
        if kind == "file":
            pointer.write_text("builds/whatever\n")
        else:
            shutil.copytree(folder, pointer)
            _truncate("passages.faiss", 0.5)(pointer)

    index_dir = damaged_index(replace_pointer)
    settings = settings_for(index_dir.parent / "seeds", index_dir)
    service = CorpusService(settings, embedder=HashingEmbedder())
    try:
        assert service.open() is not None
        assert [service.ask(q) for q in QUESTIONS] == reference
    finally:
        service.close()
    assert (index_dir / CURRENT).is_symlink()
    again = CorpusService(settings, embedder=HashingEmbedder())
    try:
        assert again.open() is None
    finally:
        again.close()


# ------------------------------------------------------------------ python -m bot --console


def run_console(
    tmp_path: Path, index_dir: Path, seeds: Path, *, factory: str | None
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "SEEDS_DIR": str(seeds),
        "INDEX_DIR": str(index_dir),
        "LOG_LEVEL": "INFO",
        "HF_HUB_OFFLINE": "1",
    }
    if factory is not None:
        env["EMBEDDING_MODEL"] = MODEL
    command = [sys.executable, "-m", "bot", "--console"]
    if factory is not None:
        command += ["--service", factory]
    return subprocess.run(
        command,
        check=False,
        cwd=tmp_path,  # no .env here
        env=env,
        input="/ask who refused to kick whom?\n/sources\n",
        capture_output=True,
        text=True,
        timeout=240,
    )


def assert_console_runs_twice_on_a_damaged_index(
    tmp_path: Path, index_dir: Path, seeds: Path, factory: str | None
) -> None:
    damaged = resolve_current(index_dir)
    _truncate("passages.faiss", 0.5)(damaged)
    first = run_console(tmp_path, index_dir, seeds, factory=factory)
    assert first.returncode == 0, first.stderr
    assert "passages.faiss" in first.stderr and "building the index" in first.stderr
    assert "Traceback" not in first.stderr
    assert "refused" in first.stdout and "3 indexed articles" in first.stdout
    assert resolve_current(index_dir) != damaged

    second = run_console(tmp_path, index_dir, seeds, factory=factory)
    assert second.returncode == 0, second.stderr
    assert "building the index" not in second.stderr
    assert "Traceback" not in second.stderr
    assert second.stdout == first.stdout


def test_console_process_twice_on_a_damaged_index(
    damaged_index: Callable[[Callable[[Path], None]], Path], tmp_path: Path
) -> None:
    index_dir = damaged_index(lambda folder: None)
    assert_console_runs_twice_on_a_damaged_index(
        tmp_path,
        index_dir,
        index_dir.parent / "seeds",
        factory="tests.test_faults_corrupt_index:hashing_service",
    )
