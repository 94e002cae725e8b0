"""The curation service: the steps of ``/fact`` without Discord, on a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.core.answers import AnswerService
from bot.core.curation import (
    CurationService,
    Draft,
    DraftError,
    DuplicateQuestions,
    export_pack,
)
from bot.core.models import Topic
from bot.core.pack import Pack, PackError
from bot.core.store import (
    AlreadyRemoved,
    FactStore,
    NotRemoved,
    StaleRevision,
    StoredFact,
    UnknownFact,
)
from tests.conftest import BOTH_ENGINES
from tests.core.factories import make_fact

ENGINES = BOTH_ENGINES

GUILD = 1_400_000_000_000_000_001
OTHER_GUILD = 1_400_000_000_000_000_002
MOD = 601
NEW = Draft("When does the Season 3 soundtrack come out?", "With the season, on every platform.")


@pytest.fixture
def curation(store: FactStore, service: AnswerService, pack: Pack) -> CurationService:
    return CurationService(store, service, pack)


async def add_soundtrack(curation: CurationService, guild: int = GUILD) -> StoredFact:
    return await curation.add(
        guild,
        NEW,
        topic=Topic.GENERAL,
        season=3,
        spoiler=False,
        actor_id=MOD,
        guild_name="Diplomat Fans",
    )


async def test_add_validates_picks_an_id_and_answers_in_that_server_only(
    curation: CurationService, service: AnswerService
) -> None:
    stored = await add_soundtrack(curation)
    assert stored.fact_id == "s3-general-soundtrack-come-out"
    assert (stored.revision, stored.origin, stored.updated_by) == (1, "guild", MOD)
    assert stored.fact.source == "Added by the moderators of Diplomat Fans"
    again = await add_soundtrack(curation, OTHER_GUILD)
    assert again.fact_id == stored.fact_id  # ids are per server
    answer = await service.answer(GUILD, NEW.questions, spoilers=False)
    assert answer.fact is not None and answer.fact.id == stored.fact_id


async def test_add_refuses_a_bad_draft_and_a_question_another_fact_answers(
    curation: CurationService, store: FactStore
) -> None:
    before = await store.guild_facts(GUILD, include_removed=True)
    with pytest.raises(DraftError) as bad:
        await curation.add(
            GUILD,
            Draft("", "@everyone hi"),
            topic=Topic.GENERAL,
            season=None,
            spoiler=False,
            actor_id=MOD,
        )
    assert len(bad.value.problems) >= 2
    await add_soundtrack(curation)
    with pytest.raises(DuplicateQuestions) as duplicate:
        await add_soundtrack(curation)
    assert [d.question for d in duplicate.value.duplicates] == [NEW.questions]
    assert duplicate.value.duplicates[0].other.id == "s3-general-soundtrack-come-out"
    assert len(await store.guild_facts(GUILD, include_removed=True)) == len(before) + 1


async def test_edit_checks_the_revision_shown_in_the_form(curation: CurationService) -> None:
    stored = await add_soundtrack(curation)
    fixed = Draft(NEW.questions, "The day the season starts.")
    saved = await curation.edit(
        GUILD, stored.fact_id, fixed, expected_revision=1, actor_id=MOD, guild_name=None
    )
    assert (saved.revision, saved.fact.answer) == (2, "The day the season starts.")
    with pytest.raises(StaleRevision) as stale:
        await curation.edit(GUILD, stored.fact_id, NEW, expected_revision=1, actor_id=MOD)
    assert (stale.value.expected, stale.value.actual) == (1, 2)
    with pytest.raises(UnknownFact):
        await curation.edit(GUILD, "no-such-fact", NEW, expected_revision=1, actor_id=MOD)


async def test_remove_and_restore_check_the_revision(
    curation: CurationService, store: FactStore
) -> None:
    pack_fact = await store.get(GUILD, "s1-finale")
    assert pack_fact is not None
    with pytest.raises(StaleRevision):
        await curation.remove(
            GUILD, "s1-finale", expected_revision=pack_fact.revision + 1, actor_id=MOD
        )
    assert await store.get(GUILD, "s1-finale") is not None
    hidden = await curation.remove(
        GUILD, "s1-finale", expected_revision=pack_fact.revision, actor_id=MOD
    )
    assert hidden.removed and await store.get(GUILD, "s1-finale") is None
    assert await store.get(OTHER_GUILD, "s1-finale") is not None
    with pytest.raises(AlreadyRemoved):
        await curation.remove(GUILD, "s1-finale", expected_revision=None, actor_id=MOD)
    await curation.restore(GUILD, "s1-finale", actor_id=MOD)
    with pytest.raises(NotRemoved):
        await curation.restore(GUILD, "s1-finale", actor_id=MOD)


async def test_two_confirmed_removals_of_one_revision_remove_once(
    curation: CurationService, store: FactStore
) -> None:
    stored = await add_soundtrack(curation)
    results = await asyncio.gather(
        *(
            curation.remove(GUILD, stored.fact_id, expected_revision=1, actor_id=mod)
            for mod in (MOD, MOD + 1)
        ),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleRevision", "StoredFact"]
    assert [e.action for e in await store.history(GUILD, stored.fact_id)] == ["add", "remove"]


async def test_import_hides_known_ids_and_skips_unknown_ones_in_one_go(
    curation: CurationService, store: FactStore, pack: Pack
) -> None:
    finale = await store.get(GUILD, "s1-finale")
    assert finale is not None
    text = export_pack(
        show=pack.show,
        pack_sources=pack.sources,
        facts=[make_fact("own-fact", topic="general")],
        hidden=[finale.fact, make_fact("no-such-fact")],
        server="Diplomat Fans",
        when=dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
    )
    data = text.encode()
    try:
        report = await curation.import_pack(GUILD, data, "facts.toml", actor_id=MOD)
    except PackError as error:  # the file format is packfile's; show why if it changed
        pytest.fail("\n".join(map(str, error.problems)))
    assert (report.added, report.hidden, report.skipped) == (
        ("own-fact",),
        ("s1-finale",),
        ("no-such-fact",),
    )
    with pytest.raises(PackError):
        await curation.import_pack(GUILD, b"\xff not toml", "bad.toml", actor_id=MOD)
