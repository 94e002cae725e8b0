"""The connection's settings, and running :mod:`bot.core.migrations` on it."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.migrations import MIGRATIONS, Migration
from bot.core.store.errors import DatabaseUnusable, SchemaTooNew, Unusable

# The package's name, so records keep the logger name they had before the split.
logger = logging.getLogger(__package__)

BUSY_TIMEOUT_MS = 5_000
"""How long a write waits for another process's write lock before failing."""

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_UNUSABLE = {
    SQLITE_PERM: Unusable.CANNOT_OPEN,
    SQLITE_CANTOPEN: Unusable.CANNOT_OPEN,
    SQLITE_IOERR: Unusable.CANNOT_OPEN,
    SQLITE_READONLY: Unusable.READ_ONLY,
    SQLITE_NOTADB: Unusable.NOT_A_DATABASE,
    SQLITE_CORRUPT: Unusable.CORRUPT,
}


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``error``, if it carries one."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def unusable(path: Path, error: sqlite3.Error) -> DatabaseUnusable | None:
    """``error``, met while opening ``path``, as the reason the file cannot be used; None
    if it says nothing about the file."""
    code = primary_code(error)
    problem = _UNUSABLE.get(code) if code is not None else None
    return None if problem is None else DatabaseUnusable(path, problem, str(error))


_PROBLEMS_SHOWN = 3


def check_folder(path: Path) -> None:
    """Raise :class:`DatabaseUnusable` if ``path`` is a directory, or if its folder is
    missing and cannot be created (creating it if it can)."""
    if path.is_dir():
        raise DatabaseUnusable(path, Unusable.DIRECTORY)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnusable(path, Unusable.NO_FOLDER, error.strerror or str(error)) from None


def check_openable(path: Path) -> None:
    """Open and close ``path`` with plain :mod:`sqlite3`, so that a file SQLite cannot
    open fails here, as :class:`DatabaseUnusable`: a failed ``aiosqlite.connect`` leaves
    its worker thread to report to an event loop that may be gone by then ("Event loop
    is closed" tracebacks after the error)."""
    try:
        sqlite3.connect(path).close()
    except sqlite3.Error as error:
        raise (unusable(path, error) or error) from None


async def check_usable(db: aiosqlite.Connection, path: Path, schema: str = "main") -> int:
    """Refuse, by reading only, a file that is neither this bot's database nor a new one:
    another program's SQLite database, or a corrupt one. Returns its schema version.

    Runs before anything writes (``PRAGMA journal_mode`` included). SQLite's own refusals
    (not a database, cannot open) surface here as :class:`sqlite3.Error`.
    """
    version = await user_version(db, schema)
    if version == 0:
        tables = [
            str(row[0])
            for row in await db.execute_fetchall(
                f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        ]
        if tables:
            raise DatabaseUnusable(path, Unusable.FOREIGN, "tables: " + ", ".join(tables))
        return version
    rows = await db.execute_fetchall(f"PRAGMA {schema}.quick_check({_PROBLEMS_SHOWN})")
    problems = [str(row[0]) for row in rows]
    if problems != ["ok"]:
        text = " ".join(" ".join(problems).split())  # one line, whatever SQLite wrote
        text = re.sub(r"\*\*\* in database \w+ \*\*\* ?", "", text)
        raise DatabaseUnusable(path, Unusable.CORRUPT, text)
    return version


async def apply_migrations(
    db: aiosqlite.Connection, steps: Sequence[Migration] = MIGRATIONS, *, where: str = "database"
) -> int:
    """Bring ``db`` up to ``len(steps)``, one transaction per step; return the version.

    Raises :class:`SchemaTooNew` when the database is ahead of ``steps``.
    """
    if [step.version for step in steps] != list(range(1, len(steps) + 1)):
        raise ValueError("migration steps must be numbered 1, 2, 3, ... in order")
    found = await user_version(db)
    if found > len(steps):
        raise SchemaTooNew(where, found, len(steps))
    for step in steps[found:]:
        await _apply_step(db, step, where, len(steps))
    return await user_version(db)


async def _apply_step(db: aiosqlite.Connection, step: Migration, where: str, known: int) -> None:
    """Apply ``step`` and set ``user_version`` in one transaction, unless already done."""
    try:
        await db.execute("BEGIN IMMEDIATE")
        current = await user_version(db)  # another process may have migrated meanwhile
        if current > known:
            raise SchemaTooNew(where, current, known)
        if current == step.version - 1:
            logger.info("%s: migrating to schema %d (%s)", where, step.version, step.summary)
            await step.apply(db)
            await db.execute(f"PRAGMA user_version = {int(step.version)}")
        await db.execute("COMMIT")
    except BaseException:
        await rollback(db)
        raise


async def user_version(db: aiosqlite.Connection, schema: str = "main") -> int:
    rows = list(await db.execute_fetchall(f"PRAGMA {schema}.user_version"))
    return int(rows[0][0])


async def rollback(db: aiosqlite.Connection) -> None:
    """Roll back the open transaction, if any (a failed COMMIT may already have ended it)."""
    try:
        await db.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "no transaction is active" not in str(error):
            logger.exception("rollback failed")


async def _wal_mode(db: aiosqlite.Connection) -> list[Any]:
    """Switch to WAL (it stays in the file). The switch needs the file to itself and SQLite
    does not wait for that as it waits for a write lock: when processes start together on
    one file, it is tried again until :data:`BUSY_TIMEOUT_MS` has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return list(await db.execute_fetchall("PRAGMA journal_mode = WAL"))
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def configure(db: aiosqlite.Connection, where: str) -> None:
    """Set the connection's pragmas (see :mod:`bot.core.store` for ``synchronous``)."""
    await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    rows = await _wal_mode(db)
    if str(rows[0][0]).lower() != "wal":
        logger.warning("%s: journal_mode is %s, not WAL", where, rows[0][0])
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA foreign_keys = ON")


def read_only_uri(path: Path) -> str | None:
    """An SQLite URI opening ``path`` read-only, or None if there is no file."""
    if path.is_dir():
        raise DatabaseUnusable(path, Unusable.DIRECTORY)
    return path.resolve().as_uri() + "?mode=ro" if path.exists() else None


async def copy_read_only(
    db: aiosqlite.Connection, uri: str, where: str, guild_ids: Sequence[int]
) -> None:
    """Copy the pack rows and ``guild_ids``' rows of the database at ``uri`` (see
    :func:`read_only_uri`) into the empty database ``db``, at the schema version they
    have there.

    The source is attached read-only: nothing there is written. ``db`` must have been
    opened with ``uri=True``. Raises :class:`SchemaTooNew` like :func:`apply_migrations`,
    and what :func:`check_usable` raises.
    """
    await db.execute("ATTACH DATABASE ? AS source", (uri,))
    try:
        found = await check_usable(db, Path(where), "source")
        if found > len(MIGRATIONS):
            raise SchemaTooNew(where, found, len(MIGRATIONS))
        if found == 0:
            return  # nothing of ours in it yet
        await apply_migrations(db, MIGRATIONS[:found], where=where)
        await db.execute("BEGIN")
        try:
            await db.execute(
                "INSERT INTO main.facts SELECT * FROM source.facts WHERE guild_id = 0"
                " OR guild_id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(guild_ids)),),
            )
            await db.execute("COMMIT")
        except BaseException:
            await rollback(db)
            raise
    finally:
        await db.execute("DETACH DATABASE source")
