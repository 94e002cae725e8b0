"""``/suggest`` (any member) and ``/fact review`` (moderators): members propose facts, and
moderators approve them (the fact form, filled in) or reject them with a reason. The
member's confirmation has **Withdraw**, which takes the proposal back while it is open.

Restart-safe like the rest of ``/fact``: the proposal form, the reason form and the review
buttons carry everything in their custom ids (the moderator who ran ``/fact review``, the
page, the proposal), and submissions are handled from those ids alone
(:func:`on_proposal_submit`). Approve opens the ``/fact add`` form with the purpose
:class:`~._modals.ApproveProposal`. The rules (validation, the limit of open proposals,
telling the proposer once) live in :mod:`bot.core.curation.proposals`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import constants
from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.constants import EMBED_DESCRIPTION_LIMIT, MESSAGE_CONTENT_LIMIT
from bot.core.curation import Draft, DraftError
from bot.core.curation.proposals import OPEN_PER_MEMBER, ProposalGone, TooManyOpen
from bot.core.store import Proposal
from bot.errors import report_storage_trouble
from bot.exts.curation._modals import FAILED, ApproveProposal, FactForm, _values
from bot.exts.curation._render import quoted
from bot.exts.curation._views import allowed
from bot.interactions import Interaction, LogTagged, b36
from bot.responses import NO_MENTIONS, reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

SUGGEST_FORM = "fanbot:suggest-form"
REJECT_PREFIX = "fanbot:reject-form:"
GONE = "That proposal is no longer open (another moderator decided it)."
NOT_WITHDRAWN = (
    "That proposal is no longer open: the moderators decided it, or it was withdrawn. "
    "Only the member who proposed it can withdraw it."
)
WITHDRAWN = "Withdrawn: the moderators will not see this proposal, and nothing of it is kept."
NOTE_MAX = constants.SOURCE_MAX_CHARS
REASON_MAX = 200
_MESSAGE_LIMIT = MESSAGE_CONTENT_LIMIT
_OUTCOME_LINE = 300


class SuggestForm(discord.ui.Modal):
    """The question fans would ask, the proposed answer, a source link or note."""

    def __init__(self) -> None:
        super().__init__(title="Suggest a fact", custom_id=SUGGEST_FORM)
        self.add_item(
            discord.ui.TextInput(
                label="The question fans would ask",
                custom_id="question",
                max_length=constants.QUESTION_MAX_CHARS,
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="The answer you propose",
                custom_id="answer",
                style=discord.TextStyle.paragraph,
                max_length=constants.ANSWER_MAX_CHARS,
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="Source: a link or a note",
                custom_id="note",
                required=False,
                max_length=NOTE_MAX,
            )
        )


class RejectForm(discord.ui.Modal):
    """Why the proposal is rejected (told to the member who proposed it)."""

    def __init__(self, owner: str, proposal_id: int) -> None:
        super().__init__(
            title="Reject the proposal", custom_id=f"{REJECT_PREFIX}{owner}:{b36(proposal_id)}"
        )
        self.add_item(
            discord.ui.TextInput(
                label="Why (the member who proposed it is told)",
                custom_id="reason",
                max_length=REASON_MAX,
            )
        )


class ReviewButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:review:(?P<action>ok|no|go):(?P<owner>[0-9a-z]+):(?P<page>\d+):(?P<id>[0-9a-z]+)",
):
    """**Approve** (``ok``), **Reject** (``no``) or a page (``go``) of ``/fact review``."""

    def __init__(
        self, action: str, owner: str, page: int, proposal_id: int, *, label: str, disabled: bool
    ) -> None:
        styles = {"ok": discord.ButtonStyle.success, "no": discord.ButtonStyle.danger}
        super().__init__(
            discord.ui.Button(
                label=label,
                style=styles.get(action, discord.ButtonStyle.secondary),
                disabled=disabled,
                custom_id=f"fanbot:review:{action}:{owner}:{page}:{b36(proposal_id)}",
            )
        )
        self.action, self.owner, self.page, self.proposal_id = action, owner, page, proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        label = getattr(item, "label", None) or match["action"]
        page, proposal_id = int(match["page"]), int(match["id"], 36)
        return cls(match["action"], match["owner"], page, proposal_id, label=label, disabled=False)

    async def callback(self, interaction: Interaction) -> None:
        if not await allowed(interaction, self.owner) or interaction.guild_id is None:
            return
        bot: FanBot = interaction.client
        if self.action == "go":
            embed, view = await review_listing(bot, interaction.guild_id, self.owner, self.page)
            await interaction.response.edit_message(embed=embed, view=view)
            return
        proposal = await bot.proposals.get(interaction.guild_id, self.proposal_id)
        if proposal is None:
            await reply(interaction, content=GONE, ephemeral=True)
        elif self.action == "ok":
            draft = Draft(proposal.question, proposal.answer)
            await interaction.response.send_modal(FactForm(ApproveProposal(proposal.id), draft))
        else:
            await interaction.response.send_modal(RejectForm(self.owner, proposal.id))


class WithdrawButton(
    LogTagged,
    discord.ui.DynamicItem[discord.ui.Button["discord.ui.View"]],
    template=r"fanbot:withdraw:(?P<id>[0-9a-z]+)",
):
    """**Withdraw** under a member's confirmation of ``/suggest``: takes the proposal back,
    if it is still open and the one clicking proposed it (checked by the store)."""

    def __init__(self, proposal_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Withdraw",
                style=discord.ButtonStyle.secondary,
                custom_id=f"fanbot:withdraw:{b36(proposal_id)}",
            )
        )
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> WithdrawButton:
        return cls(int(match["id"], 36))

    async def callback(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            return
        bot: FanBot = interaction.client
        try:
            await bot.proposals.withdraw(
                interaction.guild_id, self.proposal_id, proposer_id=interaction.user.id
            )
        except ProposalGone:
            await reply(interaction, content=NOT_WITHDRAWN, ephemeral=True)
            return
        except Exception as error:
            if await report_storage_trouble(interaction, error):
                return
            raise
        log.info("guild %s: a member withdrew a proposal", interaction.guild_id)
        await interaction.response.edit_message(
            content=WITHDRAWN, view=None, allowed_mentions=NO_MENTIONS
        )


def proposal_embed(proposal: Proposal, page: int, pages: int) -> discord.Embed:
    """One open proposal, quoted as typed (code blocks: nothing in it is parsed)."""
    parts = [
        f"Proposed <t:{int(proposal.filed_at.timestamp())}:R> by a member.",
        "**Question**" + quoted(proposal.question),
        "**Answer**" + quoted(proposal.answer),
        "**Source**" + quoted(proposal.note or "(none given)"),
    ]
    description = "\n".join(parts)[:EMBED_DESCRIPTION_LIMIT]
    embed = discord.Embed(title="Members' proposals", description=description)
    embed.set_footer(text=f"Proposal {page + 1} of {pages}. Approve opens the fact form.")
    return embed


async def review_listing(
    bot: FanBot, guild_id: int, owner: str, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """Page ``page`` of the server's open proposals (one a page) with its buttons."""
    proposals = await bot.proposals.open(guild_id)
    view = discord.ui.View(timeout=None)
    if not proposals:
        empty = "No open proposals. Members propose facts with `/suggest`."
        return discord.Embed(title="Members' proposals", description=empty), view
    page = min(max(page, 0), len(proposals) - 1)
    proposal = proposals[page]
    for action, label in (("ok", "Approve"), ("no", "Reject")):
        view.add_item(ReviewButton(action, owner, page, proposal.id, label=label, disabled=False))
    if len(proposals) > 1:
        last = len(proposals) - 1
        previous = ReviewButton(
            "go", owner, max(page - 1, 0), 0, label="Previous", disabled=page == 0
        )
        following = ReviewButton(
            "go", owner, min(page + 1, last), 0, label="Next", disabled=page >= last
        )
        for button in (previous, following):
            button.item.row = 1
            view.add_item(button)
    return proposal_embed(proposal, page, len(proposals)), view


