"""``/fact stats`` in the core: answers per fact per day, declines and suggestion picks,
counted where the answer outcome is known (:class:`GapService`), per server and never who
asked; on a real SQLite file, with an injected clock."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.core.answers import AnswerService
from bot.core.gaps import GapService
from bot.core.store import FactStore
from tests.conftest import BOTH_ENGINES, UNSURE
from tests.core.factories import Clock, disk_full
from tests.core.test_gaps import GUILD, OTHER_GUILD, SOUNDTRACK

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

ENGINES = BOTH_ENGINES

SEASON_2 = "When does Season 2 come out?"
KATE = UNSURE


async def ask(gaps: GapService, service: AnswerService, question: str, guild: int = GUILD) -> str:
    """Ask as a fan would, recorded as the cogs do; the fact answered (or "")."""
    answer = await service.answer(guild, question, spoilers=False)
    if await gaps.note_suggested(guild, answer) is None:
        await gaps.note(guild, answer)
    return answer.fact.id if answer.fact else ""


async def test_answers_are_counted_per_fact_and_declines_apart(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    premiere = await ask(gaps, service, SEASON_2)
    clock.now += dt.timedelta(days=1)
    await ask(gaps, service, SEASON_2)
    await ask(gaps, service, SOUNDTRACK)  # declined
    await ask(gaps, service, KATE)  # declined, with "did you mean"
    await ask(gaps, service, SEASON_2, guild=OTHER_GUILD)

    stats = await gaps.stats(GUILD)
    assert stats.days == 30 and stats.recording
    assert [(row.fact_id, row.answers) for row in stats.answered] == [(premiere, 2)]
    assert stats.answered[0].label == SEASON_2
    assert stats.declines == 2
    assert stats.picked == ()
    other = await gaps.stats(OTHER_GUILD)
    assert [(row.fact_id, row.answers) for row in other.answered] == [(premiere, 1)]
    assert other.declines == 0


async def test_facts_not_answered_in_30_days_are_stale(
    gaps: GapService, service: AnswerService, store: FactStore, clock: Clock
) -> None:
    premiere = await ask(gaps, service, SEASON_2)
    premise = await ask(gaps, service, "What is the show about?")
    clock.now += dt.timedelta(days=20)
    await ask(gaps, service, "What is the show about?")
    clock.now += dt.timedelta(days=15)  # the premiere answer is 35 days old now

    stats = await gaps.stats(GUILD)
    assert [(row.fact_id, row.answers) for row in stats.answered] == [(premise, 1)]
    stale = {row.fact_id for row in stats.stale}
    visible = {stored.fact_id for stored in await store.effective_facts(GUILD)}
    assert stale == visible - {premise}
    assert premiere in stale
    assert all(row.answers == 0 for row in stats.stale)


async def test_suggestion_clicks_count_as_answers_and_as_picks(
    gaps: GapService, service: AnswerService
) -> None:
    answer = await service.answer(GUILD, KATE, spoilers=False)
    gap_id = await gaps.note_suggested(GUILD, answer)
    assert gap_id is not None
    assert await gaps.note_pick(GUILD, gap_id, "keri-russell-on-kate")
    assert not await gaps.note_pick(GUILD, None, "keri-russell-on-kate")  # an older button
    await gaps.note_pick(GUILD, gap_id, "premise")

    stats = await gaps.stats(GUILD)
    assert [(row.fact_id, row.picks) for row in stats.picked] == [
        ("keri-russell-on-kate", 2),
        ("premise", 1),
    ]
    assert {row.fact_id: row.answers for row in stats.answered} == {
        "keri-russell-on-kate": 2,
        "premise": 1,
    }
    assert stats.declines == 1


async def test_several_questions_in_one_message_count_each_fact(
    gaps: GapService, service: AnswerService
) -> None:
    answer = await service.answer(
        GUILD, "when's season 2 out and who plays the vice president", spoilers=False
    )
    assert len(answer.parts) == 2
    await gaps.note(GUILD, answer)
    stats = await gaps.stats(GUILD)
    assert sorted(row.fact_id for row in stats.answered) == sorted(
        part.fact.id for part in answer.parts if part.fact
    )


async def test_nothing_is_counted_while_recording_is_off_and_off_forgets_the_counts(
    gaps: GapService, service: AnswerService
) -> None:
    await ask(gaps, service, SEASON_2)
    await ask(gaps, service, SOUNDTRACK)
    await ask(gaps, service, SEASON_2, guild=OTHER_GUILD)
    await gaps.set_recording(GUILD, False)
    await ask(gaps, service, SEASON_2)
    stats = await gaps.stats(GUILD)
    assert not stats.recording
    assert (stats.answered, stats.declines) == ((), 0)
    assert len((await gaps.stats(OTHER_GUILD)).answered) == 1


async def test_counts_are_purged_with_the_unanswered_questions_retention(
    gaps: GapService, service: AnswerService, store: FactStore, clock: Clock
) -> None:
    await ask(gaps, service, SEASON_2)
    await ask(gaps, service, SOUNDTRACK)
    clock.now += dt.timedelta(days=91)
    await ask(gaps, service, SEASON_2, guild=OTHER_GUILD)  # any write purges every server
    kept = await store._fetch("SELECT guild_id FROM answer_counts")
    declines = await store._fetch("SELECT guild_id FROM decline_counts")
    assert [tuple(row) for row in kept] == [(OTHER_GUILD,)]
    assert declines == []
    clock.now += dt.timedelta(days=91)
    await gaps.purge()
    assert await store.table_rows("answer_counts") == []


async def test_no_one_who_asked_is_counted(
    gaps: GapService, service: AnswerService, store: FactStore
) -> None:
    await ask(gaps, service, SEASON_2)
    await ask(gaps, service, SOUNDTRACK)
    answers = await store.columns("answer_counts")
    declines = await store.columns("decline_counts")
    assert answers == ["guild_id", "fact_id", "day", "answers", "picks"]
    assert declines == ["guild_id", "day", "declines"]


async def test_a_storage_failure_while_counting_is_logged_not_raised(
    gaps: GapService,
    service: AnswerService,
    store: FactStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(store, "count_answers", disk_full(store))
    with caplog.at_level(logging.WARNING):
        assert await ask(gaps, service, SEASON_2)  # answered all the same
        assert await gaps.note(GUILD, await service.answer(GUILD, SOUNDTRACK, spoilers=False))
    assert "could not count an answer" in caplog.text
    assert "season" not in caplog.text.lower()  # nothing of what was asked
