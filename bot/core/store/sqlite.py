"""The SQLite engine: the whole store in one file, on ONE :mod:`aiosqlite` connection.

Serialisation: every call, reads included, holds one :class:`asyncio.Lock`, and every
write runs in a ``BEGIN IMMEDIATE`` transaction that commits before the lock is released
and rolls back on any exception. ``BEGIN IMMEDIATE`` also takes SQLite's write lock on
the file, so another process's writer waits (up to :data:`BUSY_TIMEOUT_MS`) rather than
interleaving with a read-then-write here.

Invalidation across processes: a commit by any other connection changes ``PRAGMA
data_version`` as seen on a connection (a cheap read of a counter SQLite keeps in shared
memory). :meth:`SqliteEngine.others_committed` reads it on a second, read-only-in-practice
connection, so the check before each answer never waits behind a write holding the main
connection; when it moved (another process's commit, or this process's own), the store
re-reads its persisted generations (one small table).

Durability: WAL with ``synchronous = NORMAL`` (see :mod:`bot.core.store`).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import aiosqlite

from bot.core.migrations import MIGRATIONS
from bot.core.store.engine import Connection, Engine, Params
from bot.core.store.errors import SchemaTooNew, StorageFailing, StorageFull, StorageUnwritable
from bot.core.store.schema import (
    BUSY_TIMEOUT_MS,
    SQLITE_FULL,
    SQLITE_IOERR,
    apply_migrations,
    check_folder,
    check_openable,
    check_usable,
    configure,
    copy_read_only,
    primary_code,
    read_only_uri,
    rollback,
    unusable,
    user_version,
)

logger = logging.getLogger("bot.core.store")

_STORAGE_ERRORS: dict[int, type[StorageUnwritable]] = {
    SQLITE_FULL: StorageFull,
    SQLITE_IOERR: StorageFailing,
}


def _free_bytes(path: Path) -> int | None:
    """Free space on the disk holding ``path``, if it can be known."""
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


@asynccontextmanager
async def _closed_if_unusable(db: aiosqlite.Connection, path: Path) -> AsyncIterator[None]:
    """Close ``db`` if getting it ready fails; SQLite's own errors become the store's."""
    try:
        yield
    except sqlite3.Error as error:
        await db.close()
        raise (unusable(path, error) or error) from None
    except BaseException:
        await db.close()
        raise


class SqliteConnection:
    """:class:`~bot.core.store.engine.Connection` over an :mod:`aiosqlite` connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def fetch(self, sql: str, params: Params = (), *, batch: int = 0) -> list[Sequence[Any]]:
        if not batch:
            return list(await self.db.execute_fetchall(sql, params))
        rows: list[Sequence[Any]] = []
        async with self.db.execute(sql, params) as cursor:
            while chunk := await cursor.fetchmany(batch):
                rows += chunk
        return rows

    async def run(self, sql: str, params: Params = ()) -> int:
        async with self.db.execute(sql, params) as cursor:
            return cursor.rowcount

    async def run_many(self, sql: str, rows: Iterable[Params]) -> int:
        batch = list(rows)
        async with self.db.executemany(sql, batch):
            return len(batch)


