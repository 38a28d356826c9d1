"""The fake Discord's check of each request against Discord's own OpenAPI spec.

The suite-wide guarantee (any violation fails the test that caused it) is the autouse
fixture in ``tests/conftest.py``; these tests show the checker catches what Discord refuses
and passes what it accepts, so that guarantee means something.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.fake_discord import FakeDiscord, SpecLog, discord_api_spec
from tests.fake_discord.api_spec import DiscordApiSpec, check_request

APP = "1577668262504693760"
GUILD = "1577668262504693761"
CHANNEL = "1577668262504693762"


def problems(method: str, path: str, query: dict[str, str] | None = None, **kw: Any) -> list[str]:
    return [v.problem for v in check_request(method, path, query or {}, **kw)]


def command(**overrides: Any) -> dict[str, Any]:
    cmd: dict[str, Any] = {"name": "ask", "description": "Ask a question", "type": 1}
    cmd.update(overrides)
    return cmd


def test_spec_is_loaded_once_per_process() -> None:
    first = discord_api_spec()
    started = time.perf_counter()
    assert discord_api_spec() is first
    assert time.perf_counter() - started < 0.01
    assert isinstance(first, DiscordApiSpec) and len(first.templates) >= 150


def test_requests_discord_takes_pass() -> None:
    assert problems("GET", "/users/@me") == []
    assert problems("GET", "/gateway/bot") == []
    body = {
        "content": "hi",
        "embeds": [{"title": "t", "description": "d", "color": 0x2B6CB0}],
        "allowed_mentions": {"parse": [], "replied_user": False},
        "message_reference": {"message_id": 1577668262504693999, "fail_if_not_exists": False},
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "style": 2, "label": "More", "custom_id": "more:1"}],
            }
        ],
    }
    assert problems("POST", f"/channels/{CHANNEL}/messages", body=body) == []
    assert (
        problems("PATCH", f"/webhooks/{APP}/tok-en/messages/@original", body={"content": "x"}) == []
    )
    assert (
        problems(
            "POST",
            f"/interactions/{APP}/tok/callback",
            {"with_response": "1"},
            body={"type": 5, "data": {"flags": 64}},
        )
        == []
    )
    assert problems("POST", f"/channels/{CHANNEL}/threads", body={"name": "Q", "type": 11}) == []


def test_routes_methods_and_parameters_are_checked() -> None:
    assert problems("GET", "/definitely/not") == ["no such route in Discord's API"]
    assert problems("DELETE", "/users/@me") == ["Discord has no DELETE on this route"]
    [bad_id] = problems("GET", "/channels/general")
    assert "path parameter channel_id='general'" in bad_id
    assert problems("GET", f"/channels/{CHANNEL}/messages", {"limit": "500"}) == [
        "query parameter limit='500': 500 is greater than the maximum of 100"
    ]
    assert problems("POST", f"/webhooks/{APP}/tok", {"wait": "maybe"}, body={"content": "x"}) == [
        "query parameter wait='maybe': 'maybe' is not of type 'boolean'"
    ]
    assert problems("GET", "/users/@me", {"debug": "1"}) == ["unknown query parameter 'debug'"]


def test_bodies_are_checked_against_the_operation_schema() -> None:
    color = problems("POST", f"/channels/{CHANNEL}/messages", body={"embeds": [{"color": "blue"}]})
    assert color[0].startswith("body['embeds'][0]['color'] fails type")
    [kind] = problems("POST", f"/interactions/{APP}/tok/callback", body={"type": 42})
    assert kind == "body['type'] 42 is not one of [1, 4, 5, 6, 7, 8, 9, 12, 13]"
    [content] = problems(
        "POST", f"/interactions/{APP}/tok/callback", body={"type": 4, "data": {"tts": "yes"}}
    )
    assert content.startswith("body['data']['tts'] fails type"), content
    assert problems("GET", "/users/@me", body={"x": 1}) == ["this operation takes no request body"]
    nested = problems(
        "POST",
        f"/channels/{CHANNEL}/messages",
        body={"components": [{"type": 1, "components": [{"type": 2, "style": "blue"}]}]},
    )
    assert any(problem.startswith("body['components'][0]") for problem in nested), nested


def test_multipart_payload_json_and_file_fields() -> None:
    ok = problems(
        "POST",
        f"/webhooks/{APP}/tok",
        body={"content": "report", "attachments": [{"id": 0, "filename": "a.txt"}]},
        multipart=True,
        file_fields=["files[0]"],
    )
    assert ok == []
    too_many = problems(
        "POST",
        f"/webhooks/{APP}/tok",
        body={"content": "x"},
        multipart=True,
        file_fields=["files[10]"],
    )
    assert too_many == ["multipart file field 'files[10]' is not one the operation takes"]
    bad = problems(
        "POST",
        f"/webhooks/{APP}/tok",
        body={"embeds": "nope"},
        multipart=True,
        file_fields=["files[0]"],
    )
    assert bad and bad[0].startswith("body")


def test_documented_limits_beyond_the_schema() -> None:
    [content] = problems("POST", f"/channels/{CHANNEL}/messages", body={"content": "x" * 2001})
    assert "content: Must be 2000 or fewer in length" in content
    embeds = problems(
        "POST",
        f"/interactions/{APP}/tok/callback",
        body={"type": 4, "data": {"embeds": [{"description": "d" * 4000}] * 2}},
    )
    assert any("Embed size exceeds maximum size of 6000" in p for p in embeds)
    footer = problems(
        "POST",
        f"/channels/{CHANNEL}/messages",
        body={"embeds": [{"footer": {"text": "f" * 2049}}]},
    )
    assert any("embeds.0.footer.text" in p for p in footer)


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        (command(name="Ask"), "Command name is invalid"),
        (command(name="ask me"), "Command name is invalid"),
        (command(description="d" * 101), "Must be 100 or fewer"),
        (command(description=""), "Must be between 1 and 100"),
        (
            command(options=[{"type": 3, "name": f"o{i}", "description": "x"} for i in range(26)]),
            "25 or fewer",
        ),
        (
            command(
                options=[
                    {"type": 3, "name": "a", "description": "x"},
                    {"type": 3, "name": "b", "description": "x", "required": True},
                ]
            ),
            "Required options must be placed before non-required options",
        ),
    ],
)
def test_command_limits(cmd: dict[str, Any], expected: str) -> None:
    found = problems("PUT", f"/applications/{APP}/guilds/{GUILD}/commands", body=[cmd])
    assert any(expected in p for p in found), found


def test_command_names_in_other_scripts_are_valid() -> None:
    for name in ("frage", "质问", "प्रश्न", "คำถาม", "who's-there", "ask_2"):
        assert problems("PUT", f"/applications/{APP}/commands", body=[command(name=name)]) == []


async def test_fake_records_violations_and_expected_ones_apart() -> None:
    log = SpecLog()
    async with FakeDiscord(spec_log=log) as fake:
        fake.record_spec_check(_record(fake, "GET", "/nowhere"))
        with fake.expect_spec_violations() as expected:
            fake.record_spec_check(_record(fake, "GET", "/elsewhere"))
        assert [v.path for v in fake.spec_violations] == ["/nowhere"]
        assert [v.path for v in log.violations] == ["/nowhere"]
        assert [v.path for v in expected] == ["/elsewhere"]
        assert log.checked == 2
        with pytest.raises(AssertionError, match="Discord API spec violation: GET /nowhere"):
            fake.assert_clean()


def _record(fake: FakeDiscord, method: str, path: str) -> Any:
    from tests.fake_discord.records import RequestRecord

    return RequestRecord(
        index=len(fake.requests), method=method, path=path, raw_path=path, query={}, headers={}
    )
