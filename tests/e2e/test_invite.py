"""The invite link asks for exactly the permissions the bot uses, derived here from what it
sends to Discord while every kind of command runs."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import discord

from bot.client import FanBot
from bot.invite import permissions
from tests.core.factories import make_fact
from tests.e2e.conftest import GUILD, content_of, fan, moderator
from tests.fakediscord import FakeDiscord, RecordedRequest, payloads
from tests.fakediscord.processes import bot_process, run_cli

CUSTOM_EMOJI = re.compile(r"<a?:\w+:\d+>")


def message_bodies(request: RecordedRequest) -> list[dict[str, Any]]:
    body = request.json if isinstance(request.json, dict) else {}
    data = body.get("data", body) if "type" in body else body
    return [data] if isinstance(data, dict) else []


def needed(requests: list[RecordedRequest]) -> discord.Permissions:
    """The channel permissions these requests of the bot need (interaction responses and
    follow-ups are webhooks: only what they carry counts; channel messages need the rest)."""
    need = discord.Permissions.none()
    for request in requests:
        channel_message = re.fullmatch(r"/channels/\d+/messages(/\d+)?", request.path)
        if channel_message and request.method == "GET":
            need.update(view_channel=True, read_message_history=True)
        elif channel_message and request.method in {"POST", "PATCH"}:
            need.update(view_channel=True, send_messages=True)
            if (request.json or {}).get("message_reference"):  # Discord: replying reads
                need.update(read_message_history=True)
        events = re.fullmatch(r"/guilds/\d+/scheduled-events(/\d+)?", request.path)
        if events and request.method in {"POST", "PATCH"}:
            need.update(manage_events=True)
        if "/reactions/" in request.path:
            need.update(view_channel=True, add_reactions=True, read_message_history=True)
        for body in message_bodies(request):
            if body.get("embeds"):
                need.update(embed_links=True)
            if CUSTOM_EMOJI.search(str(body.get("content") or "")):
                need.update(use_external_emojis=True)
            mentions = body.get("allowed_mentions") or {}
            if "everyone" in mentions.get("parse", []):
                need.update(mention_everyone=True)
        if request.files or any(body.get("attachments") for body in message_bodies(request)):
            need.update(attach_files=True)
    return need


async def test_the_invite_asks_for_exactly_what_the_commands_use(
    fake: FakeDiscord, bot: FanBot
) -> None:
    fan_commands: list[tuple[str, dict[str, Any] | None]] = [
        ("ask", {"question": "who plays kate"}),
        ("ask", {"question": "how did season 1 end"}),
        ("ask", {"question": "what is the weather in london"}),
        ("premise", None),
        ("cast", None),
        ("cast", {"name": "kate"}),
        ("premiere", {"season": 2}),
        ("recap", {"season": 1, "spoilers": True}),
        ("about", None),
    ]
    for number, (name, options) in enumerate(fan_commands):
        sent = await fake.slash(name, options, guild_id=GUILD, member=fan(900 + number))
        assert content_of(await sent.response()) or "embeds" in (await sent.response())["data"]
    await bot.store.add(GUILD, make_fact("our-trailer"), 601)  # something to export
    soon = dt.date.today() + dt.timedelta(days=30)
    premiere = make_fact(
        "s3-premiere",
        topic="premiere",
        season=3,
        date=soon.isoformat(),
        questions=["When does Season 3 come out?"],
        answer="Season 3 premieres soon.",
    )
    await bot.store.add(GUILD, premiere, 601)
    fact_commands: list[tuple[str, dict[str, Any] | None]] = [
        ("list", None),
        ("show", {"id": "premise"}),
        ("export", None),
        ("event", {"id": "s3-premiere"}),
    ]
    for sub, options in fact_commands:
        sent = await fake.slash(f"fact {sub}", options, guild_id=GUILD, member=moderator())
        await sent.callback()
    me = payloads.user(int(fake.bot_user["id"]), "bot")
    asked = await fake.post_message(
        f"<@{me['id']}> who plays the vp",
        author=payloads.user(950, "fan"),
        guild_id=GUILD,
        mentions=[fake.bot_user],
    )
    target = await fake.post_message(
        "when does season 2 come out?", author=payloads.user(951, "newcomer"), guild_id=GUILD
    )
    await fake.message_command("Answer with FanBot", target, guild_id=GUILD, member=fan(952))
    replies = lambda: [  # noqa: E731
        r for r in fake.requests if r.path.endswith("/messages") and r.method == "POST"
    ]
    await fake.wait_until(lambda: len(replies()) >= 2 or None)
    assert asked and any(r.path.startswith("/guilds/") for r in fake.requests)

    assert needed(fake.requests) == permissions()
    assert permissions() == discord.Permissions(
        view_channel=True,
        send_messages=True,
        read_message_history=True,
        embed_links=True,
        attach_files=True,
        manage_events=True,
    )


def token_for(client_id: int) -> str:
    head = base64.b64encode(str(client_id).encode()).decode().rstrip("=")
    return f"{head}.GhIjKl.{'x' * 38}"


async def test_python_m_bot_invite(tmp_path: Path) -> None:
    code, out, err = await run_cli(
        "invite", cwd=tmp_path, env={"DISCORD_TOKEN": token_for(1234567890123456789)}
    )
    assert code == 0, err
    url = urlparse(out.strip())
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == ["1234567890123456789"]
    assert query["scope"] == ["bot applications.commands"]
    assert discord.Permissions(int(query["permissions"][0])) == permissions()

    code, out, err = await run_cli("invite", "--client-id", "42", cwd=tmp_path)
    assert code == 0 and parse_qs(urlparse(out.strip()).query)["client_id"] == ["42"]

    code, out, err = await run_cli("invite", cwd=tmp_path, env={"DISCORD_TOKEN": ""})
    assert code == 2 and out == "" and err.startswith("Give --client-id (the Application ID")


async def test_the_bot_logs_its_invite_link_at_start(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "fanbot.db")}
    async with bot_process(fake, cwd=tmp_path, env=env) as bot:
        line = next(line for line in bot.lines if "Invite link" in line)
    url = line.rsplit(" ", 1)[-1]
    assert (
        "scopes bot applications.commands; permissions View Channel, Send Messages, "
        "Read Message History, Embed Links, Attach Files, Manage Events"
    ) in line
    query = parse_qs(urlparse(url).query)
    assert query["client_id"] == [str(fake.application_id)]
    assert discord.Permissions(int(query["permissions"][0])) == permissions()
