"""``python -m bot run`` and ``python -m bot sync``: the parts of the CLI that reach Discord."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot.client import FanBot
from bot.core.large_builds import freeze_what_lives_forever
from bot.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = (
    "DISCORD_TOKEN is not set. Create a bot at https://discord.com/developers/applications, "
    "copy its token into .env (see .env.example) or the environment, and run again."
)
BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN. Reset the token on the bot's page in the Discord "
    "developer portal, put the new one in .env, and run again."
)


def run_bot(settings: Settings) -> int:
    """Connect and serve until stopped; a clear line and exit code 2 on a token problem."""
    return _with_token(settings, _serve, serving=True)


def sync_commands(settings: Settings, *, guild_id: int | None) -> int:
    """Register the slash commands: with Discord globally, or in one guild at once."""
    return _with_token(settings, lambda bot, token: _sync(bot, token, guild_id), serving=False)


def _with_token(
    settings: Settings,
    action: Callable[[FanBot, str], Coroutine[Any, Any, None]],
    *,
    serving: bool,
) -> int:
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    # Serving: sync to DEV_GUILD_ID at start, heartbeat, metrics; not when only syncing.
    bot = FanBot(settings, sync_dev_guild=serving, serving=serving)
    try:
        asyncio.run(action(bot, token))
    except discord.LoginFailure:
        print(BAD_TOKEN, file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:  # pragma: no cover - we ask for none
        print("Discord refused the requested intents.", file=sys.stderr)
        return 2
    return 0


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def _serve(bot: FanBot, token: str) -> None:
    """Serve until Discord ends it or SIGTERM/SIGINT asks to stop (``docker stop``, Ctrl-C):
    then :meth:`FanBot.shutdown` closes the gateway, finishes the responses in progress and
    closes the store, and the process exits 0."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(sig: signal.Signals) -> None:
        if stop.is_set():
            log.info("%s received: already stopping", sig.name)
            return
        log.info("%s received: stopping", sig.name)
        stop.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        async with bot:
            await bot.open_store()  # a database problem stops the bot here, before connecting
            freeze_what_lives_forever()
            if stop.is_set():
                return
            serving = asyncio.create_task(bot.start(token), name="fanbot-serve")
            stopping = asyncio.create_task(stop.wait(), name="fanbot-stop-signal")
            await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not stop.is_set():
                await serving  # Discord ended it: re-raise what it raised
                return
            await bot.shutdown()
            try:
                await serving
            except Exception:  # stopping anyway, e.g. a login cut short
                log.debug("while stopping", exc_info=True)
            log.info("Stopped")
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


async def _sync(bot: FanBot, token: str, guild_id: int | None) -> None:
    async with bot:
        await bot.open_store()
        await bot.login(token)
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        where = f"guild {guild_id}" if guild_id else "all guilds (global; may take up to an hour)"
        log.info("Synced %d commands to %s: %s", len(synced), where, [c.name for c in synced])
