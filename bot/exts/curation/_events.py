"""``/fact event``: a premiere fact as a Discord scheduled event, made once per server.

:func:`schedule` answers the command and :class:`MoveEvent` the button it offers when the
fact's date changed since the event was made. The rules (which facts get an event, what it
says, when it starts) are :mod:`bot.core.events`; the event made for a fact is remembered in
the store. An event deleted (or cancelled) in Discord is forgotten and made again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.core.events import EventPlan, NotEventable, plan_event
from bot.core.models import Fact
from bot.core.store import StorageUnwritable, StoredFact
from bot.errors import report_storage_trouble, storage_message
from bot.exts.curation import _render
from bot.exts.curation._views import allowed
from bot.interactions import Interaction, LogTagged, b36
from bot.responses import in_time, reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

_GONE = (discord.EventStatus.completed, discord.EventStatus.cancelled)
# One /fact event or Move at a time per (server, fact): two clicks make one event.
_locks: weakref.WeakValueDictionary[tuple[int, str], asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True)
class Outcome:
    """What the moderator is told, and the Move button when there is one."""

    text: str
    view: discord.ui.View | None = None


async def schedule(
    bot: FanBot, interaction: Interaction, guild_id: int, stored: StoredFact
) -> Outcome:
    """Make the event of ``stored``, or say it exists (offering to move it when the fact's
    date changed), or say why the fact gets none."""
    fact_id = stored.fact_id
    try:
        plan = _plan(bot, stored.fact)
    except NotEventable as refused:
        return Outcome(_render.no_event(refused))
    async with _one_at_a_time(guild_id, fact_id):
        remembered = await bot.store.premiere_event(guild_id, fact_id)
        replaced = False
        if remembered is not None:
            try:
                event = await _fetch(interaction, remembered.event_id)
            except discord.HTTPException as error:
                return Outcome(_refused_by_discord(error, guild_id, fact_id))
            if event is not None:
                url = _render.event_url(guild_id, event.id)
                if not plan.moves_from(remembered.premiere):
                    return Outcome(_render.event_exists(fact_id, url))
                view = discord.ui.View(timeout=None)
                view.add_item(
                    MoveEvent(b36(interaction.user.id), plan.premiere.toordinal(), fact_id)
                )
                return Outcome(_render.move_prompt(fact_id, remembered.premiere, plan, url), view)
            await bot.store.forget_premiere_event(guild_id, fact_id, remembered.event_id)
            replaced = True
        return await _create(bot, interaction, guild_id, plan, replaced=replaced)


class MoveEvent(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:ev-move:(?P<owner>[0-9a-z]+):(?P<day>[0-9a-z]+):(?P<fact_id>[a-z0-9-]+)",
):
    """Move the fact's event to the day the fact says now (``day``: its ordinal, base 36)."""

    def __init__(self, owner: str, day: int, fact_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Move the event",
                style=discord.ButtonStyle.primary,
                custom_id=f"fanbot:ev-move:{owner}:{b36(day)}:{fact_id}",
            )
        )
        self.owner, self.day, self.fact_id = owner, day, fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MoveEvent:
        return cls(match["owner"], int(match["day"], 36), match["fact_id"])

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        work = self._move(interaction.client, interaction, interaction.guild_id)
        try:
            outcome = await in_time(interaction, work, ephemeral=True)
        except StorageUnwritable as error:
            await report_storage_trouble(interaction, error)
            return
        if interaction.response.is_done():  # deferred: Discord was slow
            await reply(interaction, content=outcome.text, ephemeral=True)
        else:
            await interaction.response.edit_message(content=outcome.text, view=None)

    async def _move(self, bot: FanBot, interaction: Interaction, guild_id: int) -> Outcome:
        stored = await bot.store.get(guild_id, self.fact_id)
        if stored is None:
            return Outcome(_render.fact_gone(self.fact_id))
        try:
            plan = _plan(bot, stored.fact)
        except NotEventable as refused:
            return Outcome(_render.no_event(refused))
        if plan.premiere.toordinal() != self.day:
            return Outcome(_render.date_changed_again(self.fact_id))
        async with _one_at_a_time(guild_id, self.fact_id):
            remembered = await bot.store.premiere_event(guild_id, self.fact_id)
            if remembered is None:
                return await _create(bot, interaction, guild_id, plan, replaced=False)
            url = _render.event_url(guild_id, remembered.event_id)
            if not plan.moves_from(remembered.premiere):
                return Outcome(_render.already_moved(plan, url))
            if not interaction.app_permissions.manage_events:
                return Outcome(_render.NEEDS_MANAGE_EVENTS)
            try:
                event = await _fetch(interaction, remembered.event_id)
                if event is not None:
                    await event.edit(
                        start_time=plan.start, end_time=plan.end, description=plan.description
                    )
            except discord.NotFound:
                event = None
            except discord.Forbidden:
                return Outcome(_render.NEEDS_MANAGE_EVENTS)
            except discord.HTTPException as error:
                return Outcome(_refused_by_discord(error, guild_id, self.fact_id))
            if event is None:
                await bot.store.forget_premiere_event(guild_id, self.fact_id, remembered.event_id)
                return await _create(bot, interaction, guild_id, plan, replaced=True)
            try:
                await bot.store.premiere_event_moved(
                    guild_id, self.fact_id, event.id, plan.premiere, interaction.user.id
                )
            except StorageUnwritable as error:
                storage_message(error)  # logs it for the host
                return Outcome(_render.not_remembered(url))
        log.info("guild %s: %s moved event %s", guild_id, interaction.user.id, event.id)
        return Outcome(_render.event_moved(plan, url))


