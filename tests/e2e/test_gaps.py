"""/fact gaps end to end: fans' unanswered questions, listed for moderators, turned into facts
or dismissed, through the fake Discord."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bot.checks import NOT_A_MODERATOR
from bot.client import FanBot
from bot.settings import Settings
from tests.conftest import UNSURE
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, moderator
from tests.e2e.test_curation import ask, buttons, fact, inputs, said
from tests.fakediscord import FakeDiscord, SentInteraction, payloads, run_bot

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

MUSIC = "Who does the music for the show?"
MUSIC_ANSWER = "The score is by Mark Isham."
START_OF_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


async def recorded(bot: FanBot, guild: int, count: int) -> None:
    """Wait until ``guild`` has ``count`` recorded questions (recorded after the reply)."""
    since = bot.gaps.clock().replace(year=2000)
    for _ in range(200):
        if len(await bot.store.unanswered(guild, since=since)) == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} unanswered questions never recorded in {guild}")


async def gaps(fake: FakeDiscord, *, guild: int = GUILD) -> tuple[SentInteraction, dict[str, Any]]:
    sent = await fact(fake, "gaps", guild=guild)
    return sent, await said(sent)


async def test_a_declined_question_is_listed_with_its_count_and_when(
    fake: FakeDiscord, bot: FanBot
) -> None:
    for _ in range(2):
        assert (await ask(fake, MUSIC)).startswith("I don't have an answer")
    await ask(fake, "When does Season 2 come out?")  # answered: no gap
    await recorded(bot, GUILD, 1)
    _, data = await gaps(fake)
    [embed] = data["embeds"]
    assert f"`{MUSIC}`" in embed["description"]
    assert "asked 2 times" in embed["description"]
    assert "<t:" in embed["description"]
    assert {"Add a fact: 1", "Dismiss 1"} <= set(buttons(data))

    _, elsewhere = await gaps(fake, guild=OTHER_GUILD)
    assert MUSIC not in str(elsewhere)
    assert "No unanswered questions" in elsewhere["embeds"][0]["description"]


async def test_add_a_fact_from_a_gap_answers_it_and_the_gap_leaves(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await ask(fake, MUSIC)
    await recorded(bot, GUILD, 1)
    sent, data = await gaps(fake)
    assert sent.message is not None
    add = buttons(data)["Add a fact: 1"]["custom_id"]
    opened = await (
        await fake.click(sent.message, add, guild_id=GUILD, member=moderator())
    ).response()
    assert opened["type"] == 9, opened
    assert inputs(opened["data"])["question"]["value"] == MUSIC
    submitted = await fake.submit_modal(
        opened["data"],
        {"question": MUSIC, "answer": MUSIC_ANSWER},
        guild_id=GUILD,
        member=moderator(),
    )
    assert (await said(submitted))["content"].startswith("Added")
    assert (await ask(fake, MUSIC)).startswith(MUSIC_ANSWER)
    _, after = await gaps(fake)
    assert MUSIC not in after["embeds"][0]["description"]


async def test_dismiss_removes_a_gap_and_only_its_moderator_may_click(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await ask(fake, MUSIC)
    await ask(fake, "how tall is keri russell")
    await recorded(bot, GUILD, 2)
    sent, data = await gaps(fake)
    assert sent.message is not None
    first = buttons(data)["Dismiss 1"]["custom_id"]
    dismissed_text = data["embeds"][0]["description"].split("\n")[0]

    for stranger in (fan(), moderator(602, "othermod")):
        refused = await fake.click(sent.message, first, guild_id=GUILD, member=stranger)
        assert (await said(refused))["content"].startswith("Only the moderator who ran this")
    assert len(await bot.store.unanswered(GUILD, since=bot.gaps.clock().replace(year=2000))) == 2

    done = await (
        await fake.click(sent.message, first, guild_id=GUILD, member=moderator())
    ).response()
    assert done["type"] == 7, done
    description = done["data"]["embeds"][0]["description"]
    assert dismissed_text.split("`")[1] not in description
    assert len(await bot.store.unanswered(GUILD, since=bot.gaps.clock().replace(year=2000))) == 1


async def test_a_fan_cannot_see_gaps(fake: FakeDiscord, bot: FanBot) -> None:
    await ask(fake, MUSIC)
    await recorded(bot, GUILD, 1)
    data = await said(await fact(fake, "gaps", member=fan()))
    assert data["content"] == NOT_A_MODERATOR
    assert MUSIC not in str(data)


async def test_a_question_that_pings_is_shown_harmlessly(fake: FakeDiscord, bot: FanBot) -> None:
    pinging = "@everyone <@123> who does the music"
    await ask(fake, pinging)
    await recorded(bot, GUILD, 1)
    _, data = await gaps(fake)  # said() checks allowed_mentions: none
    assert f"`{pinging}`" in data["embeds"][0]["description"]
    assert "@everyone" not in (data.get("content") or "")


async def test_mention_answers_are_recorded_too(fake: FakeDiscord, talk: FanBot) -> None:
    text = f"<@{fake.bot_user['id']}> who does the music for the show?"
    await fake.post_message(
        text, author=payloads.user(501, "fan"), guild_id=GUILD, mentions=[fake.bot_user]
    )
    await recorded(talk, GUILD, 1)
    [gap] = await talk.store.unanswered(GUILD, since=talk.gaps.clock().replace(year=2000))
    assert gap.question == "who does the music for the show?"


async def test_recording_can_be_turned_off_per_server(fake: FakeDiscord, bot: FanBot) -> None:
    await ask(fake, MUSIC)
    await recorded(bot, GUILD, 1)
    off = await said(await fact(fake, "gaps", {"recording": "off"}))
    assert "off" in off["content"] and "1" in off["content"]
    await ask(fake, MUSIC)
    await ask(fake, MUSIC, guild=OTHER_GUILD)
    await recorded(bot, OTHER_GUILD, 1)
    await recorded(bot, GUILD, 0)
    _, listed = await gaps(fake)
    assert "Recording is off" in listed["embeds"][0]["description"]
    on = await said(await fact(fake, "gaps", {"recording": "on"}))
    assert "on" in on["content"]


async def test_questions_that_mean_the_same_are_one_group_added_and_dismissed_together(
    fake: FakeDiscord, bot: FanBot
) -> None:
    for question in (MUSIC, MUSIC, "who does the music", "how tall is keri russell"):
        await ask(fake, question)
    await recorded(bot, GUILD, 3)
    sent, data = await gaps(fake)
    assert sent.message is not None
    first, second = data["embeds"][0]["description"].split("\n**2.**")
    assert f"`{MUSIC}` · asked 3 times" in first
    assert "also asked as `who does the music`" in first
    assert "keri russell" in second and "Dismiss 3" not in buttons(data)

    add = buttons(data)["Add a fact: 1"]["custom_id"]
    opened = await (
        await fake.click(sent.message, add, guild_id=GUILD, member=moderator())
    ).response()
    assert opened["type"] == 9, opened
    assert inputs(opened["data"])["question"]["value"] == f"{MUSIC}\nwho does the music"

    dismiss = buttons(data)["Dismiss 1"]["custom_id"]
    done = await (
        await fake.click(sent.message, dismiss, guild_id=GUILD, member=moderator())
    ).response()
    assert done["type"] == 7, done
    assert "music" not in done["data"]["embeds"][0]["description"]
    assert [g.question for g in await bot.store.unanswered(GUILD, since=START_OF_TIME)] == [
        "how tall is keri russell"
    ]


async def test_the_gaps_buttons_work_after_a_restart(fake: FakeDiscord, settings: Settings) -> None:
    async with run_bot(FanBot(settings), fake) as before:
        for question in (MUSIC, MUSIC, "how tall is keri russell"):
            await ask(fake, question)
        await recorded(before, GUILD, 2)
        sent, data = await gaps(fake)
        assert sent.message is not None
        add, dismiss = (
            buttons(data)[label]["custom_id"] for label in ("Add a fact: 1", "Dismiss 1")
        )
    async with run_bot(FanBot(settings), fake) as after:  # a new process would see the same
        opened = await (
            await fake.click(sent.message, add, guild_id=GUILD, member=moderator())
        ).response()
        assert opened["type"] == 9, opened
        assert inputs(opened["data"])["question"]["value"] == MUSIC

        refused = await fake.click(sent.message, dismiss, guild_id=GUILD, member=fan())
        assert (await said(refused))["content"].startswith("Only the moderator who ran this")
        done = await (
            await fake.click(sent.message, dismiss, guild_id=GUILD, member=moderator())
        ).response()
        assert done["type"] == 7, done
        description = done["data"]["embeds"][0]["description"]
        assert MUSIC not in description and "keri russell" in description
        assert [g.question for g in await after.store.unanswered(GUILD, since=START_OF_TIME)] == [
            "how tall is keri russell"
        ]


KATE = UNSURE
KATE_FACT = "keri-russell-on-kate"


async def kate_gap_listed(fake: FakeDiscord, bot: FanBot) -> tuple[SentInteraction, str, str]:
    """A fan's declined question, listed: the /fact gaps message, the custom id of its
    **Answer with a fact** button, and the bot's first "did you mean" for it."""
    sent = await fake.slash("ask", {"question": KATE}, guild_id=GUILD, member=fan())
    reply = await sent.response()
    assert reply["data"]["content"].startswith("I don't have an answer")
    first_guess = reply["data"]["components"][0]["components"][0]["custom_id"].split(":")[3]
    await recorded(bot, GUILD, 1)
    listed, data = await gaps(fake)
    assert listed.message is not None and f"`{KATE}`" in data["embeds"][0]["description"]
    return listed, buttons(data)["Answer with a fact: 1"]["custom_id"], first_guess


