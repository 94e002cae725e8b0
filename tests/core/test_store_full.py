"""A full or failing disk: writes are refused with an error that carries data, all or nothing.

SQLite's ``PRAGMA max_page_count`` makes the database full deterministically: a write that
needs one more page fails with SQLITE_FULL ("database or disk is full"), as on a full disk.

SQLite only: the disk under the file (and the WAL space given back) is the SQLite engine's;
PostgreSQL's disk_full and io_error map to the same errors (:mod:`bot.core.store.postgres`)
but cannot be caused on demand in a test.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Fact
from bot.core.store import FactStore, StorageFailing, StorageFull, StorageUnwritable
from tests.core.factories import make_pack, pack_fact
from tests.core.test_store import GUILD_A, MOD, dump

LONG = "A long answer. " * 66  # ~1000 characters: every such fact needs pages of its own


def big_facts(count: int, prefix: str = "big") -> list[Fact]:
    return [pack_fact(f"{prefix}-{n}", LONG.strip()) for n in range(count)]


async def fill_up(store: FactStore) -> None:
    """Make the database full: it may not grow by a single page."""
    rows = await store._fetch("PRAGMA page_count")
    await store._run(f"PRAGMA max_page_count = {rows[0][0]}")


async def make_room(store: FactStore) -> None:
    await store._run("PRAGMA max_page_count = 1073741823")


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
async def full(tmp_path: Path) -> AsyncIterator[FactStore]:
    """A store with a pack and some of a server's facts, then made full."""
    async with await FactStore.open(tmp_path / "facts.db") as store:
        await store.sync_pack(make_pack(pack_fact("alpha"), pack_fact("beta")))
        await store.import_facts(GUILD_A, big_facts(20, "kept"), MOD)
        await fill_up(store)
        yield store


async def test_a_full_database_refuses_a_write_with_data_and_changes_nothing(
    full: FactStore,
) -> None:
    before = dump(full.path)
    generation = full.generation(GUILD_A)

    with pytest.raises(StorageFull) as refused:
        await full.import_facts(GUILD_A, big_facts(30), MOD)

    error = refused.value
    assert isinstance(error, StorageUnwritable)
    assert error.path == full.path
    assert isinstance(error.free_bytes, int) and error.free_bytes > 0
    assert "database or disk is full" in error.detail
    assert error.first_in_episode
    assert str(full.path) in str(error)
    assert dump(full.path) == before  # nothing half-applied
    assert full.generation(GUILD_A) == generation
    assert len(await full.effective_facts(GUILD_A)) == 22


async def test_repeated_failures_are_one_episode_until_a_write_works(
    full: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    firsts = []
    for n in range(5):
        with pytest.raises(StorageFull) as refused:
            await full.add(GUILD_A, pack_fact(f"new-{n}", LONG.strip()), MOD)
        firsts.append(refused.value.first_in_episode)
    assert firsts == [True, False, False, False, False]

    await make_room(full)
    with caplog.at_level(logging.INFO, logger="bot.core.store"):
        await full.add(GUILD_A, pack_fact("fits", LONG.strip()), MOD)
    assert "writes work again" in caplog.text

    await fill_up(full)
    with pytest.raises(StorageFull) as again:
        await full.import_facts(GUILD_A, big_facts(30), MOD)
    assert again.value.first_in_episode  # a new episode


async def test_failed_writes_leave_no_growing_wal(full: FactStore) -> None:
    # Full, the WAL is checkpointed into the database and truncated after a failed write,
    # so its disk space is given back; failures never add to it.
    sizes = []
    for _ in range(5):
        with pytest.raises(StorageFull):
            await full.import_facts(GUILD_A, big_facts(30), MOD)
        sizes.append(wal_size(full.path))
    assert sizes == [0] * 5
    with closing(sqlite3.connect(full.path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT COUNT(*) FROM facts WHERE guild_id > 0").fetchone() == (20,)


async def test_an_io_error_on_write_is_refused_with_data(
    full: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_room(full)
    before = dump(full.path)
    real_run = full._run

    async def failing_audit(sql: str, params: Any = ()) -> int:
        if sql.startswith("INSERT INTO audit"):
            error = sqlite3.OperationalError("disk I/O error")
            error.sqlite_errorcode = 778  # type: ignore[attr-defined]  # SQLITE_IOERR_WRITE
            error.sqlite_errorname = "SQLITE_IOERR_WRITE"  # type: ignore[attr-defined]
            raise error
        return await real_run(sql, params)

    monkeypatch.setattr(full, "_run", failing_audit)

    with pytest.raises(StorageFailing) as refused:
        await full.add(GUILD_A, pack_fact("new"), MOD)

    assert (refused.value.path, refused.value.detail) == (full.path, "disk I/O error")
    assert refused.value.first_in_episode
    assert dump(full.path) == before  # the fact row went with the failed audit row
