"""The store remembers, per server and premiere fact, the Discord event made for it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.migrations import LATEST_VERSION, MIGRATIONS
from bot.core.store import FactStore, PremiereEvent
from tests.conftest import BOTH_ENGINES

ENGINES = BOTH_ENGINES

GUILD_A = 111_111_111_111_111_111
GUILD_B = 222_222_222_222_222_222
MOD = 42
OTHER_MOD = 43
EVENT = 1_500_000_000_000_000_001
NEW_EVENT = 1_500_000_000_000_000_002
DAY = dt.date(2031, 5, 2)


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[FactStore]:
    async with await FactStore.open(database) as opened:
        yield opened


async def test_an_event_is_remembered_per_server_and_fact_across_reopening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "facts.db"
    async with await FactStore.open(path) as store:
        assert await store.premiere_event(GUILD_A, "s3-premiere") is None
        saved = await store.remember_premiere_event(GUILD_A, "s3-premiere", EVENT, DAY, MOD)
    assert isinstance(saved, PremiereEvent)
    assert saved.guild_id == GUILD_A and saved.fact_id == "s3-premiere"
    assert (saved.event_id, saved.premiere, saved.updated_by) == (EVENT, DAY, MOD)
    assert saved.updated_at.tzinfo is not None

    async with await FactStore.open(path) as store:
        assert await store.premiere_event(GUILD_A, "s3-premiere") == saved
        assert await store.premiere_event(GUILD_B, "s3-premiere") is None
        assert await store.premiere_event(GUILD_A, "s2-premiere") is None


async def test_remembering_another_event_replaces_the_forgotten_one(store: FactStore) -> None:
    await store.remember_premiere_event(GUILD_A, "s3-premiere", EVENT, DAY, MOD)
    later = DAY + dt.timedelta(days=7)
    again = await store.remember_premiere_event(GUILD_A, "s3-premiere", NEW_EVENT, later, OTHER_MOD)
    assert (again.event_id, again.premiere, again.updated_by) == (NEW_EVENT, later, OTHER_MOD)
    assert await store.premiere_event(GUILD_A, "s3-premiere") == again


async def test_a_move_is_saved_only_for_the_event_it_moved(store: FactStore) -> None:
    await store.remember_premiere_event(GUILD_A, "s3-premiere", EVENT, DAY, MOD)
    later = DAY + dt.timedelta(days=1)

    # Meanwhile another moderator's /fact event replaced the event: that one stays.
    assert await store.premiere_event_moved(GUILD_A, "s3-premiere", NEW_EVENT, later, MOD) is None
    unchanged = await store.premiere_event(GUILD_A, "s3-premiere")
    assert unchanged is not None and unchanged.premiere == DAY

    moved = await store.premiere_event_moved(GUILD_A, "s3-premiere", EVENT, later, OTHER_MOD)
    assert moved is not None
    assert (moved.event_id, moved.premiere, moved.updated_by) == (EVENT, later, OTHER_MOD)
    assert await store.premiere_event(GUILD_A, "s3-premiere") == moved


async def test_forgetting_an_event_forgets_only_that_event(store: FactStore) -> None:
    await store.remember_premiere_event(GUILD_A, "s3-premiere", EVENT, DAY, MOD)
    await store.remember_premiere_event(GUILD_B, "s3-premiere", EVENT + 7, DAY, MOD)

    assert not await store.forget_premiere_event(GUILD_A, "s3-premiere", NEW_EVENT)
    assert await store.premiere_event(GUILD_A, "s3-premiere") is not None

    assert await store.forget_premiere_event(GUILD_A, "s3-premiere", EVENT)
    assert await store.premiere_event(GUILD_A, "s3-premiere") is None
    assert await store.premiere_event(GUILD_B, "s3-premiere") is not None
    assert not await store.forget_premiere_event(GUILD_A, "s3-premiere", EVENT)


async def test_events_need_a_real_server(store: FactStore) -> None:
    with pytest.raises(ValueError, match="guild_id"):
        await store.remember_premiere_event(0, "s3-premiere", EVENT, DAY, MOD)
    with pytest.raises(ValueError, match="guild_id"):
        await store.premiere_event(-1, "s3-premiere")


async def test_a_version_1_database_gains_the_events_table_keeping_its_facts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    statements = await _v1_statements()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        for statement in statements:
            db.execute(statement)
        db.execute(
            "INSERT INTO facts VALUES (?, 'mine', 'general', 'guild', '{}', 1, 0, NULL, NULL)",
            (GUILD_A,),
        )
        db.execute("PRAGMA user_version = 1")
        db.execute("COMMIT")

    async with await FactStore.open(path) as store:
        await store.remember_premiere_event(GUILD_A, "s3-premiere", EVENT, DAY, MOD)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert db.execute("SELECT guild_id, fact_id FROM facts").fetchall() == [(GUILD_A, "mine")]
        rows = db.execute("SELECT guild_id, fact_id, event_id, premiere FROM premiere_events")
        assert rows.fetchall() == [(GUILD_A, "s3-premiere", EVENT, "2031-05-02")]


async def _v1_statements() -> list[str]:
    """The SQL of schema step 1, captured by running it on a recording connection."""
    recorded: list[str] = []

    class Recorder:
        async def execute(self, statement: str) -> None:
            recorded.append(statement)

    await MIGRATIONS[0].apply(Recorder())  # type: ignore[arg-type]
    return recorded
