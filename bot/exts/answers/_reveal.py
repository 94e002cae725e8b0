""" "Show me": a withheld spoiler revealed to the one who clicks, and to no one else.

The button is on public messages (an ``/ask`` notice, a recap, a mention answer); anyone
may click it, and each gets their own ephemeral copy, inside spoiler tags. Its custom id
carries the fact id, so it works after the bot restarts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord

from bot.constants import BUTTON_LABEL_LIMIT
from bot.core.answers import Suggestion
from bot.core.catalog import ShownRecap
from bot.core.policy import ShownFact
from bot.interactions import LogTagged
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

SHOW_ME = "Show me"


class RevealButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:reveal:(?P<fact_id>[a-z0-9-]+)",
):
    """Reveals one spoiler fact ephemerally to whoever clicks."""

    def __init__(self, fact_id: str, label: str = SHOW_ME) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:BUTTON_LABEL_LIMIT],
                style=discord.ButtonStyle.primary,
                emoji="\U0001f441\ufe0f",
                custom_id=f"fanbot:reveal:{fact_id}",
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RevealButton:
        return cls(match["fact_id"], getattr(item, "label", None) or SHOW_ME)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: FanBot = interaction.client
        shown = await bot.answers.shown_fact(interaction.guild_id, self.fact_id, spoilers=True)
        if shown is None:
            await reply(interaction, content="That fact is gone now.", ephemeral=True)
            return
        await reply(interaction, content=shown.message(), ephemeral=True)


def _label(withheld: Suggestion, several: bool) -> str:
    if not several:
        return SHOW_ME
    return f"{SHOW_ME}: {withheld.label.removesuffix(' (spoilers)')}"


def reveal_buttons(withheld: Iterable[Suggestion]) -> list[RevealButton]:
    """A "Show me" button for each withheld fact ("Show me: the Season 1 finale" if several)."""
    facts = list(withheld)
    return [RevealButton(w.fact_id, _label(w, len(facts) > 1)) for w in facts]


def buttons_view(items: Iterable[discord.ui.Item[Any]]) -> discord.ui.View | None:
    """A persistent view of ``items``, or ``None`` when there are none."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view if view.children else None


def shown_view(*facts: ShownFact) -> discord.ui.View | None:
    """ "Show me" for each of ``facts`` that was withheld (a recap's finale, a premiere)."""
    withheld = [Suggestion(f.id, f.label) for f in facts if f.withheld]
    return buttons_view(reveal_buttons(withheld))


def recap_view(recap: ShownRecap) -> discord.ui.View | None:
    return shown_view(*recap.parts)
