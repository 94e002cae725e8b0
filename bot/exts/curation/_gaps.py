"""``/fact gaps``: the questions fans asked that the bot could not answer well, those that
mean the same thing grouped, with **Add a fact** (the fact form, filled in with the group's
questions) and **Dismiss** (the whole group) for each, and pages;
for a question fans picked a "did you mean" fact for, **Add as a question of** that fact.

The buttons are dynamic items: the custom id carries the moderator who ran the command, the
page and the question's id, so they keep working after a restart; a click is honoured only
from that moderator, while still a moderator. The form they open is the ``/fact add`` form
(its custom id carries its purpose), so it is restart-safe too. What is a gap, how long it is
kept and when it leaves the list is decided in :mod:`bot.core.gaps`.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import constants
from bot.core.curation import Draft, DraftError, DuplicateQuestions
from bot.core.gaps import LISTED_DAYS
from bot.core.models import Topic
from bot.core.store import FactError, StorageUnwritable
from bot.errors import report_storage_trouble
from bot.exts.curation import _render
from bot.exts.curation._modals import FactForm, NewFact, refuse
from bot.exts.curation._views import allowed
from bot.interactions import Interaction, LogTagged, b36
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

GONE = "That question is no longer listed (dismissed, or a fact answers it now)."


class GapButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:gap:(?P<action>add|rm):(?P<owner>[0-9a-z]+):(?P<page>\d+):(?P<gap>[0-9a-z]+)",
):
    """**Add a fact** (``add``) or **Dismiss** (``rm``) for one listed question."""

    def __init__(self, action: str, owner: str, page: int, gap_id: int, *, label: str) -> None:
        style = discord.ButtonStyle.primary if action == "add" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"fanbot:gap:{action}:{owner}:{page}:{b36(gap_id)}",
            )
        )
        self.action, self.owner, self.page, self.gap_id = action, owner, page, gap_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> GapButton:
        label = getattr(item, "label", None) or match["action"]
        gap_id = int(match["gap"], 36)
        return cls(match["action"], match["owner"], int(match["page"]), gap_id, label=label)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        bot: FanBot = interaction.client
        if self.action == "add":
            group = await bot.gaps.group(interaction.guild_id, self.gap_id)
            if group is None:
                await reply(interaction, content=GONE, ephemeral=True)
                return
            await interaction.response.send_modal(
                FactForm(NewFact(Topic.GENERAL, None, False), group.draft())
            )
            return
        try:
            await bot.gaps.dismiss_group(interaction.guild_id, self.gap_id)
        except StorageUnwritable as error:
            await report_storage_trouble(interaction, error)
            return
        log.info("guild %s: %s dismissed a question", interaction.guild_id, interaction.user.id)
        embed, view = await gap_listing(bot, interaction.guild_id, interaction.user.id, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


class PickButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:gap:pick:(?P<owner>[0-9a-z]+):(?P<page>\d+):(?P<pick>[0-9a-z]+)",
):
    """**Add as a question of** the fact fans picked for a listed question: adds the
    question to that fact in this server (:meth:`CurationService.add_question`)."""

    def __init__(self, owner: str, page: int, pick_id: int, *, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[: constants.BUTTON_LABEL_LIMIT],
                style=discord.ButtonStyle.success,
                custom_id=f"fanbot:gap:pick:{owner}:{page}:{b36(pick_id)}",
            )
        )
        self.owner, self.page, self.pick_id = owner, page, pick_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        label = getattr(item, "label", None) or "Add as a question"
        return cls(match["owner"], int(match["page"]), int(match["pick"], 36), label=label)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        bot: FanBot = interaction.client
        guild_id = interaction.guild_id
        pick = await bot.gaps.pick(guild_id, self.pick_id)
        if pick is None:
            await reply(interaction, content=GONE, ephemeral=True)
            return
        try:
            await bot.curation.add_question(
                guild_id,
                pick.fact_id,
                pick.question,
                actor_id=interaction.user.id,
                guild_name=interaction.guild.name if interaction.guild else None,
            )
        except StorageUnwritable as error:
            await report_storage_trouble(interaction, error)
            return
        except (DraftError, DuplicateQuestions, FactError) as error:
            draft = Draft(pick.question[: constants.QUESTION_MAX_CHARS], "")
            await refuse(interaction, None, draft, _render.form_problems(error))
            return
        log.info(
            "guild %s: %s added a picked question to %r",
            guild_id,
            interaction.user.id,
            pick.fact_id,
        )
        embed, view = await gap_listing(bot, guild_id, interaction.user.id, self.page)
        await interaction.response.edit_message(
            content=_render.pick_added(pick.question, pick.label), embed=embed, view=view
        )


class GapsPage(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:gaps:(?P<owner>[0-9a-z]+):(?P<page>\d+)",
):
    """Previous / Next under ``/fact gaps``: shows page ``page``."""

    def __init__(self, owner: str, page: int, *, label: str, disabled: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"fanbot:gaps:{owner}:{page}",
            )
        )
        self.owner, self.page = owner, page

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> GapsPage:
        label = getattr(item, "label", None) or "Page"
        return cls(match["owner"], int(match["page"]), label=label, disabled=False)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        embed, view = await gap_listing(
            interaction.client, interaction.guild_id, interaction.user.id, self.page
        )
        await interaction.response.edit_message(embed=embed, view=view)


async def gap_listing(
    bot: FanBot, guild_id: int, owner_id: int, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """Page ``page`` of the server's open gaps, with their buttons and Previous / Next."""
    gaps = await bot.gaps.open_groups(guild_id)
    recording = await bot.gaps.recording(guild_id)
    page = min(max(page, 0), max(0, -(-len(gaps) // _render.GAPS_PAGE_SIZE) - 1))
    chunk = gaps[page * _render.GAPS_PAGE_SIZE : (page + 1) * _render.GAPS_PAGE_SIZE]
    picks = await bot.gaps.group_picks(guild_id, chunk)
    embed, pages = _render.gap_list(gaps, page, recording=recording, days=LISTED_DAYS, picks=picks)
    owner = b36(owner_id)
    view = discord.ui.View(timeout=None)
    for n, gap in enumerate(chunk, start=1):
        view.add_item(GapButton("add", owner, page, gap.id, label=f"Add a fact: {n}"))
    for n, gap in enumerate(chunk, start=1):
        button = GapButton("rm", owner, page, gap.id, label=f"Dismiss {n}")
        button.item.row = 1
        view.add_item(button)
    for n, gap in enumerate(chunk, start=1):
        for pick in picks.get(gap.id, [])[:1]:  # the most picked
            label = f"{n}: Add as a question of {pick.label}"
            pick_button = PickButton(owner, page, pick.id, label=label)
            pick_button.item.row = 3
            view.add_item(pick_button)
    if pages > 1:
        previous = GapsPage(owner, max(page - 1, 0), label="Previous", disabled=page == 0)
        following = GapsPage(
            owner, min(page + 1, pages - 1), label="Next", disabled=page >= pages - 1
        )
        for page_button in (previous, following):
            page_button.item.row = 2
            view.add_item(page_button)
    return embed, view


async def run(bot: FanBot, interaction: Interaction, guild_id: int, recording: str | None) -> None:
    """``/fact gaps [recording]``: switch recording, or list the gaps."""
    if recording is not None:
        on = recording == "on"
        forgotten = await bot.gaps.set_recording(guild_id, on)
        log.info("guild %s: %s turned gap recording %s", guild_id, interaction.user.id, recording)
        if on:
            text = (
                "Recording is on: questions fans ask here that I cannot answer well are listed "
                "in `/fact gaps` (the question and when, never who asked)."
            )
        else:
            text = (
                "Recording is off: I keep no unanswered questions in this server, and forgot "
                f"the {forgotten} recorded here. Turn it on with `/fact gaps recording:on`."
            )
        await reply(interaction, content=text, ephemeral=True)
        return
    embed, view = await gap_listing(bot, guild_id, interaction.user.id, 0)
    await reply(interaction, embed=embed, view=view, ephemeral=True)
