"""The ``python -m index`` contract.

Two commands run as a user runs them, in a subprocess (``sys.executable -m index``):
answering questions from stdin as JSON lines (stdout must hold nothing else) and a
failing build (exit code, message, no traceback). Importing the model's libraries
takes seconds per process, so the other commands run through ``index.cli.main``
in this process, with the session's model. ``ask`` and ``who-said`` read the index
``seed_service`` already built.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from index.cli import main
from index.embedding import SentenceTransformerEmbedder
from index.service import CorpusService
from index.settings import DEFAULT_MODEL

pytestmark = pytest.mark.model

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_000 = "000_c0f8695bc582e640"
SEED_000_TITLE = "Pom Klementieff Says Tom Cruise Got Her Into Skydiving: ‘I Love The Run’"
QUESTION = "How many times has Pom Klementieff jumped?"
STDIN_QUESTIONS = [
    QUESTION,
    "What is the capital of Australia?",
    "Who plays the villain Gabriel?",
]
SETTINGS_VARIABLES = {
    "SEEDS_DIR",
    "INDEX_DIR",
    "EMBEDDING_MODEL",
    "EMBEDDING_PRECISION",
    "TOP_K",
    "MIN_ANSWER_SCORE",
    "PASSAGE_MAX_CHARS",
    "MAX_QUESTION_CHARS",
}


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"{' '.join(self.args)} -> {self.returncode}\n{self.stdout}\n{self.stderr}"


CliRunner = Callable[..., Run]


def run_subprocess(args: list[str], env: dict[str, str], stdin: str = "") -> Run:
    completed = subprocess.run(
        [sys.executable, "-m", "index", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    return Run(tuple(args), completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="module")
def subprocess_runs(
    seed_service: CorpusService, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("cli-subprocess")
    index_dir = seed_service.settings.index_dir
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARIABLES}
    env.update(
        SEEDS_DIR=str(seed_service.settings.seeds_dir),
        INDEX_DIR=str(index_dir),  # already built: nothing is rebuilt
        EMBEDDING_MODEL=DEFAULT_MODEL,
        PYTHONIOENCODING="utf-8",
        OMP_NUM_THREADS="1",  # the runs share the machine's cores
    )
    stdin = "\n".join(
        [STDIN_QUESTIONS[0], "", STDIN_QUESTIONS[1], "   ", STDIN_QUESTIONS[2], "", ""]
    )
    commands = {
        "ask-stdin": (["ask", "-", "--json", "--index-dir", str(index_dir)], stdin),
        "build-missing": (
            ["build", "--seeds", str(root / "missing"), "--index-dir", str(root / "index")],
            "",
        ),
    }
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures = {
            name: pool.submit(run_subprocess, args, env, text)
            for name, (args, text) in commands.items()
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    seed_service: CorpusService,
    real_embedder: SentenceTransformerEmbedder,
) -> Iterator[CliRunner]:
    """``cli("ask", "...", "--json")``: run ``index.cli.main`` and capture what it prints."""
    monkeypatch.chdir(tmp_path)  # no stray .env, relative defaults point nowhere real
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEEDS_DIR", str(seed_service.settings.seeds_dir))
    monkeypatch.setenv("EMBEDDING_MODEL", DEFAULT_MODEL)

    def same_model(
        model: str = DEFAULT_MODEL, precision: str = "auto"
    ) -> SentenceTransformerEmbedder:
        assert model == DEFAULT_MODEL
        return real_embedder

    monkeypatch.setattr("index.embedding.SentenceTransformerEmbedder", same_model)
    capsys.readouterr()

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(args, code, captured.out, captured.err)

    yield run


def seed_index_args(seed_service: CorpusService) -> list[str]:
    return ["--index-dir", str(seed_service.settings.index_dir)]


def json_lines(run: Run) -> list[dict[str, Any]]:
    lines = run.stdout.splitlines()
    assert all(line.strip() for line in lines), str(run)
    return [json.loads(line) for line in lines]


def assert_search_result_shape(result: dict[str, Any]) -> None:
    assert set(result) == {"question", "answered", "passages", "conflicts", "asked_for", "covers"}
    assert isinstance(result["answered"], bool)
    assert isinstance(result["covers"], list)
    assert result["asked_for"] is None or isinstance(result["asked_for"], str)
    for conflict in result["conflicts"]:
        assert isinstance(conflict["kind"], str)
        assert len(conflict["claims"]) >= 2
        for claim in conflict["claims"]:
            assert claim["value"] in claim["highlight"]
            assert claim["sources"]
    assert result["answered"] == bool(result["passages"])
    for passage in result["passages"]:
        assert {"text", "highlight", "score", "source"} <= set(passage)
        assert isinstance(passage["text"], str)
        assert passage["highlight"] in passage["text"]
        assert isinstance(passage["score"], float)
        assert set(passage["source"]) == {"id", "title", "url", "outlet", "published"}
        assert passage["source"]["id"]
        assert passage["source"]["title"]


def assert_no_rebuild(run: Run) -> None:
    assert "articles:" not in run.stderr, f"the CLI rebuilt the index: {run}"


# -- as a subprocess ------------------------------------------------------------------------


def test_ask_from_stdin_prints_one_json_line_per_question_in_order(
    subprocess_runs: dict[str, Run],
) -> None:
    run = subprocess_runs["ask-stdin"]
    assert run.returncode == 0, str(run)
    assert_no_rebuild(run)
    results = json_lines(run)
    assert [r["question"] for r in results] == STDIN_QUESTIONS
    for result in results:
        assert_search_result_shape(result)
    assert [r["answered"] for r in results] == [True, False, True]
    assert "104 times" in results[0]["passages"][0]["highlight"]
    assert results[0]["passages"][0]["source"]["title"] == SEED_000_TITLE
    assert "Esai Morales" in results[2]["passages"][0]["text"]


def test_build_from_a_missing_folder_fails_cleanly(subprocess_runs: dict[str, Run]) -> None:
    run = subprocess_runs["build-missing"]
    assert run.returncode != 0, str(run)
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("error: no article could be indexed")
    assert "seeds folder not found" in run.stderr
    assert str(Path(run.args[2])) in run.stderr
    assert run.stdout == ""
    index_dir = Path(run.args[run.args.index("--index-dir") + 1])
    assert not (index_dir / "current").exists()


# -- through index.cli.main -----------------------------------------------------------------


def test_ask_json_prints_exactly_one_object(cli: CliRunner, seed_service: CorpusService) -> None:
    run = cli("ask", QUESTION, "--json", *seed_index_args(seed_service))
    assert run.returncode == 0, str(run)
    assert_no_rebuild(run)
    [result] = json_lines(run)
    assert_search_result_shape(result)
    assert result["question"] == QUESTION
    assert result["answered"] is True
    top = result["passages"][0]
    assert "104 times" in top["highlight"]
    assert top["source"] == {
        "id": SEED_000,
        "title": SEED_000_TITLE,
        "url": None,
        "outlet": None,
        "published": None,
    }


def test_ask_json_for_an_off_topic_question(cli: CliRunner, seed_service: CorpusService) -> None:
    run = cli("ask", "How do I bake bread?", "--json", *seed_index_args(seed_service))
    assert run.returncode == 0, str(run)
    [result] = json_lines(run)
    assert_search_result_shape(result)
    assert result["answered"] is False
    assert result["passages"] == []
    assert result["conflicts"] == []
    assert result["asked_for"] is None


def test_ask_json_lists_sources_that_disagree(cli: CliRunner, seed_service: CorpusService) -> None:
    question = "When does Dead Reckoning open in theaters?"
    run = cli("ask", question, "--json", *seed_index_args(seed_service))
    [result] = json_lines(run)
    assert_search_result_shape(result)
    [conflict] = result["conflicts"]
    assert conflict["kind"] == "date"
    claims = {claim["value"]: claim for claim in conflict["claims"]}
    assert set(claims) == {"July 15", "July 10"}
    assert claims["July 15"]["sources"][0]["id"] == SEED_000
    assert claims["July 15"]["sources"][0]["id"] != claims["July 10"]["sources"][0]["id"]
    shown = {p["highlight"] for p in result["passages"]}
    assert {c["highlight"] for c in conflict["claims"]} <= shown


def test_ask_json_says_what_the_articles_cover_when_they_do_not_say(
    cli: CliRunner, seed_service: CorpusService
) -> None:
    run = cli("ask", "How tall is Tom Cruise?", "--json", *seed_index_args(seed_service))
    [result] = json_lines(run)
    assert_search_result_shape(result)
    assert result["answered"] is False
    assert result["asked_for"] == "height"
    assert SEED_000_TITLE in result["covers"]


def test_ask_json_for_an_invalid_question(cli: CliRunner, seed_service: CorpusService) -> None:
    run = cli("ask", "?!", "--json", *seed_index_args(seed_service))
    assert run.returncode != 0
    [result] = json_lines(run)
    assert result["answered"] is False
    assert result["passages"] == []
    assert "no words" in result["error"]


def test_ask_without_json_prints_readable_text_citing_the_source(
    cli: CliRunner, seed_service: CorpusService
) -> None:
    run = cli("ask", QUESTION, *seed_index_args(seed_service))
    assert run.returncode == 0, str(run)
    with pytest.raises(json.JSONDecodeError):
        json.loads(run.stdout)
    assert QUESTION in run.stdout
    assert "104 times" in run.stdout
    assert SEED_000_TITLE in run.stdout


def test_who_said_json_shape(cli: CliRunner, seed_service: CorpusService) -> None:
    run = cli("who-said", "You can just go for it.", "--json", *seed_index_args(seed_service))
    assert run.returncode == 0, str(run)
    [result] = json_lines(run)
    assert set(result) == {"query", "matches"}
    assert result["query"] == "You can just go for it."
    assert isinstance(result["matches"], list)
    for match in result["matches"]:
        assert {"speaker", "quote", "score", "sources"} <= set(match)
        assert all({"id", "title"} <= set(source) for source in match["sources"])


def test_build_reports_counts_and_skipped_files(
    cli: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "legacy.txt").write_bytes("Café à Paris, déjà vu.\n".encode("latin-1"))
    index_dir = tmp_path / "index"
    run = cli("build", "--seeds", str(seeds), "--index-dir", str(index_dir))
    assert run.returncode == 0, str(run)
    lines = run.stdout.splitlines()
    assert "articles: 3" in lines
    assert any(line.startswith("passages: ") and int(line.split()[1]) > 0 for line in lines)
    assert "skipped: 2" in lines
    assert "  empty.txt: empty file" in lines
    assert any(line.startswith("  legacy.txt: not UTF-8") for line in lines)
    assert any(line.startswith("seconds: ") for line in lines)
    assert (index_dir / "current" / "manifest.json").is_file()
    answer = cli("ask", QUESTION, "--json", "--index-dir", str(index_dir))
    assert_no_rebuild(answer)
    assert "104 times" in json_lines(answer)[0]["passages"][0]["highlight"]


def test_build_from_a_folder_without_articles_fails_cleanly(cli: CliRunner, tmp_path: Path) -> None:
    seeds = tmp_path / "no-articles"
    seeds.mkdir()
    (seeds / "notes.csv").write_text("a,b\n", encoding="utf-8")
    run = cli("build", "--seeds", str(seeds), "--index-dir", str(tmp_path / "index"))
    assert run.returncode != 0
    assert run.stderr.startswith("error: no article could be indexed")
    assert "no article files" in run.stderr
    assert run.stdout == ""
