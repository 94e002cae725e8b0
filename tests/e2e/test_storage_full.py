"""The bot's storage is full: moderators are told so in one sentence, the host once per episode.

The database is made full for real with SQLite's ``PRAGMA max_page_count`` (SQLITE_FULL, as
on a full disk), on the running bot's own connection.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import Any

import pytest

from bot.client import FanBot
from bot.core import curation
from bot.errors import STORAGE_FULL
from tests.core.factories import make_fact
from tests.core.test_store_full import LONG, fill_up
from tests.e2e import helpers
from tests.e2e.conftest import GUILD, moderator
from tests.fakediscord import FakeDiscord, SentInteraction

EPHEMERAL = 1 << 6
EPISODE_LOG = "Cannot write the database"


async def said(sent: SentInteraction) -> str:
    """The ephemeral text the bot answered with (after a deferral too)."""
    body = await sent.response()
    data = (await sent.followup()).json if body["type"] == 5 else body["data"]
    assert body["type"] in (4, 5), body
    assert data["flags"] & EPHEMERAL, data
    return str(data["content"])


async def add_by_form(fake: FakeDiscord, question: str) -> str:
    opened = await fake.slash(
        "fact add", {"topic": "trailer", "season": 3}, guild_id=GUILD, member=moderator()
    )
    form = await opened.response()
    assert form["type"] == 9, form
    sent = await fake.submit_modal(
        form["data"], {"question": question, "answer": LONG}, guild_id=GUILD, member=moderator()
    )
    return await said(sent)


async def import_file(fake: FakeDiscord, bot: FanBot) -> str:
    facts = [
        make_fact(f"big-{n}", questions=[f"Is there a Season 3 teaser number {n}?"], answer=LONG)
        for n in range(30)
    ]
    text = curation.export_pack(
        show=bot.pack.show,
        pack_sources=bot.pack.sources,
        facts=facts,
        server="Diplomat Fans",
        when=dt.datetime.now(dt.UTC),
    )
    return await said(await helpers.import_file(fake, text.encode()))


def episode_logs(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith(EPISODE_LOG)]


async def test_a_full_database_is_one_sentence_for_users_and_one_log_line(
    fake: FakeDiscord, bot: FanBot, caplog: pytest.LogCaptureFixture
) -> None:
    before = await bot.store.guild_facts(GUILD, include_removed=True)
    await fill_up(bot.store)

    with caplog.at_level(logging.INFO):
        first = await add_by_form(fake, "Is there a Season 3 trailer?")
        second = await add_by_form(fake, "Is there a Season 3 teaser?")
        imported = await import_file(fake, bot)

    assert first == second == imported == STORAGE_FULL
    assert await bot.store.guild_facts(GUILD, include_removed=True) == before
    [logged] = episode_logs(caplog)  # once for the episode, not for every refused write
    assert logged.levelno == logging.ERROR
    message = logged.getMessage()
    assert str(bot.store.path) in message and "database or disk is full" in message
    assert "MB" in message.split("free space on its disk:")[1]
    assert not [r for r in caplog.records if "Something went wrong" in r.getMessage()]

    # Room again: writes work, and the next time the disk fills up is a new episode.
    await bot.store._run("PRAGMA max_page_count = 1073741823")
    assert (await add_by_form(fake, "Is there a Season 3 trailer?")).startswith("Added fact")
    await fill_up(bot.store)
    with caplog.at_level(logging.INFO):
        assert await import_file(fake, bot) == STORAGE_FULL
    assert len(episode_logs(caplog)) == 2


async def test_the_remove_button_says_so_too(
    fake: FakeDiscord, bot: FanBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = bot.store._run

    async def full_disk(sql: str, params: Any = ()) -> int:
        if sql.startswith("INSERT INTO audit"):  # the hide marker's row went in already
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = 13  # type: ignore[attr-defined]  # SQLITE_FULL
            raise error
        return await real_run(sql, params)

    sent = await fake.slash("fact remove", {"id": "s2-trailer"}, guild_id=GUILD, member=moderator())
    prompt = await sent.response()
    remove = next(
        c
        for row in prompt["data"]["components"]
        for c in row["components"]
        if c["label"] == "Remove"
    )
    monkeypatch.setattr(bot.store, "_run", full_disk)
    assert sent.message is not None
    clicked = await fake.click(
        sent.message, remove["custom_id"], guild_id=GUILD, member=moderator()
    )

    assert await said(clicked) == STORAGE_FULL
    assert await bot.store.get(GUILD, "s2-trailer") is not None  # still there: nothing changed
