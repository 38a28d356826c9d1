"""Article files that cannot be indexed are skipped with a reason; the rest is indexed.

Empty, blank, binary, not UTF-8, 50 MB, and unreadable "files" (a folder named like an
article, a broken symlink, a symlink loop, a FIFO — root can read a chmod 000 file, so
permissions cannot make one unreadable here) sit next to the seed articles. A reindex
indexes the seeds, and its report — the ``/reindex`` reply in Discord — names each bad
file and why it was skipped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.client import NewsBot
from index.embedding import HashingEmbedder
from index.service import CorpusService
from index.settings import IndexSettings
from tests.bot_support.discord_harness import (
    BotFakeDiscord,
    bot_settings,
    fast_send_policy,
    running,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
GOOD = ("000_c0f8695bc582e640", "001_03ff597da4ffc749", "002_371d6967d823f2f5")
FIFTY_MB = 50 * 1024 * 1024

# file name -> a phrase its skip reason must contain
EXPECTED = {
    "empty.txt": "empty file",
    "blank.md": "empty file",
    "binary.txt": "binary file",
    "latin1.txt": "not UTF-8",
    "huge.txt": "too large",
    "folder.txt": "not a regular file",
    "broken-link.txt": "not a regular file",
    "loop.txt": "not a regular file",
    "fifo.txt": "not a regular file",
    "furniture-only.txt": "",  # nothing but page boilerplate: no body text to index
}


def write_bad_articles(seeds: Path) -> None:
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "blank.md").write_text("  \n\t\n\n   \n", encoding="utf-8")
    (seeds / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (seeds / "latin1.txt").write_bytes("Le café de la gare a fermé.\n".encode("latin-1"))
    with (seeds / "huge.txt").open("wb") as handle:
        handle.write(b"Tom Cruise refused to kick Pom Klementieff.\n")
        handle.truncate(FIFTY_MB)  # sparse: 50 MB on paper, instant to write
    (seeds / "folder.txt").mkdir()
    (seeds / "folder.txt" / "inside.txt").write_text("not an article\n")
    (seeds / "broken-link.txt").symlink_to(seeds / "does-not-exist.txt")
    (seeds / "loop.txt").symlink_to(seeds / "loop.txt")
    os.mkfifo(seeds / "fifo.txt")  # opening it would block forever
    (seeds / "utf16.txt").write_text("Tom Cruise refused to kick her.\n", encoding="utf-16")
    (seeds / "furniture-only.txt").write_text(
        "Related stories\n\nTopics: news, film\n\n12345\n", encoding="utf-8"
    )
    # a good article with a garbage sidecar: indexed, the sidecar ignored
    (seeds / "003_good.txt").write_text(
        "Stunt rehearsals\n\nThe stunt team rehearsed the motorbike jump for a year in Norway. "
        "They built a ramp on the side of the mountain.\n",
        encoding="utf-8",
    )
    (seeds / "003_good.json").write_bytes(b"\xff\xfe{not json")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    write_bad_articles(folder)
    return folder


def test_bad_files_are_skipped_with_reasons_and_the_rest_is_indexed(
    seeds: Path, tmp_path: Path, services: list[CorpusService]
) -> None:
    settings = IndexSettings(
        _env_file=None,  # type: ignore[call-arg]
        seeds_dir=seeds,
        index_dir=tmp_path / "index",
        embedding_model="test-hashing",
    )
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    report = service.open()
    assert report is not None
    reasons = {s.path: s.reason for s in report.skipped}
    assert set(reasons) == set(EXPECTED)
    for name, phrase in EXPECTED.items():
        assert reasons[name].strip(), name
        assert phrase in reasons[name], (name, reasons[name])
    assert f"{FIFTY_MB:,}" in reasons["huge.txt"]  # says how large
    indexed = {a.source.id for a in service.info().articles}
    assert indexed == {*GOOD, "003_good", "utf16"}  # UTF-16 with a BOM is read, not lost
    assert report.articles == 5
    answer = service.ask("where did the stunt team rehearse the motorbike jump?")
    assert answer.answered and answer.passages[0].sources[0].id == "003_good"
    assert service.ask("who refused to kick whom?").answered


@pytest.mark.e2e
async def test_reindex_reply_in_discord_lists_every_skipped_file(
    fake: BotFakeDiscord, seeds: Path, tmp_path: Path, services: list[CorpusService]
) -> None:
    # start from an index of the good seeds only, then add the bad files and /reindex
    clean = tmp_path / "clean-seeds"
    shutil.copytree(SEEDS, clean)
    settings = bot_settings(fake, tmp_path, seeds_dir=seeds, embedding_model="test-hashing")
    service = CorpusService(settings, embedder=HashingEmbedder())
    services.append(service)
    initial = CorpusService(
        bot_settings(fake, tmp_path, seeds_dir=clean, embedding_model="test-hashing"),
        embedder=HashingEmbedder(),
    )
    services.append(initial)
    initial.open()  # the index the bot starts with: the three seeds
    assert service.open() is None

    bot = NewsBot(settings, service, send_policy=fast_send_policy, guild_ready_timeout=0.05)
    async with running(bot, fake):
        record = await fake.send_slash_command("reindex", user=fake.admin_user)
        await fake.wait_until(
            lambda: record.original is not None and bool(record.original.embeds),
            timeout=30,
            what="the reindex report",
        )
        asked = await fake.send_slash_command(
            "ask", {"question": "where did the stunt team rehearse the motorbike jump?"}
        )
        answer = await asked.wait_response_message(timeout=10)

    assert record.original is not None
    [embed] = record.original.embeds
    assert embed["title"] == "Reindex complete"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    skipped = fields[f"Skipped ({len(EXPECTED)})"]
    lines = skipped.splitlines()
    assert len(lines) == len(EXPECTED)
    for name, phrase in EXPECTED.items():
        [line] = [line for line in lines if line.startswith(f"`{name}`: ")]
        assert phrase in line.replace("\\", ""), line
    assert fields["Added (2)"] == "`003_good`, `utf16`"
    assert "**5** articles" in embed["description"]
    assert "— Stunt rehearsals" in answer.embed_text()  # the new article, by its title
