"""Fixtures shared by the retrieval-core tests (``tests/test_index_*.py``).

Costly things are built once per session: the real embedding model
(``real_embedder``) and an index of the seed articles built with it
(``seed_service``). Tests that change files work on a temporary copy of the
seeds (``seed_copy``) with the deterministic ``HashingEmbedder``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.embedding import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from index.service import CorpusService
from index.settings import DEFAULT_MODEL, IndexSettings

REPO_ROOT = Path(__file__).resolve().parent
SEEDS_DIR = REPO_ROOT / "seeds"

ServiceFactory = Callable[..., CorpusService]


def make_index_settings(seeds_dir: Path, index_dir: Path, model: str) -> IndexSettings:
    """Settings that do not depend on the environment or a ``.env`` file."""
    return IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds_dir,
        index_dir=index_dir,
        embedding_model=model,
        top_k=3,
        min_answer_score=0.0,
        passage_max_chars=600,
        max_question_chars=500,
    )


def _copy_seeds(target: Path) -> Path:
    shutil.copytree(SEEDS_DIR, target)
    return target


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The repository's seed articles (read only: copy before changing anything)."""
    return SEEDS_DIR


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2, loaded once per session."""
    return SentenceTransformerEmbedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def hashing_embedder() -> HashingEmbedder:
    """A deterministic bag-of-words embedder: no model, instant."""
    return HashingEmbedder()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A temporary copy of the seeds folder that a test may change."""
    return _copy_seeds(tmp_path / "seeds")


@pytest.fixture(scope="session")
def seed_service(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[CorpusService]:
    """A CorpusService over an index of the seeds built with the real model, once.

    Shared by every test of the session: do not reindex it or touch its folders.
    Its index folder (``settings.index_dir``) is a complete index the CLI can load.
    """
    root = tmp_path_factory.mktemp("seed-service")
    settings = make_index_settings(_copy_seeds(root / "seeds"), root / "index", DEFAULT_MODEL)
    service = CorpusService(settings, embedder=real_embedder)
    service.open()
    yield service
    service.close()


@pytest.fixture
def make_service(tmp_path: Path, hashing_embedder: HashingEmbedder) -> Iterator[ServiceFactory]:
    """Make CorpusServices (HashingEmbedder unless told otherwise); closed at teardown.

    ``make_service(seeds_dir, index_dir=None, embedder=None)``: the index folder
    defaults to ``tmp_path / "index"``; the settings name the embedder's model.
    """
    services: list[CorpusService] = []

    def make(
        seeds_dir: Path, index_dir: Path | None = None, embedder: Embedder | None = None
    ) -> CorpusService:
        chosen = embedder or hashing_embedder
        settings = make_index_settings(seeds_dir, index_dir or tmp_path / "index", chosen.name)
        service = CorpusService(settings, embedder=chosen)
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


@pytest.fixture
def hashing_service(seed_copy: Path, make_service: ServiceFactory) -> CorpusService:
    """A CorpusService over ``seed_copy`` with its index built (HashingEmbedder)."""
    service = make_service(seed_copy)
    service.reindex()
    return service
