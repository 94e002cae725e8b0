"""A gap answered with an existing fact: a group's questions added as questions of a fact in
one audited change (which are added, which it already has, which it cannot take and why),
and the group leaving the list; on a real SQLite file."""

from __future__ import annotations

import pytest

from bot import constants
from bot.core.answers import AnswerService
from bot.core.curation import CurationService, WhyNotAdded
from bot.core.gaps import GapService
from bot.core.pack import Pack
from bot.core.store import AuditAction, FactStore, StaleRevision, UnknownFact
from tests.conftest import UNSURE
from tests.core.factories import make_fact
from tests.core.test_gaps import GUILD, MOD, OTHER_GUILD, SOUNDTRACK, asked

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

KATE = UNSURE
KATE_FACT = "keri-russell-on-kate"
KATE_QUESTION = "What did Keri Russell say about Kate?"  # one it has in the pack


@pytest.fixture
def curation(store: FactStore, service: AnswerService, pack: Pack) -> CurationService:
    return CurationService(store, service, pack)


async def test_new_questions_are_added_in_one_audited_change_and_the_rest_said_why(
    curation: CurationService, service: AnswerService, store: FactStore
) -> None:
    too_long = "why " + "a" * constants.QUESTION_MAX_CHARS
    result = await curation.add_questions(
        GUILD,
        KATE_FACT,
        [
            KATE,
            "what  about KATE",  # the same question, folded: once
            KATE_QUESTION.lower(),  # the fact has it already
            "@everyone who is kate",  # a mention: no fact may hold it
            too_long,
            "When does Season 2 come out?",  # another fact answers it
            "Is Kate fun to play?",
        ],
        actor_id=MOD,
        guild_name="Fans",
    )
    assert result.added == (KATE, "Is Kate fun to play?")
    assert result.already == (KATE_QUESTION.lower(),)
    assert [(n.question, n.why) for n in result.not_added] == [
        ("@everyone who is kate", WhyNotAdded.INVALID),
        (too_long, WhyNotAdded.INVALID),
        ("When does Season 2 come out?", WhyNotAdded.ANSWERED_ELSEWHERE),
    ]
    mention, long, elsewhere = result.not_added
    assert "mention" in " ".join(mention.problems)
    assert "characters long; the limit is 100" in " ".join(long.problems)
    assert elsewhere.other is not None and elsewhere.other.id == "s2-premiere"

    stored = result.stored
    assert stored.origin == "override" and stored.fact.questions[-2:] == result.added
    [entry] = await store.history(GUILD, KATE_FACT)  # one change, by the moderator
    assert entry.action is AuditAction.EDIT and entry.actor_id == MOD
    assert (await service.answer(GUILD, KATE, spoilers=False)).fact == stored.fact
    assert (await service.answer(OTHER_GUILD, KATE, spoilers=False)).fact is None


async def test_the_fact_s_limit_on_questions_is_kept(
    curation: CurationService, store: FactStore
) -> None:
    room = 2
    questions = [f"Is zebra number {n} in the show?" for n in range(1, 26 - room)]
    await store.add(GUILD, make_fact("zebras", topic="general", questions=questions), MOD)
    result = await curation.add_questions(
        GUILD,
        "zebras",
        ["Are there zebras?", "How many zebras are there?", "Do the zebras return?"],
        actor_id=MOD,
    )
    assert result.added == ("Are there zebras?", "How many zebras are there?")
    assert [(n.question, n.why) for n in result.not_added] == [
        ("Do the zebras return?", WhyNotAdded.FACT_FULL)
    ]
    assert len(result.stored.fact.questions) == constants.QUESTIONS_PER_FACT_MAX

    full = await curation.add_questions(GUILD, "zebras", ["Are zebras striped?"], actor_id=MOD)
    assert full.added == () and full.stored.revision == result.stored.revision
    assert [n.why for n in full.not_added] == [WhyNotAdded.FACT_FULL]
    assert len(await store.history(GUILD, "zebras")) == 2  # the add and one edit: no more


