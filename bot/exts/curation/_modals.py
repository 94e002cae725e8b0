"""The fact form (a modal): questions and answer in, a saved fact or a quoted refusal out.

``/fact add`` and ``/fact edit`` open the same form; what happens on submit is a
:class:`NewFact` or an :class:`EditFact`. Refused input comes back ephemerally with
everything the moderator typed and a button that reopens the form filled in with it.

Both outlive a restart of the bot. The form's custom id carries its purpose (``add``: topic,
season, spoiler; ``edit``: fact id and the revision shown), and every submission is handled
by :func:`on_form_submit` from that id alone, never by an object kept in memory. The button
is a dynamic item whose custom id carries the moderator and the purpose; it reads what was
typed back from the refusal it is attached to (:mod:`._typed`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot import constants
from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.core.curation import Draft, DraftError, DuplicateQuestions
from bot.core.curation.proposals import ProposalGone
from bot.core.models import Topic
from bot.core.store import FactError, StoredFact
from bot.errors import report_storage_trouble
from bot.exts.curation import _render, _typed
from bot.exts.curation._views import allowed
from bot.interactions import Interaction, LogTagged, b36, bot_of, guild_id_of
from bot.responses import in_time, reply

log = logging.getLogger(__name__)

FORM_PREFIX = "fanbot:fact-form:"
FORM_TIMEOUT = 30 * 60.0  # seconds discord.py keeps an open form's (stateless) object
QUESTIONS_BOX_MAX = constants.QUESTIONS_PER_FACT_MAX * (constants.QUESTION_MAX_CHARS + 1)
FILE_READ_SECONDS = 2.0  # a modal must be the first answer, within Discord's 3 s
DM_ONLY = "The fact form works in a server, not in direct messages."
FAILED = "Something went wrong on my side. The bot's host can find it in the logs."
_TITLE_MAX = 45
_TOPICS = "|".join(re.escape(topic.value) for topic in Topic)
PURPOSE_PATTERN = (
    rf"a:(?P<topic>{_TOPICS}):(?P<season>\d{{0,2}}):(?P<spoiler>[01])"
    r"|e:(?P<revision>[0-9a-z]{1,12}):(?P<fact_id>[a-z0-9-]{1,64})"
    r"|p:(?P<proposal>[0-9a-z]{1,12})"
)
_PURPOSE = re.compile(PURPOSE_PATTERN)


@dataclass(frozen=True)
class NewFact:
    """What ``/fact add`` asked for besides the form."""

    topic: Topic
    season: int | None
    spoiler: bool

    def key(self) -> str:
        """This purpose inside a custom id: ``a:<topic>:<season>:<0|1>``."""
        return f"a:{self.topic.value}:{self.season or ''}:{int(self.spoiler)}"

    def title(self) -> str:
        season = f", Season {self.season}" if self.season else ""
        return f"New {self.topic.value} fact{season}" + (" (spoiler)" if self.spoiler else "")

    async def save(self, interaction: Interaction, draft: Draft) -> None:
        """Add the fact (see :meth:`CurationService.add`), or refuse."""
        guild_name = interaction.guild.name if interaction.guild else None
        try:
            stored = await bot_of(interaction).curation.add(
                guild_id_of(interaction),
                draft,
                topic=self.topic,
                season=self.season,
                spoiler=self.spoiler,
                actor_id=interaction.user.id,
                guild_name=guild_name,
            )
        except (DraftError, DuplicateQuestions, FactError) as error:
            await refuse(interaction, self, draft, _render.form_problems(error))
            return
        log.info(
            "guild %s: %s added fact %r", interaction.guild_id, interaction.user.id, stored.fact_id
        )
        await _confirm(interaction, stored, verb="Added")


@dataclass(frozen=True)
class EditFact:
    """``/fact edit``: the fact shown in the form, and its revision then."""

    fact_id: str
    revision: int

    def key(self) -> str:
        """This purpose inside a custom id: ``e:<revision in base 36>:<fact id>``."""
        return f"e:{b36(self.revision)}:{self.fact_id}"

    def title(self) -> str:
        return f"Edit {self.fact_id}"

    async def save(self, interaction: Interaction, draft: Draft) -> None:
        """Save the form unless the fact changed meanwhile (see
        :meth:`CurationService.edit`), or refuse."""
        guild_name = interaction.guild.name if interaction.guild else None
        try:
            stored = await bot_of(interaction).curation.edit(
                guild_id_of(interaction),
                self.fact_id,
                draft,
                expected_revision=self.revision,
                actor_id=interaction.user.id,
                guild_name=guild_name,
            )
        except (DraftError, DuplicateQuestions, FactError) as error:
            await refuse(interaction, self, draft, _render.form_problems(error))
            return
        log.info(
            "guild %s: %s edited fact %r", interaction.guild_id, interaction.user.id, self.fact_id
        )
        await _confirm(interaction, stored, verb="Saved")


@dataclass(frozen=True)
class ApproveProposal:
    """``/fact review``, Approve: a member's proposal, as the moderator words it."""

    proposal_id: int

    def key(self) -> str:
        """This purpose inside a custom id: ``p:<proposal id in base 36>``."""
        return f"p:{b36(self.proposal_id)}"

    def title(self) -> str:
        return "Approve a member's proposal"

    async def save(self, interaction: Interaction, draft: Draft) -> None:
        """Add the fact and mark the proposal approved (see
        :meth:`ProposalService.approve`), or refuse."""
        guild_name = interaction.guild.name if interaction.guild else None
        try:
            stored = await bot_of(interaction).proposals.approve(
                guild_id_of(interaction),
                self.proposal_id,
                draft,
                actor_id=interaction.user.id,
                guild_name=guild_name,
            )
        except ProposalGone:
            text = "That proposal is no longer open (another moderator decided it)."
            await reply(interaction, content=text, ephemeral=True)
            return
        except (DraftError, DuplicateQuestions, FactError) as error:
            await refuse(interaction, self, draft, _render.form_problems(error))
            return
        log.info(
            "guild %s: %s approved proposal %s as %r",
            interaction.guild_id,
            interaction.user.id,
            self.proposal_id,
            stored.fact_id,
        )
        await _confirm(interaction, stored, verb="Added")


