"""Answers where fans talk: a message that mentions the bot, and "Answer with FanBot"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.talk._cog import TalkCog

if TYPE_CHECKING:
    from bot.client import FanBot


async def setup(bot: FanBot) -> None:
    await bot.add_cog(TalkCog(bot))