async def test_answer_with_an_existing_fact_makes_it_answer_the_question(
    fake: FakeDiscord, bot: FanBot
) -> None:
    listed, answer, first_guess = await kate_gap_listed(fake, bot)
    assert listed.message is not None
    opened = await (
        await fake.click(listed.message, answer, guild_id=GUILD, member=moderator())
    ).response()
    assert opened["type"] == 9, opened
    assert inputs(opened["data"])["fact_id"]["value"] == first_guess  # the bot's best guess
    submitted = await fake.submit_modal(
        opened["data"], {"fact_id": f" {KATE_FACT} "}, guild_id=GUILD, member=moderator()
    )
    data = await said(submitted)
    assert data["content"].startswith(f"Added 1 question to `{KATE_FACT}`"), data["content"]
    assert "left the list" in data["content"]
    assert KATE not in data["embeds"][0]["description"]  # the list, without it
    kate = await bot.store.get(GUILD, KATE_FACT)
    assert kate is not None and kate.fact.questions[-1] == KATE
    assert (await ask(fake, KATE)).startswith(kate.fact.answer[:60])  # answered with it now
    [entry] = await bot.store.history(GUILD, KATE_FACT)
    assert entry.actor_id == int(moderator()["user"]["id"])
    _, after = await gaps(fake)
    assert KATE not in after["embeds"][0]["description"]


