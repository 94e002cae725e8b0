"""/fact event end to end: a premiere fact becomes a Discord scheduled event, once."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import Any

import discord
import pytest

from bot.checks import NOT_A_MODERATOR
from bot.client import FanBot
from bot.core import tense
from bot.core.models import PartialDate
from bot.settings import Settings
from tests.core.factories import make_fact
from tests.e2e import helpers
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, moderator
from tests.e2e.test_curation import MOD_ID, buttons, said
from tests.fakediscord import FakeDiscord, SentInteraction, run_bot

TODAY = dt.datetime.now(dt.UTC).date()
PREMIERE = TODAY + dt.timedelta(days=40)
CORRECTED = PREMIERE + dt.timedelta(days=7)
WITHOUT_MANAGE_EVENTS = (
    discord.Permissions.all().value & ~discord.Permissions(manage_events=True).value
)
NEEDS_MANAGE_EVENTS = "I need the **Manage Events** permission in this server"


def link(event: dict[str, Any], guild: int = GUILD) -> str:
    return f"https://discord.com/events/{guild}/{event['id']}"


def noon(day: dt.date) -> str:
    """The event start Discord stores for a premiere on ``day``."""
    return dt.datetime.combine(day, dt.time(tense.PREMIERE_HOUR_UTC), tzinfo=dt.UTC).isoformat()


def s3_pack(day: dt.date) -> bytes:
    """An import file with the server's Season 3 premiere on ``day``."""
    words = tense.long_date(PartialDate(year=day.year, month=day.month, day=day.day))
    return (
        '[show]\nname = "The Diplomat"\nnetwork = "Netflix"\n\n[sources.moderators]\n'
        'title = "Added by the moderators of Diplomat Fans"\n'
        'publisher = "Discord server moderators"\npublished = "2025-03-04"\n\n'
        '[[facts]]\nid = "s3-premiere"\ntopic = "premiere"\nseason = 3\n'
        f'date = {day.isoformat()}\nquestions = ["When does Season 3 come out?"]\n'
        f'answer = "Season 3 premieres on Netflix on {words}. Expect eight episodes."\n'
        'source = "moderators"\n'
    ).encode()


async def import_s3(fake: FakeDiscord, day: dt.date) -> None:
    report = await said(await helpers.import_file(fake, s3_pack(day)))
    assert report["content"].startswith("Imported `facts.toml`:"), report


async def event(
    fake: FakeDiscord,
    fact_id: str = "s3-premiere",
    *,
    guild: int = GUILD,
    member: dict[str, Any] | None = None,
    **ctx: Any,
) -> tuple[SentInteraction, dict[str, Any]]:
    """``/fact event id:fact_id`` by a moderator (unless ``member`` says otherwise)."""
    sent = await fake.slash(
        "fact event", {"id": fact_id}, guild_id=guild, member=member or moderator(), **ctx
    )
    return sent, await said(sent)


def posts(fake: FakeDiscord) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/scheduled-events")]


def patches(fake: FakeDiscord) -> list[Any]:
    return [r for r in fake.requests if r.method == "PATCH" and "/scheduled-events/" in r.path]


# --- creating ----------------------------------------------------------------------------