async def run_review(bot: FanBot, interaction: Interaction, guild_id: int) -> None:
    """``/fact review``: the first open proposal."""
    embed, view = await review_listing(bot, guild_id, b36(interaction.user.id), 0)
    await reply(interaction, embed=embed, view=view, ephemeral=True)


def _fit(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "\u2026"


async def on_proposal_submit(interaction: Interaction) -> None:
    """File a submitted proposal, or save a rejection; ignore other interactions."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    if custom_id != SUGGEST_FORM and not custom_id.startswith(REJECT_PREFIX):
        return
    typed = _values(data.get("components", []))
    try:
        if interaction.guild_id is None:
            await reply(interaction, content="Proposals are made in a server.", ephemeral=True)
        elif custom_id == SUGGEST_FORM:
            await _file(interaction, interaction.guild_id, typed)
        else:
            await _reject(interaction, interaction.guild_id, custom_id, typed.get("reason", ""))
    except Exception as error:
        if await report_storage_trouble(interaction, error):
            return
        log.exception("A proposal form failed (guild %s)", interaction.guild_id)
        await reply(interaction, content=FAILED, ephemeral=True)


async def _file(interaction: Interaction, guild_id: int, typed: Mapping[str, str]) -> None:
    bot: FanBot = interaction.client
    question, answer, note = (typed.get(k, "") for k in ("question", "answer", "note"))
    try:
        proposal_id = await bot.proposals.file(
            guild_id, interaction.user.id, question, answer, note
        )
    except TooManyOpen:
        text = (
            f"You already have {OPEN_PER_MEMBER} open proposals in this server: wait for the "
            "moderators to review them, then propose more."
        )
        await reply(interaction, content=text, ephemeral=True)
        return
    except DraftError as error:
        problems = "\n".join(f"- {problem}" for problem in error.problems)
        text = (
            f"I couldn't file that proposal:\n{problems}\n\nWhat you typed:"
            f"{quoted(question)}{quoted(answer)}{quoted(note) if note.strip() else ''}"
        )
        await reply(interaction, content=_fit(text), ephemeral=True)
        return
    log.info("guild %s: a member filed a proposal", guild_id)
    text = (
        "Thanks! Your proposal is with this server's moderators. I'll tell you what they "
        "decide the next time you use `/ask` here."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(WithdrawButton(proposal_id))
    await reply(interaction, content=text, view=view, ephemeral=True)


async def _reject(interaction: Interaction, guild_id: int, custom_id: str, reason: str) -> None:
    owner, _, proposal = custom_id.removeprefix(REJECT_PREFIX).partition(":")
    if not is_moderator(interaction):
        await reply(interaction, content=NOT_A_MODERATOR, ephemeral=True)
        return
    if not await allowed(interaction, owner):
        return
    bot: FanBot = interaction.client
    try:
        await bot.proposals.reject(
            guild_id, int(proposal, 36), reason, actor_id=interaction.user.id
        )
    except ProposalGone:
        await reply(interaction, content=GONE, ephemeral=True)
        return
    except (DraftError, ValueError) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        text = "Nothing was rejected: " + " ".join(problems) + quoted(reason)
        await reply(interaction, content=_fit(text), ephemeral=True)
        return
    log.info("guild %s: %s rejected proposal %s", guild_id, interaction.user.id, proposal)
    await reply(interaction, content="Rejected; the member will be told why.", ephemeral=True)


async def tell_outcomes(bot: FanBot, interaction: Interaction) -> None:
    """After a reply to the member: what the moderators decided on their proposals, once,
    privately. Never fails the reply it follows."""
    if interaction.guild_id is None:
        return
    try:
        decided = await bot.proposals.outcomes(interaction.guild_id, interaction.user.id)
    except Exception as error:
        log.warning("guild %s: could not read proposal outcomes: %s", interaction.guild_id, error)
        return
    if not decided:
        return
    lines = [_outcome(proposal)[:_OUTCOME_LINE] for proposal in decided]
    await reply(interaction, content=_fit("\n".join(lines)), ephemeral=True)


def _outcome(proposal: Proposal) -> str:
    question = proposal.question.replace("`", "'")
    if proposal.status == "approved":
        return f"Your proposal `{question}` was approved: fans here get it now. Thank you!"
    reason = (proposal.reason or "").replace("`", "'")
    return f"Your proposal `{question}` was not accepted. The moderators said: `{reason}`"


class SuggestCog(commands.Cog):
    """``/suggest``: any member proposes a fact to this server's moderators (its form is
    saved by :class:`~._cog.CurationCog`'s interaction listener)."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: Interaction, command: app_commands.Command[Any, ..., Any]
    ) -> None:
        """The next time a member uses the bot (any command answered with a message), they
        are told what the moderators decided on their proposals."""
        answered = (
            discord.InteractionResponseType.channel_message,
            discord.InteractionResponseType.deferred_channel_message,
        )
        if interaction.response.type in answered:
            await tell_outcomes(self.bot, interaction)

    @app_commands.command(name="suggest", description="Propose a fact to the moderators")
    @app_commands.guild_only()
    async def suggest(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        await interaction.response.send_modal(SuggestForm())
