"""``/fact``: moderators add, correct, hide, restore, list, export and import this server's
facts. Parse, ask the core and the store, render; the rules live in :mod:`bot.core.curation`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_moderator, moderator_only
from bot.core import curation
from bot.core.curation.packfile import check_upload_size
from bot.core.models import Topic
from bot.core.pack import PackError
from bot.core.store import FactError, StoredFact
from bot.errors import fact_problem
from bot.exts.curation import _events, _gaps, _proposals, _render, _views
from bot.exts.curation._modals import FactForm, NewFact, on_form_submit
from bot.interactions import Interaction, SeasonOption, guild_id_of, tag_logs
from bot.responses import in_time, in_time_or_none, reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

FactId = app_commands.Range[str, 1, 100]
TOPICS = [app_commands.Choice(name=topic.value, value=topic.value) for topic in Topic]
ON_OFF = [app_commands.Choice(name=value, value=value) for value in ("on", "off")]


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class CurationCog(
    commands.GroupCog,
    group_name="fact",
    group_description="Moderators: add, correct or hide this server's facts",
):
    """This server's facts, curated by its moderators; other servers never see them."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        """Fact, proposal and reason forms are saved from their custom id: one opened
        before a restart too."""
        if interaction.type is discord.InteractionType.modal_submit:
            tag_logs(interaction)  # what saving it logs names the server and the shard
        await on_form_submit(interaction)
        await _proposals.on_proposal_submit(interaction)

    # --- writing ---

    @app_commands.command(name="add", description="Add a fact that fans can ask about here")
    @app_commands.describe(
        topic="What the fact is about",
        season="The season it is about, if any",
        spoiler="Show it only to fans who ask for spoilers (default: no)",
    )
    @app_commands.choices(topic=TOPICS)
    @moderator_only()
    async def add(
        self,
        interaction: Interaction,
        topic: app_commands.Choice[str],
        season: SeasonOption | None = None,
        spoiler: bool = False,
    ) -> None:
        await interaction.response.send_modal(
            FactForm(NewFact(Topic(topic.value), season, spoiler))
        )

    @app_commands.command(name="edit", description="Correct a fact in this server only")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact (start typing its id or question)")
    @moderator_only()
    async def edit(self, interaction: Interaction, fact_id: FactId) -> None:
        stored = await self._visible(interaction, fact_id)
        if stored is not None:
            await interaction.response.send_modal(FactForm.editing(stored))

    @app_commands.command(name="remove", description="Remove a fact, or hide a pack fact, here")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact (start typing its id or question)")
    @moderator_only()
    async def remove(self, interaction: Interaction, fact_id: FactId) -> None:
        stored = await self._visible(interaction, fact_id)
        if stored is None:
            return
        view = _views.removal_view(interaction.user.id, stored.revision, stored.fact_id)
        await reply(interaction, content=_render.removal_prompt(stored), view=view, ephemeral=True)

    @app_commands.command(name="restore", description="Bring back a removed or hidden fact")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The removed fact")
    @moderator_only()
    async def restore(self, interaction: Interaction, fact_id: FactId) -> None:
        guild_id = guild_id_of(interaction)
        try:
            await self.bot.curation.restore(guild_id, fact_id, actor_id=interaction.user.id)
        except FactError as error:
            await reply(interaction, content=_sentence(error), ephemeral=True)
            return
        log.info("guild %s: %s restored %r", guild_id, interaction.user.id, fact_id)
        text = f"Restored {_render.code(fact_id)}: fans in this server get it again."
        await reply(interaction, content=text, ephemeral=True)

    @app_commands.command(
        name="event", description="Make a Discord event for a premiere, with reminders"
    )
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The premiere fact (start typing its id or season)")
    @moderator_only()
    async def event(self, interaction: Interaction, fact_id: FactId) -> None:
        stored = await self._visible(interaction, fact_id)
        if stored is not None:
            await _events.run(self.bot, interaction, guild_id_of(interaction), stored)

    # --- reading ---

    @app_commands.command(name="list", description="This server's own, corrected and hidden facts")
    @app_commands.describe(topic="Only facts about this")
    @app_commands.choices(topic=TOPICS)
    @moderator_only()
    async def list_facts(
        self, interaction: Interaction, topic: app_commands.Choice[str] | None = None
    ) -> None:
        chosen = Topic(topic.value) if topic else None
        work = _views.listing(self.bot, guild_id_of(interaction), interaction.user.id, chosen, 0)
        embed, view = await in_time(interaction, work, ephemeral=True)
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="show", description="A fact with where it comes from")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact (start typing its id or question)")
    @moderator_only()
    async def show(self, interaction: Interaction, fact_id: FactId) -> None:
        stored = await self.bot.store.get(guild_id_of(interaction), fact_id, include_removed=True)
        if stored is None:
            await reply(interaction, content=_unknown(fact_id), ephemeral=True)
            return
        embed = _render.fact_details(self.bot.answers, stored)
        await reply(interaction, embed=embed, ephemeral=True)

    @app_commands.command(name="history", description="Who changed a fact here, and when")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact (start typing its id or question)")
    @moderator_only()
    async def history(self, interaction: Interaction, fact_id: FactId) -> None:
        guild_id = guild_id_of(interaction)
        entries = await self.bot.store.history(guild_id, fact_id)
        known = await self.bot.store.get(guild_id, fact_id, include_removed=True)
        if not entries and known is None:
            await reply(interaction, content=_unknown(fact_id), ephemeral=True)
            return
        await reply(interaction, embed=_render.fact_history(fact_id, entries), ephemeral=True)

    @app_commands.command(
        name="gaps", description="Questions fans asked that the bot could not answer well"
    )
    @app_commands.describe(
        recording="Record unanswered questions here (default: on; off also forgets them)"
    )
    @app_commands.choices(recording=ON_OFF)
    @moderator_only()
    async def gaps(
        self, interaction: Interaction, recording: app_commands.Choice[str] | None = None
    ) -> None:
        work = _gaps.run(
            self.bot, interaction, guild_id_of(interaction), recording.value if recording else None
        )
        await in_time(interaction, work, ephemeral=True)

    @app_commands.command(
        name="stats", description="What fans asked here in 30 days, and facts no one asked"
    )
    @moderator_only()
    async def stats(self, interaction: Interaction) -> None:
        work = self.bot.gaps.stats(guild_id_of(interaction))
        counts = await in_time(interaction, work, ephemeral=True)
        await reply(interaction, embed=_render.fact_stats(counts), ephemeral=True)

    @app_commands.command(name="review", description="Members' proposed facts: approve or reject")
    @moderator_only()
    async def review(self, interaction: Interaction) -> None:
        work = _proposals.run_review(self.bot, interaction, guild_id_of(interaction))
        await in_time(interaction, work, ephemeral=True)

    # --- files ---

    @app_commands.command(name="export", description="This server's facts as a fact-pack file")
    @moderator_only()
    async def export(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        stored = await self.bot.store.guild_facts(guild_id, include_removed=True)
        if not stored:
            text = "This server has no facts of its own, corrections or hidden facts to export."
            await reply(interaction, content=text, ephemeral=True)
            return
        facts = [s.fact for s in stored if not s.removed]
        hidden = [s.fact for s in stored if s.removed]
        text = curation.export_pack(
            show=self.bot.pack.show,
            pack_sources=self.bot.pack.sources,
            facts=facts,
            hidden=hidden,
            server=interaction.guild.name if interaction.guild else str(guild_id),
            when=dt.datetime.now(dt.UTC),
        )
        file = discord.File(io.BytesIO(text.encode("utf-8", "replace")), f"facts-{guild_id}.toml")
        log.info("guild %s: %s exported %d facts", guild_id, interaction.user.id, len(stored))
        summary = (
            f"This server's facts: {len(facts)} facts and {len(hidden)} removed or hidden. "
            "Load the file back (after editing it, or in another server) with `/fact import`."
        )
        await reply(interaction, content=summary, file=file, ephemeral=True)

    @app_commands.command(name="import", description="Add or update facts from a fact-pack file")
    @app_commands.rename(upload="file")
    @app_commands.describe(upload="A .toml file, as /fact export makes it")
    @moderator_only()
    async def import_(self, interaction: Interaction, upload: discord.Attachment) -> None:
        await in_time(interaction, self._import(interaction, upload), ephemeral=True)

    async def _import(self, interaction: Interaction, upload: discord.Attachment) -> None:
        guild_id, name = guild_id_of(interaction), upload.filename
        try:
            check_upload_size(name, upload.size)  # before downloading it
            data = await upload.read()
            report = await self.bot.curation.import_pack(
                guild_id, data, name, actor_id=interaction.user.id
            )
        except PackError as error:
            await reply(interaction, content=_render.pack_problems(error), ephemeral=True)
            return
        except discord.HTTPException:
            text = "I couldn't download that file from Discord; please upload it again."
            await reply(interaction, content=text, ephemeral=True)
            return
        except FactError as error:
            text = (
                f"I couldn't import {_render.code(name)}, nothing was changed: {_sentence(error)}"
            )
            await reply(interaction, content=text, ephemeral=True)
            return
        log.info("guild %s: %s imported %s: %s", guild_id, interaction.user.id, name, report)
        text = _render.import_report(name, report)
        await reply(interaction, content=text, ephemeral=True)

    # --- autocomplete ---

    @edit.autocomplete("fact_id")
    @remove.autocomplete("fact_id")
    async def visible_ids(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        facts = await _quickly(self.bot.store.effective_facts(interaction.guild_id))
        return _choices(facts, current)

    @event.autocomplete("fact_id")
    async def premiere_ids(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        facts = await _quickly(self.bot.store.effective_facts(interaction.guild_id))
        return _choices([s for s in facts if s.fact.topic is Topic.PREMIERE], current)

    @restore.autocomplete("fact_id")
    async def removed_ids(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        own = await _quickly(self.bot.store.guild_facts(interaction.guild_id, include_removed=True))
        return _choices([s for s in own if s.removed], current)

    @show.autocomplete("fact_id")
    @history.autocomplete("fact_id")
    async def any_ids(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        visible = await _quickly(self.bot.store.effective_facts(interaction.guild_id))
        own = await _quickly(self.bot.store.guild_facts(interaction.guild_id, include_removed=True))
        facts = sorted([*visible, *(s for s in own if s.removed)], key=lambda s: s.fact_id)
        return _choices(facts, current)

    # --- helpers ---

    async def _visible(self, interaction: Interaction, fact_id: str) -> StoredFact | None:
        """The fact as fans here get it, or None after telling the moderator why not."""
        guild_id = guild_id_of(interaction)
        stored = await self.bot.store.get(guild_id, fact_id, include_removed=True)
        if stored is not None and not stored.removed:
            return stored
        if stored is None:
            text = _unknown(fact_id)
        else:
            text = f"{_render.code(fact_id)} is removed here; `/fact restore` it first."
        await reply(interaction, content=text, ephemeral=True)
        return None


async def _quickly(work: Awaitable[list[StoredFact]]) -> list[StoredFact]:
    """``work``'s facts, or none if it is slow."""
    return await in_time_or_none(work) or []


def _choices(facts: list[StoredFact], current: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=label, value=fact_id)
        for label, fact_id in curation.fact_choices(facts, current)
    ]


def _unknown(fact_id: str) -> str:
    return _render.unknown_fact(fact_id)


def _sentence(error: FactError) -> str:
    return fact_problem(error)