async def test_only_the_moderator_who_listed_gaps_may_answer_one(
    fake: FakeDiscord, bot: FanBot
) -> None:
    listed, answer, _ = await kate_gap_listed(fake, bot)
    assert listed.message is not None
    for stranger in (fan(), moderator(602, "othermod")):
        refused = await fake.click(listed.message, answer, guild_id=GUILD, member=stranger)
        assert (await said(refused))["content"].startswith("Only the moderator who ran this")
    opened = await (
        await fake.click(listed.message, answer, guild_id=GUILD, member=moderator())
    ).response()
    for stranger in (fan(), moderator(602, "othermod")):
        refused = await fake.submit_modal(
            opened["data"], {"fact_id": KATE_FACT}, guild_id=GUILD, member=stranger
        )
        assert (await said(refused))["content"].startswith("Only the moderator who ran this")
    assert await bot.store.history(GUILD, KATE_FACT) == []
    assert (await ask(fake, KATE)).startswith("I don't have an answer")


async def test_an_unknown_fact_id_is_refused_and_nothing_changes(
    fake: FakeDiscord, bot: FanBot
) -> None:
    listed, answer, _ = await kate_gap_listed(fake, bot)
    assert listed.message is not None
    opened = await (
        await fake.click(listed.message, answer, guild_id=GUILD, member=moderator())
    ).response()
    typed = "@everyone no-such-fact"
    refused = await said(
        await fake.submit_modal(
            opened["data"], {"fact_id": typed}, guild_id=GUILD, member=moderator()
        )
    )
    assert refused["content"].startswith(f"There is no fact `{typed}` in this server")
    assert "nothing was changed" in refused["content"]
    assert len(await bot.store.unanswered(GUILD, since=START_OF_TIME)) == 1
    _, still = await gaps(fake)
    assert f"`{KATE}`" in still["embeds"][0]["description"]


async def test_the_answer_form_works_after_a_restart(fake: FakeDiscord, settings: Settings) -> None:
    async with run_bot(FanBot(settings), fake) as before:
        listed, answer, _ = await kate_gap_listed(fake, before)
        assert listed.message is not None
        opened = await (
            await fake.click(listed.message, answer, guild_id=GUILD, member=moderator())
        ).response()
    async with run_bot(FanBot(settings), fake) as after:
        submitted = await fake.submit_modal(
            opened["data"], {"fact_id": KATE_FACT}, guild_id=GUILD, member=moderator()
        )
        assert (await said(submitted))["content"].startswith("Added 1 question")
        assert not (await ask(fake, KATE)).startswith("I don't have an answer")
        assert await after.store.unanswered(GUILD, since=START_OF_TIME) == []


async def test_a_spoiler_fact_can_answer_a_gap_and_is_named_without_spoiling(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await ask(fake, MUSIC)
    await recorded(bot, GUILD, 1)
    listed, data = await gaps(fake)
    assert listed.message is not None
    answer = buttons(data)["Answer with a fact: 1"]["custom_id"]
    opened = await (
        await fake.click(listed.message, answer, guild_id=GUILD, member=moderator())
    ).response()
    submitted = await fake.submit_modal(
        opened["data"], {"fact_id": "s1-finale"}, guild_id=GUILD, member=moderator()
    )
    content = (await said(submitted))["content"]
    finale = await bot.store.get(GUILD, "s1-finale")
    assert finale is not None and finale.fact.spoiler and finale.fact.questions[-1] == MUSIC
    assert "The Season 1 finale (spoilers)" in content
    assert finale.fact.answer[:40] not in content
    assert not any(q in content for q in finale.fact.questions[:-1])  # nothing of it shows
    withheld = await ask(fake, MUSIC)  # without spoilers: told what it would spoil
    assert "Season 1 finale" in withheld and finale.fact.answer[:40] not in withheld
