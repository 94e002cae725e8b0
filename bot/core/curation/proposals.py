"""Facts members propose (``/suggest``) and moderators approve or reject (``/fact review``),
without Discord.

A proposal is checked exactly as a fact is (:mod:`.drafts`: mentions, masked links, lengths,
control characters) before it is filed; its source note as a fact's source. A member has at
most :data:`OPEN_PER_MEMBER` open proposals in a server, and may withdraw an open one
(nothing of it is kept). Approving checks the fact as :meth:`CurationService.add` does, then
adds it (audited under the approving moderator, its source naming the member's suggestion)
and marks the proposal approved in one store transaction: a proposal decided meanwhile gets
no fact. Rejecting keeps the moderator's reason, checked like a source, and who rejected.
The proposer's id is kept only to tell them the outcome, once
(:meth:`ProposalService.outcomes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.curation.drafts import Draft, DraftError, new_fact
from bot.core.curation.service import CurationService
from bot.core.models import Fact, Topic
from bot.core.store import FactStore, Proposal, ProposalNotOpen, StoredFact

OPEN_PER_MEMBER = 5
"""A member's open proposals per server, at most."""
APPROVED_VERB = "Suggested by a member, approved"
"""The approved fact's source: "<this> by the moderators of <server>"."""
_NO_NOTE = "No source given"


class TooManyOpen(Exception):
    """The member already has :data:`OPEN_PER_MEMBER` open proposals in this server."""


class ProposalGone(Exception):
    """The proposal is not open here (decided or withdrawn meanwhile, unknown, another
    server's, or, to withdraw, another member's)."""


class ProposalService:
    """Members' proposals in each server, and moderators' decisions on them."""

    def __init__(
        self,
        store: FactStore,
        curation: CurationService,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.store = store
        self.curation = curation
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    async def file(
        self, guild_id: int, proposer_id: int, question: str, answer: str, note: str
    ) -> int:
        """Check and file a proposal; its id. Raises :class:`DraftError` (what the fact form
        would refuse) or :class:`TooManyOpen`."""
        fact = _checked(question, answer, note)
        filed = await self.store.file_proposal(
            guild_id,
            proposer_id,
            fact.questions[0],
            fact.answer,
            note.strip(),
            now=self.clock(),
            max_open=OPEN_PER_MEMBER,
        )
        if filed is None:
            raise TooManyOpen(proposer_id)
        return filed

    async def open(self, guild_id: int) -> list[Proposal]:
        """This server's open proposals, the oldest first."""
        return await self.store.open_proposals(guild_id)

    async def get(self, guild_id: int, proposal_id: int) -> Proposal | None:
        """One of this server's proposals, if it is still open."""
        proposal = await self.store.proposal(guild_id, proposal_id)
        return proposal if proposal is not None and proposal.status == "open" else None

    async def approve(
        self,
        guild_id: int,
        proposal_id: int,
        draft: Draft,
        *,
        actor_id: int,
        guild_name: str | None = None,
    ) -> StoredFact:
        """Add the fact as the moderator wrote it (from the proposal) and mark the proposal
        approved, in one transaction. Raises :class:`ProposalGone` (nothing added), or what
        :meth:`CurationService.add` raises (the proposal then stays open)."""
        if await self.get(guild_id, proposal_id) is None:
            raise ProposalGone(proposal_id)
        fact = await self.curation.prepare(
            guild_id,
            draft,
            topic=Topic.GENERAL,
            season=None,
            spoiler=False,
            guild_name=guild_name,
            verb=APPROVED_VERB,
        )
        try:
            return await self.store.add_approved(
                guild_id, fact, actor_id, proposal_id, now=self.clock()
            )
        except ProposalNotOpen:
            raise ProposalGone(proposal_id) from None

    async def reject(self, guild_id: int, proposal_id: int, reason: str, *, actor_id: int) -> None:
        """Reject with ``reason`` (checked like a fact's source: :class:`DraftError`).
        Raises :class:`ProposalGone` if it is not open here."""
        checked = _reason(reason)
        done = await self.store.decide_proposal(
            guild_id, proposal_id, "rejected", reason=checked, actor_id=actor_id, now=self.clock()
        )
        if not done:
            raise ProposalGone(proposal_id)

    async def withdraw(self, guild_id: int, proposal_id: int, *, proposer_id: int) -> None:
        """The member ``proposer_id`` takes back their open proposal: it is deleted.
        Raises :class:`ProposalGone` if it is not an open proposal of theirs here."""
        if not await self.store.withdraw_proposal(guild_id, proposal_id, proposer_id):
            raise ProposalGone(proposal_id)

    async def outcomes(self, guild_id: int, proposer_id: int) -> list[Proposal]:
        """The member's decided proposals here not told yet; each is returned once."""
        return await self.store.take_proposal_outcomes(guild_id, proposer_id)


def _checked(question: str, answer: str, note: str) -> Fact:
    draft = Draft(question, answer)
    return new_fact(
        draft, topic=Topic.GENERAL, season=None, spoiler=False, source=note.strip() or _NO_NOTE
    )


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DraftError(["The reason is empty: say why, for the member who proposed it."])
    try:
        new_fact(
            Draft("Why?", "Why."), topic=Topic.GENERAL, season=None, spoiler=False, source=text
        )
    except DraftError as error:
        raise DraftError([p.replace("Source", "The reason", 1) for p in error.problems]) from None
    return text
