"""Settings: env strings parse, bad values stop startup with a message naming the setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import (
    DISCORD_API_BASE,
    BotSettings,
    SettingsError,
    load_settings,
    parse_snowflakes,
)
from index.settings import IndexSettings

ENV_NAMES = (
    "DISCORD_TOKEN",
    "GUILD_IDS",
    "MODERATOR_ROLE_IDS",
    "ANSWER_CHANNEL_IDS",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "TOP_K",
    "COOLDOWN_SECONDS",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings(None)
    assert isinstance(settings, IndexSettings)
    assert settings.discord_token is None
    assert settings.guild_ids == settings.moderator_role_ids == settings.answer_channel_ids == ()
    assert settings.discord_api_base == DISCORD_API_BASE
    assert settings.custom_api_base is None and settings.custom_gateway_url is None
    assert settings.max_question_chars == 500


def test_id_lists_parse_from_env_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUILD_IDS", "123,456")
    monkeypatch.setenv("MODERATOR_ROLE_IDS", " 7 , 8,,8 ")
    monkeypatch.setenv("ANSWER_CHANNEL_IDS", "")
    settings = load_settings(None)
    assert settings.guild_ids == (123, 456)
    assert settings.moderator_role_ids == (7, 8)
    assert settings.answer_channel_ids == ()


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / "bot.env"
    env.write_text("GUILD_IDS=42\nDISCORD_TOKEN=abc.def\nANSWER_CHANNEL_IDS=1,2\n")
    settings = load_settings(env)
    assert settings.guild_ids == (42,)
    assert settings.answer_channel_ids == (1, 2)
    assert settings.token == "abc.def"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("GUILD_IDS", "12,abc", "GUILD_IDS: 'abc' is not a Discord ID"),
        ("MODERATOR_ROLE_IDS", "[1,2]", "MODERATOR_ROLE_IDS: '[1' is not a Discord ID"),
        ("ANSWER_CHANNEL_IDS", "-5", "ANSWER_CHANNEL_IDS: '-5' is not a Discord ID"),
        ("GUILD_IDS", "99999999999999999999999", "GUILD_IDS:"),
        ("DISCORD_API_BASE", "ftp://x", "DISCORD_API_BASE: expected a http or https URL"),
        ("DISCORD_GATEWAY_URL", "http://x", "DISCORD_GATEWAY_URL: expected a ws or wss URL"),
        ("TOP_K", "0", "TOP_K: Input should be greater than or equal to 1"),
        ("COOLDOWN_SECONDS", "soon", "COOLDOWN_SECONDS: Input should be a valid number"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(None)
    assert expected in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_token_is_secret_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.secret-token-value")
    settings = load_settings(None)
    assert "secret-token-value" not in repr(settings)
    assert "secret-token-value" not in str(settings.model_dump())
    assert settings.token == "MTIz.secret-token-value"
    monkeypatch.setenv("GUILD_IDS", "bad")
    with pytest.raises(SettingsError) as caught:
        load_settings(None)
    assert "secret-token-value" not in str(caught.value)


def test_blank_token_means_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    assert load_settings(None).discord_token is None


def test_custom_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:8080/api/v10/")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "ws://127.0.0.1:8080/gateway")
    settings = load_settings(None)
    assert settings.custom_api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.custom_gateway_url == "ws://127.0.0.1:8080/gateway"


def test_parse_snowflakes_accepts_iterables() -> None:
    assert parse_snowflakes([1, "2", 2]) == (1, 2)
    assert parse_snowflakes(None) == ()
    assert parse_snowflakes(5) == (5,)
    assert BotSettings(guild_ids=(3,)).guild_ids == (3,)


def test_bad_setting_stops_python_m_bot_without_traceback(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--console"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "GUILD_IDS": "12,abc", "PATH": "/usr/bin:/bin"},
        input="",
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "GUILD_IDS: 'abc' is not a Discord ID" in result.stderr
    assert "Traceback" not in result.stderr


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    for name in BotSettings.model_fields:
        assert f"\n{name.upper()}=" in example or f"\n# {name.upper()}=" in example, name
