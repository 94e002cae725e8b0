"""About the bot: /about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.meta._cog import MetaCog

if TYPE_CHECKING:
    from bot.client import FanBot


async def setup(bot: FanBot) -> None:
    await bot.add_cog(MetaCog(bot))
