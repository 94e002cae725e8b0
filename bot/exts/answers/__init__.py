"""Fans' questions: /ask, /premise, /cast, /premiere, /recap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.answers._cog import AnswersCog
from bot.exts.answers._reveal import RevealButton
from bot.exts.answers._suggestions import SuggestionButton

if TYPE_CHECKING:
    from bot.client import FanBot


async def setup(bot: FanBot) -> None:
    await bot.add_cog(AnswersCog(bot))
    bot.add_dynamic_items(SuggestionButton, RevealButton)
