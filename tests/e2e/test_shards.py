"""Shards: which connection answers which server, in one process and over several."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.client import FanBot
from bot.settings import Settings
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, guild_spec
from tests.fakediscord import FakeDiscord, SentInteraction, payloads, run_bot

SHARD_OF = {OTHER_GUILD: 0, GUILD: 1}  # (guild_id >> 22) % 2


def footer(body: dict[str, Any]) -> str:
    [embed] = body["data"]["embeds"]
    return str(embed["footer"]["text"])


async def about(fake: FakeDiscord, guild: int | None) -> SentInteraction:
    if guild is None:  # a direct message
        return await fake.slash("about", user=payloads.user(501, "fan"))
    return await fake.slash("about", guild_id=guild, member=fan())


@pytest_asyncio.fixture
async def two_shards_recommended() -> AsyncIterator[FakeDiscord]:
    guilds = [guild_spec(GUILD, "Diplomat Fans"), guild_spec(OTHER_GUILD, "Other Server")]
    async with FakeDiscord(guilds=guilds, shards=2) as server:
        with server.patched():
            yield server


async def test_without_shard_settings_one_process_runs_discords_recommended_count(
    two_shards_recommended: FakeDiscord, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    fake = two_shards_recommended
    caplog.set_level(logging.INFO, logger="bot")
    async with run_bot(FanBot(settings), fake) as bot:
        assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        for guild, shard in SHARD_OF.items():
            body = await (await about(fake, guild)).response()
            assert footer(body) == f"Shard {shard} answered this server (2 shards, ids 0-1)"
        body = await (await about(fake, None)).response()
        assert footer(body) == "Shard 0 answered direct messages (2 shards, ids 0-1)"

    connected = [r for r in caplog.records if r.getMessage().startswith("Shard ")]
    assert sorted((r.getMessage(), getattr(r, "shard", None)) for r in connected) == [
        ("Shard 0 of 2 connected: 1 guild", 0),
        ("Shard 1 of 2 connected: 1 guild", 1),
    ]
    ready = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Ready as ")]
    assert ready == ["Ready as FakeBot in 2 guilds (shards 0, 1 of 2)"]