class SqliteEngine(Engine):
    """One SQLite file (or an in-memory snapshot of one)."""

    kind: Literal["sqlite", "postgresql"] = "sqlite"
    tables_sql = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " ORDER BY name"
    )
    columns_sql = "SELECT name FROM pragma_table_info(?) ORDER BY cid"

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        """Wrap an open, migrated connection; use :meth:`open` or :meth:`snapshot`."""
        self.path = path
        self.where = str(path)
        self._db = db
        self._connection = SqliteConnection(db)
        self._lock = asyncio.Lock()
        self._failing_since_write = False  # a write failed for storage since the last success
        self._watch: aiosqlite.Connection | None = None  # for PRAGMA data_version only
        self._watch_lock = asyncio.Lock()
        self._data_version: int | None = None

    @classmethod
    async def open(cls, path: Path) -> SqliteEngine:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises :class:`DatabaseUnusable`, having changed nothing, if ``path`` is a
        directory, cannot be created or opened, or is not this bot's database (another
        program's, not a database at all, or corrupt), and :class:`SchemaTooNew`.
        """
        check_folder(path)
        await asyncio.to_thread(check_openable, path)
        db = await aiosqlite.connect(path, isolation_level=None)
        async with _closed_if_unusable(db, path):
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Read only until the file is known to be ours: a refused one stays as it was.
            found = await check_usable(db, path)
            if found > len(MIGRATIONS):
                raise SchemaTooNew(str(path), found, len(MIGRATIONS))
            await configure(db, str(path))
            await apply_migrations(db, where=str(path))
            engine = cls(db, path)
            engine._watch = await aiosqlite.connect(path, isolation_level=None)
        return engine

    @classmethod
    async def snapshot(cls, path: Path, guild_ids: Sequence[int]) -> SqliteEngine:
        """A private in-memory copy of the pack rows and ``guild_ids``' rows of the file
        at ``path``, opened read-only (see :meth:`FactStore.snapshot`)."""
        source = read_only_uri(path)
        db = await aiosqlite.connect(":memory:", isolation_level=None, uri=True)
        async with _closed_if_unusable(db, path):
            await db.execute("PRAGMA foreign_keys = ON")
            if source is not None:
                await copy_read_only(db, source, str(path), guild_ids)
            await apply_migrations(db, where=str(path))
        return cls(db, path)

    @classmethod
    async def memory(cls, where: str) -> SqliteEngine:
        """A new, migrated, private in-memory database (``where`` names it in messages)."""
        db = await aiosqlite.connect(":memory:", isolation_level=None)
        async with _closed_if_unusable(db, Path(where)):
            await db.execute("PRAGMA foreign_keys = ON")
            await apply_migrations(db, where=where)
        return cls(db, Path(where))

    async def close(self) -> None:
        async with self._watch_lock:
            if self._watch is not None:
                await self._watch.close()
        async with self._lock:
            await self._db.close()

    @asynccontextmanager
    async def read(self, *, consistent: bool = False) -> AsyncIterator[Connection]:
        async with self._lock:
            if not consistent:
                yield self._connection
                return
            await self._db.execute("BEGIN")
            try:
                yield self._connection
            finally:
                await rollback(self._db)

    @asynccontextmanager
    async def transaction(
        self, guilds: Sequence[int] = (), *, everything: bool = False
    ) -> AsyncIterator[Connection]:
        """Hold the lock around one ``BEGIN IMMEDIATE`` transaction (whatever ``guilds``:
        one connection serialises everything); commit or roll back.

        A full disk (SQLITE_FULL) or an I/O error is raised as :class:`StorageFull` or
        :class:`StorageFailing`, after the rollback.
        """
        async with self._lock:
            try:  # BEGIN inside: if cancelled while queued, it still runs and needs undoing
                await self._db.execute("BEGIN IMMEDIATE")
                yield self._connection
                await self._db.execute("COMMIT")
            except BaseException as error:
                await rollback(self._db)
                trouble = await self._storage_trouble(error)
                if trouble is not None:
                    raise trouble from error
                raise
            if self._failing_since_write:
                self._failing_since_write = False
                logger.info("%s: writes work again", self.path)

    async def _storage_trouble(self, error: BaseException) -> StorageUnwritable | None:
        """``error`` as a storage failure, or None if it is none.

        Also gives the WAL's disk space back if it can: after a failed write the WAL
        holds nothing uncommitted, so checkpointing it into the database and truncating
        it loses nothing (if the checkpoint fails too, nothing changes). Failed writes do
        not grow the WAL (the next write reuses the frames a rolled-back one wrote); this
        keeps committed frames from holding space while the disk is full.
        """
        if not isinstance(error, sqlite3.Error):
            return None
        kind = _STORAGE_ERRORS.get(primary_code(error) or 0)
        if kind is None:
            return None
        first = not self._failing_since_write
        self._failing_since_write = True
        await self._give_back_wal()
        return kind(self.path, _free_bytes(self.path), str(error), first_in_episode=first)

    async def _give_back_wal(self) -> None:
        """Checkpoint the WAL and truncate it, without waiting for other connections."""
        try:
            await self._db.execute("PRAGMA busy_timeout = 0")
            try:
                await self._db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.Error as error:
            logger.debug("%s: no WAL checkpoint after a failed write: %s", self.path, error)

    async def others_committed(self) -> bool:
        """Whether ``PRAGMA data_version`` moved since the last call (True the first time);
        always False for an in-memory copy, which no one else can write."""
        if self._watch is None:
            return False
        async with self._watch_lock:
            [(version,)] = await self._watch.execute_fetchall("PRAGMA data_version")
        changed = int(version) != self._data_version
        self._data_version = int(version)
        return changed

    async def schema_version(self) -> int:
        async with self._lock:
            return await user_version(self._db)

    async def integrity_problems(self) -> list[str]:
        async with self._lock:
            rows = await self._db.execute_fetchall("PRAGMA integrity_check")
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems
