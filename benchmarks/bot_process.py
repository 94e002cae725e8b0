"""A bot process for benchmarks: FanBot or a bare discord.py bot, aimed at a fake Discord.

    python benchmarks/bot_process.py fanbot|fanbot-slash|bare BASE_URL GATEWAY_URL DATABASE_PATH

``fanbot-slash`` is FanBot with ``ALLOW_MENTION_ANSWERS`` off: slash commands only, without
the guild messages intent (so Discord sends it no message events).

Prints ``READY`` once discord.py has dispatched ``on_ready``, then serves until killed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket


def bare_bot() -> commands.Bot:
    """The baseline: the same intents and caches, one command replying a fixed string."""
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents(guilds=True),  # as FanBot
        member_cache_flags=discord.MemberCacheFlags.none(),
        max_messages=None,
        chunk_guilds_at_startup=False,
        help_command=None,
    )

    @bot.tree.command(name="ask", description="Ask anything")
    async def ask(interaction: discord.Interaction, question: str, spoilers: bool = False) -> None:
        await interaction.response.send_message(
            "A fixed answer.", allowed_mentions=discord.AllowedMentions.none()
        )

    del ask
    return bot


async def main(kind: str, base: str, gateway: str, database: str) -> None:
    discord.http.Route.BASE = base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    if kind.startswith("fanbot"):  # imported here so the bare bot's memory has none of it
        from bot.client import FanBot
        from bot.settings import Settings

        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_path=Path(database),
            command_cooldown_seconds=0,
            log_level="WARNING",
            allow_mention_answers=kind != "fanbot-slash",
        )
        client: commands.Bot = FanBot(settings)
    else:
        client = bare_bot()
    client._connection.guild_ready_timeout = 0.05  # READY without the 2 s guild wait

    @client.listen()
    async def on_ready() -> None:
        print("READY", flush=True)

    async with client:
        await client.start("benchmark-token")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    profile_to = os.environ.get("BENCH_PROFILE")
    if profile_to:  # profile the bot under load: BENCH_PROFILE=/tmp/bot.prof
        import cProfile
        import signal

        profiler = cProfile.Profile()
        target = f"{profile_to}.{sys.argv[1]}.{os.getpid()}"
        signal.signal(signal.SIGTERM, lambda *_: (profiler.dump_stats(target), os._exit(0)))
        profiler.enable()
    asyncio.run(main(*sys.argv[1:5]))
