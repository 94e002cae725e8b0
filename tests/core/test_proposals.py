"""Members' proposals (``/suggest``, ``/fact review``) without Discord, on a real SQLite file."""

from __future__ import annotations

import pytest

from bot.core.answers import AnswerService
from bot.core.curation import CurationService, Draft, DraftError
from bot.core.curation.proposals import (
    OPEN_PER_MEMBER,
    ProposalGone,
    ProposalService,
    TooManyOpen,
)
from bot.core.pack import Pack
from bot.core.store import FactStore
from tests.conftest import BOTH_ENGINES

ENGINES = BOTH_ENGINES

GUILD = 1_400_000_000_000_000_001
OTHER_GUILD = 1_400_000_000_000_000_002
FAN, OTHER_FAN, MOD = 501, 502, 601
QUESTION = "Who does the music for the show?"
ANSWER = "The score is by Mark Isham."


@pytest.fixture
def proposals(store: FactStore, service: AnswerService, pack: Pack) -> ProposalService:
    return ProposalService(store, CurationService(store, service, pack))


async def file(proposals: ProposalService, guild: int = GUILD, fan: int = FAN) -> int:
    return await proposals.file(guild, fan, QUESTION, ANSWER, "https://example.com/music")


async def test_a_proposal_is_filed_open_for_its_server_only(proposals: ProposalService) -> None:
    proposal_id = await file(proposals)
    [proposal] = await proposals.open(GUILD)
    assert proposal.id == proposal_id
    assert (proposal.proposer_id, proposal.question, proposal.answer) == (FAN, QUESTION, ANSWER)
    assert proposal.note == "https://example.com/music"
    assert await proposals.open(OTHER_GUILD) == []
    assert await proposals.get(OTHER_GUILD, proposal_id) is None


@pytest.mark.parametrize(
    ("question", "answer", "note", "problem"),
    [
        ("Who is <@123>?", ANSWER, "", "mention"),
        (QUESTION, "See [here](https://evil.example)", "", "link"),
        (QUESTION, ANSWER, "@everyone look", "everyone"),
        ("", ANSWER, "", "question"),
        (QUESTION, "x" * 1001, "", "1000"),
    ],
)
async def test_a_proposal_is_validated_like_a_fact(
    proposals: ProposalService, question: str, answer: str, note: str, problem: str
) -> None:
    with pytest.raises(DraftError) as raised:
        await proposals.file(GUILD, FAN, question, answer, note)
    assert problem in " ".join(raised.value.problems)
    assert await proposals.open(GUILD) == []


async def test_at_most_five_open_proposals_per_member(proposals: ProposalService) -> None:
    for _ in range(OPEN_PER_MEMBER):
        await file(proposals)
    with pytest.raises(TooManyOpen):
        await file(proposals)
    await file(proposals, fan=OTHER_FAN)  # someone else may
    await file(proposals, guild=OTHER_GUILD)  # and in another server too


async def test_approve_adds_the_fact_credits_the_member_and_tells_the_proposer_once(
    proposals: ProposalService, service: AnswerService, store: FactStore
) -> None:
    proposal_id = await file(proposals)
    stored = await proposals.approve(
        GUILD, proposal_id, Draft(QUESTION, ANSWER), actor_id=MOD, guild_name="Diplomat Fans"
    )
    assert stored.fact.source == (
        "Suggested by a member, approved by the moderators of Diplomat Fans"
    )
    [entry] = await store.history(GUILD, stored.fact_id)
    assert entry.actor_id == MOD
    assert (await service.answer(GUILD, QUESTION, spoilers=False)).text.startswith(ANSWER)
    assert await proposals.open(GUILD) == []
    with pytest.raises(ProposalGone):
        await proposals.approve(GUILD, proposal_id, Draft(QUESTION, ANSWER), actor_id=MOD)
    assert await proposals.outcomes(OTHER_GUILD, FAN) == []
    assert await proposals.outcomes(GUILD, OTHER_FAN) == []
    [told] = await proposals.outcomes(GUILD, FAN)
    assert (told.status, told.question) == ("approved", QUESTION)
    assert await proposals.outcomes(GUILD, FAN) == []


