"""The real bot (real cogs, real database file) connected to the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot.client import FanBot
from bot.settings import Settings
from tests.fakediscord import FakeDiscord, GuildSpec, payloads, run_bot

GUILD = 1200000000000000001
OTHER_GUILD = 1300000000000000001
MOD_ROLE = 1400000000000000001
FAN_PERMISSIONS = discord.Permissions(send_messages=True, use_application_commands=True).value
MOD_PERMISSIONS = discord.Permissions(FAN_PERMISSIONS, manage_messages=True).value


def fan(user_id: int = 501, name: str = "fan") -> dict[str, Any]:
    """A member with no moderation rights."""
    return payloads.member(payloads.user(user_id, name), permissions=FAN_PERMISSIONS)


def moderator(user_id: int = 601, name: str = "mod") -> dict[str, Any]:
    """A member with Manage Messages."""
    return payloads.member(payloads.user(user_id, name), permissions=MOD_PERMISSIONS)


def role_moderator(user_id: int = 701, name: str = "rolemod") -> dict[str, Any]:
    """A member without Manage Messages who holds the configured moderator role."""
    user = payloads.user(user_id, name)
    return payloads.member(user, roles=[MOD_ROLE], permissions=FAN_PERMISSIONS)


def guild_spec(guild_id: int, name: str) -> GuildSpec:
    roles = [
        payloads.role(guild_id, "@everyone", FAN_PERMISSIONS),
        payloads.role(MOD_ROLE, "Moderators", FAN_PERMISSIONS),
    ]
    return GuildSpec(guild_id, name, extra={"roles": roles})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "bot.db",
        command_cooldown_seconds=0,
        moderator_role_ids=frozenset({MOD_ROLE}),
    )


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    guilds = [guild_spec(GUILD, "Diplomat Fans"), guild_spec(OTHER_GUILD, "Other Server")]
    async with FakeDiscord(guilds=guilds) as server:
        with server.patched():
            yield server


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord, settings: Settings) -> AsyncIterator[FanBot]:
    async with run_bot(FanBot(settings), fake) as running:
        yield running


@pytest_asyncio.fixture
async def talk(fake: FakeDiscord, settings: Settings) -> AsyncIterator[FanBot]:
    """The bot with mention answers on and no channel cooldown."""
    quick = settings.model_copy(update={"mention_channel_cooldown_seconds": 0})
    async with run_bot(FanBot(quick), fake) as running:
        yield running


def content_of(body: dict[str, Any]) -> str:
    """The text of an interaction response or message body."""
    data = body.get("data", body)
    return str(data.get("content") or "")
