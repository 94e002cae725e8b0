"""Backing up and restoring the database file (``python -m bot db backup|restore``).

A backup is SQLite's online backup API reading the live database in one read transaction:
a consistent snapshot, taken while the bot keeps writing (WAL readers never block writers),
holding every transaction committed before it began. The copy is one self-contained file
(rollback journal mode, no ``-wal``), checked with ``PRAGMA integrity_check``.

A restore refuses to replace a database that a process still has open: SQLite keeps a
shared lock on the "dead man switch" byte of the ``-shm`` file for as long as a connection
to a WAL database is open, so an exclusive lock on that byte is granted only when no one
(the bot, a backup, another tool) has the database open.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.migrations import MIGRATIONS

# os_unix.c: UNIX_SHM_BASE = (22 + SQLITE_SHM_NLOCK) * 4 = 120; DMS = BASE + NLOCK = 128.
_SHM_DMS_BYTE = 128


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore wrote."""

    path: Path
    size: int
    facts: int
    audit: int
    schema: int


def backup(source: Path, target: Path) -> Copied:
    """Copy the database ``source`` to the new file ``target`` while it may be in use.

    Raises :class:`BackupError` if ``source`` is not this bot's database or ``target``
    exists. Nothing is ever written to ``source``.
    """
    _check_source(source)
    if target.exists():
        raise BackupError(f"{target} already exists; back up to a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _read_only(source) as live:
        _check_ours(live, source)
        copied = _copy(live, target)
    return copied


def restore(source: Path, target: Path) -> tuple[Copied, Path | None]:
    """Replace the database ``target`` with the backup ``source``; the old database (if
    any) is first copied to ``<target>.before-restore``, which is returned.

    Raises :class:`BackupError`, having changed nothing, if ``source`` is not a sound
    backup of this bot's database or if a process (a running bot) has ``target`` open.
    """
    _check_source(source)
    with _read_only(source) as backup_db:
        _check_ours(backup_db, source)
        problems = backup_db.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"{source} is damaged ({problems[0][0]}); use another backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _nobody_has_open(target):
        kept: Path | None = None
        if target.exists():
            kept = target.with_name(target.name + ".before-restore")
            with contextlib.suppress(FileNotFoundError):
                kept.unlink()
            with _read_only(target) as old:
                _copy(old, kept)  # reads through its WAL: nothing committed is lost
        partial = target.with_name(target.name + ".restoring")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        with _read_only(source) as backup_db:
            copied = _copy(backup_db, partial)
        for sidecar in ("-wal", "-shm"):  # the old database's: never to be applied to the new
            with contextlib.suppress(FileNotFoundError):
                target.with_name(target.name + sidecar).unlink()
        os.replace(partial, target)
    return Copied(target, copied.size, copied.facts, copied.audit, copied.schema), kept


def _check_source(path: Path) -> None:
    if str(path).startswith("postgres"):
        raise BackupError("this is for the bot's SQLite file; back up PostgreSQL with pg_dump")
    if path.is_dir():
        raise BackupError(f"{path} is a directory, not a database file")
    if not path.exists():
        raise BackupError(f"{path} does not exist")


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        yield db
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: {error}") from None
    finally:
        db.close()


def _check_ours(db: sqlite3.Connection, path: Path) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if version == 0 or not {"facts", "audit"} <= tables:
        raise BackupError(f"{path} is not this bot's database")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"{path}: schema version {version} is newer than this bot knows (up to "
            f"{len(MIGRATIONS)}); use the bot version that made it"
        )
    return version


def _copy(source: sqlite3.Connection, target: Path) -> Copied:
    """``source``'s content, as of one read transaction, into the new file ``target``."""
    partial = target.with_name(target.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # all pages in one step: one snapshot of the source
        copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        problems = copy.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"the copy failed its integrity check: {problems[0][0]}")
        facts = int(copy.execute("SELECT count(*) FROM facts").fetchone()[0])
        audit = int(copy.execute("SELECT count(*) FROM audit").fetchone()[0])
        schema = int(copy.execute("PRAGMA user_version").fetchone()[0])
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    copy.close()
    os.replace(partial, target)
    return Copied(target, target.stat().st_size, facts, audit, schema)


@contextlib.contextmanager
def _nobody_has_open(path: Path) -> Iterator[None]:
    """Hold the ``-shm`` dead-man-switch byte exclusively, or raise :class:`BackupError`
    if another connection (a running bot) has the database ``path`` open."""
    shm = path.with_name(path.name + "-shm")
    if not shm.exists():
        yield  # no -shm: no connection to it in WAL mode
        return
    fd = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise BackupError(
                    f"{path} is open in a running bot (or another program); stop it first, "
                    "then restore"
                ) from None
            raise
        try:
            yield
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE, os.SEEK_SET)
    finally:
        os.close(fd)
