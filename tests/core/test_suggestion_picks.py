"""Suggestion picks: which "did you mean" fact fans picked for a question the bot declined,
kept per server under the recorded question (never who clicked), and a pick turned into a
new phrasing of that fact; on a real SQLite file, with an injected clock."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.answers import AnswerService
from bot.core.curation import CurationService, DuplicateQuestions
from bot.core.gaps import GapService
from bot.core.pack import Pack
from bot.core.store import AuditAction, FactStore
from tests.conftest import BOTH_ENGINES, UNSURE
from tests.core.factories import START, Clock
from tests.core.test_gaps import GUILD, MOD, OTHER_GUILD

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

ENGINES = BOTH_ENGINES

KATE = UNSURE


async def suggested(gaps: GapService, service: AnswerService, guild: int = GUILD) -> int:
    answer = await service.answer(guild, KATE, spoilers=False)
    assert answer.suggestions, answer.text
    gap_id = await gaps.note_suggested(guild, answer)
    assert gap_id is not None
    return gap_id


async def test_a_pick_is_counted_under_the_question_and_shown_with_its_safe_label(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    gap_id = await suggested(gaps, service)
    assert await gaps.note_pick(GUILD, gap_id, "keri-russell-on-kate")
    clock.now = START + dt.timedelta(hours=1)
    assert await gaps.note_pick(GUILD, gap_id, "keri-russell-on-kate")
    assert await gaps.note_pick(GUILD, gap_id, "premise")

    [gap] = await gaps.open_gaps(GUILD)
    picks = (await gaps.picks(GUILD, [gap]))[gap.id]
    assert [(p.fact_id, p.picks) for p in picks] == [("keri-russell-on-kate", 2), ("premise", 1)]
    kate = await service.shown_fact(GUILD, "keri-russell-on-kate", spoilers=False)
    assert kate is not None
    assert picks[0].label == kate.label
    assert picks[0].question == KATE and picks[0].last_picked == START + dt.timedelta(hours=1)

    assert not await gaps.note_pick(OTHER_GUILD, gap_id, "premise")  # not that server's gap
    assert await gaps.picks(OTHER_GUILD, [gap]) == {}


async def test_no_pick_without_a_recorded_question(
    gaps: GapService, service: AnswerService
) -> None:
    gap_id = await suggested(gaps, service)
    assert await gaps.dismiss(GUILD, gap_id)
    assert not await gaps.note_pick(GUILD, gap_id, "premise")
    await gaps.set_recording(GUILD, False)
    answer = await service.answer(GUILD, KATE, spoilers=False)
    assert await gaps.note_suggested(GUILD, answer) is None


async def test_picks_keep_no_user_and_go_with_their_question(
    gaps: GapService, service: AnswerService, store: FactStore, clock: Clock
) -> None:
    gap_id = await suggested(gaps, service)
    await gaps.note_pick(GUILD, gap_id, "premise")
    columns = set(await store.columns("suggestion_picks"))
    assert not {c for c in columns if "user" in c or "actor" in c or "member" in c}
    assert columns == {"id", "guild_id", "key", "question", "fact_id", "picks", "last_picked"}

    clock.now = START + dt.timedelta(days=91)
    assert await gaps.purge() == 1
    assert await store.table_rows("suggestion_picks") == []


async def test_a_pick_becomes_a_question_of_its_fact_in_this_server_only(
    gaps: GapService, service: AnswerService, store: FactStore, pack: Pack
) -> None:
    curation = CurationService(store, service, pack)
    gap_id = await suggested(gaps, service)
    await gaps.note_pick(GUILD, gap_id, "keri-russell-on-kate")
    [gap] = await gaps.open_gaps(GUILD)
    [pick] = (await gaps.picks(GUILD, [gap]))[gap.id]
    assert await gaps.pick(OTHER_GUILD, pick.id) is None
    assert await gaps.pick(GUILD, pick.id) == pick

    stored = await curation.add_question(
        GUILD, pick.fact_id, pick.question, actor_id=MOD, guild_name="Fans"
    )
    assert stored.origin == "override" and stored.fact.questions[-1] == KATE
    assert (await service.answer(GUILD, KATE, spoilers=False)).fact == stored.fact
    assert (await service.answer(OTHER_GUILD, KATE, spoilers=False)).fact is None
    [entry] = await store.history(GUILD, pick.fact_id)
    assert entry.action is AuditAction.EDIT and entry.actor_id == MOD
    assert await gaps.open_gaps(GUILD) == []  # answered now: it leaves the list

    with pytest.raises(DuplicateQuestions):  # another fact answers it now
        await curation.add_question(GUILD, "premise", KATE, actor_id=MOD)