def _plan(bot: FanBot, fact: Fact) -> EventPlan:
    """The event of ``fact``: only what a fan without spoilers may see of it goes in."""
    shown = bot.answers.show(fact, spoilers=False)
    return plan_event(shown, show=bot.pack.show, now=bot.answers.clock())


async def _create(
    bot: FanBot, interaction: Interaction, guild_id: int, plan: EventPlan, *, replaced: bool
) -> Outcome:
    """Make the event in Discord and remember it."""
    guild = interaction.guild
    if guild is None or not interaction.app_permissions.manage_events:
        return Outcome(_render.NEEDS_MANAGE_EVENTS)
    try:
        event = await guild.create_scheduled_event(
            name=plan.name,
            description=plan.description,
            start_time=plan.start,
            end_time=plan.end,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=plan.location,
            reason=f"/fact event {plan.fact_id} by {interaction.user.id}",
        )
    except discord.Forbidden:
        return Outcome(_render.NEEDS_MANAGE_EVENTS)
    except discord.HTTPException as error:
        return Outcome(_refused_by_discord(error, guild_id, plan.fact_id))
    url = _render.event_url(guild_id, event.id)
    log.info(
        "guild %s: %s made event %s for %r", guild_id, interaction.user.id, event.id, plan.fact_id
    )
    try:
        await bot.store.remember_premiere_event(
            guild_id, plan.fact_id, event.id, plan.premiere, interaction.user.id
        )
    except StorageUnwritable as error:
        storage_message(error)  # logs it for the host
        return Outcome(_render.not_remembered(url))
    return Outcome(_render.event_created(plan, url, replaced=replaced))


async def _fetch(interaction: Interaction, event_id: int) -> discord.ScheduledEvent | None:
    """The event, or None if it was deleted (or cancelled, or is over) in Discord."""
    guild = interaction.guild
    if guild is None:
        return None
    try:
        event = await guild.fetch_scheduled_event(event_id, with_counts=False)
    except discord.NotFound:
        return None
    return None if event.status in _GONE else event


def _refused_by_discord(error: discord.HTTPException, guild_id: int, fact_id: str) -> str:
    log.warning("guild %s: Discord refused the event of %r: %s", guild_id, fact_id, error)
    return _render.discord_refused(error.status, error.text)


@asynccontextmanager
async def _one_at_a_time(guild_id: int, fact_id: str) -> AsyncIterator[None]:
    lock = _locks.get((guild_id, fact_id))
    if lock is None:
        lock = _locks[(guild_id, fact_id)] = asyncio.Lock()
    async with lock:
        yield


async def run(bot: FanBot, interaction: Interaction, guild_id: int, stored: StoredFact) -> None:
    """The ``/fact event`` command: answered privately, deferred if Discord is slow."""
    work = schedule(bot, interaction, guild_id, stored)
    outcome = await in_time(interaction, work, ephemeral=True)
    view = {} if outcome.view is None else {"view": outcome.view}
    await reply(interaction, content=outcome.text, ephemeral=True, **view)
