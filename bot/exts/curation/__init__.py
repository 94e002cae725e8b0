"""Moderators curate this server's facts: the /fact command group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.curation._cog import CurationCog
from bot.exts.curation._events import MoveEvent
from bot.exts.curation._gaps import GapButton, GapsPage, PickButton
from bot.exts.curation._modals import RetryButton
from bot.exts.curation._proposals import ReviewButton, SuggestCog, WithdrawButton
from bot.exts.curation._views import CancelRemove, ConfirmRemove, PageButton

if TYPE_CHECKING:
    from bot.client import FanBot


async def setup(bot: FanBot) -> None:
    """Add the /fact group and the buttons that outlive a restart (the fact form's
    submissions are handled by the cog's ``on_interaction`` listener)."""
    await bot.add_cog(CurationCog(bot))
    await bot.add_cog(SuggestCog(bot))
    bot.add_dynamic_items(
        ConfirmRemove,
        CancelRemove,
        PageButton,
        RetryButton,
        MoveEvent,
        GapButton,
        GapsPage,
        PickButton,
        ReviewButton,
        WithdrawButton,
    )
