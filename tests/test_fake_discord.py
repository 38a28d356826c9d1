"""End-to-end tests of the fake Discord with a real discord.py ``commands.Bot``."""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.feedback_buttons import answer_buttons
from tests.fake_discord import (
    FakeDiscord,
    FakeDiscordError,
    Perm,
    run_bot,
)
from tests.fake_discord.validation import ApiError, validate_message

pytestmark = pytest.mark.e2e


def make_bot(*, message_content: bool = True, **client_kwargs: Any) -> commands.Bot:
    """A minimal real bot: /ping, a deferred /ask with an ephemeral embed followup,
    autocomplete, an admin-only command, and an on_message that replies to mentions."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = True
    client_kwargs.setdefault("guild_ready_timeout", 0.05)
    bot = commands.Bot(command_prefix=commands.when_mentioned, intents=intents, **client_kwargs)
    bot.seen_messages = []  # type: ignore[attr-defined]

    @bot.tree.command(name="ping", description="Replies with pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(name="ask", description="Ask about the news")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        embed = discord.Embed(
            title="Answer", description=f"You asked: {question}", url="https://example.com/a"
        )
        await interaction.followup.send(embed=embed, ephemeral=True)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = ["elections", "economy", "energy", "sports"]
        return [app_commands.Choice(name=t, value=t) for t in topics if t.startswith(current)]

    @bot.tree.command(name="reindex", description="Admin only")
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("reindexing", ephemeral=True)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        bot.seen_messages.append(message)  # type: ignore[attr-defined]
        is_dm = isinstance(message.channel, discord.DMChannel)
        if message.author.bot or bot.user is None or not (is_dm or bot.user in message.mentions):
            return
        if "thread" in message.content:
            thread = await message.create_thread(name="Discussion")
            await thread.send("Let's talk here.")
            return
        await message.reply(
            f"Hi {message.author.mention}, you said: {message.content}",
            allowed_mentions=discord.AllowedMentions.none(),
        )

    return bot


async def sync_to_guild(bot: commands.Bot, fake: FakeDiscord) -> list[app_commands.AppCommand]:
    guild = discord.Object(id=fake.guild.id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)


# --------------------------------------------------------------------------------------------
# the required scenarios
# --------------------------------------------------------------------------------------------
async def test_login_ready_and_guild_create(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        assert bot.user is not None and bot.user.id == fake.bot_user.id
        assert bot.application_id == fake.application_id
        guild = bot.get_guild(fake.guild.id)
        assert guild is not None and guild.name == "Newsroom"
        assert {c.name for c in guild.text_channels} == {"general", "news"}
        names = {m.name for m in guild.members}
        assert {"alice", "morgan_mod", "ada_admin", "NewsDesk"} <= names
        moderator = guild.get_member(fake.moderator_user.id)
        admin = guild.get_member(fake.admin_user.id)
        assert moderator is not None and admin is not None
        assert "Moderator" in {r.name for r in moderator.roles}
        assert not moderator.guild_permissions.manage_guild
        assert admin.guild_permissions.manage_guild
        assert guild.me.guild_permissions.send_messages
        assert fake.find_requests("GET", r"^/users/@me$")
        assert fake.find_requests("GET", r"^/oauth2/applications/@me$")
        assert (fake.identifies, fake.resumes, fake.connections) == (1, 0, 1)
    fake.assert_clean()


async def test_tree_sync_lands_in_registered_commands(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        synced = await sync_to_guild(bot, fake)
        registered = {c["name"]: c for c in fake.registered_commands(fake.guild)}
        assert set(registered) == {"ping", "ask", "reindex"}
        assert {c.name: c.id for c in synced} == {n: int(c["id"]) for n, c in registered.items()}
        assert registered["reindex"]["default_member_permissions"] == str(int(Perm.MANAGE_GUILD))
        assert registered["ask"]["options"][0]["name"] == "question"
        assert fake.registered_commands() == []  # nothing global
        # a re-sync keeps the ids (Discord keeps ids of unchanged command names)
        again = await sync_to_guild(bot, fake)
        assert {c.id for c in again} == {c.id for c in synced}
    fake.assert_clean()


async def test_slash_command_callback_content(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        rec = await fake.send_slash_command("ping", user=fake.plain_user, channel="news")
        callback = await rec.wait_callback()
        assert callback.type == 4
        assert callback.content == "pong"
        assert not callback.ephemeral
        msg = await rec.wait_response_message()
        assert msg.content == "pong" and msg.channel_id == fake.channel("news").id
        assert msg.payload["interaction_metadata"]["user"]["id"] == str(fake.plain_user.id)
    fake.assert_clean()


async def test_defer_then_ephemeral_followup_with_embed(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        rec = await fake.send_slash_command("ask", {"question": "Who won?"})
        callback = await rec.wait_callback()
        assert callback.type == 5 and callback.ephemeral
        followup = await rec.wait_followup()
        assert followup.ephemeral
        assert not followup.loading
        assert followup.embeds[0]["title"] == "Answer"
        assert "You asked: Who won?" in followup.embed_text()
        # Discord quirk: the first followup after a defer edits the deferred message
        assert rec.original is followup
        request = await fake.wait_for_request("POST", rf"^/webhooks/{fake.application_id}/")
        assert request.query.get("wait") == "1"
        assert request.json["flags"] & 64
    fake.assert_clean()


async def test_mention_gets_reply_with_allowed_mentions(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        sent = await fake.send_message(
            "hello there @everyone", author=fake.plain_user, mentions=[fake.bot_user]
        )
        assert sent.delivered
        reply = await sent.wait_reply()
        assert reply.reference_message_id == sent.id
        assert reply.content.startswith(f"Hi <@{fake.plain_user.id}>")
        # AllowedMentions.none() omits replied_user (false): Discord then does not ping the author
        assert reply.allowed_mentions == {"parse": []}
        assert not reply.pings_anyone
        request = await fake.wait_for_request("POST", r"^/channels/\d+/messages$")
        assert request.json["message_reference"]["message_id"] == sent.id
    fake.assert_clean()


async def test_429_with_via_is_waited_out_and_reply_lands(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        fake.fail_next("POST", r"^/channels/\d+/messages$", status=429, retry_after=0.3)
        started = time.monotonic()
        sent = await fake.send_message("question", mentions=[fake.bot_user])
        reply = await sent.wait_reply()
        assert time.monotonic() - started >= 0.3
        posts = fake.find_requests("POST", r"^/channels/\d+/messages$")
        assert [p.status for p in posts] == [429, 200]
        assert posts[0].fault == "status:429"
        assert reply.reference_message_id == sent.id
    fake.assert_clean()


async def test_reconnect_resumes_and_still_answers(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        assert await fake.send_reconnect() == 1
        await fake.wait_for_resume(1)
        assert (fake.identifies, fake.resumes, fake.connections) == (1, 1, 2)
        assert fake.gateway.connections[-1].path == "/resume-gateway"
        rec = await fake.send_slash_command("ping")
        assert (await rec.wait_callback()).content == "pong"
    fake.assert_clean()


async def test_close_is_clean(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        pass
    assert bot.is_closed()
    await fake.wait_until(lambda: not fake.gateway.open_connections, what="gateway closed")
    conn = fake.gateway.connections[0]
    assert not conn.server_closed  # the client closed it
    # discord.py asks for 1000, but aiohttp hands the close to the reading poll_event task,
    # which closes with 4000: that is what Discord really receives from discord.py 2.7.1.
    assert conn.close_code in (1000, 4000)
    await asyncio.sleep(0.2)
    assert fake.connections == 1  # no reconnect attempt after close
    fake.assert_clean()


# --------------------------------------------------------------------------------------------
# more fake features
# --------------------------------------------------------------------------------------------
async def test_events_during_reconnect_are_replayed_on_resume(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await fake.drop_gateway(code=None)  # network failure: no close frame
        sent = await fake.send_message("are you there?", mentions=[fake.bot_user])
        await fake.wait_for_resume(1)
        assert (await sent.wait_reply()).content.endswith("are you there?")
        assert fake.identifies == 1
    fake.assert_clean()


async def test_invalid_session_forces_reidentify(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):  # run_bot removes the 5 s re-identify sleep
        await sync_to_guild(bot, fake)
        await fake.send_invalid_session(resumable=False)
        await fake.wait_for_identify(2)
        await fake.wait_until(lambda: bot.is_ready() and bot.get_guild(fake.guild.id) is not None)
        rec = await fake.send_slash_command("ping")
        assert (await rec.wait_callback()).content == "pong"
        assert fake.resumes == 0
    fake.assert_clean()


async def test_zombie_connection_is_detected(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    fake.heartbeat_interval = 0.2
    bot = make_bot(heartbeat_timeout=0.8)
    async with run_bot(bot, fake):
        fake.stop_heartbeat_acks()
        await fake.wait_for_resume(1, timeout=5)
        fake.resume_heartbeat_acks()
        assert fake.gateway.connections[0].closed
    fake.assert_clean()


async def test_429_without_via_and_5xx_and_drops(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        channel = bot.get_channel(fake.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        fake.fail_next("POST", r"/messages$", status=429, with_via=False)
        with pytest.raises(discord.HTTPException) as exc:
            await channel.send("x")
        assert exc.value.status == 429
        fake.fail_next(
            "POST",
            r"/messages$",
            status=403,
            body={"message": "Missing Permissions", "code": 50013},
        )
        with pytest.raises(discord.Forbidden):
            await channel.send("x")
        fake.drop_next("POST", r"/messages$")
        with pytest.raises(aiohttp.ClientError):
            await channel.send("x")
        assert (await channel.send("finally")).content == "finally"
    fake.assert_clean()


async def test_discord_validation_errors(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        channel = bot.get_channel(fake.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        with fake.expect_spec_violations() as broken:
            with pytest.raises(discord.HTTPException) as exc:
                await channel.send("x" * 2001)
            assert exc.value.code == 50035 and "content" in str(exc.value)
            with pytest.raises(discord.HTTPException) as exc:
                await channel.send(embed=discord.Embed(description="y" * 4097))
            assert "embeds.0.description" in str(exc.value)
            with pytest.raises(discord.HTTPException) as exc:
                await channel.send(embed=discord.Embed(title="t", url="ftp://nope"))
            assert "embeds.0.url" in str(exc.value)
        problems = "\n".join(str(v) for v in broken)
        assert "content: Must be 2000 or fewer" in problems
        assert "['embeds'][0]['description'] fails maxLength 4096" in problems
        assert 'embeds.0.url: Scheme "ftp" is not supported' in problems
        msg = await channel.send("ok")
        edited = await msg.edit(content="edited")
        assert edited.content == "edited" and edited.edited_at is not None
        await msg.delete()
        assert fake.messages[msg.id].deleted
    fake.assert_clean()


async def test_unknown_routes_are_recorded(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        with fake.expect_spec_violations() as broken, pytest.raises(discord.NotFound):
            await bot.http.request(discord.http.Route("GET", "/definitely/not/a/route"))
    assert [r.path for r in fake.unknown_routes] == ["/definitely/not/a/route"]
    assert [str(v) for v in broken] == [
        "GET /definitely/not/a/route: no such route in Discord's API"
    ]
    with pytest.raises(AssertionError):
        fake.assert_clean()


async def test_autocomplete_choices(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        rec = await fake.send_autocomplete("ask", {"question": "e"}, focused="question")
        choices = await rec.wait_choices()
        assert [c["value"] for c in choices] == ["elections", "economy", "energy"]
    fake.assert_clean()


async def test_default_member_permissions_enforced(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        with pytest.raises(FakeDiscordError):
            await fake.send_slash_command("reindex", user=fake.moderator_user)
        rec = await fake.send_slash_command("reindex", user=fake.admin_user)
        callback = await rec.wait_callback()
        assert callback.ephemeral and callback.content == "reindexing"
        member = rec.payload["member"]
        assert int(member["permissions"]) & Perm.MANAGE_GUILD
    fake.assert_clean()


async def test_thread_creation_from_message(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        sent = await fake.send_message(
            "open a thread please", mentions=[fake.bot_user], channel="news"
        )
        thread = await sent.wait_thread()
        assert thread.id == sent.id and thread.parent_id == fake.channel("news").id
        msg = await sent.wait_bot_message()
        assert msg.channel_id == thread.id and msg.content == "Let's talk here."
        assert fake.find_requests("POST", rf"^/channels/\d+/messages/{sent.id}/threads$")
    fake.assert_clean()


async def test_message_content_intent_is_enforced(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot(message_content=False)
    async with run_bot(bot, fake):
        await fake.send_message("no mention here")
        await fake.send_message("with mention", mentions=[fake.bot_user])
        await fake.wait_until(lambda: len(bot.seen_messages) >= 2)  # type: ignore[attr-defined]
        plain, mentioned = bot.seen_messages[:2]  # type: ignore[attr-defined]
        assert plain.content == ""
        assert mentioned.content.endswith("with mention")
        await asyncio.sleep(0)  # let the reply land before closing
        await fake.wait_for_bot_message(predicate=lambda m: m.reference_message_id is not None)
    fake.assert_clean()


async def test_interaction_ack_deadline(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    fake.interaction_ack_timeout = 0.2
    bot = make_bot()

    @bot.tree.command(name="slowpoke", description="Answers too late")
    async def slowpoke(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            bot.late_error = exc  # type: ignore[attr-defined]

    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        rec = await fake.send_slash_command("slowpoke")
        await fake.wait_until(lambda: bool(rec.rejected_callbacks))
        assert rec.callback is None
        await fake.wait_until(lambda: hasattr(bot, "late_error"))
        assert bot.late_error.code == 10062  # type: ignore[attr-defined]


class VoteView(discord.ui.View):
    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        await interaction.response.edit_message(
            content=f"{interaction.user.name} voted yes", view=None
        )


async def test_components_files_and_original_response(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()

    @bot.tree.command(name="vote", description="Button demo")
    async def vote(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Vote now", view=VoteView(timeout=None))

    @bot.tree.command(name="report", description="Files and original-response edits")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(
            content="report ready", attachments=[discord.File(io.BytesIO(b"a,b\n1,2\n"), "r.csv")]
        )
        original = await interaction.original_response()
        await interaction.followup.send(f"see {original.attachments[0].filename}")
        await interaction.delete_original_response()

    async with run_bot(bot, fake):
        await sync_to_guild(bot, fake)
        rec = await fake.send_slash_command("vote")
        message = await rec.wait_response_message()
        assert message.components[0]["components"][0]["custom_id"] == "vote:yes"
        click = await fake.send_component(message, "vote:yes", user=fake.moderator_user)
        callback = await click.wait_callback()
        assert callback.type == 7
        assert message.content == "morgan_mod voted yes" and message.components == []

        rec = await fake.send_slash_command("report")
        followup = await rec.wait_followup()
        assert followup.content == "see r.csv"
        assert rec.original is not None
        await fake.wait_until(lambda: rec.original is not None and rec.original.deleted)
        patch = await fake.wait_for_request("PATCH", r"/messages/@original$")
        assert patch.multipart and patch.files[0].data == b"a,b\n1,2\n"
        assert patch.json["content"] == "report ready"
        assert fake.find_requests("GET", r"/messages/@original$")[0].status == 200
    fake.assert_clean()


async def test_dm_history_reactions_and_compression(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    async with run_bot(bot, fake):
        conn = fake.gateway.connections[0]
        assert conn.query["v"] == "10" and conn.query["encoding"] == "json"
        assert conn.compress in ("zlib-stream", "zstd-stream")

        sent = await fake.send_message("hello in private", dm=True)
        reply = await sent.wait_reply()
        assert reply.guild_id is None and reply.channel_id == fake.dm_channel(fake.plain_user).id

        general = bot.get_channel(fake.channel("general").id)
        assert isinstance(general, discord.TextChannel)
        first = await general.send("one")
        await general.send("two")
        history = [m.content async for m in general.history(limit=10)]
        assert history[:2] == ["two", "one"]
        await first.add_reaction("\N{NEWSPAPER}")
        stored = fake.messages[first.id]
        assert stored.payload["reactions"][0]["emoji"]["name"] == "\N{NEWSPAPER}"
    fake.assert_clean()


async def test_login_failures_surface(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    client = discord.Client(intents=discord.Intents.default())
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
    finally:
        await client.close()
    fake.privileged_intents = 0  # nothing enabled "in the developer portal"
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with run_bot(make_bot(), fake):
            pass


@pytest.mark.parametrize(
    ("components", "problem"),
    [
        ([{"type": 1, "components": []}], "BASE_TYPE_BAD_LENGTH"),
        (
            [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "a"}] * 6,
                }
            ],
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x"}]}],
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "a" * 101}],
                }
            ],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [{"type": 1, "components": [{"type": 2, "style": 2, "custom_id": "a"}]}],
            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
        ),
        (
            [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "x", "custom_id": "same"},
                        {"type": 2, "style": 1, "label": "y", "custom_id": "same"},
                    ],
                }
            ],
            "COMPONENT_CUSTOM_ID_DUPLICATED",
        ),
        (
            [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "a"}]}]
            * 6,
            "BASE_TYPE_MAX_LENGTH",
        ),
    ],
)
def test_invalid_buttons_are_refused_like_discord(
    components: list[dict[str, object]], problem: str
) -> None:
    with pytest.raises(ApiError) as refused:
        validate_message({"content": "hi", "components": components}, has_files=False)
    assert problem in str(refused.value.body())


def test_the_answer_buttons_pass_the_fake_checks() -> None:
    async def build() -> list[dict[str, object]]:
        return answer_buttons(2**63 - 1).to_components()

    validate_message({"content": "hi", "components": asyncio.run(build())}, has_files=False)
