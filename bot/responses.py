"""Sending replies the same way everywhere: no mentions, on time, follow-ups once deferred."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# Discord wants a first response within 3 s. Work still running after this long is
# deferred ("thinking…") and answered with a follow-up instead.
DEFER_AFTER_SECONDS = 2.0

T = TypeVar("T")


async def reply(interaction: discord.Interaction[Any], **kwargs: Any) -> None:
    """Answer the interaction, or follow up if it was already answered or deferred.

    Every message goes out with ``AllowedMentions.none()``: text from fans or moderators
    can hold ``@everyone`` and must never ping.
    """
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def reply_to(message: discord.Message, **kwargs: Any) -> discord.Message:
    """Reply to ``message`` (a message reference), pinging no one, not even its author."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    kwargs.setdefault("mention_author", False)
    return await message.reply(**kwargs)


def with_view(view: discord.ui.View | None) -> dict[str, Any]:
    """``view=view`` for a send call, or nothing (discord.py refuses ``view=None`` on some
    sends)."""
    return {} if view is None else {"view": view}


async def in_time(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, ephemeral: bool = False
) -> T:
    """Await ``work``; if it is slow, defer the interaction so Discord keeps waiting.

    A timer rather than a task per call: the common case (an answer in a millisecond) costs
    one timer handle.
    """
    deferring: asyncio.Task[Any] | None = None

    def defer() -> None:
        nonlocal deferring
        if not interaction.response.is_done():
            deferring = asyncio.ensure_future(
                interaction.response.defer(thinking=True, ephemeral=ephemeral)
            )

    timer = asyncio.get_running_loop().call_later(DEFER_AFTER_SECONDS, defer)
    try:
        return await work
    finally:
        timer.cancel()
        if deferring is not None:
            await deferring  # the reply must follow the deferral, not race it


async def in_time_or_none(work: Awaitable[T]) -> T | None:
    """``work``'s result, or ``None`` if it is slow: autocomplete cannot be deferred."""
    try:
        return await asyncio.wait_for(work, timeout=DEFER_AFTER_SECONDS)
    except TimeoutError:
        log.warning("autocomplete gave up after %.1f s", DEFER_AFTER_SECONDS)
        return None