async def test_event_creates_one_discord_event_for_a_future_premiere(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await import_s3(fake, PREMIERE)
    _, data = await event(fake)
    [made] = fake.scheduled_events_in(GUILD)
    assert made["name"] == "The Diplomat Season 3 premiere"
    assert made["entity_type"] == 3 and made["privacy_level"] == 2
    assert made["entity_metadata"] == {"location": "Netflix"}
    assert made["scheduled_start_time"] == noon(PREMIERE)
    assert made["scheduled_end_time"] == noon(PREMIERE).replace("T12:", "T13:")
    words = tense.long_date(PartialDate.parse(PREMIERE.isoformat()))
    assert made["description"] == (
        f"Season 3 premieres on Netflix on {words}. Expect eight episodes.\n\n"
        "Source: Added by the moderators of Diplomat Fans"
    )
    assert "<t:" not in made["description"]
    assert data["content"].startswith(
        "Created the Discord event **The Diplomat Season 3 premiere**"
    )
    assert link(made) in data["content"] and words in data["content"]
    assert data.get("components", []) == []

    remembered = await bot.store.premiere_event(GUILD, "s3-premiere")
    assert remembered is not None
    assert (remembered.event_id, remembered.premiere) == (int(made["id"]), PREMIERE)
    assert remembered.updated_by == MOD_ID

    # Asked again: the event exists; no second one.
    _, again = await event(fake)
    assert again["content"].startswith("The event for `s3-premiere` already exists:")
    assert link(made) in again["content"]
    assert again.get("components", []) == []
    assert len(fake.scheduled_events_in(GUILD)) == 1 and len(posts(fake)) == 1

    # Another server's moderators make their own.
    await said(await helpers.import_file(fake, s3_pack(PREMIERE), guild=OTHER_GUILD))
    _, other = await event(fake, guild=OTHER_GUILD)
    [theirs] = fake.scheduled_events_in(OTHER_GUILD)
    assert link(theirs, OTHER_GUILD) in other["content"]


async def test_what_gets_no_event_is_refused_clearly(fake: FakeDiscord, bot: FanBot) -> None:
    secret = make_fact(
        "s3-premiere-secret",
        topic="premiere",
        season=3,
        date=PREMIERE.isoformat(),
        spoiler=True,
        spoils="the Season 2 finale",
        questions=["When does the season after the twist start?"],
        answer=f"Season 3 premieres on {PREMIERE.isoformat()}, after Hal dies.",
    )
    await bot.store.add(GUILD, secret, MOD_ID)
    cases = {
        "s2-premiere": "`s2-premiere` premiered on Thursday, October 31, 2024: "
        "only a premiere still to come gets an event.",
        "s1-premiere": "`s1-premiere` is known only to the month (April 2023): "
        "an event needs the day.",
        "premise": "`premise` is not a premiere fact: `/fact event` makes events for premieres.",
        "s3-premiere-secret": "`s3-premiere-secret` is a spoiler fact (The Season 2 finale): "
        "every member sees an event, so I won't make one.",
    }
    for fact_id, expected in cases.items():
        _, data = await event(fake, fact_id)
        assert data["content"] == expected, fact_id
    _, unknown = await event(fake, "no-such-fact")
    assert unknown["content"].startswith("There is no fact `no-such-fact` in this server.")
    assert "Hal" not in str(fake.requests[-1].json)
    assert fake.scheduled_events == {} and posts(fake) == []
    assert await bot.store.premiere_event(GUILD, "s2-premiere") is None


async def test_a_missing_manage_events_permission_is_named(fake: FakeDiscord, bot: FanBot) -> None:
    await import_s3(fake, PREMIERE)
    fake.set_bot_permissions(GUILD, WITHOUT_MANAGE_EVENTS)
    _, data = await event(fake)
    assert data["content"].startswith(NEEDS_MANAGE_EVENTS)
    assert posts(fake) == []  # asked Discord nothing: the interaction said so

    # Discord refuses (403) although the interaction said the bot could: told the same way.
    _, refused = await event(fake, app_permissions=discord.Permissions.all().value)
    assert refused["content"].startswith(NEEDS_MANAGE_EVENTS)
    assert [r.status for r in posts(fake)] == [403]
    assert fake.scheduled_events == {}
    assert await bot.store.premiere_event(GUILD, "s3-premiere") is None

    fake.set_bot_permissions(GUILD, discord.Permissions.all().value)
    _, made = await event(fake)
    assert made["content"].startswith("Created the Discord event")


# --- moving and re-making ------------------------------------------------------------------


async def test_move_the_event_after_the_date_changed_also_after_a_restart(
    fake: FakeDiscord, settings: Settings
) -> None:
    async with run_bot(FanBot(settings), fake):
        await import_s3(fake, PREMIERE)
        await event(fake)
        await import_s3(fake, CORRECTED)  # a moderator imports a corrected date
        sent, prompt = await event(fake)
        old = tense.long_date(PartialDate.parse(PREMIERE.isoformat()))
        new = tense.long_date(PartialDate.parse(CORRECTED.isoformat()))
        assert prompt["content"].startswith(
            f"The event for `s3-premiere` is scheduled for {old}, but the fact now says {new}."
        )
        assert set(buttons(prompt)) == {"Move the event"}
        move = buttons(prompt)["Move the event"]["custom_id"]
        stale, _ = await event(fake)
        assert len(fake.scheduled_events_in(GUILD)) == 1 and patches(fake) == []

    async with run_bot(FanBot(settings), fake) as bot:
        assert sent.message is not None
        stranger = await fake.click(sent.message, move, guild_id=GUILD, member=moderator(602))
        assert (await said(stranger))["content"].startswith("Only the moderator who ran")
        demoted = await fake.click(sent.message, move, guild_id=GUILD, member=fan(MOD_ID))
        assert (await said(demoted))["content"] == NOT_A_MODERATOR
        assert patches(fake) == []

        clicked = await fake.click(sent.message, move, guild_id=GUILD, member=moderator())
        moved = await clicked.response()
        assert moved["type"] == 7 and moved["data"]["components"] == []
        assert moved["data"]["allowed_mentions"] == {"parse": []}
        [made] = fake.scheduled_events_in(GUILD)
        assert moved["data"]["content"] == f"Moved the event to {new}: {link(made)}"
        assert [p.status for p in patches(fake)] == [200]
        assert made["scheduled_start_time"] == noon(CORRECTED)
        assert made["scheduled_end_time"] == noon(CORRECTED).replace("T12:", "T13:")
        assert new in made["description"]
        remembered = await bot.store.premiere_event(GUILD, "s3-premiere")
        assert remembered is not None and remembered.premiere == CORRECTED

        _, again = await event(fake)
        assert again["content"].startswith("The event for `s3-premiere` already exists:")
        assert len(posts(fake)) == 1

        # The Move button of a second prompt, shown before the move, moves nothing.
        assert stale.message is not None
        twice = await fake.click(stale.message, move, guild_id=GUILD, member=moderator())
        assert "already scheduled for" in (await twice.response())["data"]["content"]
        assert len(patches(fake)) == 1


async def test_an_event_deleted_in_discord_is_made_again(fake: FakeDiscord, bot: FanBot) -> None:
    await import_s3(fake, PREMIERE)
    await event(fake)
    [first] = fake.scheduled_events_in(GUILD)
    fake.delete_scheduled_event(int(first["id"]))

    _, data = await event(fake)
    [second] = fake.scheduled_events_in(GUILD)
    assert second["id"] != first["id"]
    assert data["content"].startswith(
        "The event made before was deleted in Discord, so I created a new one"
    )
    assert link(second) in data["content"]
    remembered = await bot.store.premiere_event(GUILD, "s3-premiere")
    assert remembered is not None and remembered.event_id == int(second["id"])

    # Deleted between the prompt and the click: the move makes a new one at the new date.
    await import_s3(fake, CORRECTED)
    sent, prompt = await event(fake)
    fake.delete_scheduled_event(int(second["id"]))
    assert sent.message is not None
    move = buttons(prompt)["Move the event"]["custom_id"]
    clicked = await fake.click(sent.message, move, guild_id=GUILD, member=moderator())
    answer = await clicked.response()
    [third] = fake.scheduled_events_in(GUILD)
    assert third["scheduled_start_time"] == noon(CORRECTED)
    assert answer["data"]["content"].startswith("The event made before was deleted in Discord")
    assert link(third) in answer["data"]["content"]

    # Cancelled in Discord counts as gone too.
    fake.scheduled_events[int(third["id"])]["status"] = 4
    _, cancelled = await event(fake)
    assert cancelled["content"].startswith("The event made before was deleted in Discord")
    assert len(posts(fake)) == 4


# --- who may -------------------------------------------------------------------------------


async def test_fans_cannot_make_events_and_autocomplete_offers_premieres(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await import_s3(fake, PREMIERE)
    _, refused = await event(fake, member=fan())
    assert refused["content"] == NOT_A_MODERATOR
    assert fake.scheduled_events == {}

    async def choices(member: dict[str, Any]) -> list[str]:
        sent = await fake.autocomplete(
            "fact event", {"id": ""}, focused="id", guild_id=GUILD, member=member
        )
        return [c["value"] for c in (await sent.response())["data"]["choices"]]

    assert await choices(fan()) == []
    assert await choices(moderator()) == ["s1-premiere", "s2-premiere", "s3-premiere"]


# --- nothing lost --------------------------------------------------------------------------


async def test_an_event_made_while_storage_is_full_is_reported_with_its_link(
    fake: FakeDiscord,
    bot: FanBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await import_s3(fake, PREMIERE)
    real_run = bot.store._run

    async def full_disk(sql: str, params: Any = ()) -> int:
        if "premiere_events" in sql:
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = 13  # type: ignore[attr-defined]  # SQLITE_FULL
            raise error
        return await real_run(sql, params)

    monkeypatch.setattr(bot.store, "_run", full_disk)
    with caplog.at_level(logging.ERROR):
        _, data = await event(fake)
    [made] = fake.scheduled_events_in(GUILD)
    assert data["content"].startswith(f"The event is in Discord ({link(made)}), but I couldn't")
    assert "please tell the bot's host" in data["content"]
    assert any(r.getMessage().startswith("Cannot write the database") for r in caplog.records)
    assert await bot.store.premiere_event(GUILD, "s3-premiere") is None
