"""Running concerns end to end: cooldowns, errors, and explicit command sync."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from typing import Any

import pytest

from bot.client import FanBot, interactions_in_flight
from bot.logs import ContextFilter, JsonFormatter
from bot.runner import _sync
from bot.settings import Settings
from tests.e2e.conftest import GUILD, content_of, fan
from tests.fakediscord import FakeDiscord, run_bot

EPHEMERAL = 1 << 6
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


async def test_cooldown_refuses_spam_ephemerally(fake: FakeDiscord, settings: Settings) -> None:
    slow = settings.model_copy(update={"command_cooldown_seconds": 30.0})
    async with run_bot(FanBot(slow), fake):
        first = await fake.slash("premise", guild_id=GUILD, member=fan())
        assert "embeds" in (await first.response())["data"]
        second = await fake.slash("premise", guild_id=GUILD, member=fan())
        data = (await second.response())["data"]
        assert data["flags"] & EPHEMERAL and data["content"].startswith("Easy there!")
        other_fan = await fake.slash("premise", guild_id=GUILD, member=fan(502, "other"))
        assert "embeds" in (await other_fan.response())["data"]  # per user, not global


async def test_an_unexpected_error_is_short_and_logged(
    fake: FakeDiscord, bot: FanBot, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.answers, "answer", broken)
    sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
    data = (await sent.response())["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Something went wrong") and "fire" not in data["content"]
    assert any("Command /ask failed" in r.getMessage() and r.exc_info for r in caplog.records)


def check_definition(command: dict[str, Any]) -> None:
    if command.get("type", 1) in (2, 3):  # a user or message context menu: any 1-32 characters
        assert 1 <= len(command["name"]) <= 32 and not command.get("description")
        return
    assert COMMAND_NAME.fullmatch(command["name"]) and command["name"].islower()
    assert 1 <= len(command["description"]) <= 100
    options = command.get("options", [])
    assert len(options) <= 25
    required = [option.get("required", False) for option in options]
    assert required == sorted(required, reverse=True), "required options come first"
    for option in options:
        if option["type"] in (1, 2):  # subcommand (group)
            check_definition(option)
        else:
            assert COMMAND_NAME.fullmatch(option["name"]) and len(option["description"]) >= 1


async def test_sync_sends_valid_definitions(fake: FakeDiscord, settings: Settings) -> None:
    bot = FanBot(settings, sync_dev_guild=False)
    await _sync(bot, "fake-token", GUILD)
    synced = fake.commands(GUILD)
    names = {command["name"] for command in synced}
    assert {"ask", "premise", "cast", "premiere", "recap", "about"} <= names
    for command in synced:
        check_definition(command)
    assert ("Answer with FanBot", 3) in {(c["name"], c.get("type", 1)) for c in synced}
    ask = next(c for c in synced if c["name"] == "ask")
    assert [(o["name"], o["type"], o.get("required", False)) for o in ask["options"]] == [
        ("question", 3, True),
        ("spoilers", 5, False),
    ]
    cast = next(c for c in synced if c["name"] == "cast")
    assert cast["options"][0]["autocomplete"] is True
    assert fake.commands(None) == []  # nothing global when a guild was asked for


async def test_dev_guild_syncs_on_start_and_never_globally(
    fake: FakeDiscord, settings: Settings
) -> None:
    dev = settings.model_copy(update={"dev_guild_id": GUILD})
    async with run_bot(FanBot(dev), fake):
        assert {c["name"] for c in fake.commands(GUILD)} >= {"ask", "cast"}
    global_puts = [
        r
        for r in fake.requests
        if r.method == "PUT" and r.path.endswith("/commands") and "/guilds/" not in r.path
    ]
    assert global_puts == []


async def test_json_logs_of_a_command_name_its_guild_and_command(
    fake: FakeDiscord, bot: FanBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logging.getLogger().addHandler(handler)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.answers, "answer", broken)
    try:
        sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        await sent.response()
    finally:
        logging.getLogger().removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    [failure] = [r for r in records if r["message"].startswith("Command /ask failed")]
    assert failure["guild"] == GUILD and failure["command"] == "ask" and failure["shard"] == 0
    assert failure["level"] == "ERROR" and "database on fire" in failure["exception"]


async def test_shutdown_closes_the_gateway_then_finishes_a_response_in_progress(
    fake: FakeDiscord, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = FanBot(settings)
    async with run_bot(bot, fake):
        started, gateway_open_when_answered = asyncio.Event(), []
        answer = bot.answers.answer

        async def slow(*args: Any, **kwargs: Any) -> Any:
            started.set()
            await asyncio.sleep(0.5)
            gateway_open_when_answered.append(bool(fake._connections))
            return await answer(*args, **kwargs)

        monkeypatch.setattr(bot.answers, "answer", slow)
        sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        await started.wait()
        await bot.shutdown(grace=5.0)
        assert "Keri Russell" in content_of(await sent.response())
        assert gateway_open_when_answered == [False]  # no new interaction could arrive
        assert bot.is_closed() and bot._store is None


async def test_shutdown_waits_for_a_stuck_response_no_longer_than_the_grace(
    fake: FakeDiscord, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = FanBot(settings)
    async with run_bot(bot, fake):
        started = asyncio.Event()

        async def stuck(*args: Any, **kwargs: Any) -> Any:
            started.set()
            await asyncio.sleep(3600)

        monkeypatch.setattr(bot.answers, "answer", stuck)
        await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        await started.wait()
        began = time.monotonic()
        await bot.shutdown(grace=0.3)
        assert time.monotonic() - began < 2.0
        assert interactions_in_flight() == set() and bot._store is None
