"""Moderators curate this server's facts: the /fact command group."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import FanBot


async def setup(bot: FanBot) -> None:
    """Registered by the curation issue; nothing yet."""
