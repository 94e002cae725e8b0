"""The :class:`FactStore` itself (see :mod:`bot.core.store` for how it works)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from pydantic import ValidationError

from bot.core.large_builds import collection_paused, drop_in_slices, gil_handed_back_often
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.store.engine import Connection, Engine, Params, is_postgres, marks, parse_url
from bot.core.store.errors import (
    AlreadyRemoved,
    Attempt,
    DatabaseUnreachable,
    DuplicateFactId,
    NotRemoved,
    ProposalNotOpen,
    StaleRevision,
    Taken,
    UnknownFact,
)
from bot.core.store.ids import (
    ID_CANDIDATES_PER_QUERY,
    PACK_GUILD_ID,
    checked_guild,
    numbered,
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
    COLUMNS,
    EFFECTIVE_SQL,
    GUILD_SQL,
    PACK_SQL,
    UPSERT,
    Pair,
    Row,
    audit_entry,
    dormant,
    editable,
    parse_fact,
    removed_row,
    resolve,
    spoiled_by_pack,
    stored_fact,
    stored_facts_of,
    stored_from_raw,
    utc_now_text,
)
from bot.core.store.sqlite import SqliteEngine

# The package's name, so records keep the logger name they had before the split.
logger = logging.getLogger(__package__)

_LOGGED_REFS_MAX = 20
# Rows of a server's facts read at a time: the event loop runs between batches.
_READ_BATCH = 500


def _validated(raw: list[Sequence[Any]]) -> list[StoredFact]:
    """Rows as stored facts, in a worker thread, which also frees the rows (``raw`` is
    emptied): 100,000 rows freed on the event loop would hold it for 10-20 ms. A large
    server is validated with the cyclic collector paused and the GIL handed back to the
    event loop every millisecond."""
    with collection_paused(len(raw)), gil_handed_back_often(len(raw)):
        facts = stored_facts_of(raw)
        drop_in_slices(raw)
        return facts


def _some(refs: Sequence[GuildFactRef]) -> str:
    """``refs`` for a log line, the first few only."""
    shown = ", ".join(f"({guild}, {fact_id!r})" for guild, fact_id in refs[:_LOGGED_REFS_MAX])
    more = len(refs) - _LOGGED_REFS_MAX
    return shown + (f" and {more} more" if more > 0 else "")


def _newly_spoiler(body: str, old: Row | None) -> bool:
    """Whether the spoiler pack fact ``body`` was not this very spoiler in ``old``."""
    if old is None or old.body is None:
        return True
    try:
        was = parse_fact(old.body)
    except ValidationError:  # an old row this version no longer reads: report to be safe
        return True
    return not was.spoiler or was.spoils != parse_fact(body).spoils


def _check_revision(shown: Row, fact_id: str, expected_revision: int | None) -> None:
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


def _database(target: Path | str) -> Path | str:
    """``target`` as :meth:`FactStore.open` takes it: a path, or a URL of either engine."""
    return parse_url(target) if isinstance(target, str) and "://" in target else target


@dataclass
class _Changes:
    """Whose generation to bump in the current transaction (a server's id; the pack)."""

    guilds: set[int] = field(default_factory=set)
    pack: bool = False

    def scopes(self) -> list[int]:
        """The ``generations`` rows to bump (``0``: the pack), in order."""
        return sorted(self.guilds | ({PACK_GUILD_ID} if self.pack else set()))


_BUMP = (
    "INSERT INTO generations (scope, generation) VALUES (?, 1) ON CONFLICT (scope)"
    " DO UPDATE SET generation = generations.generation + 1 RETURNING generation"
)

IN_LIST_MAX = 500
"""Values per ``IN (?, ...)`` list; longer lists are read in parts."""


class FactStore:
    """Async store of pack facts, per-server facts, overrides and their audit log, on
    SQLite (:mod:`.sqlite`) or PostgreSQL (:mod:`.postgres`).

    Every method's SQL is written once (``?`` placeholders, SQL both engines run) on the
    primitives :meth:`_fetch`, :meth:`_rows`, :meth:`_run`, :meth:`_run_many`, inside
    :meth:`_write` (one transaction, serialised per server) or :meth:`_read` (several
    reads on one connection), or alone (each statement then takes a connection itself).
    """

    def __init__(self, engine: Engine) -> None:
        """Wrap an open engine on a migrated database; use :meth:`open` instead."""
        self._engine = engine
        self.where = engine.where
        self.path: Path | None = engine.path if isinstance(engine, SqliteEngine) else None
        self._connection: ContextVar[Connection | None] = ContextVar(
            f"fact_store_{id(self)}", default=None
        )
        self._generations: dict[int, int] = {}  # scope (0: the pack) -> persisted counter
        self._reload_generations = False

    @property
    def engine(self) -> Engine:
        """The database engine under this store."""
        return self._engine

    @classmethod
    async def open(cls, target: Path | str) -> FactStore:
        """Open (creating if needed) and migrate the database ``target``: an SQLite file
        (a path) or a PostgreSQL URL (see :func:`bot.core.store.engine.parse_url`).

        SQLite: raises :class:`DatabaseUnusable`, having changed nothing, if ``target`` is
        a directory, cannot be created or opened, or is not this bot's database (another
        program's, not a database at all, or corrupt). PostgreSQL: raises
        :class:`DatabaseUnreachable`. Both: :class:`SchemaTooNew`.
        """
        target = _database(target)
        engine: Engine
        if is_postgres(target):
            from bot.core.store.postgres import PostgresEngine  # asyncpg only when used

            engine = await PostgresEngine.open(str(target))
        else:
            engine = await SqliteEngine.open(Path(target))
        return await cls._started(engine)

    @classmethod
    async def _started(cls, engine: Engine) -> FactStore:
        store = cls(engine)
        try:
            await engine.listen(store._heard, store._load_generations)
            await engine.others_committed()  # the point from which others' commits count
            await store._load_generations()
        except BaseException:
            await engine.close()
            raise
        return store

    @classmethod
    async def snapshot(cls, target: Path | str, *, guild_ids: Iterable[int] = ()) -> FactStore:
        """A private in-memory (SQLite) copy of the pack rows and ``guild_ids``' rows of
        the database ``target``, for reading without writing.

        An SQLite file is only ever opened read-only (SQLite ``mode=ro``), so nothing at
        ``target`` changes; a missing file reads as an empty database. A PostgreSQL
        database is only read (it is migrated first, like :meth:`open` does). Writes to
        the returned store (e.g. :meth:`sync_pack` of a newer pack) change the copy only.
        Raises what :meth:`open` raises.
        """
        guilds = [checked_guild(guild_id) for guild_id in guild_ids]
        target = _database(target)
        if not is_postgres(target):
            return await cls._started(await SqliteEngine.snapshot(Path(target), guilds))
        copy = await cls._started(await SqliteEngine.memory(str(target)))
        try:
            async with await cls.open(target) as source:
                await copy.copy_rows_from(source, guild_ids=guilds)
        except BaseException:
            await copy.close()
            raise
        return copy

    async def close(self) -> None:
        """Close the connections, after any call in progress has finished."""
        await self._engine.close()

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

        ``None`` is the pack-only view. In memory: this process's own commits count at
        once; other processes' once :meth:`fresh_generation` has looked. O(1).
        """
        pack = self._generations.get(PACK_GUILD_ID, 0)
        if guild_id is None:
            return pack
        return pack + self._generations.get(guild_id, 0)

    async def fresh_generation(self, guild_id: int | None) -> int:
        """:meth:`generation`, counting every change committed before this call by any
        process on the same database (what a cache should be checked against before an
        answer).

        Cheap: SQLite reads ``PRAGMA data_version`` (re-reading the persisted counters only
        when another connection committed); PostgreSQL reads nothing while its ``LISTEN``
        connection is up (``NOTIFY`` keeps the counters current).
        """
        if self._reload_generations or await self._engine.others_committed():
            await self._load_generations()
        return self.generation(guild_id)

    def _heard(self, scope: int, generation: int) -> None:
        """Another (or this) process committed ``scope`` at ``generation``."""
        if generation > self._generations.get(scope, 0):
            self._generations[scope] = generation

    async def _load_generations(self) -> None:
        """Re-read every persisted counter (they only ever grow)."""
        self._reload_generations = False
        for scope, generation in await self._fetch("SELECT scope, generation FROM generations"):
            self._heard(int(scope), int(generation))

    # --- transactions and queries ---

    @asynccontextmanager
    async def _write(self, *guild_ids: int, everything: bool = False) -> AsyncIterator[_Changes]:
        """One write transaction, serialised against any other naming one of
        ``guild_ids`` (``everything``: against all; see each engine for how), committed
        when the block ends and rolled back on any exception.

        The block records in the yielded :class:`_Changes` whose answers it changed;
        their persisted generations are bumped (and, on PostgreSQL, announced) in the
        same transaction, and this process's in-memory ones once committed. If the
        COMMIT itself was interrupted (e.g. cancelled) it may have gone through: the
        counters are re-read before the next answer.

        Storage failures are raised as :class:`StorageFull` or :class:`StorageFailing`,
        after the rollback.
        """
        changes = _Changes()
        bumped: dict[int, int] | None = None
        try:
            async with self._engine.transaction(guild_ids, everything=everything) as connection:
                token = self._connection.set(connection)
                try:
                    yield changes
                    bumped = {}
                    for scope in changes.scopes():
                        [(generation,)] = await connection.fetch(_BUMP, (scope,))
                        bumped[scope] = int(generation)
                        await self._engine.publish(connection, scope, int(generation))
                finally:
                    self._connection.reset(token)
        except BaseException:
            if bumped:
                self._reload_generations = True
            raise
        for scope, generation in bumped.items():
            self._heard(scope, generation)

    @asynccontextmanager
    async def _read(self, *, consistent: bool = False) -> AsyncIterator[Connection]:
        """One connection for several reads (``consistent``: one snapshot for all); the
        current transaction's inside :meth:`_write`.

        Inside, query only through :meth:`_fetch` and its siblings: on SQLite the block
        holds the engine's one lock, so a direct engine call would wait for itself."""
        current = self._connection.get()
        if current is not None:
            yield current
            return
        async with self._engine.read(consistent=consistent) as connection:
            token = self._connection.set(connection)
            try:
                yield connection
            finally:
                self._connection.reset(token)

    async def _fetch(self, sql: str, params: Params = (), *, batch: int = 0) -> list[Sequence[Any]]:
        """The rows of one query (``?`` placeholders), on the current connection if any.

        Alone, a query that met a lost connection (:class:`DatabaseUnreachable`: the
        server restarted or cut an idle pooled connection) is tried once more on another:
        it only reads."""
        if self._connection.get() is not None:
            return await self._current().fetch(sql, params, batch=batch)
        try:
            async with self._read() as connection:
                return await connection.fetch(sql, params, batch=batch)
        except DatabaseUnreachable:
            async with self._read() as connection:
                return await connection.fetch(sql, params, batch=batch)

    async def _rows(self, sql: str, params: Params = ()) -> list[Row]:
        """``facts`` rows for ``sql``."""
        return [Row(*row) for row in await self._fetch(sql, params)]

    async def _run(self, sql: str, params: Params = ()) -> int:
        """Execute one statement; return the number of rows it changed."""
        async with self._read() as connection:
            return await connection.run(sql, params)

    async def _run_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Execute ``sql`` once per row of parameters; return how many rows were given."""
        async with self._read() as connection:
            return await connection.run_many(sql, rows)

    async def _pair(self, guild_id: int | None, fact_id: str) -> Pair:
        """The pack row and the server's row for ``fact_id``."""
        owners = (PACK_GUILD_ID, PACK_GUILD_ID if guild_id is None else guild_id)
        rows = await self._rows(
            f"SELECT {COLUMNS} FROM facts WHERE guild_id IN (?, ?) AND fact_id = ?",
            (*owners, fact_id),
        )
        pack = next((row for row in rows if row.guild_id == PACK_GUILD_ID), None)
        own = next((row for row in rows if row.guild_id != PACK_GUILD_ID), None)
        if own is not None and dormant(own, pack):
            own = None  # nothing to show or act on until the fact returns to the pack
        return Pair(pack, own)

    async def _audit(
        self,
        row: Row,
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
            raw = await self._fetch(PACK_SQL, batch=_READ_BATCH)
        else:
            guild_id = checked_guild(guild_id)
            raw = await self._fetch(EFFECTIVE_SQL, (guild_id, guild_id), batch=_READ_BATCH)
        # Validating a large server's facts takes a while: off the event loop.
        return await asyncio.to_thread(_validated, raw)

    async def get(
        self, guild_id: int | None, fact_id: str, *, include_removed: bool = False
    ) -> StoredFact | None:
        """``fact_id`` as ``guild_id`` sees it; removed/hidden ones only if asked for.

        Raises :class:`CorruptFact` if its stored row no longer validates.
        """
        if guild_id is not None:
            checked_guild(guild_id)
        pair = await self._pair(guild_id, fact_id)
        stored = resolve(pair)
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
        params: list[Any] = [checked_guild(guild_id)]
        filters = ""
        if topic is not None:
            filters += " AND g.topic = ?"
            params.append(Topic(topic).value)
        if not include_removed:
            filters += " AND g.removed = 0"
        raw = await self._fetch(GUILD_SQL.format(filters=filters), params)
        return [stored_from_raw(row) for row in raw]

    async def history(self, guild_id: int, fact_id: str) -> list[AuditEntry]:
        """Every logged change to ``fact_id`` in ``guild_id``, oldest first."""
        rows = await self._fetch(
            "SELECT id, guild_id, fact_id, action, actor_id, at, before, after FROM audit"
            " WHERE guild_id = ? AND fact_id = ? ORDER BY id",
            (checked_guild(guild_id), fact_id),
        )
        return [audit_entry(row) for row in rows]

    async def new_fact_id(self, guild_id: int, stem: str) -> str:
        """A free id for ``guild_id`` made from ``stem``: ``trailer``, ``trailer-2``, ...

        Advisory: a concurrent :meth:`add` may still take it (``add`` then raises).
        """
        checked_guild(guild_id)
        base = slugify(stem)
        start = 1
        async with self._read():
            while True:
                candidates = [
                    numbered(base, n) for n in range(start, start + ID_CANDIDATES_PER_QUERY)
                ]
                taken = await self._taken_ids(guild_id, candidates)
                free = next((c for c in candidates if c not in taken), None)
                if free is not None:
                    return free
                start += ID_CANDIDATES_PER_QUERY

    async def _taken_ids(self, guild_id: int, candidates: list[str]) -> set[str]:
        """Which of ``candidates`` the pack or ``guild_id`` already uses."""
        rows = await self._fetch(
            f"SELECT fact_id FROM facts WHERE guild_id IN (0, ?)"
            f" AND fact_id IN ({marks(len(candidates))})",
            (guild_id, *candidates),
        )
        return {str(row[0]) for row in rows}

    # --- moderator writes ---

    async def add(self, guild_id: int, fact: Fact, actor_id: int) -> StoredFact:
        """Add a new fact to ``guild_id``; :class:`DuplicateFactId` if the id is taken."""
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id) as changes:
            pair = await self._pair(guild_id, fact.id)
            row = await self._insert_new(guild_id, pair, fact, actor_id, AuditAction.ADD)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s added %r", guild_id, actor_id, fact.id)
        return stored_fact(row, fact)

    async def _insert_new(
        self, guild_id: int, pair: Pair, fact: Fact, actor_id: int, action: AuditAction
    ) -> Row:
        """Insert ``fact`` as a new guild fact (``pair`` must be empty) and log it."""
        if pair.pack is not None:
            raise DuplicateFactId(fact.id, Taken.PACK)
        if pair.own is not None:
            raise DuplicateFactId(fact.id, Taken.REMOVED_HERE if pair.own.removed else Taken.HERE)
        body = fact.model_dump_json()
        row = Row(
            guild_id, fact.id, fact.topic.value, "guild", body, 1, 0, utc_now_text(), actor_id
        )
        await self._run(UPSERT, row)
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id) as changes:
            pair = await self._pair(guild_id, fact.id)
            shown = editable(pair, fact.id, expected_revision)
            body = fact.model_dump_json()
            if body == pair.body:
                return stored_fact(shown, fact, pack_body=pair.pack_body)
            row = await self._save_version(guild_id, pair, fact, body, actor_id, AuditAction.EDIT)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s edited %r", guild_id, actor_id, fact.id)
        return stored_fact(row, fact, pack_body=pair.pack_body)

    async def _save_version(
        self,
        guild_id: int,
        pair: Pair,
        fact: Fact,
        body: str,
        actor_id: int,
        action: AuditAction,
    ) -> Row:
        """Store ``body`` as the server's version of an existing fact and log it."""
        now = utc_now_text()
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
            row = Row(
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
        await self._run(UPSERT, row)
        await self._audit(row, action, pair.body, body)
        if pair.pack_body is not None and spoiled_by_pack(body, pair.pack_body):
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id) as changes:
            pair = await self._pair(guild_id, fact_id)
            shown = pair.shown
            if shown is None:
                raise UnknownFact(fact_id)
            _check_revision(shown, fact_id, expected_revision)
            if shown.removed:
                raise AlreadyRemoved(fact_id, Attempt.REMOVE)
            row = removed_row(guild_id, pair, actor_id)
            await self._run(UPSERT, row)
            await self._audit(row, AuditAction.REMOVE, pair.body, None)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s removed %r", guild_id, actor_id, fact_id)
        return stored_fact(row, pack_body=pair.pack_body)

    async def restore(
        self, guild_id: int, fact_id: str, actor_id: int, *, expected_revision: int | None = None
    ) -> StoredFact:
        """Undo :meth:`remove`: bring back a guild fact, or unhide a pack fact.

        Raises :class:`UnknownFact`, :class:`StaleRevision` (as :meth:`remove`) or
        :class:`NotRemoved`.
        """
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id) as changes:
            pair = await self._pair(guild_id, fact_id)
            shown = pair.shown
            if shown is None:
                raise UnknownFact(fact_id)
            _check_revision(shown, fact_id, expected_revision)
            if pair.own is None or not shown.removed:
                raise NotRemoved(fact_id)
            now = utc_now_text()
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
                await self._run(UPSERT, row)
            logged = pair.own._replace(updated_at=now, updated_by=actor_id)
            await self._audit(logged, AuditAction.RESTORE, None, pair.body)
            changes.guilds.add(guild_id)
        logger.debug("guild %d: %s restored %r", guild_id, actor_id, fact_id)
        return stored_fact(row, pack_body=pair.pack_body)

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
        guild_id = checked_guild(guild_id)
        added: list[str] = []
        changed: list[str] = []
        unchanged: list[str] = []
        hidden: list[str] = []
        skipped: list[str] = []
        outcome = {"added": added, "changed": changed, "unchanged": unchanged, "hidden": hidden}
        async with self._write(guild_id) as changes:
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
        row = removed_row(guild_id, pair, actor_id)
        await self._run(UPSERT, row)
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
        guild_id = checked_guild(guild_id)
        now = utc_now_text()
        rows = [
            (guild_id, f.id, f.topic.value, "guild", f.model_dump_json(), 1, 0, now, None)
            for f in facts
        ]
        async with self._write(guild_id) as changes:
            count = await self._run_many(
                f"INSERT INTO facts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            changes.guilds.add(guild_id)
        return count

    # --- premiere events ---

    async def premiere_event(self, guild_id: int, fact_id: str) -> PremiereEvent | None:
        """The Discord event made for ``fact_id`` in ``guild_id``, if one is remembered."""
        rows = await self._fetch(
            f"SELECT {_EVENT_COLUMNS} FROM premiere_events WHERE guild_id = ? AND fact_id = ?",
            (checked_guild(guild_id), fact_id),
        )
        return _premiere_event(rows[0]) if rows else None

    async def remember_premiere_event(
        self, guild_id: int, fact_id: str, event_id: int, premiere: dt.date, actor_id: int
    ) -> PremiereEvent:
        """Remember ``event_id``, scheduled for ``premiere``, as ``fact_id``'s event in
        ``guild_id``, replacing any event remembered before (one found deleted)."""
        guild_id = checked_guild(guild_id)
        row = (guild_id, fact_id, event_id, premiere.isoformat(), actor_id, utc_now_text())
        async with self._write(guild_id):
            await self._run(
                f"INSERT INTO premiere_events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, fact_id) DO UPDATE SET event_id = excluded.event_id,"
                " premiere = excluded.premiere, updated_by = excluded.updated_by,"
                " updated_at = excluded.updated_at",
                row,
            )
        logger.info("guild %d: %s made event %d for %r", guild_id, actor_id, event_id, fact_id)
        return _premiere_event(row)

    async def premiere_event_moved(
        self, guild_id: int, fact_id: str, event_id: int, premiere: dt.date, actor_id: int
    ) -> PremiereEvent | None:
        """Record that ``event_id`` now starts on ``premiere``; None (writing nothing) if
        ``fact_id``'s remembered event is no longer ``event_id``."""
        guild_id = checked_guild(guild_id)
        row = (guild_id, fact_id, event_id, premiere.isoformat(), actor_id, utc_now_text())
        async with self._write(guild_id):
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id):
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
        guild_id = checked_guild(guild_id)
        if not key:
            raise ValueError("an unanswered question needs a non-empty key")
        stamp = _stamp(now)
        async with self._write(guild_id):
            if not await self._recording(guild_id):
                return None
            await self._purge_unanswered(keep_since)
            rows = await self._fetch(
                "INSERT INTO unanswered (guild_id, key, question, asked, first_asked, last_asked)"
                " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (guild_id, key) DO UPDATE SET"
                " asked = unanswered.asked + 1, question = excluded.question,"
                " last_asked = CASE WHEN excluded.last_asked > unanswered.last_asked"
                " THEN excluded.last_asked ELSE unanswered.last_asked END RETURNING id",
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
        guild_id = checked_guild(guild_id)
        day = _day(now)
        async with self._write(guild_id):
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
        guild_id = checked_guild(guild_id)
        params = (guild_id, _day(since))
        async with self._read(consistent=True):
            rows = await self._fetch(
                "SELECT fact_id, SUM(answers), SUM(picks) FROM answer_counts"
                " WHERE guild_id = ? AND day >= ? GROUP BY fact_id"
                " ORDER BY SUM(answers) DESC, fact_id",
                params,
            )
            declined = await self._fetch(
                "SELECT COALESCE(SUM(declines), 0) FROM decline_counts"
                " WHERE guild_id = ? AND day >= ?",
                params,
            )
        facts = tuple(FactCount(str(f), int(a), int(p)) for f, a, p in rows)
        return AnswerCounts(facts, int(declined[0][0]))

    async def record_suggestion_pick(
        self, guild_id: int, gap_id: int, fact_id: str, *, now: dt.datetime
    ) -> bool:
        """Count a pick of the suggested fact ``fact_id`` by a fan who asked ``guild_id``'s
        recorded question ``gap_id``; False (writing nothing) if that question is gone or
        the server does not record. Never who clicked."""
        guild_id = checked_guild(guild_id)
        stamp = _stamp(now)
        async with self._write(guild_id):
            if not await self._recording(guild_id):
                return False
            return (
                await self._run(
                    "INSERT INTO suggestion_picks"
                    " (guild_id, key, question, fact_id, picks, last_picked)"
                    " SELECT guild_id, key, question, ?, 1, ? FROM unanswered"
                    " WHERE guild_id = ? AND id = ? ON CONFLICT (guild_id, key, fact_id)"
                    " DO UPDATE SET picks = suggestion_picks.picks + 1,"
                    " question = excluded.question, last_picked = CASE"
                    " WHEN excluded.last_picked > suggestion_picks.last_picked"
                    " THEN excluded.last_picked ELSE suggestion_picks.last_picked END",
                    (fact_id, stamp, guild_id, gap_id),
                )
                > 0
            )

    async def suggestion_picks(self, guild_id: int, keys: Iterable[str]) -> list[SuggestionPick]:
        """``guild_id``'s picks for the questions folded as ``keys``, the most picked first."""
        guild_id = checked_guild(guild_id)
        wanted = list(dict.fromkeys(keys))
        rows: list[Sequence[Any]] = []
        for start in range(0, len(wanted), IN_LIST_MAX):
            part = wanted[start : start + IN_LIST_MAX]
            rows += await self._fetch(
                f"SELECT {_PICK_COLUMNS} FROM suggestion_picks"
                f" WHERE guild_id = ? AND key IN ({marks(len(part))})",
                (guild_id, *part),
            )
        picks = [_pick(row) for row in rows]
        picks.sort(key=lambda pick: (-pick.picks, -pick.last_picked.timestamp(), pick.id))
        return picks

    async def suggestion_pick(self, guild_id: int, pick_id: int) -> SuggestionPick | None:
        """One of ``guild_id``'s picks by id (None if gone, or another server's)."""
        rows = await self._fetch(
            f"SELECT {_PICK_COLUMNS} FROM suggestion_picks WHERE guild_id = ? AND id = ?",
            (checked_guild(guild_id), pick_id),
        )
        return _pick(rows[0]) if rows else None

    async def unanswered(
        self, guild_id: int, *, since: dt.datetime, limit: int = 100
    ) -> list[Unanswered]:
        """``guild_id``'s unanswered questions last asked at or after ``since``, the most
        asked first (then the most recent)."""
        rows = await self._fetch(
            f"SELECT {_UNANSWERED_COLUMNS} FROM unanswered"
            " WHERE guild_id = ? AND last_asked >= ?"
            " ORDER BY asked DESC, last_asked DESC, id LIMIT ?",
            (checked_guild(guild_id), _stamp(since), limit),
        )
        return [_unanswered(row) for row in rows]

    async def unanswered_question(self, guild_id: int, gap_id: int) -> Unanswered | None:
        """One of ``guild_id``'s unanswered questions by id (None if gone, or another
        server's)."""
        rows = await self._fetch(
            f"SELECT {_UNANSWERED_COLUMNS} FROM unanswered WHERE guild_id = ? AND id = ?",
            (checked_guild(guild_id), gap_id),
        )
        return _unanswered(rows[0]) if rows else None

    async def forget_unanswered(self, guild_id: int, gap_ids: Iterable[int]) -> int:
        """Delete these of ``guild_id``'s unanswered questions (and their picks); return how
        many were there."""
        guild_id = checked_guild(guild_id)
        ids = list(dict.fromkeys(int(gap_id) for gap_id in gap_ids))
        forgotten = 0
        async with self._write(guild_id):
            for start in range(0, len(ids), IN_LIST_MAX):
                part = ids[start : start + IN_LIST_MAX]
                await self._run(
                    "DELETE FROM suggestion_picks WHERE guild_id = ? AND key IN (SELECT key FROM"
                    f" unanswered WHERE guild_id = ? AND id IN ({marks(len(part))}))",
                    (guild_id, guild_id, *part),
                )
                forgotten += await self._run(
                    f"DELETE FROM unanswered WHERE guild_id = ? AND id IN ({marks(len(part))})",
                    (guild_id, *part),
                )
        return forgotten

    async def purge_unanswered(self, before: dt.datetime) -> int:
        """Delete every server's unanswered questions last asked before ``before``, and picks
        last made before it; returns how many questions."""
        async with self._write():
            return await self._purge_unanswered(before)

    async def gap_recording(self, guild_id: int) -> bool:
        """Whether ``guild_id`` records unanswered questions (yes unless turned off)."""
        return await self._recording(checked_guild(guild_id))

    async def _recording(self, guild_id: int) -> bool:
        rows = await self._fetch(
            "SELECT recording FROM gap_settings WHERE guild_id = ?", (guild_id,)
        )
        return not rows or bool(rows[0][0])

    async def set_gap_recording(self, guild_id: int, recording: bool, *, now: dt.datetime) -> int:
        """Turn recording on or off in ``guild_id``. Off also deletes the server's recorded
        questions (returns how many) and its answer counts."""
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id):
            await self._run(
                "INSERT INTO gap_settings (guild_id, recording, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET recording = excluded.recording,"
                " updated_at = excluded.updated_at",
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id):
            [(count,)] = await self._fetch(
                "SELECT count(*) FROM proposals"
                " WHERE guild_id = ? AND status = 'open' AND proposer_id = ?",
                (guild_id, proposer_id),
            )
            if int(count) >= max_open:
                return None
            rows = await self._fetch(
                "INSERT INTO proposals (guild_id, proposer_id, question, answer, note, filed_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, proposer_id, question, answer, note, _stamp(now)),
            )
        return int(next(iter(rows))[0])

    async def open_proposals(self, guild_id: int) -> list[Proposal]:
        """``guild_id``'s open proposals, the oldest first."""
        rows = await self._fetch(
            f"SELECT {_PROPOSAL_COLUMNS} FROM proposals"
            " WHERE guild_id = ? AND status = 'open' ORDER BY id",
            (checked_guild(guild_id),),
        )
        return [_proposal(row) for row in rows]

    async def proposal(self, guild_id: int, proposal_id: int) -> Proposal | None:
        """One of ``guild_id``'s proposals by id (None if unknown, or another server's)."""
        rows = await self._fetch(
            f"SELECT {_PROPOSAL_COLUMNS} FROM proposals WHERE guild_id = ? AND id = ?",
            (checked_guild(guild_id), proposal_id),
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
        guild_id = checked_guild(guild_id)
        if status == "open":
            raise ValueError("a decision approves or rejects")
        async with self._write(guild_id):
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id) as changes:
            if not await self._decide(guild_id, proposal_id, "approved", None, actor_id, now):
                raise ProposalNotOpen(proposal_id)
            pair = await self._pair(guild_id, fact.id)
            row = await self._insert_new(guild_id, pair, fact, actor_id, AuditAction.ADD)
            changes.guilds.add(guild_id)
        logger.debug(
            "guild %d: %s approved proposal %d as %r", guild_id, actor_id, proposal_id, fact.id
        )
        return stored_fact(row, fact)

    async def withdraw_proposal(self, guild_id: int, proposal_id: int, proposer_id: int) -> bool:
        """Delete ``proposer_id``'s open proposal ``proposal_id`` in ``guild_id`` (nothing
        of it is kept); False if there is no such open proposal of theirs."""
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id):
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
        guild_id = checked_guild(guild_id)
        async with self._write(guild_id):
            rows = await self._fetch(
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
        async with self._write(everything=True) as changes:
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
        existing = {row.fact_id: row for row in await self._rows(PACK_SQL)}
        now = utc_now_text()
        added: list[Row] = []
        updated: list[Row] = []
        for fact in pack.facts:
            body = fact.model_dump_json()
            old = existing.get(fact.id)
            if old is None:
                added.append(
                    Row(PACK_GUILD_ID, fact.id, fact.topic.value, "pack", body, 1, 0, now, None)
                )
            elif old.body != body:
                updated.append(
                    old._replace(
                        topic=fact.topic.value, body=body, revision=old.revision + 1, updated_at=now
                    )
                )
        await self._run_many(UPSERT, [*added, *updated])
        gone = sorted(set(existing) - {fact.id for fact in pack.facts})
        await self._run_many(
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
        self, changed: list[Row], before: dict[str, Row]
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
            if parse_fact(body).spoiler and _newly_spoiler(body, before.get(fact_id))
        ]
        return tuple(
            (row.guild_id, row.fact_id)
            for row in await self._guild_rows_with_ids(spoilers)
            if row.origin == "override"
            and row.body is not None
            and spoiled_by_pack(row.body, bodies[row.fact_id])
        )

    async def _guild_rows_with_ids(self, fact_ids: list[str]) -> list[Row]:
        """Every server's rows for ``fact_ids`` (via the ``facts_by_id`` index)."""
        rows: list[Row] = []
        for start in range(0, len(fact_ids), IN_LIST_MAX):
            part = fact_ids[start : start + IN_LIST_MAX]
            rows += await self._rows(
                f"SELECT {COLUMNS} FROM facts WHERE guild_id > 0"
                f" AND fact_id IN ({marks(len(part))})",
                part,
            )
        return sorted(rows, key=lambda row: (row.guild_id, row.fact_id))

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

    # --- the whole database (python -m bot db copy / check) ---

    async def tables(self) -> list[str]:
        """The store's tables, by name."""
        return [str(row[0]) for row in await self._fetch(self._engine.tables_sql)]

    async def columns(self, table: str) -> list[str]:
        """``table``'s columns, in order."""
        return [str(row[0]) for row in await self._fetch(self._engine.columns_sql, (table,))]

    async def table_counts(self) -> dict[str, int]:
        """How many rows each of the store's tables holds, by table name."""
        counts = {}
        for table in await self.tables():
            [(count,)] = await self._fetch(f"SELECT count(*) FROM {table}")
            counts[table] = int(count)
        return counts

    async def table_rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of ``table`` (columns in :meth:`columns` order), sorted."""
        columns = ", ".join(await self.columns(table))
        return sorted(tuple(row) for row in await self._fetch(f"SELECT {columns} FROM {table}"))

    async def corrupt_facts(self) -> list[GuildFactRef]:
        """The ``facts`` rows whose body no longer makes a valid fact."""
        corrupt = []
        for guild_id, fact_id, body in await self._fetch(
            "SELECT guild_id, fact_id, body FROM facts WHERE body IS NOT NULL"
        ):
            try:
                parse_fact(body)
            except ValidationError:
                corrupt.append((int(guild_id), str(fact_id)))
        return corrupt

    async def copy_rows_from(
        self, source: FactStore, *, guild_ids: Sequence[int] | None = None
    ) -> dict[str, int]:
        """Copy every row of every table of ``source`` (ids, timestamps and authors as
        they are) into this store, in one transaction, read from one snapshot of
        ``source``; returns how many rows per table. With ``guild_ids``, only the pack's
        and those servers' ``facts`` rows (for :meth:`snapshot`).

        Both stores must be at the same schema version (both were migrated on opening).
        Rows that clash with rows here fail the whole copy (nothing is written).
        """
        copied: dict[str, int] = {}
        async with self._write(everything=True) as _, source._read(consistent=True):
            tables = ["facts"] if guild_ids is not None else await source.tables()
            for table in tables:
                names = await source.columns(table)
                columns = ", ".join(names)
                sql = f"SELECT {columns} FROM {table}"
                params: list[int] = []
                if guild_ids is not None:
                    sql += f" WHERE guild_id = 0 OR guild_id IN ({marks(len(guild_ids) or 1)})"
                    params = list(guild_ids) or [PACK_GUILD_ID]
                rows = await source._fetch(sql, params)
                copied[table] = await self._run_many(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks(len(names))})", rows
                )
            await self._engine.after_copy(self._current())
        self._reload_generations = True
        return copied

    def _current(self) -> Connection:
        connection = self._connection.get()
        if connection is None:
            raise RuntimeError("no transaction or read in progress")
        return connection
