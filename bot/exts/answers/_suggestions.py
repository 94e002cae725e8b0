""" "Did you mean" buttons that answer when clicked, even after the bot restarts.

When the declined question was recorded (:meth:`bot.core.gaps.GapService.note_suggested`),
the custom id also carries its row's id (base 36), so that a click is counted as "fans who
asked this picked that fact" (never who clicked); the question itself never goes in the
custom id (100 characters at most). Buttons without it (sent before, or when nothing was
recorded) answer the same and count only the answer (``/fact stats``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.constants import BUTTON_LABEL_LIMIT
from bot.core.answers import Answer
from bot.exts.answers._reveal import buttons_view, reveal_buttons, shown_view
from bot.interactions import LogTagged, b36
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot


class SuggestionButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:suggest:(?P<spoilers>[01]):(?P<fact_id>[a-z0-9-]+)(?::(?P<gap>[0-9a-z]+))?",
):
    """A button for one suggested fact; its custom id carries everything it needs."""

    def __init__(
        self, fact_id: str, label: str, *, spoilers: bool, gap_id: int | None = None
    ) -> None:
        key = "" if gap_id is None else f":{b36(gap_id)}"
        super().__init__(
            discord.ui.Button(
                label=label[:BUTTON_LABEL_LIMIT],
                style=discord.ButtonStyle.secondary,
                custom_id=f"fanbot:suggest:{int(spoilers)}:{fact_id}{key}",
            )
        )
        self.fact_id = fact_id
        self.spoilers = spoilers
        self.gap_id = gap_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SuggestionButton:
        label = getattr(item, "label", None) or match["fact_id"]
        gap_id = int(match["gap"], 36) if match["gap"] else None
        return cls(match["fact_id"], label, spoilers=match["spoilers"] == "1", gap_id=gap_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: FanBot = interaction.client
        service = bot.answers
        shown = await service.shown_fact(interaction.guild_id, self.fact_id, spoilers=self.spoilers)
        if shown is None:
            await reply(interaction, content="That fact is gone now.", ephemeral=True)
            return
        view = shown_view(shown)
        if view is None:
            await reply(interaction, content=shown.message())
        else:
            await reply(interaction, content=shown.message(), view=view)
        # After the answer: counted for /fact stats, and under the question if recorded;
        # never who clicked.
        bot.gaps.note_pick_later(interaction.guild_id, self.gap_id, self.fact_id)


def answer_view(
    answer: Answer, *, spoilers: bool, gap_id: int | None = None
) -> discord.ui.View | None:
    """The buttons under an answer: "did you mean" suggestions (carrying ``gap_id``, the
    recorded question, if any), and "Show me" for each spoiler it withheld; ``None`` when
    there are none."""
    suggestions = [
        SuggestionButton(s.fact_id, s.label, spoilers=spoilers, gap_id=gap_id)
        for s in answer.suggestions
    ]
    return buttons_view([*suggestions, *reveal_buttons(answer.withheld_facts)])
