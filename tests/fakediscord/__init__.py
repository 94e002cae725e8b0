"""Fake Discord (REST + gateway) for end-to-end tests of discord.py bots.

Typical use::

    async with FakeDiscord(guilds=[GUILD]) as fake, run_bot(make_bot(), fake):
        sent = await fake.slash("ping")
        assert (await sent.response())["data"]["content"] == "pong"
"""

from . import payloads
from .harness import BotErrorLogged, run_bot
from .server import (
    DEFAULT_GUILD_ID,
    FakeDiscord,
    GuildSpec,
    RecordedFile,
    RecordedRequest,
    SentInteraction,
)

__all__ = [
    "DEFAULT_GUILD_ID",
    "BotErrorLogged",
    "FakeDiscord",
    "GuildSpec",
    "RecordedFile",
    "RecordedRequest",
    "SentInteraction",
    "payloads",
    "run_bot",
]
