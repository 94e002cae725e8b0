"""Fans' commands: /ask, /premise, /cast, /premiere, /recap. Parse, ask the core, render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.checks import user_cooldown
from bot.constants import ASK_MAX_CHARS
from bot.core.catalog import ShownCatalog
from bot.core.models import Topic
from bot.exts.answers import _render
from bot.exts.answers._reveal import recap_view, shown_view
from bot.exts.answers._suggestions import answer_view
from bot.interactions import Interaction, SeasonOption
from bot.responses import in_time, in_time_or_none, reply, with_view

if TYPE_CHECKING:
    from bot.client import FanBot


class AnswersCog(commands.Cog, name="Answers"):
    """Answers from the show's facts; spoilers only for those who ask."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    async def _lookup(self, interaction: Interaction, *, spoilers: bool = False) -> ShownCatalog:
        work = self.bot.answers.lookup(interaction.guild_id, spoilers=spoilers)
        return await in_time(interaction, work)

    @property
    def _show(self) -> str:
        return self.bot.pack.show.name

    @app_commands.command(name="ask", description="Ask anything about the show")
    @app_commands.describe(
        question="Your question, as you would ask a friend",
        spoilers="Show answers that spoil the show (default: no)",
    )
    @user_cooldown()
    async def ask(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, ASK_MAX_CHARS],
        spoilers: bool = False,
    ) -> None:
        answer = await in_time(
            interaction,
            self.bot.answers.answer(interaction.guild_id, question, spoilers=spoilers),
        )
        # A question offered suggestions is recorded first: its buttons carry its id.
        gap_id = await self.bot.gaps.note_suggested(interaction.guild_id, answer)
        view = answer_view(answer, spoilers=spoilers, gap_id=gap_id)
        await reply(interaction, content=answer.text, **with_view(view))
        if gap_id is None:
            self.bot.gaps.note_later(interaction.guild_id, answer)  # after the reply

    @app_commands.command(name="premise", description="What the show is about, spoiler-free")
    @user_cooldown()
    async def premise(self, interaction: Interaction) -> None:
        fact = (await self._lookup(interaction)).premise()
        if fact is None:
            await reply(interaction, content="No premise is on file yet.", ephemeral=True)
            return
        await reply(interaction, embed=_render.premise_embed(self._show, fact))

    @app_commands.command(name="cast", description="Who plays whom")
    @app_commands.describe(name="An actor or a character (leave empty for the whole cast)")
    @user_cooldown()
    async def cast(self, interaction: Interaction, name: str | None = None) -> None:
        catalog = await self._lookup(interaction)
        if name is None:
            await reply(interaction, embed=_render.cast_list_embed(self._show, catalog.cast()))
            return
        fact = catalog.find_cast(name)
        if fact is None:
            message = f"No one in the cast matches {name[:80]!r}. Try `/cast` for everyone."
            await reply(interaction, content=message, ephemeral=True)
            return
        await reply(interaction, embed=_render.cast_member_embed(fact))

    @cast.autocomplete("name")
    async def cast_name_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        catalog = await in_time_or_none(
            self.bot.answers.lookup(interaction.guild_id, spoilers=False)
        )
        if catalog is None:
            return []
        return [
            app_commands.Choice(name=label[:100], value=fact_id)
            for label, fact_id in catalog.cast_choices(current)
        ]

    @app_commands.command(name="premiere", description="When a season premieres")
    @app_commands.describe(season="Which season (default: the newest)")
    @user_cooldown()
    async def premiere(self, interaction: Interaction, season: SeasonOption | None = None) -> None:
        catalog = await self._lookup(interaction)
        fact = catalog.premiere(season)
        if fact is None:
            known = catalog.seasons(Topic.PREMIERE)
            await reply(interaction, content=_render.no_premiere_text(self._show, season, known))
            return
        embed = _render.premiere_embed(self._show, fact)
        await reply(interaction, embed=embed, **with_view(shown_view(fact)))

    @app_commands.command(name="recap", description="Catch up on a season")
    @app_commands.describe(
        season="Which season (default: the newest recapped)",
        spoilers="Include the finale, hidden behind spoiler tags (default: no)",
    )
    @user_cooldown()
    async def recap(
        self,
        interaction: Interaction,
        season: SeasonOption | None = None,
        spoilers: bool = False,
    ) -> None:
        catalog = await self._lookup(interaction, spoilers=spoilers)
        recap = catalog.recap(season)
        if recap is None:
            seasons = ", ".join(map(str, catalog.seasons(Topic.RECAP))) or "none yet"
            which = f"recap of Season {season}" if season else "recap yet"
            text = f"I have no {which}. Recapped seasons: {seasons}."
            await reply(interaction, content=text, ephemeral=True)
            return
        embed = _render.recap_embed(self._show, recap)
        await reply(interaction, embed=embed, **with_view(recap_view(recap)))
