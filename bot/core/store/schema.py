"""The connection's settings, and running :mod:`bot.core.migrations` on it."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.core.migrations import MIGRATIONS, Migration
from bot.core.store.errors import SchemaTooNew

# The package's name, so records keep the logger name they had before the split.
logger = logging.getLogger(__package__)

BUSY_TIMEOUT_MS = 5_000
"""How long a write waits for another process's write lock before failing."""


async def apply_migrations(
    db: aiosqlite.Connection, steps: Sequence[Migration] = MIGRATIONS, *, where: str = "database"
) -> int:
    """Bring ``db`` up to ``len(steps)``, one transaction per step; return the version.

    Raises :class:`SchemaTooNew` when the database is ahead of ``steps``.
    """
    if [step.version for step in steps] != list(range(1, len(steps) + 1)):
        raise ValueError("migration steps must be numbered 1, 2, 3, ... in order")
    found = await _user_version(db)
    if found > len(steps):
        raise SchemaTooNew(where, found, len(steps))
    for step in steps[found:]:
        await _apply_step(db, step, where, len(steps))
    return await _user_version(db)


async def _apply_step(db: aiosqlite.Connection, step: Migration, where: str, known: int) -> None:
    """Apply ``step`` and set ``user_version`` in one transaction, unless already done."""
    try:
        await db.execute("BEGIN IMMEDIATE")
        current = await _user_version(db)  # another process may have migrated meanwhile
        if current > known:
            raise SchemaTooNew(where, current, known)
        if current == step.version - 1:
            logger.info("%s: migrating to schema %d (%s)", where, step.version, step.summary)
            await step.apply(db)
            await db.execute(f"PRAGMA user_version = {int(step.version)}")
        await db.execute("COMMIT")
    except BaseException:
        await _rollback(db)
        raise


async def _user_version(db: aiosqlite.Connection) -> int:
    rows = list(await db.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])


async def _rollback(db: aiosqlite.Connection) -> None:
    """Roll back the open transaction, if any (a failed COMMIT may already have ended it)."""
    try:
        await db.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "no transaction is active" not in str(error):
            logger.exception("rollback failed")


async def _configure(db: aiosqlite.Connection, where: str) -> None:
    """Set the connection's pragmas (see :mod:`bot.core.store` for ``synchronous``)."""
    await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    rows = list(await db.execute_fetchall("PRAGMA journal_mode = WAL"))
    if str(rows[0][0]).lower() != "wal":
        logger.warning("%s: journal_mode is %s, not WAL", where, rows[0][0])
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA foreign_keys = ON")


def read_only_uri(path: Path) -> str | None:
    """An SQLite URI opening ``path`` read-only, or None if there is no file."""
    return path.resolve().as_uri() + "?mode=ro" if path.exists() else None


async def copy_read_only(
    db: aiosqlite.Connection, uri: str, where: str, guild_ids: Sequence[int]
) -> None:
    """Copy the pack rows and ``guild_ids``' rows of the database at ``uri`` (see
    :func:`read_only_uri`) into the empty database ``db``, at the schema version they
    have there.

    The source is attached read-only: nothing there is written. ``db`` must have been
    opened with ``uri=True``. Raises :class:`SchemaTooNew` like :func:`apply_migrations`.
    """
    await db.execute("ATTACH DATABASE ? AS source", (uri,))
    try:
        rows = list(await db.execute_fetchall("PRAGMA source.user_version"))
        found = int(rows[0][0])
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
            await _rollback(db)
            raise
    finally:
        await db.execute("DETACH DATABASE source")