async def test_a_fact_this_server_does_not_see_is_refused_and_nothing_changes(
    curation: CurationService, store: FactStore
) -> None:
    await store.add(OTHER_GUILD, make_fact("elsewhere-only"), MOD)
    await curation.remove(GUILD, "premise", expected_revision=None, actor_id=MOD)
    for fact_id in ("no-such-fact", "elsewhere-only", "premise", "Not An Id!"):
        with pytest.raises(UnknownFact):
            await curation.add_questions(GUILD, fact_id, [KATE], actor_id=MOD)
    assert await store.history(GUILD, "elsewhere-only") == []
    assert len(await store.history(GUILD, "premise")) == 1  # the removal only

    stored = await store.get(GUILD, KATE_FACT)
    assert stored is not None
    with pytest.raises(StaleRevision):
        await curation.add_questions(
            GUILD, KATE_FACT, [KATE], actor_id=MOD, expected_revision=stored.revision + 1
        )
    assert await store.history(GUILD, KATE_FACT) == []


async def test_nothing_to_add_changes_nothing(curation: CurationService, store: FactStore) -> None:
    result = await curation.add_questions(GUILD, KATE_FACT, [KATE_QUESTION], actor_id=MOD)
    assert result.added == () and result.already == (KATE_QUESTION,)
    assert result.stored.origin == "pack"
    assert await store.history(GUILD, KATE_FACT) == []


async def test_a_spoiler_fact_takes_the_questions_under_the_spoiler_policy(
    curation: CurationService, service: AnswerService
) -> None:
    question = "who attacked the ship at the end"
    result = await curation.add_questions(GUILD, "s1-finale", [question], actor_id=MOD)
    assert result.added == (question,)
    assert result.stored.fact.spoiler
    assert result.label == "The Season 1 finale (spoilers)"  # what it spoils, nothing of it
    hidden = await service.answer(GUILD, question, spoilers=False)
    assert hidden.fact is not None and hidden.fact.id == "s1-finale" and hidden.withheld
    assert result.stored.fact.answer not in hidden.text


async def test_a_group_answered_with_a_fact_leaves_the_list(
    gaps: GapService, curation: CurationService, service: AnswerService
) -> None:
    answer = await service.answer(GUILD, KATE, spoilers=False)
    assert answer.suggestions and await gaps.note_suggested(GUILD, answer) is not None
    await asked(gaps, service, SOUNDTRACK)
    kate, music = sorted(await gaps.open_groups(GUILD), key=lambda g: g.question != KATE)
    assert await gaps.candidate(GUILD, kate) == answer.suggestions[0].fact_id  # its best guess
    assert await gaps.candidate(GUILD, music) is None

    with pytest.raises(UnknownFact):
        await gaps.answer_group(GUILD, kate.id, "no-such-fact", curation=curation, actor_id=MOD)
    assert len(await gaps.open_groups(GUILD)) == 2  # nothing changed
    assert (
        await gaps.answer_group(OTHER_GUILD, kate.id, KATE_FACT, curation=curation, actor_id=MOD)
        is None
    )

    done = await gaps.answer_group(GUILD, kate.id, KATE_FACT, curation=curation, actor_id=MOD)
    assert done is not None and done.result.added == (KATE,) and done.forgotten == 1
    assert [g.question for g in await gaps.open_groups(GUILD)] == [SOUNDTRACK]
    answered = await service.answer(GUILD, KATE, spoilers=False)
    assert answered.fact is not None and answered.fact.id == KATE_FACT
    assert (
        await gaps.answer_group(GUILD, kate.id, KATE_FACT, curation=curation, actor_id=MOD) is None
    )


async def test_a_group_none_of_whose_questions_can_be_added_stays_listed(
    gaps: GapService, curation: CurationService, service: AnswerService
) -> None:
    await asked(gaps, service, "@everyone who does the music")
    [group] = await gaps.open_groups(GUILD)
    done = await gaps.answer_group(GUILD, group.id, "premise", curation=curation, actor_id=MOD)
    assert done is not None and done.result.added == () and done.forgotten == 0
    assert [n.why for n in done.result.not_added] == [WhyNotAdded.INVALID]
    assert [g.id for g in await gaps.open_groups(GUILD)] == [group.id]
