"""/fact stats end to end: what fans asked here (answers per fact, declines, suggestions
picked) and the facts no fan got, for moderators only, through the fake Discord."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bot.checks import NOT_A_MODERATOR
from bot.client import FanBot
from tests.conftest import UNSURE
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan
from tests.e2e.test_curation import ask, buttons, fact, said
from tests.fakediscord import FakeDiscord, payloads

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

SEASON_2 = "When does Season 2 come out?"
MUSIC = "Who does the music for the show?"


async def counted(bot: FanBot, guild: int, answers: int, declines: int = 0) -> None:
    """Wait until ``guild`` counts ``answers`` answers and ``declines`` declines (counted
    after the reply)."""
    since = dt.date(2000, 1, 1)
    for _ in range(200):
        counts = await bot.store.answer_counts(guild, since=since)
        if (sum(c.answers for c in counts.facts), counts.declines) == (answers, declines):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{answers} answers and {declines} declines never counted in {guild}")


async def stats(fake: FakeDiscord, *, guild: int = GUILD) -> dict[str, Any]:
    [embed] = (await said(await fact(fake, "stats", guild=guild)))["embeds"]
    return dict(embed)


def text_of(embed: dict[str, Any]) -> str:
    fields = embed.get("fields", [])
    return "\n".join(
        [embed.get("description", ""), *(f"{f['name']}\n{f['value']}" for f in fields)]
    )


async def test_moderators_see_answers_per_fact_declines_and_stale_facts(
    fake: FakeDiscord, bot: FanBot
) -> None:
    for _ in range(2):
        await ask(fake, SEASON_2)
    await ask(fake, MUSIC)
    await counted(bot, GUILD, 2, 1)

    embed = await stats(fake)
    shown = text_of(embed)
    most = next(f for f in embed["fields"] if f["name"].startswith("Most answered"))
    assert "`s2-premiere`" in most["value"] and "2" in most["value"]
    assert "**1** declined" in shown
    stale = next(f for f in embed["fields"] if f["name"].startswith("No answer in 30 days"))
    assert "`premise`" in stale["value"] and "s2-premiere" not in stale["value"]
    assert "`s1-finale`" in stale["value"]
    assert "Trowbridge" not in shown  # a spoiler fact is named only by what it spoils

    elsewhere = text_of(await stats(fake, guild=OTHER_GUILD))
    assert "`s2-premiere`" not in elsewhere.split("No answer in 30 days")[0]
    assert "**0** declined" in elsewhere


async def test_a_picked_suggestion_is_listed(fake: FakeDiscord, bot: FanBot) -> None:
    sent = await fake.slash("ask", {"question": UNSURE}, guild_id=GUILD, member=fan())
    body = await sent.response()
    [suggestion, *_] = buttons(body["data"]).values()
    assert sent.message is not None
    await (
        await fake.click(sent.message, suggestion["custom_id"], guild_id=GUILD, member=fan())
    ).response()
    await counted(bot, GUILD, 1, 1)

    embed = await stats(fake)
    picked = next(f for f in embed["fields"] if f["name"].startswith("Picked"))
    fact_id = suggestion["custom_id"].split(":")[3]
    assert f"`{fact_id}`" in picked["value"]


async def test_a_fan_cannot_see_stats(fake: FakeDiscord, bot: FanBot) -> None:
    await ask(fake, SEASON_2)
    data = await said(await fact(fake, "stats", member=fan()))
    assert data["content"] == NOT_A_MODERATOR
    assert "embeds" not in data or not data["embeds"]


async def test_mention_answers_are_counted_too(fake: FakeDiscord, talk: FanBot) -> None:
    text = f"<@{fake.bot_user['id']}> when does season 2 come out?"
    await fake.post_message(
        text, author=payloads.user(501, "fan"), guild_id=GUILD, mentions=[fake.bot_user]
    )
    await counted(talk, GUILD, 1)
    most = next(f for f in (await stats(fake))["fields"] if f["name"] == "Most answered")
    assert "`s2-premiere`" in most["value"]
