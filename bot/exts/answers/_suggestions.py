""" "Did you mean" buttons that answer when clicked, even after the bot restarts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.constants import BUTTON_LABEL_LIMIT
from bot.core.answers import Answer
from bot.exts.answers._reveal import buttons_view, reveal_buttons, shown_view
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot


class SuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:suggest:(?P<spoilers>[01]):(?P<fact_id>[a-z0-9-]+)",
):
    """A button for one suggested fact; its custom id carries everything it needs."""

    def __init__(self, fact_id: str, label: str, *, spoilers: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:BUTTON_LABEL_LIMIT],
                style=discord.ButtonStyle.secondary,
                custom_id=f"fanbot:suggest:{int(spoilers)}:{fact_id}",
            )
        )
        self.fact_id = fact_id
        self.spoilers = spoilers

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SuggestionButton:
        label = getattr(item, "label", None) or match["fact_id"]
        return cls(match["fact_id"], label, spoilers=match["spoilers"] == "1")

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


def answer_view(answer: Answer, *, spoilers: bool) -> discord.ui.View | None:
    """The buttons under an answer: "did you mean" suggestions, and "Show me" for each
    spoiler it withheld; ``None`` when there are none."""
    suggestions = [
        SuggestionButton(s.fact_id, s.label, spoilers=spoilers) for s in answer.suggestions
    ]
    return buttons_view([*suggestions, *reveal_buttons(answer.withheld_facts)])