async def test_a_refused_approval_leaves_the_proposal_open(proposals: ProposalService) -> None:
    proposal_id = await file(proposals)
    with pytest.raises(DraftError):
        await proposals.approve(GUILD, proposal_id, Draft(QUESTION, ""), actor_id=MOD)
    assert [p.id for p in await proposals.open(GUILD)] == [proposal_id]


async def test_reject_with_a_reason_tells_the_proposer_once(proposals: ProposalService) -> None:
    proposal_id = await file(proposals)
    with pytest.raises(DraftError):
        await proposals.reject(GUILD, proposal_id, "no <@1> here", actor_id=MOD)
    await proposals.reject(GUILD, proposal_id, "Not confirmed yet.", actor_id=MOD)
    with pytest.raises(ProposalGone):
        await proposals.reject(OTHER_GUILD, proposal_id, "x", actor_id=MOD)
    assert await proposals.open(GUILD) == []
    [told] = await proposals.outcomes(GUILD, FAN)
    assert (told.status, told.reason) == ("rejected", "Not confirmed yet.")
    assert await proposals.outcomes(GUILD, FAN) == []
    for _ in range(OPEN_PER_MEMBER):  # decided ones no longer count
        await file(proposals)


async def test_approval_adds_and_marks_approved_in_one_transaction(
    proposals: ProposalService, store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another moderator rejects the proposal while this one's approval is under way: the
    approval adds nothing (no fact answering a rejected proposal)."""
    proposal_id = await file(proposals)
    new_fact_id = store.new_fact_id

    async def rejected_meanwhile(guild_id: int, stem: str) -> str:
        await proposals.reject(GUILD, proposal_id, "Not confirmed yet.", actor_id=MOD + 1)
        return await new_fact_id(guild_id, stem)

    monkeypatch.setattr(store, "new_fact_id", rejected_meanwhile)
    with pytest.raises(ProposalGone):
        await proposals.approve(GUILD, proposal_id, Draft(QUESTION, ANSWER), actor_id=MOD)
    assert await store.guild_facts(GUILD, include_removed=True) == []
    decided = await store.proposal(GUILD, proposal_id)
    assert decided is not None and decided.status == "rejected"


async def test_who_decided_is_kept_with_the_proposal(
    proposals: ProposalService, store: FactStore
) -> None:
    rejected = await file(proposals)
    approved = await file(proposals)
    await proposals.reject(GUILD, rejected, "Not confirmed yet.", actor_id=MOD)
    await proposals.approve(GUILD, approved, Draft(QUESTION, ANSWER), actor_id=MOD + 1)
    rejection = await store.proposal(GUILD, rejected)
    approval = await store.proposal(GUILD, approved)
    assert rejection is not None and approval is not None
    assert (rejection.status, rejection.decided_by, rejection.reason) == (
        "rejected",
        MOD,
        "Not confirmed yet.",
    )
    assert (approval.status, approval.decided_by) == ("approved", MOD + 1)


async def test_a_member_withdraws_their_own_open_proposal(
    proposals: ProposalService, store: FactStore
) -> None:
    mine = await file(proposals)
    theirs = await file(proposals, fan=OTHER_FAN)
    with pytest.raises(ProposalGone):
        await proposals.withdraw(GUILD, theirs, proposer_id=FAN)  # not mine
    with pytest.raises(ProposalGone):
        await proposals.withdraw(OTHER_GUILD, mine, proposer_id=FAN)  # not that server's
    await proposals.withdraw(GUILD, mine, proposer_id=FAN)
    assert [p.id for p in await proposals.open(GUILD)] == [theirs]
    assert await store.proposal(GUILD, mine) is None  # nothing of it is kept
    with pytest.raises(ProposalGone):
        await proposals.withdraw(GUILD, mine, proposer_id=FAN)
    await proposals.reject(GUILD, theirs, "No.", actor_id=MOD)
    with pytest.raises(ProposalGone):  # decided: too late to withdraw
        await proposals.withdraw(GUILD, theirs, proposer_id=OTHER_FAN)
    assert await proposals.outcomes(GUILD, FAN) == []  # a withdrawal is not told back
