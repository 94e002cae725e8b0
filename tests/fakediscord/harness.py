"""Run a real discord.py client against a :class:`~tests.fakediscord.server.FakeDiscord`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import discord

from .server import FakeDiscord

__all__ = ["BotErrorLogged", "run_bot"]

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)


class BotErrorLogged(AssertionError):
    """discord.py logged an error (e.g. an exception in a command) while the bot ran."""


class _ErrorCollector(logging.Handler):
    """Collects ERROR+ records of the ``discord`` logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _race(waiter: asyncio.Future[Any], bot_task: asyncio.Task[None], limit: float) -> None:
    """Await ``waiter`` unless the bot task ends (re-raised) or ``limit`` seconds pass."""
    done, _ = await asyncio.wait({waiter, bot_task}, timeout=limit, return_when=FIRST_COMPLETED)
    if waiter in done:
        waiter.result()
        return
    waiter.cancel()
    if bot_task in done:
        bot_task.result()
        raise RuntimeError("bot stopped before becoming ready")
    raise TimeoutError(f"bot not ready within {limit}s")


async def _no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
    """Replacement ``before_identify_hook`` without the 5 s re-IDENTIFY delay."""


async def _fake_ready(bot: discord.Client, fake: FakeDiscord) -> None:
    """The fake has live connections for ``bot``'s shards: the ones it runs (an
    :class:`~discord.AutoShardedClient` given ``shard_ids``; other processes may run the
    rest), or else all of them."""
    shard_ids = getattr(bot, "shard_ids", None)
    if not shard_ids:
        await fake.wait_until_ready()
        return
    await fake.wait_until(lambda: set(shard_ids) <= set(fake.live_shards) or None)


@contextlib.asynccontextmanager
async def run_bot(
    bot: ClientT,
    fake: FakeDiscord,
    *,
    token: str = "fake-token",
    ready_timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
    fast_reidentify: bool = True,
    fail_on_error_logs: bool = True,
) -> AsyncIterator[ClientT]:
    """Start ``bot.start(token)`` against ``fake``; yield once the bot is READY with its guilds.

    ``ready_timeout`` bounds start-up and shutdown.  ``guild_ready_timeout`` overrides
    discord.py's wait after the last GUILD_CREATE before ``on_ready`` (2 s by default; ``None``
    keeps the bot's setting).  ``fast_reidentify`` skips the 5 s sleep of discord.py's default
    ``before_identify_hook`` before every non-initial IDENTIFY (kept if the bot overrides it).
    On exit the bot is closed, an exception of the bot task is re-raised and, with
    ``fail_on_error_logs``, :class:`BotErrorLogged` is raised if discord.py logged errors
    (e.g. an exception in a command or view callback).
    """
    collector = _ErrorCollector()
    discord_logger = logging.getLogger("discord")
    discord_logger.addHandler(collector)
    if guild_ready_timeout is not None:
        bot._connection.guild_ready_timeout = guild_ready_timeout
    if fast_reidentify and type(bot).before_identify_hook is discord.Client.before_identify_hook:
        bot.before_identify_hook = _no_identify_delay  # type: ignore[method-assign]
    try:
        with fake.patched():
            task = asyncio.create_task(bot.start(token), name="fakediscord-bot")
            try:
                await _race(asyncio.ensure_future(_fake_ready(bot, fake)), task, ready_timeout)
                await _race(asyncio.ensure_future(bot.wait_until_ready()), task, ready_timeout)
                yield bot
            finally:
                await bot.close()
                try:
                    await asyncio.wait_for(task, ready_timeout)
                finally:
                    if not task.done():
                        task.cancel()
    finally:
        discord_logger.removeHandler(collector)
    if fail_on_error_logs and collector.records:
        messages = "\n".join(logging.Formatter().format(r) for r in collector.records)
        raise BotErrorLogged(f"discord.py logged {len(collector.records)} error(s):\n{messages}")
