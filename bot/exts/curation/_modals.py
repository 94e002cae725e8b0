"""The fact form (a modal): questions and answer in, a saved fact or a quoted refusal out.

``/fact add`` and ``/fact edit`` open the same form; what happens on submit is a
:class:`NewFact` or an :class:`EditFact`. Refused input comes back ephemerally with
everything the moderator typed and a button that reopens the form filled in with it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot import constants
from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.core import curation
from bot.core.curation import Draft, DraftError
from bot.core.models import Fact, Topic
from bot.core.store import FactError, StoredFact
from bot.errors import report_storage_trouble
from bot.exts.curation import _render
from bot.responses import in_time, reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

# Modals and views are generic over the client; ``interaction.client`` is the FanBot.
Interaction = discord.Interaction[Any]
FORM_TIMEOUT = 30 * 60.0  # seconds a moderator has to fill the form in
QUESTIONS_BOX_MAX = constants.QUESTIONS_PER_FACT_MAX * (constants.QUESTION_MAX_CHARS + 1)
_TITLE_MAX = 45


@dataclass(frozen=True)
class NewFact:
    """What ``/fact add`` asked for besides the form."""

    topic: Topic
    season: int | None
    spoiler: bool

    def title(self) -> str:
        season = f", Season {self.season}" if self.season else ""
        return f"New {self.topic.value} fact{season}" + (" (spoiler)" if self.spoiler else "")

    async def save(self, interaction: Interaction, draft: Draft) -> None:
        """Validate, check for duplicate questions, pick an id, add; or refuse."""
        bot, guild_id = _bot(interaction), _guild(interaction)
        guild_name = interaction.guild.name if interaction.guild else None
        source = curation.moderator_source(guild_name)
        try:
            fact = curation.new_fact(
                draft, topic=self.topic, season=self.season, spoiler=self.spoiler, source=source
            )
        except DraftError as error:
            await refuse(interaction, self, draft, error.problems)
            return
        duplicates = curation.find_duplicates(await bot.answers.index_for(guild_id), fact)
        if duplicates:
            await refuse(interaction, self, draft, [str(d) for d in duplicates])
            return
        stem = curation.fact_stem(self.topic, self.season, fact.questions, spoiler=self.spoiler)
        fact = curation.with_id(fact, await bot.store.new_fact_id(guild_id, stem))
        try:
            stored = await bot.store.add(guild_id, fact, interaction.user.id)
        except FactError as error:  # a concurrent add took the id
            await refuse(interaction, self, draft, [str(error)])
            return
        log.info("guild %s: %s added fact %r", guild_id, interaction.user.id, fact.id)
        await _confirm(interaction, stored, verb="Added")


@dataclass(frozen=True)
class EditFact:
    """``/fact edit``: the fact as it was shown in the form, and its revision then."""

    old: Fact
    revision: int

    def title(self) -> str:
        return f"Edit {self.old.id}"

    async def save(self, interaction: Interaction, draft: Draft) -> None:
        """Validate, check new questions for duplicates, save unless it changed meanwhile."""
        bot, guild_id = _bot(interaction), _guild(interaction)
        guild_name = interaction.guild.name if interaction.guild else None
        try:
            fact = curation.edited_fact(
                draft,
                self.old,
                cited_sources=bot.pack.sources,
                correction_source=curation.moderator_source(guild_name, verb="Corrected"),
            )
        except DraftError as error:
            await refuse(interaction, self, draft, error.problems)
            return
        index = await bot.answers.index_for(guild_id)
        duplicates = curation.find_duplicates(index, fact, known=self.old.questions)
        if duplicates:
            await refuse(interaction, self, draft, [str(d) for d in duplicates])
            return
        try:
            stored = await bot.store.edit(
                guild_id, fact, interaction.user.id, expected_revision=self.revision
            )
        except FactError as error:  # changed or removed meanwhile
            await refuse(interaction, self, draft, [str(error)])
            return
        log.info("guild %s: %s edited fact %r", guild_id, interaction.user.id, fact.id)
        await _confirm(interaction, stored, verb="Saved")


Purpose = NewFact | EditFact


class FactForm(discord.ui.Modal):
    """Two boxes: the questions fans ask (custom id ``question``) and the ``answer``."""

    def __init__(self, purpose: Purpose, draft: Draft | None = None) -> None:
        super().__init__(
            title=purpose.title()[:_TITLE_MAX],
            timeout=FORM_TIMEOUT,
            custom_id=f"fanbot:fact-form:{secrets.token_hex(8)}",
        )
        self.purpose = purpose
        self.questions: discord.ui.TextInput[FactForm] = discord.ui.TextInput(
            label="Questions fans ask, one per line",
            custom_id="question",
            style=discord.TextStyle.paragraph,
            placeholder="When does Season 3 come out?\nIs there a Season 3 release date?",
            default=draft.questions[:QUESTIONS_BOX_MAX] if draft else None,
            max_length=QUESTIONS_BOX_MAX,
        )
        self.answer: discord.ui.TextInput[FactForm] = discord.ui.TextInput(
            label="Answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            placeholder="What the bot should reply, as fans will read it.",
            default=draft.answer[: constants.ANSWER_MAX_CHARS] if draft else None,
            max_length=constants.ANSWER_MAX_CHARS,
        )
        self.add_item(self.questions)
        self.add_item(self.answer)

    @classmethod
    def editing(cls, stored: StoredFact) -> FactForm:
        """The form filled in with ``stored``'s questions and answer."""
        fact = stored.fact
        draft = Draft("\n".join(fact.questions), fact.answer)
        return cls(EditFact(fact, stored.revision), draft)

    async def on_submit(self, interaction: Interaction) -> None:
        draft = Draft(self.questions.value, self.answer.value)
        if not is_moderator(interaction):
            await reply(interaction, content=NOT_A_MODERATOR, ephemeral=True)
            return
        await in_time(interaction, self.purpose.save(interaction, draft), ephemeral=True)

    async def on_error(  # type: ignore[override]
        self, interaction: Interaction, error: Exception
    ) -> None:
        if await report_storage_trouble(interaction, error):
            return
        log.error("The fact form failed (guild %s)", interaction.guild_id, exc_info=error)
        message = "Something went wrong on my side. The bot's host can find it in the logs."
        await reply(interaction, content=message, ephemeral=True)


