"""Self-tests of the fake Discord: a real discord.py bot driven end to end over 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.fakediscord import FakeDiscord, GuildSpec, payloads, run_bot

GUILD_A = 1200000000000000001
GUILD_B = 1200000000000000101
FRUITS = ["apple", "apricot", "banana", "cherry"]
REPORT = b"episode,rating\n1,9\n"


class VoteView(discord.ui.View):
    """A persistent-style view with one button."""

    def __init__(self) -> None:
        super().__init__(timeout=30)

    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        await interaction.response.edit_message(
            content=f"{interaction.user.name} voted yes", view=None
        )


class FlavourView(discord.ui.View):
    """A string select menu."""

    @discord.ui.select(custom_id="flavour", options=[discord.SelectOption(label=f) for f in FRUITS])
    async def chosen(
        self, interaction: discord.Interaction, select: discord.ui.Select[FlavourView]
    ) -> None:
        await interaction.response.send_message(f"chose {', '.join(select.values)}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """Classic modal: a text input wrapped in an action row."""

    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Feedback", custom_id="feedback:text", style=discord.TextStyle.long
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


class RatingModal(discord.ui.Modal, title="Rate"):
    """Modal using the newer Label component (type 18) around its inputs."""

    def __init__(self) -> None:
        super().__init__(custom_id="rating-modal")
        self.score: discord.ui.TextInput[RatingModal] = discord.ui.TextInput(custom_id="score")
        self.add_item(discord.ui.Label(text="Score", component=self.score))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"score={self.score.value}")


def make_bot() -> commands.Bot:
    """A minimal bot with a handful of app commands (not the project's bot)."""
    intents = discord.Intents.none()
    intents.guilds = True
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=intents,
        member_cache_flags=discord.MemberCacheFlags.none(),
        help_command=None,
    )

    @bot.tree.command(description="Greet someone")
    @app_commands.describe(name="Who to greet", shout="Use capitals")
    async def greet(interaction: discord.Interaction, name: str, shout: bool = False) -> None:
        text = f"hello {name}" + (" (mod)" if interaction.permissions.manage_guild else "")
        await interaction.response.send_message(
            text.upper() if shout else text,
            allowed_mentions=discord.AllowedMentions(everyone=False, users=True, roles=False),
        )

    @bot.tree.command(description="Answer later")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="working...")
        await interaction.followup.send(f"done for {interaction.user.name}")

    @bot.tree.command(description="Pick a fruit")
    async def pick(interaction: discord.Interaction, fruit: str) -> None:
        await interaction.response.send_message(f"picked {fruit}")

    @pick.autocomplete("fruit")
    async def fruit_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

    @bot.tree.command(description="Start a vote")
    async def vote(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Vote now", view=VoteView())

    @bot.tree.command(description="Choose a flavour")
    async def flavour(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Pick one", view=FlavourView())

    @bot.tree.command(description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @bot.tree.command(description="Rate the episode")
    async def rate(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(RatingModal())

    @bot.tree.command(description="Get the report")
    async def report(interaction: discord.Interaction) -> None:
        file = discord.File(io.BytesIO(REPORT), filename="report.csv")
        await interaction.response.send_message("here it is", file=file)

    tag = app_commands.Group(name="tag", description="Tags")

    @tag.command(name="create", description="Create a tag")
    async def tag_create(interaction: discord.Interaction, name: str, uses: int) -> None:
        await interaction.response.send_message(f"tag {name} x{uses}")

    bot.tree.add_command(tag)
    return bot


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(
        guilds=[GuildSpec(GUILD_A, "Fans"), GuildSpec(GUILD_B, "Spoilers")]
    ) as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[commands.Bot]:
    async with run_bot(make_bot(), fake) as running:
        yield running


async def test_connects_and_receives_guilds(fake: FakeDiscord, bot: commands.Bot) -> None:
    assert bot.is_ready()
    assert bot.user is not None and bot.user.id == int(fake.bot_user["id"])
    assert bot.application_id == fake.application_id
    assert {g.id: g.name for g in bot.guilds} == {GUILD_A: "Fans", GUILD_B: "Spoilers"}
    guild = bot.get_guild(GUILD_A)
    assert guild is not None and guild.me is not None
    assert [c.name for c in guild.text_channels] == ["general"]
    assert fake.identify_count == 1 and fake.connection_count == 1
    assert fake.intents == bot.intents.value
    assert fake.unhandled_requests == []
    assert fake.base_url == Route.BASE  # patched while the bot runs


async def test_route_base_is_restored(fake: FakeDiscord) -> None:
    original = Route.BASE
    with fake.patched():
        assert Route.BASE.startswith("http://127.0.0.1:")
    assert original == Route.BASE


async def test_slash_command_round_trip(fake: FakeDiscord, bot: commands.Bot) -> None:
    moderator = payloads.member(
        payloads.user(42, "mod"), permissions=discord.Permissions(manage_guild=True).value
    )
    sent = await fake.slash("greet", {"name": "janney", "shout": True}, member=moderator)
    body = await sent.response()
    assert body["type"] == 4
    assert body["data"]["content"] == "HELLO JANNEY (MOD)"  # member permissions were parsed
    assert body["data"]["allowed_mentions"] == {"parse": ["users"], "replied_user": True}
    assert sent.message is not None and sent.message["content"] == "HELLO JANNEY (MOD)"


async def test_subcommand(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("tag create", {"name": "recap", "uses": 3})
    assert (await sent.response())["data"]["content"] == "tag recap x3"


async def test_defer_then_followup(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("slow", guild_id=GUILD_B)
    assert await sent.response() == {"type": 5}
    edit = await sent.edit()
    assert (edit.status, edit.json["content"]) == (200, "working...")
    assert sent.message is not None and sent.message["content"] == "working..."
    assert sent.message["channel_id"] == str(GUILD_B + 1)
    followup = await sent.followup()
    assert followup.json["content"] == "done for tester"
    assert followup.query["wait"] == "1"
    assert followup.status == 200


async def test_autocomplete(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.autocomplete("pick", {"fruit": "ap"}, focused="fruit")
    body = await sent.response()
    assert body["type"] == 8
    assert body["data"]["choices"] == [
        {"name": "apple", "value": "apple"},
        {"name": "apricot", "value": "apricot"},
    ]


async def test_button_click(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("vote")
    body = await sent.response()
    button = body["data"]["components"][0]["components"][0]
    assert (button["type"], button["custom_id"]) == (2, "vote:yes")
    assert sent.message is not None

    click = await fake.click(sent.message, "vote:yes")
    update = await click.response()
    assert update["type"] == 7
    assert update["data"]["content"] == "tester voted yes"
    assert update["data"]["components"] == []


async def test_select_menu(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("flavour")
    await sent.response()
    assert sent.message is not None
    pick = await fake.click(sent.message, "flavour", values=["cherry"])
    assert pick.payload["data"]["component_type"] == 3
    assert (await pick.response())["data"]["content"] == "chose cherry"


async def test_modal_round_trip(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("feedback")
    body = await sent.response()
    assert body["type"] == 9
    modal = body["data"]
    assert modal["title"] == "Feedback"
    text_input = modal["components"][0]["components"][0]
    assert (text_input["type"], text_input["custom_id"]) == (4, "feedback:text")

    submit = await fake.submit_modal(modal, {"feedback:text": "more Janney please"})
    reply = await submit.response()
    assert reply["type"] == 4
    assert reply["data"]["content"] == "thanks: more Janney please"
    assert reply["data"]["flags"] == 64


async def test_label_modal_round_trip(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("rate")
    modal = (await sent.response())["data"]
    assert modal["components"][0]["type"] == 18  # Label wrapping the text input
    submit = await fake.submit_modal("rating-modal", {"score": "10"})
    assert (await submit.response())["data"]["content"] == "score=10"


async def test_file_attachment(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("report")
    callback = await sent.callback()
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == "here it is"
    assert callback.json["data"]["attachments"] == [{"id": 0, "filename": "report.csv"}]
    assert [(f.field, f.filename, f.data) for f in callback.files] == [
        ("files[0]", "report.csv", REPORT)
    ]
    assert sent.message is not None
    assert sent.message["attachments"][0]["filename"] == "report.csv"
    assert sent.message["attachments"][0]["size"] == len(REPORT)


async def test_guild_sync(fake: FakeDiscord, bot: commands.Bot) -> None:
    guild = discord.Object(GUILD_A)
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)

    put = await fake.wait_for_request(lambda r: r.method == "PUT")
    assert put.path == f"/applications/{fake.application_id}/guilds/{GUILD_A}/commands"
    by_name = {c["name"]: c for c in put.json}
    assert set(by_name) == {
        "greet",
        "slow",
        "pick",
        "vote",
        "flavour",
        "feedback",
        "rate",
        "report",
        "tag",
    }
    assert all(c["type"] == 1 and c["description"] for c in put.json)
    greet_options = {o["name"]: (o["type"], o["required"]) for o in by_name["greet"]["options"]}
    assert greet_options == {"name": (3, True), "shout": (5, False)}
    assert by_name["pick"]["options"][0]["autocomplete"] is True
    assert by_name["tag"]["options"][0]["type"] == 1  # subcommand
    assert {c.name for c in synced} == set(by_name)
    assert {c["id"] for c in fake.commands(GUILD_A)} == {str(c.id) for c in synced}

    # Invocations now carry the synced command id and guild id, like Discord's.
    sent = await fake.slash("greet", {"name": "ray"})
    assert sent.payload["data"]["guild_id"] == str(GUILD_A)
    assert (await sent.response())["data"]["content"] == "hello ray"


@pytest.mark.parametrize("allow_resume", [True, False], ids=["resume", "reidentify"])
async def test_reconnect_after_drop(
    fake: FakeDiscord, bot: commands.Bot, allow_resume: bool
) -> None:
    fake.allow_resume = allow_resume
    await fake.drop_connection()
    await fake.wait_until_ready()
    assert fake.connection_count >= 2
    if allow_resume:
        assert (fake.resume_count, fake.identify_count) == (1, 1)
    else:
        assert (fake.resume_count, fake.identify_count) == (0, 2)
        assert fake.invalid_session_count == 1

    sent = await fake.slash("greet", {"name": "again"})
    assert (await sent.response())["data"]["content"] == "hello again"


async def test_events_missed_while_disconnected_are_replayed(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    await fake.drop_connection(abrupt=True)
    sent = await fake.slash("greet", {"name": "offline"})  # buffered, replayed on RESUME
    assert (await sent.response())["data"]["content"] == "hello offline"
    assert fake.resume_count == 1


async def test_unknown_route_is_recorded(fake: FakeDiscord, bot: commands.Bot) -> None:
    channel = bot.get_channel(GUILD_A + 1)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(123)
    assert [(r.method, r.status) for r in fake.unhandled_requests] == [("GET", 404)]
    sent = await channel.send("plain message")
    assert sent.content == "plain message" and sent.author.id == bot.user.id  # type: ignore[union-attr]


async def test_thousand_guilds() -> None:
    specs = [GuildSpec(1500000000000000000 + i, f"guild {i}") for i in range(1000)]
    async with FakeDiscord(guilds=specs) as server, run_bot(make_bot(), server) as big:
        assert len(big.guilds) == 1000


async def test_messages_over_discord_limits_are_refused(fake: FakeDiscord) -> None:
    """As on Discord, a message over a limit is refused whole (400, code 50035)."""
    bot = make_bot()
    refused: list[discord.HTTPException] = []

    @bot.tree.command(description="Say too much")
    async def ramble(interaction: discord.Interaction, fields: int) -> None:
        embed = discord.Embed(title="t")
        for n in range(fields):
            embed.add_field(name=str(n), value="v")
        try:
            await interaction.response.send_message("x" * 2001 if not fields else None, embed=embed)
        except discord.HTTPException as error:
            refused.append(error)
            await interaction.response.send_message("fits")

    async with run_bot(bot, fake):
        for fields in (0, 26, 25):
            sent = await fake.slash("ramble", {"fields": fields})
            await fake.wait_until(lambda sent=sent: sent.message)
    statuses = [r.status for r in fake.requests if r.path.endswith("/callback")]
    assert statuses == [400, 200, 400, 200, 200]
    assert [e.code for e in refused] == [50035, 50035]


# --- guild scheduled events ----------------------------------------------------------------

IN_A_WEEK = discord.utils.utcnow().replace(microsecond=0) + timedelta(days=7)


async def test_scheduled_events_are_created_read_and_edited(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    guild = bot.get_guild(GUILD_A)
    assert guild is not None
    created = await guild.create_scheduled_event(
        name="Premiere",
        description="Season 3 starts.",
        start_time=IN_A_WEEK,
        end_time=IN_A_WEEK + timedelta(hours=1),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="Netflix",
    )
    assert (created.name, created.location, created.start_time) == (
        "Premiere",
        "Netflix",
        IN_A_WEEK,
    )
    [stored] = fake.scheduled_events_in(GUILD_A)
    assert stored["id"] == str(created.id) and stored["guild_id"] == str(GUILD_A)
    assert stored["entity_type"] == 3 and stored["privacy_level"] == 2 and stored["status"] == 1
    assert stored["entity_metadata"] == {"location": "Netflix"}
    assert stored["creator_id"] == fake.bot_user["id"]
    assert fake.scheduled_events_in(GUILD_B) == []

    fetched = await guild.fetch_scheduled_event(created.id)
    assert (fetched.id, fetched.description, fetched.end_time) == (
        created.id,
        "Season 3 starts.",
        IN_A_WEEK + timedelta(hours=1),
    )
    later = IN_A_WEEK + timedelta(days=2)
    moved = await fetched.edit(start_time=later, end_time=later + timedelta(hours=1))
    assert moved.start_time == later and moved.location == "Netflix"
    assert fake.scheduled_events[created.id]["scheduled_start_time"] == later.isoformat()
    patch = next(r for r in fake.requests if r.method == "PATCH")
    assert patch.path == f"/guilds/{GUILD_A}/scheduled-events/{created.id}"

    # A member deletes it in Discord: it is gone for the bot too.
    fake.delete_scheduled_event(created.id)
    with pytest.raises(discord.NotFound) as gone:
        await guild.fetch_scheduled_event(created.id)
    assert gone.value.code == 10070
    with pytest.raises(discord.NotFound):
        await moved.edit(start_time=later + timedelta(days=1))
    with pytest.raises(discord.NotFound):  # an event of another server is not found here
        other = bot.get_guild(GUILD_B)
        assert other is not None
        await other.fetch_scheduled_event(created.id)


async def test_scheduled_events_are_validated_as_discord_does(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    """Raw payloads, past discord.py's own checks: what Discord itself refuses."""
    good = {
        "name": "Premiere",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": IN_A_WEEK.isoformat(),
        "scheduled_end_time": (IN_A_WEEK + timedelta(hours=1)).isoformat(),
        "entity_metadata": {"location": "Netflix"},
    }
    past = discord.utils.utcnow() - timedelta(minutes=1)
    cases = {
        "name": {"name": ""},
        "description": {"description": "d" * 1001},
        "scheduled_start_time": {"scheduled_start_time": past.isoformat()},
        "scheduled_end_time": {"scheduled_end_time": None},
        "entity_metadata.location": {"entity_metadata": {}},
        "privacy_level": {"privacy_level": 1},
    }
    for field_name, change in cases.items():
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.create_guild_scheduled_event(GUILD_A, **{**good, **change})
        assert refused.value.status == 400 and refused.value.code == 50035, field_name
        assert field_name in str(refused.value), field_name
    before_start = {"scheduled_end_time": (IN_A_WEEK - timedelta(hours=1)).isoformat()}
    with pytest.raises(discord.HTTPException, match="scheduled_end_time"):
        await bot.http.create_guild_scheduled_event(GUILD_A, **{**good, **before_start})
    assert fake.scheduled_events == {}

    made = await bot.http.create_guild_scheduled_event(GUILD_A, **good, description="d" * 1000)
    with pytest.raises(discord.HTTPException, match="scheduled_start_time"):
        await bot.http.edit_scheduled_event(
            GUILD_A, made["id"], scheduled_start_time=past.isoformat()
        )
    assert fake.scheduled_events[int(made["id"])]["scheduled_start_time"] == IN_A_WEEK.isoformat()


async def test_without_manage_events_the_bot_is_refused_and_told_so(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    guild = bot.get_guild(GUILD_A)
    assert guild is not None
    made = await bot.http.create_guild_scheduled_event(
        GUILD_A,
        name="Premiere",
        privacy_level=2,
        entity_type=3,
        scheduled_start_time=IN_A_WEEK.isoformat(),
        scheduled_end_time=(IN_A_WEEK + timedelta(hours=1)).isoformat(),
        entity_metadata={"location": "Netflix"},
    )
    without = discord.Permissions.all()
    without.manage_events = False
    fake.set_bot_permissions(GUILD_A, without.value)

    sent = await fake.slash("greet", {"name": "mods"}, guild_id=GUILD_A)
    assert int(sent.payload["app_permissions"]) == without.value  # as Discord tells the bot
    other = await fake.slash("greet", {"name": "mods"}, guild_id=GUILD_B)
    assert discord.Permissions(int(other.payload["app_permissions"])).manage_events

    with pytest.raises(discord.Forbidden) as refused:
        await guild.create_scheduled_event(
            name="Premiere",
            start_time=IN_A_WEEK,
            end_time=IN_A_WEEK + timedelta(hours=1),
            location="Netflix",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert refused.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await bot.http.edit_scheduled_event(GUILD_A, made["id"], name="Renamed")
    assert [e["name"] for e in fake.scheduled_events_in(GUILD_A)] == ["Premiere"]


# --- sharding ------------------------------------------------------------------------

SHARD0_GUILD = 1300000000000000001  # (id >> 22) % 2 == 0
SHARD1_GUILD = GUILD_A  # (id >> 22) % 2 == 1


class Recorder(discord.AutoShardedClient):
    """A bare sharded client that records the interactions and messages it receives."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = True
        flags = discord.MemberCacheFlags.none()
        super().__init__(intents=intents, member_cache_flags=flags, **options)
        self.seen: list[tuple[str, int | None]] = []

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen.append(("interaction", interaction.guild_id))

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(("message", message.guild.id if message.guild else None))


def sharded_client(**options: Any) -> Recorder:
    return Recorder(**options)


async def test_gateway_bot_recommends_the_shard_count_and_each_shard_gets_its_guilds() -> None:
    guilds = [SHARD1_GUILD, SHARD0_GUILD]
    # no shard_count: the client asks GET /gateway/bot
    async with (
        FakeDiscord(guilds=guilds, shards=2) as fake,
        run_bot(sharded_client(), fake) as client,
    ):
        assert client.shard_count == 2 and sorted(client.shards) == [0, 1]
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        assert fake.live_shards == [0, 1]
        assert {g.id: g.shard_id for g in client.guilds} == {SHARD0_GUILD: 0, SHARD1_GUILD: 1}
        gateway = next(r for r in fake.requests if r.path == "/gateway/bot")
        assert gateway.status == 200


async def test_events_go_only_to_the_connection_of_the_shard_that_owns_the_guild() -> None:
    """Two clients, one shard each (as two processes would run them)."""
    async with FakeDiscord(guilds=[SHARD1_GUILD, SHARD0_GUILD], shards=2) as fake:
        first = sharded_client(shard_ids=[0], shard_count=2)
        second = sharded_client(shard_ids=[1], shard_count=2)
        async with run_bot(first, fake), run_bot(second, fake):
            await fake.wait_until_ready()  # both shards
            assert [g.id for g in first.guilds] == [SHARD0_GUILD]
            assert [g.id for g in second.guilds] == [SHARD1_GUILD]

            author = payloads.user(1300000000000000009, "fan")
            await fake.send_interaction(payloads.slash_command("x", guild_id=SHARD1_GUILD))
            await fake.send_interaction(payloads.slash_command("x", guild_id=SHARD0_GUILD))
            await fake.send_interaction(payloads.slash_command("x", user=author))  # a DM
            await fake.post_message("hi", author=author, guild_id=SHARD1_GUILD)
            await fake.flush(0)
            await fake.flush(1)
            assert first.seen == [("interaction", SHARD0_GUILD), ("interaction", None)]
            assert second.seen == [("interaction", SHARD1_GUILD), ("message", SHARD1_GUILD)]


async def test_each_shard_resumes_its_own_session() -> None:
    async with (
        FakeDiscord(guilds=[SHARD1_GUILD, SHARD0_GUILD], shards=2) as fake,
        run_bot(sharded_client(), fake) as client,
    ):
        await fake.drop_connection(shard=1)
        assert fake.live_shards == [0]
        # buffered for shard 1 while it is away, replayed when it resumes
        await fake.send_interaction(payloads.slash_command("x", guild_id=SHARD1_GUILD))
        await fake.wait_until_ready()
        await fake.flush(1)
        assert fake.resume_count == 1 and fake.identify_count == 2
        assert client.seen == [("interaction", SHARD1_GUILD)]


async def test_an_identify_with_an_impossible_shard_is_refused() -> None:
    async with FakeDiscord(guilds=[SHARD0_GUILD]) as fake:
        client = sharded_client(shard_ids=[0], shard_count=2)
        client.shard_ids = [2]  # past the count: Discord closes with 4010 "Invalid shard"
        with fake.patched(), pytest.raises(discord.ConnectionClosed) as closed:
            await asyncio.wait_for(client.start("fake-token"), 10)
        await client.close()
        assert closed.value.code == 4010