Purpose = NewFact | EditFact | ApproveProposal


def purpose_of(key: str) -> Purpose | None:
    """The purpose a custom id's :meth:`NewFact.key` / :meth:`EditFact.key` names."""
    match = _PURPOSE.fullmatch(key)
    if match is None:
        return None
    if match["fact_id"]:
        return EditFact(match["fact_id"], int(match["revision"], 36))
    if match["proposal"]:
        return ApproveProposal(int(match["proposal"], 36))
    season = int(match["season"]) if match["season"] else None
    return NewFact(Topic(match["topic"]), season, match["spoiler"] == "1")


class FactForm(discord.ui.Modal):
    """Two boxes: the questions fans ask (custom id ``question``) and the ``answer``.

    Only the form's layout: its submission is handled by :func:`on_form_submit`.
    """

    def __init__(self, purpose: Purpose, draft: Draft | None = None) -> None:
        super().__init__(
            title=purpose.title()[:_TITLE_MAX],
            timeout=FORM_TIMEOUT,
            custom_id=FORM_PREFIX + purpose.key(),
        )
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
        return cls(EditFact(stored.fact_id, stored.revision), draft)


async def on_form_submit(interaction: Interaction) -> None:
    """Save or refuse a submitted fact form, whenever it was opened; ignore other interactions."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FORM_PREFIX):
        return
    typed = _values(data.get("components", []))
    draft = Draft(typed.get("question", ""), typed.get("answer", ""))
    try:
        await _submitted(interaction, purpose_of(custom_id.removeprefix(FORM_PREFIX)), draft)
    except Exception as error:
        if await report_storage_trouble(interaction, error):
            return
        log.exception("The fact form failed (guild %s)", interaction.guild_id)
        await reply(interaction, content=FAILED, ephemeral=True)


async def _submitted(interaction: Interaction, purpose: Purpose | None, draft: Draft) -> None:
    if interaction.guild_id is None:
        await reply(interaction, content=DM_ONLY, ephemeral=True)
    elif not is_moderator(interaction):
        await reply(interaction, content=NOT_A_MODERATOR, ephemeral=True)
    elif purpose is None:  # a form of an older version of the bot
        problem = "This form is out of date. Run `/fact add` or `/fact edit` again."
        await refuse(interaction, None, draft, [problem])
    else:
        await in_time(interaction, purpose.save(interaction, draft), ephemeral=True)


def _values(components: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The text inputs of a modal submission by custom id (in action rows or labels)."""
    values: dict[str, str] = {}
    pending = list(components)
    while pending:
        component = pending.pop()
        pending += component.get("components", [])
        if "component" in component:
            pending.append(component["component"])
        if "custom_id" in component and isinstance(component.get("value"), str):
            values[str(component["custom_id"])] = component["value"]
    return values


class RetryButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=rf"fanbot:retry:(?P<owner>[0-9a-z]+):(?P<purpose>{PURPOSE_PATTERN})",
):
    """Under a refusal: the form again, filled in with what was typed."""

    def __init__(self, owner: str, purpose: Purpose) -> None:
        super().__init__(
            discord.ui.Button(
                label="Edit and try again",
                style=discord.ButtonStyle.primary,
                custom_id=f"fanbot:retry:{owner}:{purpose.key()}",
            )
        )
        self.owner, self.purpose = owner, purpose

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RetryButton:
        purpose = purpose_of(match["purpose"])
        if purpose is None:  # the template only matches purposes
            raise ValueError(f"not a fact form purpose: {match['purpose']!r}")
        return cls(match["owner"], purpose)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner):
            return
        draft = await _typed_back(interaction.message)
        if draft is None:
            text = (
                "I couldn't read back what you typed; it is in the message above. "
                "Copy it from there into the form."
            )
            await reply(interaction, content=text, ephemeral=True)
            return
        await interaction.response.send_modal(FactForm(self.purpose, draft))


async def _typed_back(message: discord.Message | None) -> Draft | None:
    """What the refusal ``message`` quotes, from its text or its attached file."""
    if message is None:
        return None
    draft = _typed.from_message(message.content)
    if draft is not None:
        return draft
    file = next((a for a in message.attachments if a.filename == _render.TYPED_FILENAME), None)
    if file is None:
        return None
    try:
        data = await asyncio.wait_for(file.read(), FILE_READ_SECONDS)
    except (discord.HTTPException, TimeoutError):
        log.warning("could not read back %s of message %s", file.filename, message.id)
        return None
    return _typed.from_file(data.decode("utf-8", "replace"))


async def refuse(
    interaction: Interaction,
    purpose: Purpose | None,
    draft: Draft,
    problems: tuple[str, ...] | list[str],
) -> None:
    """Say why nothing was saved, quoting the input, with a button to try again."""
    log.info("guild %s: fact form refused: %s", interaction.guild_id, "; ".join(problems))
    content, file = _render.refused_input(problems, draft)
    extra: dict[str, Any] = {} if file is None else {"file": file}
    if purpose is not None:
        view = discord.ui.View(timeout=None)
        view.add_item(RetryButton(b36(interaction.user.id), purpose))
        extra["view"] = view
    await reply(interaction, content=content, ephemeral=True, **extra)


async def _confirm(interaction: Interaction, stored: StoredFact, *, verb: str) -> None:
    content, embeds = _render.saved(bot_of(interaction).answers, stored, verb=verb)
    await reply(interaction, content=content, embeds=embeds, ephemeral=True)