class RetryView(discord.ui.View):
    """One button under a refusal: the form again, filled in with what was typed."""

    def __init__(self, purpose: Purpose, draft: Draft, owner_id: int) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.purpose, self.draft, self.owner_id = purpose, draft, owner_id

    async def interaction_check(self, interaction: Interaction) -> bool:
        if interaction.user.id == self.owner_id and is_moderator(interaction):
            return True
        await reply(interaction, content=NOT_A_MODERATOR, ephemeral=True)
        return False

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: Interaction, button: discord.ui.Button[RetryView]) -> None:
        await interaction.response.send_modal(FactForm(self.purpose, self.draft))


async def refuse(
    interaction: Interaction, purpose: Purpose, draft: Draft, problems: tuple[str, ...] | list[str]
) -> None:
    """Say why nothing was saved, quoting the input, with a button to try again."""
    log.info("guild %s: fact form refused: %s", interaction.guild_id, "; ".join(problems))
    content, file = _render.refused_input(problems, draft)
    view = RetryView(purpose, draft, interaction.user.id)
    if file is None:
        await reply(interaction, content=content, view=view, ephemeral=True)
    else:
        await reply(interaction, content=content, view=view, file=file, ephemeral=True)


async def _confirm(interaction: Interaction, stored: StoredFact, *, verb: str) -> None:
    content, embeds = _render.saved(_bot(interaction).answers, stored, verb=verb)
    await reply(interaction, content=content, embeds=embeds, ephemeral=True)


def _guild(interaction: Interaction) -> int:
    if interaction.guild_id is None:  # /fact is guild-only
        raise RuntimeError("the fact form works in a server only")
    return interaction.guild_id


def _bot(interaction: Interaction) -> FanBot:
    bot: FanBot = interaction.client
    return bot
