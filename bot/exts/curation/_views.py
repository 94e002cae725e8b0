"""Buttons of ``/fact``: confirm or cancel a removal, page through the list.

They are dynamic items: the custom id carries everything a click needs (the moderator who
ran the command, the fact, the page), so they keep working after the bot restarts. A
click is honoured only from that moderator, and only while they are still a moderator.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.core.models import Topic
from bot.core.store import (
    AlreadyRemoved,
    FactError,
    StaleRevision,
    StorageUnwritable,
    UnknownFact,
)
from bot.errors import fact_problem, report_storage_trouble
from bot.exts.curation import _render
from bot.interactions import Interaction, LogTagged, b36
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)


async def allowed(interaction: Interaction, owner: str) -> bool:
    """Whether the clicker is the moderator who ran the command (refused politely if not)."""
    if b36(interaction.user.id) != owner:
        message = "Only the moderator who ran this command can use these buttons."
    elif not is_moderator(interaction):
        message = NOT_A_MODERATOR
    else:
        return True
    await reply(interaction, content=message, ephemeral=True)
    return False


class ConfirmRemove(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:rm:(?P<owner>[0-9a-z]+):(?P<revision>[0-9a-z]+):(?P<fact_id>[a-z0-9-]+)",
):
    """Remove (or, for a pack fact, hide) a fact in this server, as shown in the prompt."""

    def __init__(self, owner: str, revision: int, fact_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remove",
                style=discord.ButtonStyle.danger,
                custom_id=f"fanbot:rm:{owner}:{b36(revision)}:{fact_id}",
            )
        )
        self.owner, self.revision, self.fact_id = owner, revision, fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ConfirmRemove:
        return cls(match["owner"], int(match["revision"], 36), match["fact_id"])

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        try:
            stored = await interaction.client.curation.remove(
                interaction.guild_id,
                self.fact_id,
                expected_revision=self.revision,
                actor_id=interaction.user.id,
            )
        except (StaleRevision, UnknownFact, AlreadyRemoved):
            text = (
                f"{_render.code(self.fact_id)} changed or was removed since you asked; "
                "nothing was removed. Run `/fact remove` again."
            )
            await interaction.response.edit_message(content=text, view=None)
            return
        except FactError as error:
            await interaction.response.edit_message(content=fact_problem(error), view=None)
            return
        except StorageUnwritable as error:
            await report_storage_trouble(interaction, error)
            return
        log.info("guild %s: %s removed %r", interaction.guild_id, interaction.user.id, self.fact_id)
        if stored.origin == "override":
            text = f"Hid the pack fact {_render.code(self.fact_id)} in this server only."
        else:
            text = f"Removed {_render.code(self.fact_id)} from this server."
        text += f" Fans no longer get it; `/fact restore id:{self.fact_id}` brings it back."
        await interaction.response.edit_message(content=text, view=None)


class CancelRemove(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:rm-cancel:(?P<owner>[0-9a-z]+)",
):
    """Keep the fact."""

    def __init__(self, owner: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cancel",
                style=discord.ButtonStyle.secondary,
                custom_id=f"fanbot:rm-cancel:{owner}",
            )
        )
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CancelRemove:
        return cls(match["owner"])

    async def callback(self, interaction: Interaction) -> None:
        if await allowed(interaction, self.owner):
            await interaction.response.edit_message(content="Kept it; nothing changed.", view=None)


def removal_view(owner_id: int, revision: int, fact_id: str) -> discord.ui.View:
    """The Remove / Cancel buttons under a removal prompt."""
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmRemove(b36(owner_id), revision, fact_id))
    view.add_item(CancelRemove(b36(owner_id)))
    return view


class PageButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:facts:(?P<owner>[0-9a-z]+):(?P<page>\d+):(?P<topic>[a-z-]*)",
):
    """Previous / Next under ``/fact list``: shows page ``page``."""

    def __init__(
        self, owner: str, page: int, topic: Topic | None, *, label: str, disabled: bool
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"fanbot:facts:{owner}:{page}:{topic.value if topic else ''}",
            )
        )
        self.owner, self.page, self.topic = owner, page, topic

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        topic = Topic(match["topic"]) if match["topic"] in set(Topic) else None
        label = getattr(item, "label", None) or "Page"
        return cls(match["owner"], int(match["page"]), topic, label=label, disabled=False)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        embed, view = await listing(
            interaction.client, interaction.guild_id, interaction.user.id, self.topic, self.page
        )
        await interaction.response.edit_message(embed=embed, view=view)


async def listing(
    bot: FanBot, guild_id: int, owner_id: int, topic: Topic | None, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """Page ``page`` of the server's facts, with Previous / Next buttons when there are more."""
    facts = await bot.store.guild_facts(guild_id, topic=topic, include_removed=True)
    embed, pages = _render.fact_list(facts, page, topic=topic)
    view = discord.ui.View(timeout=None)
    page = min(max(page, 0), pages - 1)
    if pages > 1:
        owner = b36(owner_id)
        view.add_item(
            PageButton(owner, max(page - 1, 0), topic, label="Previous", disabled=page == 0)
        )
        view.add_item(
            PageButton(
                owner, min(page + 1, pages - 1), topic, label="Next", disabled=page >= pages - 1
            )
        )
    return embed, view
