"""Unanswered questions ("gaps"): what is recorded, for how long, and what leaves the list;
on a real SQLite file, with an injected clock."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.core.answers import Answer, AnswerService, Decline
from bot.core.curation import CurationService, Draft
from bot.core.gaps import LOW_CONFIDENCE, GapService, is_gap
from bot.core.models import Topic
from bot.core.pack import Pack
from bot.core.store import FactStore
from tests.conftest import BOTH_ENGINES
from tests.core.factories import START, Clock, disk_full, make_fact

ENGINES = BOTH_ENGINES

GUILD = 1_400_000_000_000_000_001
OTHER_GUILD = 1_400_000_000_000_000_002
MOD = 601
SOUNDTRACK = "Who does the music for the show?"


async def asked(
    gaps: GapService, service: AnswerService, question: str, guild: int = GUILD
) -> bool:
    return await gaps.note(guild, await service.answer(guild, question, spoilers=False))


def test_declined_and_unsure_answers_are_gaps() -> None:
    fact = make_fact()
    assert is_gap(Answer("q", "no", declined=Decline.NO_MATCH))
    assert is_gap(Answer("q", "maybe", fact=fact, score=LOW_CONFIDENCE - 0.1))
    assert not is_gap(Answer("q", "yes", fact=fact, score=LOW_CONFIDENCE))
    assert not is_gap(Answer("", "say something", declined=Decline.EMPTY))


async def test_a_declined_question_is_counted_per_server_with_first_and_last_asked(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    assert await asked(gaps, service, SOUNDTRACK)
    clock.now += dt.timedelta(days=2)
    assert await asked(gaps, service, "who does the MUSIC for the show")  # same folded text
    assert not await asked(gaps, service, "When does Season 2 come out?")  # answered
    [gap] = await gaps.open_gaps(GUILD)
    assert gap.question == "who does the MUSIC for the show"  # as last asked
    assert (gap.asked, gap.first_asked, gap.last_asked) == (2, START, clock.now)
    assert await gaps.open_gaps(OTHER_GUILD) == []


async def test_no_one_who_asked_is_stored(
    gaps: GapService, service: AnswerService, store: FactStore
) -> None:
    await asked(gaps, service, "@everyone <@123> who does the music")
    columns = await store.columns("unanswered")
    rows = await store.table_rows("unanswered")
    assert columns == ["id", "guild_id", "key", "question", "asked", "first_asked", "last_asked"]
    [row] = rows
    assert row[1] == GUILD
    assert row[3] == "@everyone <@123> who does the music"
    assert not any(str(501) in str(value) for value in row)


async def test_old_questions_are_purged_on_write_and_at_start(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    await asked(gaps, service, SOUNDTRACK)
    clock.now += dt.timedelta(days=89)
    await asked(gaps, service, "how tall is keri russell")
    assert len(await gaps.store.unanswered(GUILD, since=START)) == 2
    clock.now += dt.timedelta(days=2)  # the first is 91 days old now
    await asked(gaps, service, "how tall is keri russell", guild=OTHER_GUILD)
    assert [g.key for g in await gaps.store.unanswered(GUILD, since=START)] == [
        "how tall is keri russell"
    ]
    clock.now += dt.timedelta(days=100)
    assert await gaps.purge() == 2
    assert await gaps.store.unanswered(OTHER_GUILD, since=START) == []


async def test_the_list_shows_the_last_30_days_most_asked_first(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    await asked(gaps, service, SOUNDTRACK)
    clock.now += dt.timedelta(days=31)
    for _ in range(2):
        await asked(gaps, service, "how tall is keri russell")
    await asked(gaps, service, "is there a season 3 soundtrack album")
    assert [(g.question, g.asked) for g in await gaps.open_gaps(GUILD)] == [
        ("how tall is keri russell", 2),
        ("is there a season 3 soundtrack album", 1),
    ]


async def test_a_question_a_fact_now_answers_leaves_the_list(
    gaps: GapService, service: AnswerService, store: FactStore, pack: Pack
) -> None:
    await asked(gaps, service, SOUNDTRACK)
    await asked(gaps, service, "how tall is keri russell")
    curation = CurationService(store, service, pack)
    draft = Draft(SOUNDTRACK, "The score is by Mark Isham.")
    await curation.add(GUILD, draft, topic=Topic.GENERAL, season=None, spoiler=False, actor_id=MOD)
    assert [g.question for g in await gaps.open_gaps(GUILD)] == ["how tall is keri russell"]
    assert len(await store.unanswered(GUILD, since=START)) == 1  # forgotten, not only hidden


async def test_dismiss_forgets_a_question_in_its_server_only(
    gaps: GapService, service: AnswerService
) -> None:
    await asked(gaps, service, SOUNDTRACK)
    await asked(gaps, service, SOUNDTRACK, guild=OTHER_GUILD)
    [gap] = await gaps.open_gaps(GUILD)
    [other] = await gaps.open_gaps(OTHER_GUILD)
    assert not await gaps.dismiss(GUILD, other.id)  # another server's question
    assert await gaps.get(GUILD, other.id) is None
    assert await gaps.dismiss(GUILD, gap.id)
    assert await gaps.open_gaps(GUILD) == []
    assert [g.id for g in await gaps.open_gaps(OTHER_GUILD)] == [other.id]


async def test_recording_off_records_nothing_and_forgets_what_was_recorded(
    gaps: GapService, service: AnswerService
) -> None:
    await asked(gaps, service, SOUNDTRACK)
    await asked(gaps, service, SOUNDTRACK, guild=OTHER_GUILD)
    assert await gaps.recording(GUILD)
    assert await gaps.set_recording(GUILD, False) == 1
    assert not await gaps.recording(GUILD)
    assert not await asked(gaps, service, SOUNDTRACK)
    assert await gaps.open_gaps(GUILD) == []
    assert len(await gaps.open_gaps(OTHER_GUILD)) == 1
    await gaps.set_recording(GUILD, True)
    assert await asked(gaps, service, SOUNDTRACK)


async def test_a_storage_failure_while_recording_is_logged_not_raised(
    gaps: GapService,
    service: AnswerService,
    store: FactStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(store, "record_unanswered", disk_full(store))
    with caplog.at_level(logging.WARNING):
        assert not await asked(gaps, service, SOUNDTRACK)
    assert "could not record an unanswered question" in caplog.text
    assert "music" not in caplog.text  # the log says nothing of what was asked


async def test_recording_in_the_background_is_drained(
    gaps: GapService, service: AnswerService
) -> None:
    gaps.note_later(GUILD, await service.answer(GUILD, SOUNDTRACK, spoilers=False))
    gaps.note_later(
        GUILD, await service.answer(GUILD, "When does Season 2 come out?", spoilers=False)
    )
    await gaps.drain()
    assert [g.asked for g in await gaps.open_gaps(GUILD)] == [1]


async def test_questions_in_direct_messages_are_not_recorded(
    gaps: GapService, service: AnswerService
) -> None:
    answer = await service.answer(None, SOUNDTRACK, spoilers=False)
    assert not await gaps.note(None, answer)


async def test_questions_that_mean_the_same_are_grouped_with_summed_counts(
    gaps: GapService, service: AnswerService, clock: Clock
) -> None:
    for _ in range(2):
        await asked(gaps, service, SOUNDTRACK)
    clock.now += dt.timedelta(hours=1)
    await asked(gaps, service, "who does the music")
    await asked(gaps, service, "how tall is keri russell")
    clock.now += dt.timedelta(hours=1)
    await asked(gaps, service, "what is keri russell's height")
    await asked(gaps, service, "how old is rufus sewell")  # another question altogether

    groups = await gaps.open_groups(GUILD)
    assert [(g.question, g.asked) for g in groups] == [
        (SOUNDTRACK, 3),
        ("what is keri russell's height", 2),  # as often as the other, and later
        ("how old is rufus sewell", 1),
    ]
    music, height, age = groups
    assert music.questions == (SOUNDTRACK, "who does the music")
    assert height.questions == ("what is keri russell's height", "how tall is keri russell")
    assert height.last_asked == clock.now and music.last_asked == START + dt.timedelta(hours=1)
    assert age.questions == ("how old is rufus sewell",)

    # Any question of a group finds the group; dismissing it forgets every question in it.
    member = next(g for g in music.members if g.question == "who does the music")
    found = await gaps.group(GUILD, member.id)
    assert found is not None and found.questions == music.questions
    assert await gaps.dismiss_group(GUILD, music.id) == 2
    assert [g.question for g in await gaps.open_groups(GUILD)] == [
        "what is keri russell's height",
        "how old is rufus sewell",
    ]
    assert await gaps.group(GUILD, member.id) is None
