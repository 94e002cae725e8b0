"""Suggestion picks end to end: a fan's click on a "did you mean" button is counted under the
question they asked (never who clicked), shown in /fact gaps, and turned into a question of
the picked fact by the moderator, through the fake Discord."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from typing import Any

import pytest

from bot.client import FanBot
from tests.conftest import UNSURE
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, moderator
from tests.e2e.test_curation import buttons, said
from tests.e2e.test_gaps import gaps, recorded
from tests.fakediscord import FakeDiscord, payloads

# A declined question is their subject (see tests/conftest.py, UNSURE).
pytestmark = pytest.mark.usefixtures("unsure_is_declined")

KATE = UNSURE
KATE_FACT = "keri-russell-on-kate"


async def picks_in(bot: FanBot, guild: int) -> list[tuple[str, str, int]]:
    with closing(sqlite3.connect(bot.store.path)) as db:
        rows = db.execute(
            "SELECT question, fact_id, picks FROM suggestion_picks WHERE guild_id = ?", (guild,)
        ).fetchall()
    return [(str(q), str(f), int(n)) for q, f, n in rows]


async def picked(bot: FanBot, guild: int, count: int) -> None:
    for _ in range(200):
        if sum(n for _, _, n in await picks_in(bot, guild)) == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} picks never recorded in {guild}")


async def ask_and_pick(fake: FakeDiscord, fact_id: str, *, guild: int = GUILD) -> dict[str, Any]:
    sent = await fake.slash("ask", {"question": KATE}, guild_id=guild, member=fan())
    body = await sent.response()
    offered = {
        c["custom_id"].split(":")[3]: c for r in body["data"]["components"] for c in r["components"]
    }
    button = offered[fact_id]
    assert len(button["custom_id"]) <= 100
    assert sent.message is not None
    click = await fake.click(sent.message, button["custom_id"], guild_id=guild, member=fan())
    return await click.response()


async def test_a_click_on_a_suggestion_is_counted_under_the_question(
    fake: FakeDiscord, bot: FanBot
) -> None:
    answered = await ask_and_pick(fake, KATE_FACT)
    assert answered["type"] == 4 and "Keri Russell" in answered["data"]["content"]
    await picked(bot, GUILD, 1)
    assert await picks_in(bot, GUILD) == [(KATE, KATE_FACT, 1)]
    with closing(sqlite3.connect(bot.store.path)) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(suggestion_picks)")}
    assert not any("user" in c or "actor" in c or "member" in c for c in columns)
    assert await picks_in(bot, OTHER_GUILD) == []


async def test_an_old_style_button_still_answers_and_records_nothing(
    fake: FakeDiscord, bot: FanBot
) -> None:
    old = {"type": 2, "style": 2, "label": "Kate", "custom_id": f"fanbot:suggest:0:{KATE_FACT}"}
    message = payloads.message(
        channel_id=GUILD + 1,
        guild_id=GUILD,
        author=fake.bot_user,
        content="Did you mean:",
        components=[{"type": 1, "components": [old]}],
    )
    click = await fake.click(message, old["custom_id"], guild_id=GUILD, member=fan())
    answered = await click.response()
    assert answered["type"] == 4 and "Keri Russell" in answered["data"]["content"]
    await asyncio.sleep(0.1)
    assert await picks_in(bot, GUILD) == []


async def test_gaps_show_the_pick_and_its_button_adds_the_question_to_that_fact(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await ask_and_pick(fake, KATE_FACT)
    await picked(bot, GUILD, 1)
    await recorded(bot, GUILD, 1)
    kate = await bot.answers.shown_fact(GUILD, KATE_FACT, spoilers=False)
    assert kate is not None

    sent, data = await gaps(fake)
    description = data["embeds"][0]["description"]
    assert f"picked **{kate.label}**" in description
    add = [c for label, c in buttons(data).items() if label.startswith("1: Add as a question of")]
    assert add and kate.label[:20] in add[0]["label"]
    assert sent.message is not None

    refused = await fake.click(sent.message, add[0]["custom_id"], guild_id=GUILD, member=fan())
    assert (await said(refused))["content"].startswith("Only the moderator who ran this")

    done = await (
        await fake.click(sent.message, add[0]["custom_id"], guild_id=GUILD, member=moderator())
    ).response()
    assert done["type"] == 7, done
    assert "Added" in done["data"]["content"] and KATE in done["data"]["content"]
    assert KATE not in done["data"]["embeds"][0]["description"]
    assert done["data"]["allowed_mentions"]["parse"] == []

    again = await fake.slash("ask", {"question": KATE}, guild_id=GUILD, member=fan())
    assert (await again.response())["data"]["content"] == kate.message()
    [entry] = await bot.store.history(GUILD, KATE_FACT)
    assert entry.actor_id == int(moderator()["user"]["id"])

    elsewhere = await fake.slash("ask", {"question": KATE}, guild_id=OTHER_GUILD, member=fan())
    assert (await elsewhere.response())["data"]["content"] != kate.message()
    _, other = await gaps(fake, guild=OTHER_GUILD)
    assert "picked" not in str(other)
