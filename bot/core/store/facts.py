"""The :class:`FactStore` itself (see :mod:`bot.core.store` for how it works)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite
from pydantic import ValidationError

from bot.core.migrations import MIGRATIONS
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.store.errors import (
    AlreadyRemoved,
    Attempt,
    DuplicateFactId,
    NotRemoved,
    ProposalNotOpen,
    SchemaTooNew,
    StaleRevision,
    StorageFailing,
    StorageFull,
    StorageUnwritable,
    Taken,
    UnknownFact,
)
from bot.core.store.ids import (
    _ID_CANDIDATES_PER_QUERY,
    PACK_GUILD_ID,
    _checked_guild,
    _numbered,
    slugify,
)
from bot.core.store.records import (
    AnswerCounts,
    AuditAction,
    AuditEntry,
    FactCount,
    GuildFactRef,
    ImportReport,
    PackSync,
    PremiereEvent,
    Proposal,
    ProposalStatus,
    StoredFact,
    SuggestionPick,
    Unanswered,
)
from bot.core.store.rows import (
    _COLUMNS,
    _EFFECTIVE_SQL,
    _GUILD_SQL,
    _PACK_SQL,
    _UPSERT,
    _audit_entry,
    _dormant,
    _editable,
    _now,
    _Pair,
    _parse_fact,
    _removed_row,
    _resolve,
    _Row,
    _spoiled_by_pack,
    _stored,
    _stored_all,
    _stored_raw,
)
from bot.core.store.schema import (
    BUSY_TIMEOUT_MS,
    SQLITE_FULL,
    SQLITE_IOERR,
    _configure,
    _rollback,
    apply_migrations,
    check_folder,
    check_openable,
    check_usable,
    copy_read_only,
    primary_code,
    read_only_uri,
    unusable,
)

# The package's name, so records keep the logger name they had before the split.
logger = logging.getLogger(__package__)

_LOGGED_REFS_MAX = 20


def _some(refs: Sequence[GuildFactRef]) -> str:
    """``refs`` for a log line, the first few only."""
    shown = ", ".join(f"({guild}, {fact_id!r})" for guild, fact_id in refs[:_LOGGED_REFS_MAX])
    more = len(refs) - _LOGGED_REFS_MAX
    return shown + (f" and {more} more" if more > 0 else "")


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


def _newly_spoiler(body: str, old: _Row | None) -> bool:
    """Whether the spoiler pack fact ``body`` was not this very spoiler in ``old``."""
    if old is None or old.body is None:
        return True
    try:
        was = _parse_fact(old.body)
    except ValidationError:  # an old row this version no longer reads: report to be safe
        return True
    return not was.spoiler or was.spoils != _parse_fact(body).spoils


@asynccontextmanager
async def _closed_if_unusable(db: aiosqlite.Connection, path: Path) -> AsyncIterator[None]:
    """Close ``db`` if getting it ready fails; SQLite's own errors become the store's."""
    try:
        yield
    except sqlite3.Error as error:
        await db.close()
        raise _opening_error(path, error) from None
    except BaseException:
        await db.close()
        raise


def _opening_error(path: Path, error: sqlite3.Error) -> Exception:
    """What to raise for ``error`` met while opening ``path``."""
    return unusable(path, error) or error


def _check_revision(shown: _Row, fact_id: str, expected_revision: int | None) -> None:
    """Raise :class:`StaleRevision` unless ``shown`` is at ``expected_revision`` (if given)."""
    if expected_revision is not None and shown.revision != expected_revision:
        raise StaleRevision(fact_id, expected_revision, shown.revision)


_EVENT_COLUMNS = "guild_id, fact_id, event_id, premiere, updated_by, updated_at"


def _premiere_event(row: Sequence[Any]) -> PremiereEvent:
    guild_id, fact_id, event_id, premiere, updated_by, updated_at = row
    return PremiereEvent(
        guild_id=int(guild_id),
        fact_id=str(fact_id),
        event_id=int(event_id),
        premiere=dt.date.fromisoformat(premiere),
        updated_by=int(updated_by),
        updated_at=dt.datetime.fromisoformat(updated_at),
    )


_UNANSWERED_COLUMNS = "id, guild_id, key, question, asked, first_asked, last_asked"


def _stamp(when: dt.datetime) -> str:
    """``when`` as stored in ``unanswered``: UTC ISO 8601, so text order is time order."""
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _day(when: dt.datetime | dt.date) -> str:
    """The UTC day of ``when`` as stored in ``answer_counts`` (``YYYY-MM-DD``)."""
    if isinstance(when, dt.datetime):
        when = when.astimezone(dt.UTC).date()
    return when.isoformat()


def _unanswered(row: Sequence[Any]) -> Unanswered:
    gap_id, guild_id, key, question, asked, first_asked, last_asked = row
    return Unanswered(
        id=int(gap_id),
        guild_id=int(guild_id),
        key=str(key),
        question=str(question),
        asked=int(asked),
        first_asked=dt.datetime.fromisoformat(first_asked),
        last_asked=dt.datetime.fromisoformat(last_asked),
    )


_PICK_COLUMNS = "id, guild_id, key, question, fact_id, picks, last_picked"


def _pick(row: Sequence[Any]) -> SuggestionPick:
    pick_id, guild_id, key, question, fact_id, picks, last_picked = row
    return SuggestionPick(
        id=int(pick_id),
        guild_id=int(guild_id),
        key=str(key),
        question=str(question),
        fact_id=str(fact_id),
        picks=int(picks),
        last_picked=dt.datetime.fromisoformat(last_picked),
    )


_PROPOSAL_COLUMNS = (
    "id, guild_id, proposer_id, question, answer, note, status, reason, filed_at, decided_by"
)


def _proposal(row: Sequence[Any]) -> Proposal:
    (
        proposal_id,
        guild_id,
        proposer_id,
        question,
        answer,
        note,
        status,
        reason,
        filed_at,
        decided_by,
    ) = row
    return Proposal(
        id=int(proposal_id),
        guild_id=int(guild_id),
        proposer_id=int(proposer_id),
        question=str(question),
        answer=str(answer),
        note=str(note),
        status=status,
        reason=None if reason is None else str(reason),
        filed_at=dt.datetime.fromisoformat(filed_at),
        decided_by=None if decided_by is None else int(decided_by),
    )


@dataclass
class _Changes:
    """Whose generation to bump once the current transaction has committed."""

    guilds: set[int] = field(default_factory=set)
    pack: bool = False


class FactStore:
    """Async SQLite store of pack facts, per-server facts, overrides and their audit log."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        """Wrap an open, migrated connection; use :meth:`open` instead."""
        self.path = path
        self._db = db
        self._lock = asyncio.Lock()
        self._pack_generation = 0
        self._guild_generations: dict[int, int] = {}
        self._failing_since_write = False  # a write failed for storage since the last success

    @classmethod
    async def open(cls, path: Path) -> FactStore:
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
            await _configure(db, str(path))
            await apply_migrations(db, where=str(path))
        return cls(db, path)

    @classmethod
    async def snapshot(cls, path: Path, *, guild_ids: Iterable[int] = ()) -> FactStore:
        """A private in-memory copy of the pack rows and ``guild_ids``' rows of the
        database at ``path``, for reading without writing.

        The file is only ever opened read-only (SQLite ``mode=ro``), so nothing at
        ``path`` changes; a missing file reads as an empty database. Writes to the
        returned store (e.g. :meth:`sync_pack` of a newer pack) change the copy only.
        Raises what :meth:`open` raises.
        """
        guilds = [_checked_guild(guild_id) for guild_id in guild_ids]
        source = read_only_uri(path)
        db = await aiosqlite.connect(":memory:", isolation_level=None, uri=True)
        async with _closed_if_unusable(db, path):
            await db.execute("PRAGMA foreign_keys = ON")
            if source is not None:
                await copy_read_only(db, source, str(path), guilds)
            await apply_migrations(db, where=str(path))
        return cls(db, path)

    async def close(self) -> None:
        """Close the connection, after any call in progress has finished."""
        async with self._lock:
            await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- cache invalidation ---

    def generation(self, guild_id: int | None) -> int:
        """A number that changes whenever ``guild_id``'s effective facts may have changed.

        ``None`` is the pack-only view. In memory, per store object; O(1).
        """
        if guild_id is None:
            return self._pack_generation
        return self._pack_generation + self._guild_generations.get(guild_id, 0)

    def _bump(self, changes: _Changes) -> None:
        if changes.pack:
            self._pack_generation += 1
        for guild_id in changes.guilds:
            self._guild_generations[guild_id] = self._guild_generations.get(guild_id, 0) + 1

    # --- transactions and queries ---

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[_Changes]:
        """Hold the lock around one ``BEGIN IMMEDIATE`` transaction; commit or roll back.

        Generations are bumped once committed, and also when the COMMIT itself was
        interrupted (e.g. cancelled), since it may have gone through: a needless bump
        only costs a cache reload.

        A full disk (SQLITE_FULL) or an I/O error is raised as :class:`StorageFull` or
        :class:`StorageFailing`, after the rollback.
        """
        async with self._lock:
            changes = _Changes()
            committing = False
            try:  # BEGIN inside: if cancelled while queued, it still runs and needs undoing
                await self._db.execute("BEGIN IMMEDIATE")
                yield changes
                committing = True
                await self._db.execute("COMMIT")
            except BaseException as error:
                await _rollback(self._db)
                if committing:
                    self._bump(changes)
                trouble = await self._storage_trouble(error)
                if trouble is not None:
                    raise trouble from error
                raise
            self._bump(changes)
            if self._failing_since_write and (changes.pack or changes.guilds):
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

    async def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[_Row]:
        """Fact rows for ``sql``; callers hold the lock."""
        return [_Row(*row) for row in await self._db.execute_fetchall(sql, params)]

    async def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute one statement; return the number of rows it changed."""
        async with self._db.execute(sql, params) as cursor:
            return cursor.rowcount

    async def _pair(self, guild_id: int | None, fact_id: str) -> _Pair:
        """The pack row and the server's row for ``fact_id``; callers hold the lock."""
        owners = (PACK_GUILD_ID, PACK_GUILD_ID if guild_id is None else guild_id)
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM facts WHERE guild_id IN (?, ?) AND fact_id = ?",
            (*owners, fact_id),
        )
        pack = next((row for row in rows if row.guild_id == PACK_GUILD_ID), None)
        own = next((row for row in rows if row.guild_id != PACK_GUILD_ID), None)
        if own is not None and _dormant(own, pack):
            own = None  # nothing to show or act on until the fact returns to the pack
        return _Pair(pack, own)

    async def _audit(
        self,
        row: _Row,
        action: AuditAction,
        before: str | None,
        after: str | None,
    ) -> None:
        """Log ``action`` on ``row`` (whose updated_at/updated_by say when and who)."""
        await self._run(
            "INSERT INTO audit (guild_id, fact_id, action, actor_id, at, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                row.guild_id,
                row.fact_id,
                action.value,
                row.updated_by,
                row.updated_at,
                before,
                after,
            ),
        )

    # --- reading ---

    async def effective_facts(self, guild_id: int | None) -> list[StoredFact]:
        """What the bot answers from in ``guild_id`` (``None``: the pack alone), by id.

        A row that no longer validates is logged and left out rather than failing the
        whole server.
        """
        if guild_id is None:
            sql, params = _PACK_SQL, {}
        else:
            sql, params = _EFFECTIVE_SQL, {"guild": _checked_guild(guild_id)}
        async with self._lock:
            raw = list(await self._db.execute_fetchall(sql, params))
        # Validating a large server's facts takes a while: off the event loop.
        return await asyncio.to_thread(_stored_all, raw)

    async def get(
        self, guild_id: int | None, fact_id: str, *, include_removed: bool = False
    ) -> StoredFact | None:
        """``fact_id`` as ``guild_id`` sees it; removed/hidden ones only if asked for.

        Raises :class:`CorruptFact` if its stored row no longer validates.
        """
        if guild_id is not None:
            _checked_guild(guild_id)
        async with self._lock:
            pair = await self._pair(guild_id, fact_id)
        stored = _resolve(pair)
        if stored is None or (stored.removed and not include_removed):
            return None
        return stored

    async def guild_facts(
        self, guild_id: int, *, topic: Topic | None = None, include_removed: bool = False
    ) -> list[StoredFact]:
        """The server's own facts and overrides (what its moderators manage), by id.

        Hidden pack facts show with the pack's content. Raises :class:`CorruptFact` if a
        stored row no longer validates.
        """
        params: dict[str, Any] = {"guild": _checked_guild(guild_id)}
        filters = ""
        if topic is not None:
            filters += " AND g.topic = :topic"
            params["topic"] = Topic(topic).value
        if not include_removed:
            filters += " AND g.removed = 0"
        async with self._lock:
            raw = await self._db.execute_fetchall(_GUILD_SQL.format(filters=filters), params)
        return [_stored_raw(row) for row in raw]

    async def history(self, guild_id: int, fact_id: str) -> list[AuditEntry]:
        """Every logged change to ``fact_id`` in ``guild_id``, oldest first."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT id, guild_id, fact_id, action, actor_id, at, before, after FROM audit"
                " WHERE guild_id = ? AND fact_id = ? ORDER BY id",
                (_checked_guild(guild_id), fact_id),
            )
        return [_audit_entry(row) for row in rows]

    async def new_fact_id(self, guild_id: int, stem: str) -> str:
        """A free id for ``guild_id`` made from ``stem``: ``trailer``, ``trailer-2``, ...

        Advisory: a concurrent :meth:`add` may still take it (``add`` then raises).
        """
        _checked_guild(guild_id)
        base = slugify(stem)
        start = 1
        async with self._lock:
            while True:
                candidates = [
                    _numbered(base, n) for n in range(start, start + _ID_CANDIDATES_PER_QUERY)
                ]
                taken = await self._taken_ids(guild_id, candidates)
                free = next((c for c in candidates if c not in taken), None)
                if free is not None:
                    return free
                start += _ID_CANDIDATES_PER_QUERY

    async def _taken_ids(self, guild_id: int, candidates: list[str]) -> set[str]:
        """Which of ``candidates`` the pack or ``guild_id`` already uses."""
        rows = await self._db.execute_fetchall(
            "SELECT fact_id FROM facts WHERE guild_id IN (0, ?)"
            " AND fact_id IN (SELECT value FROM json_each(?))",
            (guild_id, json.dumps(candidates)),
        )
        return {str(row[0]) for row in rows}

    # --- moderator writes ---

    async def add(self, guild_id: int, fact: Fact, actor_id: int) -> StoredFact:
        """Add a new fact to ``guild_id``; :class:`DuplicateFactId` if the id is taken."""
        guild_id = _checked_guild(guild_id)
        async with self._write() as changes:
            pair = await self._pair(guild_id, fact.id)
            row = await self._insert_new(guild_id, pair, fact, actor_id, AuditAction.ADD)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s added %r", guild_id, actor_id, fact.id)
        return _stored(row, fact)

    async def _insert_new(
        self, guild_id: int, pair: _Pair, fact: Fact, actor_id: int, action: AuditAction
    ) -> _Row:
        """Insert ``fact`` as a new guild fact (``pair`` must be empty) and log it."""
        if pair.pack is not None:
            raise DuplicateFactId(fact.id, Taken.PACK)
        if pair.own is not None:
            raise DuplicateFactId(fact.id, Taken.REMOVED_HERE if pair.own.removed else Taken.HERE)
        body = fact.model_dump_json()
        row = _Row(guild_id, fact.id, fact.topic.value, "guild", body, 1, 0, _now(), actor_id)
        await self._run(_UPSERT, row)
        await self._audit(row, action, None, body)
        return row

    async def edit(
        self,
        guild_id: int,
        fact: Fact,
        actor_id: int,
        *,
        expected_revision: int | None = None,
    ) -> StoredFact:
        """Change a guild fact, or write/update the server's override of a pack fact.

        Raises :class:`UnknownFact`, :class:`StaleRevision` (when ``expected_revision``
        is given and is not the current one) or :class:`AlreadyRemoved`. Saving the
        content already shown writes nothing and returns the current fact.
        """
        guild_id = _checked_guild(guild_id)
        async with self._write() as changes:
            pair = await self._pair(guild_id, fact.id)
            shown = _editable(pair, fact.id, expected_revision)
            body = fact.model_dump_json()
            if body == pair.body:
                return _stored(shown, fact, pack_body=pair.pack_body)
            row = await self._save_version(guild_id, pair, fact, body, actor_id, AuditAction.EDIT)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s edited %r", guild_id, actor_id, fact.id)
        return _stored(row, fact, pack_body=pair.pack_body)

    async def _save_version(
        self,
        guild_id: int,
        pair: _Pair,
        fact: Fact,
        body: str,
        actor_id: int,
        action: AuditAction,
    ) -> _Row:
        """Store ``body`` as the server's version of an existing fact and log it."""
        now = _now()
        if pair.own is not None:
            row = pair.own._replace(
                topic=fact.topic.value,
                body=body,
                revision=pair.own.revision + 1,
                updated_at=now,
                updated_by=actor_id,
            )
        else:
            assert pair.pack is not None
            row = _Row(
                guild_id,
                fact.id,
                fact.topic.value,
                "override",
                body,
                pair.pack.revision + 1,
                0,
                now,
                actor_id,
            )
        await self._run(_UPSERT, row)
        await self._audit(row, action, pair.body, body)
        if pair.pack_body is not None and _spoiled_by_pack(body, pair.pack_body):
            logger.info(
                "guild %d: its correction of %r is served as a spoiler, as the pack marks the fact",
                guild_id,
                fact.id,
            )
        return row

    async def remove(
        self, guild_id: int, fact_id: str, actor_id: int, *, expected_revision: int | None = None
    ) -> StoredFact:
        """Soft-delete a guild fact, or hide a pack fact in ``guild_id`` only.

        Raises :class:`UnknownFact`, :class:`StaleRevision` (when ``expected_revision`` is
        given and is not the current one; checked in the same transaction) or
        :class:`AlreadyRemoved`.
        """
        guild_id = _checked_guild(guild_id)
        async with self._write() as changes:
            pair = await self._pair(guild_id, fact_id)
            shown = pair.shown
            if shown is None:
                raise UnknownFact(fact_id)
            _check_revision(shown, fact_id, expected_revision)
            if shown.removed:
                raise AlreadyRemoved(fact_id, Attempt.REMOVE)
            row = _removed_row(guild_id, pair, actor_id)
            await self._run(_UPSERT, row)
            await self._audit(row, AuditAction.REMOVE, pair.body, None)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s removed %r", guild_id, actor_id, fact_id)
        return _stored(row, pack_body=pair.pack_body)

    async def restore(
        self, guild_id: int, fact_id: str, actor_id: int, *, expected_revision: int | None = None
    ) -> StoredFact:
        """Undo :meth:`remove`: bring back a guild fact, or unhide a pack fact.

        Raises :class:`UnknownFact`, :class:`StaleRevision` (as :meth:`remove`) or
        :class:`NotRemoved`.
        """
        guild_id = _checked_guild(guild_id)
        async with self._write() as changes:
            pair = await self._pair(guild_id, fact_id)
            shown = pair.shown
            if shown is None:
                raise UnknownFact(fact_id)
            _check_revision(shown, fact_id, expected_revision)
            if pair.own is None or not shown.removed:
                raise NotRemoved(fact_id)
            now = _now()
            if pair.own.body is None:  # a bare hide marker: drop it, follow the pack again
                await self._run(
                    "DELETE FROM facts WHERE guild_id = ? AND fact_id = ?", (guild_id, fact_id)
                )
                assert pair.pack is not None
                row = pair.pack
            else:
                row = pair.own._replace(
                    removed=0, revision=pair.own.revision + 1, updated_at=now, updated_by=actor_id
                )
                await self._run(_UPSERT, row)
            logged = pair.own._replace(updated_at=now, updated_by=actor_id)
            await self._audit(logged, AuditAction.RESTORE, None, pair.body)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s restored %r", guild_id, actor_id, fact_id)
        return _stored(row, pack_body=pair.pack_body)

    async def import_facts(
        self,
        guild_id: int,
        facts: Sequence[Fact],
        actor_id: int,
        *,
        hide: Sequence[str] = (),
        skip_unknown: bool = False,
    ) -> ImportReport:
        """Add new ids, change existing ones that differ, remove/hide ``hide``; all in one
        transaction.

        Pack facts that differ become overrides. Raises (writing nothing) on an id that
        appears twice in ``facts`` or ``hide`` (:class:`DuplicateFactId`), a fact that is
        removed in the server (:class:`AlreadyRemoved`) or a ``hide`` id the server does
        not know (:class:`UnknownFact`; with ``skip_unknown``, it is reported as skipped
        instead).
        """
        guild_id = _checked_guild(guild_id)
        added: list[str] = []
        changed: list[str] = []
        unchanged: list[str] = []
        hidden: list[str] = []
        skipped: list[str] = []
        outcome = {"added": added, "changed": changed, "unchanged": unchanged, "hidden": hidden}
        async with self._write() as changes:
            seen: set[str] = set()
            for fact_id in (*(fact.id for fact in facts), *hide):
                if fact_id in seen:
                    raise DuplicateFactId(fact_id, Taken.TWICE_IN_IMPORT)
                seen.add(fact_id)
            for fact in facts:
                outcome[await self._import_one(guild_id, fact, actor_id)].append(fact.id)
            for fact_id in hide:
                if skip_unknown and (await self._pair(guild_id, fact_id)).shown is None:
                    skipped.append(fact_id)
                    continue
                outcome[await self._import_hide(guild_id, fact_id, actor_id)].append(fact_id)
            if added or changed or hidden:
                changes.guilds.add(guild_id)
        logger.info(
            "guild %d: %s imported %d added, %d changed, %d unchanged, %d hidden",
            guild_id,
            actor_id,
            len(added),
            len(changed),
            len(unchanged),
            len(hidden),
        )
        return ImportReport(
            tuple(added), tuple(changed), tuple(unchanged), tuple(hidden), tuple(skipped)
        )

    async def _import_hide(self, guild_id: int, fact_id: str, actor_id: int) -> str:
        """Remove/hide one fact as part of an import; return "hidden" or "unchanged"."""
        pair = await self._pair(guild_id, fact_id)
        shown = pair.shown
        if shown is None:
            raise UnknownFact(fact_id)
        if shown.removed:
            return "unchanged"
        row = _removed_row(guild_id, pair, actor_id)
        await self._run(_UPSERT, row)
        await self._audit(row, AuditAction.REMOVE, pair.body, None)
        return "hidden"

    async def _import_one(self, guild_id: int, fact: Fact, actor_id: int) -> str:
        """Write one imported fact; return "added", "changed" or "unchanged"."""
        pair = await self._pair(guild_id, fact.id)
        shown = pair.shown
        if shown is None:
            await self._insert_new(guild_id, pair, fact, actor_id, AuditAction.IMPORT)
            return "added"
        if shown.removed:
            raise AlreadyRemoved(fact.id, Attempt.IMPORT)
        body = fact.model_dump_json()
        if body == pair.body:
            return "unchanged"
        await self._save_version(guild_id, pair, fact, body, actor_id, AuditAction.IMPORT)
        return "changed"

    async def bulk_insert_guild_facts(self, guild_id: int, facts: Iterable[Fact]) -> int:
        """Insert many new guild facts in one transaction; for benchmarks, tests, seeding.

        Trusted input: no audit rows, no check against pack ids (an id already in this
        server fails the whole batch with :class:`sqlite3.IntegrityError`).
        """
        guild_id = _checked_guild(guild_id)
        now = _now()
        rows = (
            (guild_id, f.id, f.topic.value, "guild", f.model_dump_json(), 1, 0, now, None)
            for f in facts
        )
        async with self._write() as changes:
            async with self._db.executemany(
                f"INSERT INTO facts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            ) as cursor:
                count = cursor.rowcount
            changes.guilds.add(guild_id)
        return count

    # --- premiere events ---

    async def premiere_event(self, guild_id: int, fact_id: str) -> PremiereEvent | None:
        """The Discord event made for ``fact_id`` in ``guild_id``, if one is remembered."""
        async with self._lock:
            rows = list(
                await self._db.execute_fetchall(
                    f"SELECT {_EVENT_COLUMNS} FROM premiere_events"
                    " WHERE guild_id = ? AND fact_id = ?",
                    (_checked_guild(guild_id), fact_id),
                )
            )
        return _premiere_event(rows[0]) if rows else None

    async def remember_premiere_event(
        self, guild_id: int, fact_id: str, event_id: int, premiere: dt.date, actor_id: int
    ) -> PremiereEvent:
        """Remember ``event_id``, scheduled for ``premiere``, as ``fact_id``'s event in
        ``guild_id``, replacing any event remembered before (one found deleted)."""
        guild_id = _checked_guild(guild_id)
        row = (guild_id, fact_id, event_id, premiere.isoformat(), actor_id, _now())
        async with self._write():
            await self._run(
                f"INSERT OR REPLACE INTO premiere_events ({_EVENT_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
        logger.info("guild %d: %s made event %d for %r", guild_id, actor_id, event_id, fact_id)
        return _premiere_event(row)

    async def premiere_event_moved(
        self, guild_id: int, fact_id: str, event_id: int, premiere: dt.date, actor_id: int
    ) -> PremiereEvent | None:
        """Record that ``event_id`` now starts on ``premiere``; None (writing nothing) if
        ``fact_id``'s remembered event is no longer ``event_id``."""
        guild_id = _checked_guild(guild_id)
        row = (guild_id, fact_id, event_id, premiere.isoformat(), actor_id, _now())
        async with self._write():
            changed = await self._run(
                "UPDATE premiere_events SET premiere = ?, updated_by = ?, updated_at = ?"
                " WHERE guild_id = ? AND fact_id = ? AND event_id = ?",
                (*row[3:], *row[:3]),
            )
        if not changed:
            return None
        logger.info("guild %d: %s moved event %d to %s", guild_id, actor_id, event_id, premiere)
        return _premiere_event(row)

    async def forget_premiere_event(self, guild_id: int, fact_id: str, event_id: int) -> bool:
        """Forget ``event_id`` as ``fact_id``'s event (it was deleted in Discord); False if
        that is not the event remembered."""
        guild_id = _checked_guild(guild_id)
        async with self._write():
            forgotten = await self._run(
                "DELETE FROM premiere_events WHERE guild_id = ? AND fact_id = ? AND event_id = ?",
                (guild_id, fact_id, event_id),
            )
        return bool(forgotten)

    # --- unanswered questions (/fact gaps) ---

    async def record_unanswered(
        self, guild_id: int, key: str, question: str, *, now: dt.datetime, keep_since: dt.datetime
    ) -> int | None:
        """Count ``question`` (folded: ``key``) as asked unanswered in ``guild_id`` at
        ``now``, and return its row's id; unless the server turned recording off (then None,
        writing nothing). Purges every server's rows last asked before ``keep_since`` (and
        their picks) in the same transaction.
        """
        guild_id = _checked_guild(guild_id)
        if not key:
            raise ValueError("an unanswered question needs a non-empty key")
        stamp = _stamp(now)
        async with self._write():
            if not await self._recording(guild_id):
                return None
            await self._purge_unanswered(keep_since)
            rows = await self._db.execute_fetchall(
                "INSERT INTO unanswered (guild_id, key, question, asked, first_asked, last_asked)"
                " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (guild_id, key) DO UPDATE SET"
                " asked = asked + 1, question = excluded.question,"
                " last_asked = max(last_asked, excluded.last_asked) RETURNING id",
                (guild_id, key, question, stamp, stamp),
            )
        return int(next(iter(rows))[0])

    async def _purge_unanswered(self, before: dt.datetime) -> int:
        stamp = _stamp(before)
        await self._run("DELETE FROM answer_counts WHERE day < ?", (_day(before),))
        await self._run("DELETE FROM decline_counts WHERE day < ?", (_day(before),))
        await self._run("DELETE FROM suggestion_picks WHERE last_picked < ?", (stamp,))
        return await self._run("DELETE FROM unanswered WHERE last_asked < ?", (stamp,))

    async def count_answers(
        self,
        guild_id: int,
        fact_ids: Sequence[str],
        *,
        picked: bool = False,
        declines: int = 0,
        now: dt.datetime,
        keep_since: dt.datetime,
    ) -> bool:
        """Count one answer by each of ``fact_ids`` (each also a fan's pick among "did you
        mean" suggestions if ``picked``) and ``declines`` declined questions in ``guild_id``
        on ``now``'s UTC day; False (writing nothing) if the server turned recording off.
        Purges every server's counts of days before ``keep_since`` in the same transaction,
        with the unanswered questions. Never who asked."""
        guild_id = _checked_guild(guild_id)
        day = _day(now)
        async with self._write():
            if not await self._recording(guild_id):
                return False
            await self._purge_unanswered(keep_since)
            for fact_id in fact_ids:
                await self._run(
                    "INSERT INTO answer_counts (guild_id, fact_id, day, answers, picks)"
                    " VALUES (?, ?, ?, 1, ?) ON CONFLICT (guild_id, fact_id, day) DO UPDATE SET"
                    " answers = answer_counts.answers + excluded.answers,"
                    " picks = answer_counts.picks + excluded.picks",
                    (guild_id, fact_id, day, int(picked)),
                )
            if declines > 0:
                await self._run(
                    "INSERT INTO decline_counts (guild_id, day, declines) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, day) DO UPDATE SET"
                    " declines = decline_counts.declines + excluded.declines",
                    (guild_id, day, declines),
                )
        return True

    async def answer_counts(self, guild_id: int, *, since: dt.date) -> AnswerCounts:
        """``guild_id``'s counts of the days from ``since`` on: per fact, the most answered
        first, and the questions declined."""
        guild_id = _checked_guild(guild_id)
        params = (guild_id, _day(since))
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT fact_id, SUM(answers), SUM(picks) FROM answer_counts"
                " WHERE guild_id = ? AND day >= ? GROUP BY fact_id"
                " ORDER BY SUM(answers) DESC, fact_id",
                params,
            )
            declined = list(
                await self._db.execute_fetchall(
                    "SELECT COALESCE(SUM(declines), 0) FROM decline_counts"
                    " WHERE guild_id = ? AND day >= ?",
                    params,
                )
            )
        facts = tuple(FactCount(str(f), int(a), int(p)) for f, a, p in rows)
        return AnswerCounts(facts, int(declined[0][0]))

    async def record_suggestion_pick(
        self, guild_id: int, gap_id: int, fact_id: str, *, now: dt.datetime
    ) -> bool:
        """Count a pick of the suggested fact ``fact_id`` by a fan who asked ``guild_id``'s
        recorded question ``gap_id``; False (writing nothing) if that question is gone or
        the server does not record. Never who clicked."""
        guild_id = _checked_guild(guild_id)
        stamp = _stamp(now)
        async with self._write():
            if not await self._recording(guild_id):
                return False
            return (
                await self._run(
                    "INSERT INTO suggestion_picks"
                    " (guild_id, key, question, fact_id, picks, last_picked)"
                    " SELECT guild_id, key, question, ?, 1, ? FROM unanswered"
                    " WHERE guild_id = ? AND id = ? ON CONFLICT (guild_id, key, fact_id)"
                    " DO UPDATE SET picks = picks + 1, question = excluded.question,"
                    " last_picked = max(last_picked, excluded.last_picked)",
                    (fact_id, stamp, guild_id, gap_id),
                )
                > 0
            )

    async def suggestion_picks(self, guild_id: int, keys: Iterable[str]) -> list[SuggestionPick]:
        """``guild_id``'s picks for the questions folded as ``keys``, the most picked first."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                f"SELECT {_PICK_COLUMNS} FROM suggestion_picks"
                " WHERE guild_id = ? AND key IN (SELECT value FROM json_each(?))"
                " ORDER BY picks DESC, last_picked DESC, id",
                (_checked_guild(guild_id), json.dumps(list(keys))),
            )
        return [_pick(row) for row in rows]

    async def suggestion_pick(self, guild_id: int, pick_id: int) -> SuggestionPick | None:
        """One of ``guild_id``'s picks by id (None if gone, or another server's)."""
        async with self._lock:
            rows = list(
                await self._db.execute_fetchall(
                    f"SELECT {_PICK_COLUMNS} FROM suggestion_picks WHERE guild_id = ? AND id = ?",
                    (_checked_guild(guild_id), pick_id),
                )
            )
        return _pick(rows[0]) if rows else None

    async def unanswered(
        self, guild_id: int, *, since: dt.datetime, limit: int = 100
    ) -> list[Unanswered]:
        """``guild_id``'s unanswered questions last asked at or after ``since``, the most
        asked first (then the most recent)."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                f"SELECT {_UNANSWERED_COLUMNS} FROM unanswered"
                " WHERE guild_id = ? AND last_asked >= ?"
                " ORDER BY asked DESC, last_asked DESC, id LIMIT ?",
                (_checked_guild(guild_id), _stamp(since), limit),
            )
        return [_unanswered(row) for row in rows]

    async def unanswered_question(self, guild_id: int, gap_id: int) -> Unanswered | None:
        """One of ``guild_id``'s unanswered questions by id (None if gone, or another
        server's)."""
        async with self._lock:
            rows = list(
                await self._db.execute_fetchall(
                    f"SELECT {_UNANSWERED_COLUMNS} FROM unanswered WHERE guild_id = ? AND id = ?",
                    (_checked_guild(guild_id), gap_id),
                )
            )
        return _unanswered(rows[0]) if rows else None

    async def forget_unanswered(self, guild_id: int, gap_ids: Iterable[int]) -> int:
        """Delete these of ``guild_id``'s unanswered questions (and their picks); return how
        many were there."""
        guild_id = _checked_guild(guild_id)
        ids = json.dumps([int(gap_id) for gap_id in gap_ids])
        async with self._write():
            await self._run(
                "DELETE FROM suggestion_picks WHERE guild_id = ? AND key IN (SELECT key FROM"
                " unanswered WHERE guild_id = ? AND id IN (SELECT value FROM json_each(?)))",
                (guild_id, guild_id, ids),
            )
            return await self._run(
                "DELETE FROM unanswered WHERE guild_id = ?"
                " AND id IN (SELECT value FROM json_each(?))",
                (guild_id, ids),
            )

    async def purge_unanswered(self, before: dt.datetime) -> int:
        """Delete every server's unanswered questions last asked before ``before``, and picks
        last made before it; returns how many questions."""
        async with self._write():
            return await self._purge_unanswered(before)

    async def gap_recording(self, guild_id: int) -> bool:
        """Whether ``guild_id`` records unanswered questions (yes unless turned off)."""
        guild_id = _checked_guild(guild_id)
        async with self._lock:
            return await self._recording(guild_id)

    async def _recording(self, guild_id: int) -> bool:
        rows = list(
            await self._db.execute_fetchall(
                "SELECT recording FROM gap_settings WHERE guild_id = ?", (guild_id,)
            )
        )
        return not rows or bool(rows[0][0])

    async def set_gap_recording(self, guild_id: int, recording: bool, *, now: dt.datetime) -> int:
        """Turn recording on or off in ``guild_id``. Off also deletes the server's recorded
        questions (returns how many) and its answer counts."""
        guild_id = _checked_guild(guild_id)
        async with self._write():
            await self._run(
                "INSERT OR REPLACE INTO gap_settings (guild_id, recording, updated_at)"
                " VALUES (?, ?, ?)",
                (guild_id, int(recording), _stamp(now)),
            )
            if recording:
                return 0
            await self._run("DELETE FROM answer_counts WHERE guild_id = ?", (guild_id,))
            await self._run("DELETE FROM decline_counts WHERE guild_id = ?", (guild_id,))
            await self._run("DELETE FROM suggestion_picks WHERE guild_id = ?", (guild_id,))
            return await self._run("DELETE FROM unanswered WHERE guild_id = ?", (guild_id,))

    # --- members' proposals (/suggest, /fact review) ---

    async def file_proposal(
        self,
        guild_id: int,
        proposer_id: int,
        question: str,
        answer: str,
        note: str,
        *,
        now: dt.datetime,
        max_open: int,
    ) -> int | None:
        """File an open proposal and return its id; None (writing nothing) if the proposer
        already has ``max_open`` open ones here (counted in the same transaction)."""
        guild_id = _checked_guild(guild_id)
        async with self._write():
            [(count,)] = list(
                await self._db.execute_fetchall(
                    "SELECT count(*) FROM proposals"
                    " WHERE guild_id = ? AND status = 'open' AND proposer_id = ?",
                    (guild_id, proposer_id),
                )
            )
            if int(count) >= max_open:
                return None
            rows = await self._db.execute_fetchall(
                "INSERT INTO proposals (guild_id, proposer_id, question, answer, note, filed_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, proposer_id, question, answer, note, _stamp(now)),
            )
        return int(next(iter(rows))[0])

    async def open_proposals(self, guild_id: int) -> list[Proposal]:
        """``guild_id``'s open proposals, the oldest first."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                f"SELECT {_PROPOSAL_COLUMNS} FROM proposals"
                " WHERE guild_id = ? AND status = 'open' ORDER BY id",
                (_checked_guild(guild_id),),
            )
        return [_proposal(row) for row in rows]

    async def proposal(self, guild_id: int, proposal_id: int) -> Proposal | None:
        """One of ``guild_id``'s proposals by id (None if unknown, or another server's)."""
        async with self._lock:
            rows = list(
                await self._db.execute_fetchall(
                    f"SELECT {_PROPOSAL_COLUMNS} FROM proposals WHERE guild_id = ? AND id = ?",
                    (_checked_guild(guild_id), proposal_id),
                )
            )
        return _proposal(rows[0]) if rows else None

    async def decide_proposal(
        self,
        guild_id: int,
        proposal_id: int,
        status: ProposalStatus,
        *,
        reason: str | None,
        actor_id: int,
        now: dt.datetime,
    ) -> bool:
        """Mark one of ``guild_id``'s open proposals approved or rejected by the moderator
        ``actor_id``; False if it is not open (decided meanwhile, unknown, or another
        server's)."""
        guild_id = _checked_guild(guild_id)
        if status == "open":
            raise ValueError("a decision approves or rejects")
        async with self._write():
            return await self._decide(guild_id, proposal_id, status, reason, actor_id, now)

    async def _decide(
        self,
        guild_id: int,
        proposal_id: int,
        status: ProposalStatus,
        reason: str | None,
        actor_id: int,
        now: dt.datetime,
    ) -> bool:
        return (
            await self._run(
                "UPDATE proposals SET status = ?, reason = ?, decided_at = ?, decided_by = ?"
                " WHERE guild_id = ? AND id = ? AND status = 'open'",
                (status, reason, _stamp(now), actor_id, guild_id, proposal_id),
            )
            > 0
        )

    async def add_approved(
        self, guild_id: int, fact: Fact, actor_id: int, proposal_id: int, *, now: dt.datetime
    ) -> StoredFact:
        """:meth:`add` ``fact`` and mark the open proposal ``proposal_id`` approved by
        ``actor_id``, in one transaction: both or neither. Raises :class:`ProposalNotOpen`
        (nothing added) or what :meth:`add` raises (the proposal stays open)."""
        guild_id = _checked_guild(guild_id)
        async with self._write() as changes:
            if not await self._decide(guild_id, proposal_id, "approved", None, actor_id, now):
                raise ProposalNotOpen(proposal_id)
            pair = await self._pair(guild_id, fact.id)
            row = await self._insert_new(guild_id, pair, fact, actor_id, AuditAction.ADD)
            changes.guilds.add(guild_id)
        logger.debug(
            "guild %d: %s approved proposal %d as %r", guild_id, actor_id, proposal_id, fact.id
        )
        return _stored(row, fact)

    async def withdraw_proposal(self, guild_id: int, proposal_id: int, proposer_id: int) -> bool:
        """Delete ``proposer_id``'s open proposal ``proposal_id`` in ``guild_id`` (nothing
        of it is kept); False if there is no such open proposal of theirs."""
        guild_id = _checked_guild(guild_id)
        async with self._write():
            return (
                await self._run(
                    "DELETE FROM proposals WHERE guild_id = ? AND id = ? AND proposer_id = ?"
                    " AND status = 'open'",
                    (guild_id, proposal_id, proposer_id),
                )
                > 0
            )

    async def take_proposal_outcomes(self, guild_id: int, proposer_id: int) -> list[Proposal]:
        """``proposer_id``'s decided proposals here not yet told, marked told in the same
        transaction (so each is told once), the oldest first."""
        guild_id = _checked_guild(guild_id)
        async with self._write():
            rows = await self._db.execute_fetchall(
                f"UPDATE proposals SET told = 1 WHERE guild_id = ? AND proposer_id = ?"
                f" AND status <> 'open' AND told = 0 RETURNING {_PROPOSAL_COLUMNS}",
                (guild_id, proposer_id),
            )
        return sorted((_proposal(row) for row in rows), key=lambda p: p.id)

    # --- the pack ---

    async def sync_pack(self, pack: Pack) -> PackSync:
        """Make the pack rows equal ``pack.facts``; see :class:`PackSync` for the rest.

        Idempotent: a second run with the same pack writes nothing.
        """
        async with self._write() as changes:
            result = await self._sync(pack)
            changes.pack = result.changed
        logger.info(
            "pack %r synced: %d added, %d updated, %d removed, %d unchanged, "
            "%d guild facts claimed, %d rows dropped",
            pack.show.name,
            result.added,
            result.updated,
            result.removed,
            result.unchanged,
            len(result.claimed),
            len(result.dropped),
        )
        for guild_id, fact_id in result.spoiled:
            logger.info(
                "guild %d: its correction of %r is now a spoiler, as the pack marks the fact",
                guild_id,
                fact_id,
            )
        if result.kept:
            logger.info(
                "pack %r lacks facts that servers corrected or hid; kept those %d rows, "
                "which apply again if the facts return (guild, fact): %s",
                pack.show.name,
                len(result.kept),
                _some(result.kept),
            )
        return result

    async def _sync(self, pack: Pack) -> PackSync:
        existing = {row.fact_id: row for row in await self._rows(_PACK_SQL)}
        now = _now()
        added: list[_Row] = []
        updated: list[_Row] = []
        for fact in pack.facts:
            body = fact.model_dump_json()
            old = existing.get(fact.id)
            if old is None:
                added.append(
                    _Row(PACK_GUILD_ID, fact.id, fact.topic.value, "pack", body, 1, 0, now, None)
                )
            elif old.body != body:
                updated.append(
                    old._replace(
                        topic=fact.topic.value, body=body, revision=old.revision + 1, updated_at=now
                    )
                )
        await self._db.executemany(_UPSERT, [*added, *updated])
        gone = sorted(set(existing) - {fact.id for fact in pack.facts})
        await self._db.executemany(
            "DELETE FROM facts WHERE guild_id = 0 AND fact_id = ?", [(i,) for i in gone]
        )
        kept = await self._guild_rows_with_ids(gone)
        claimed, dropped = await self._claim_guild_facts([row.fact_id for row in added])
        spoiled = await self._corrections_of_spoilers([*added, *updated], existing)
        return PackSync(
            added=len(added),
            updated=len(updated),
            removed=len(gone),
            unchanged=len(pack.facts) - len(added) - len(updated),
            kept=tuple((row.guild_id, row.fact_id) for row in kept if row.origin == "override"),
            claimed=claimed,
            dropped=dropped,
            spoiled=spoiled,
        )

    async def _corrections_of_spoilers(
        self, changed: list[_Row], before: dict[str, _Row]
    ) -> tuple[GuildFactRef, ...]:
        """Servers' corrections that the changed pack rows ``changed`` newly make spoilers
        (the fact is new to the pack, became a spoiler, or spoils something else now).

        Nothing is written for them: reads serve a correction of a spoiler as a spoiler
        (see :func:`~bot.core.store.rows._pack_spoiler_wins`); this only finds them, to
        report them.
        """
        bodies = {row.fact_id: row.body for row in changed if row.body is not None}
        spoilers = [
            fact_id
            for fact_id, body in bodies.items()
            if _parse_fact(body).spoiler and _newly_spoiler(body, before.get(fact_id))
        ]
        return tuple(
            (row.guild_id, row.fact_id)
            for row in await self._guild_rows_with_ids(spoilers)
            if row.origin == "override"
            and row.body is not None
            and _spoiled_by_pack(row.body, bodies[row.fact_id])
        )

    async def _guild_rows_with_ids(self, fact_ids: list[str]) -> list[_Row]:
        """Every server's rows for ``fact_ids`` (via the ``facts_by_id`` index)."""
        if not fact_ids:
            return []
        return await self._rows(
            f"SELECT {_COLUMNS} FROM facts WHERE guild_id > 0"
            " AND fact_id IN (SELECT value FROM json_each(?)) ORDER BY guild_id, fact_id",
            (json.dumps(fact_ids),),
        )

    async def _claim_guild_facts(
        self, new_ids: list[str]
    ) -> tuple[tuple[GuildFactRef, ...], tuple[GuildFactRef, ...]]:
        """Guild facts whose id the pack now uses: live ones become overrides, removed
        ones are deleted (the pack fact shows again). Overrides kept from when the pack
        last had the fact apply again as they are. Returns (claimed, dropped)."""
        claimed: list[GuildFactRef] = []
        dropped: list[GuildFactRef] = []
        for row in await self._guild_rows_with_ids(new_ids):
            ref = (row.guild_id, row.fact_id)
            if row.origin == "override":
                continue
            if row.removed:
                await self._run("DELETE FROM facts WHERE guild_id = ? AND fact_id = ?", ref)
                dropped.append(ref)
            else:
                await self._run(
                    "UPDATE facts SET origin = 'override' WHERE guild_id = ? AND fact_id = ?", ref
                )
                claimed.append(ref)
        return tuple(claimed), tuple(dropped)
