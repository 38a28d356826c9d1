"""A synthetic news corpus, deterministic for a seed, to measure at any size.

``python -m bench.corpus --articles 1000 --out DIR`` writes article files with
sidecar metadata, in the seeds-folder format: headlines, body paragraphs with
named people, places, numbers and attributed quotes, and the page boilerplate
real scraped articles carry (notification prompts, related stories, credits).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
import numpy.typing as npt

FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Keiko",
    "Liam",
    "Maya",
    "Nikolai",
    "Olga",
    "Pedro",
    "Qiu",
    "Rosa",
    "Sami",
    "Tara",
]
LAST = [
    "Alvarez",
    "Brandt",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
]
PLACES = [
    "Lisbon",
    "Oslo",
    "Nairobi",
    "Quito",
    "Hanoi",
    "Tbilisi",
    "Perth",
    "Montreal",
    "Seville",
    "Krakow",
    "Osaka",
    "Dakar",
    "Bergen",
    "Cusco",
    "Tallinn",
    "Adelaide",
]
ROLES = ["mayor", "minister", "coach", "director", "scientist", "chef", "architect", "pilot"]
TOPICS = [
    "bridge",
    "festival",
    "vaccine trial",
    "football final",
    "film shoot",
    "rail line",
    "solar farm",
    "museum",
    "election",
    "marathon",
    "harbour",
    "library",
    "startup",
]
VERBS = [
    "opened",
    "delayed",
    "approved",
    "cancelled",
    "expanded",
    "celebrated",
    "criticised",
    "funded",
    "redesigned",
    "inspected",
]
QUOTES = [
    "We have waited a long time for this and the city is ready",
    "Nobody expected the costs to rise so quickly",
    "It was the hardest decision of my career",
    "The team worked through the night to finish it",
    "I never thought I would see this day",
    "We will keep pushing until every family benefits",
    "The numbers speak for themselves",
    "This is only the beginning of a much longer project",
]
BOILERPLATE_TOP = [
    "To make sure you never miss out on your favourite NEW stories, we're happy to send you "
    "some reminders",
    "Click 'OK' then 'Allow' to enable notifications",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def make_article(index: int, rng: random.Random) -> tuple[str, dict[str, str | None]]:
    person, other = _name(rng), _name(rng)
    role = rng.choice(ROLES)
    place, topic, verb = rng.choice(PLACES), rng.choice(TOPICS), rng.choice(VERBS)
    headline = f"{person} {verb} the {topic} in {place}"
    paragraphs: list[str] = []
    if rng.random() < 0.3:
        paragraphs += BOILERPLATE_TOP
    paragraphs.append(headline)
    if rng.random() < 0.3:
        paragraphs.append(f"Featured Image Credit: {rng.choice(LAST)} Photo/{rng.choice(LAST)}")
    year = rng.randint(1990, 2026)
    count = rng.randint(2, 5000)
    paragraphs.append(
        f"The {role} {person} {verb} the {topic} in {place} on Tuesday, "
        f"{rng.randint(2, 40)} years after the first plans were drawn up in {year}."
    )
    for _ in range(rng.randint(5, 10)):
        kind = rng.random()
        if kind < 0.35:
            quote = rng.choice(QUOTES)
            speaker = rng.choice([person, other, f"the {role}"])
            paragraphs.append(
                f"“{quote},” {speaker.split()[-1] if ' ' in speaker else speaker} said."
            )
        elif kind < 0.55:
            paragraphs.append(
                f"According to {other}, about {count} people in {place} were affected, "
                f"and the work on the {topic} will take {rng.randint(2, 30)} months."
            )
        elif kind < 0.75:
            paragraphs.append(
                f"Critics in {rng.choice(PLACES)} said the {topic} cost {rng.randint(2, 900)} "
                f"million, far more than the {rng.randint(1, 100)} million first promised."
            )
        else:
            paragraphs.append(
                f"{other}, who has led the {rng.choice(TOPICS)} since {rng.randint(1990, 2024)}, "
                f"told reporters the {topic} was "
                f"{rng.choice(['a success', 'a mistake', 'overdue'])}."
            )
    if rng.random() < 0.4:
        paragraphs += [
            "Related stories",
            f"{_name(rng)} {rng.choice(VERBS)} a new {rng.choice(TOPICS)}",
        ]
    paragraphs.append(f"Topics: {topic.title()}, {place}")
    meta: dict[str, str | None] = {
        "title": headline,
        "url": f"https://news.example/{index:07d}",
        "outlet": "Synthetic News",
    }
    return "\n\n".join(paragraphs) + "\n", meta


def write_corpus(out: Path, articles: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(articles):
        text, meta = make_article(index, rng)
        path = out / f"syn_{index:07d}.txt"
        path.write_text(text, encoding="utf-8")
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


def synthetic_vectors(count: int, dimension: int = 384, seed: int = 7) -> npt.NDArray[np.float32]:
    """Normalised vectors with cluster structure (like text embeddings, unlike pure noise)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, count // 1000), dimension)).astype(np.float32)
    out = np.empty((count, dimension), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        n = min(step, count - start)
        picks = rng.integers(0, len(centres), n)
        block = centres[picks] + 0.6 * rng.standard_normal((n, dimension)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + n] = block
    return out


def manifold_vectors(
    count: int, dimension: int = 384, latent: int = 32, noise: float = 0.3, seed: int = 7
) -> npt.NDArray[np.float32]:
    """Normalised vectors near a random ``latent``-dimensional subspace, with no clusters.

    A stress case for approximate search, harder than ``synthetic_vectors``:
    neighbourhoods are continuous, so k-means cells (IVF) cut through them.
    """
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((latent, dimension)).astype(np.float32)
    out = np.empty((count, dimension), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        n = min(step, count - start)
        block = rng.standard_normal((n, latent)).astype(np.float32) @ basis
        block += noise * rng.standard_normal((n, dimension)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + n] = block
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out}")


if __name__ == "__main__":
    main()
