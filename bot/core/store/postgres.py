"""The PostgreSQL engine: the store on a shared server, through an :mod:`asyncpg` pool,
for several bot processes (shards) at once.

Serialisation: each write is one ``READ COMMITTED`` transaction on a pooled connection
that first takes transaction-scoped advisory locks: ``pg_advisory_xact_lock_shared`` on
:data:`STORE_LOCK` and ``pg_advisory_xact_lock`` on each server id it writes (in order).
So two writes to one server, in any processes, run one after the other, and since each
statement of a ``READ COMMITTED`` transaction reads what was committed before it, the
read-then-write of one (the revision check, the duplicate-id check, the open-proposal
count) sees everything the previous one committed: ``BEGIN IMMEDIATE`` per server. A pack
sync takes :data:`STORE_LOCK` exclusively: it runs alone. Writes to different servers run
in parallel. The locks go with the transaction (commit, rollback, or a dropped
connection), and always in the same order (store, then servers ascending): no deadlock.

Invalidation across processes: the transaction that changes a server also bumps its
persisted generation and sends ``NOTIFY`` (:data:`GENERATIONS_CHANNEL`, payload
``"<server>:<generation>"``; server 0 is the pack), which PostgreSQL delivers at commit,
only if it commits. Each store keeps one extra connection that ``LISTEN``\\ s and updates
the in-memory generations; when that connection drops it reconnects (backing off up to
5 s) and then re-reads every persisted generation, and meanwhile
:meth:`PostgresEngine.others_committed` says yes, so each answer re-reads them.

Migrations run once however many processes start together: under the session-level
advisory lock :data:`MIGRATION_LOCK`, each pending step in its own transaction with the
version kept in ``schema_version``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

import asyncpg

from bot.core.migrations import MIGRATIONS, Migration
from bot.core.store.engine import (
    GENERATIONS_CHANNEL,
    Connection,
    Engine,
    Params,
    numbered_placeholders,
    redacted,
)
from bot.core.store.errors import (
    DatabaseUnreachable,
    SchemaTooNew,
    StorageFailing,
    StorageFull,
    StorageUnwritable,
)

logger = logging.getLogger("bot.core.store")

STORE_LOCK = -1
"""Advisory lock key every write holds shared and a pack sync exclusively (server ids,
the other keys, are positive)."""
MIGRATION_LOCK = -2
"""Advisory lock key held while migrating."""

POOL_MAX = 10
"""Connections per process: writes to different servers in parallel, reads beside them."""
RECONNECT_MAX_SECONDS = 5.0


class PostgresConnection:
    """:class:`~bot.core.store.engine.Connection` over an :mod:`asyncpg` connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def fetch(self, sql: str, params: Params = (), *, batch: int = 0) -> list[Sequence[Any]]:
        query = numbered_placeholders(sql)
        if not batch:
            return list(await self.connection.fetch(query, *params))
        if not self.connection.is_in_transaction():  # a cursor lives in a transaction
            async with self.connection.transaction(readonly=True):
                return await self.fetch(sql, params, batch=batch)
        rows: list[Sequence[Any]] = []
        cursor = await self.connection.cursor(query, *params)
        while chunk := await cursor.fetch(batch):
            rows += chunk
        return rows

    async def run(self, sql: str, params: Params = ()) -> int:
        status = await self.connection.execute(numbered_placeholders(sql), *params)
        last = str(status).rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def run_many(self, sql: str, rows: Iterable[Params]) -> int:
        batch = [tuple(row) for row in rows]
        if batch:
            await self.connection.executemany(numbered_placeholders(sql), batch)
        return len(batch)


def _storage_trouble(where: str, error: BaseException, first: bool) -> StorageUnwritable | None:
    """``error`` as the store's storage error, or None if it is none."""
    if isinstance(error, asyncpg.DiskFullError):
        return StorageFull(where, None, str(error), first_in_episode=first)
    if isinstance(error, asyncpg.PostgresIOError | asyncpg.InsufficientResourcesError):
        return StorageFailing(where, None, str(error), first_in_episode=first)
    return None


_LOST = (
    OSError,
    asyncpg.PostgresConnectionError,  # incl. the connection closed under a query
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
)


def _lost(error: BaseException) -> bool:
    """Whether ``error`` says the connection is gone. Once asyncpg notices a pooled
    connection died, its proxy refuses every call with an :class:`asyncpg.InterfaceError`
    ("released back to the pool", "connection is closed"): the engine never uses a proxy
    it released itself, so here that too means the connection was lost."""
    if isinstance(error, _LOST):
        return True
    text = str(error)
    if isinstance(error, asyncpg.InternalClientError):
        # Caught while asyncpg still reads the server's goodbye to a cut connection.
        return "another operation" in text and "is in progress" in text
    return isinstance(error, asyncpg.InterfaceError) and (
        "released back to the pool" in text or "connection is closed" in text
    )


@asynccontextmanager
async def _reachable(where: str) -> AsyncIterator[None]:
    """A lost connection, raised as :class:`DatabaseUnreachable` (the cause chained)."""
    try:
        yield
    except Exception as error:
        if _lost(error):
            raise DatabaseUnreachable(where, str(error) or type(error).__name__) from error
        raise


async def connect(url: str, where: str) -> asyncpg.Connection:
    """One connection to ``url``; :class:`DatabaseUnreachable` if there is none."""
    try:
        return await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(where, str(error) or type(error).__name__) from None


class PostgresEngine(Engine):
    """A PostgreSQL database, shared by every process given its URL."""

    kind: Literal["sqlite", "postgresql"] = "postgresql"
    tables_sql = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY table_name"
    )
    columns_sql = (
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? ORDER BY ordinal_position"
    )

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        """Wrap an open pool on a migrated database; use :meth:`open`."""
        self.url = url
        self.where = redacted(url)
        self._pool = pool
        self._listener: asyncpg.Connection | None = None
        self._on_change: Callable[[int, int], None] | None = None
        self._on_reconnect: Callable[[], Awaitable[None]] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closing = False
        self._failing_since_write = False

    @classmethod
    async def open(cls, url: str, steps: Sequence[Migration] = MIGRATIONS) -> PostgresEngine:
        """Connect to ``url`` and migrate it (once, whoever else is starting).

        Raises :class:`DatabaseUnreachable` (no server, wrong password, no such database)
        and :class:`SchemaTooNew`.
        """
        where = redacted(url)
        first = await connect(url, where)
        try:
            await migrate(first, steps, where=where)
        finally:
            await first.close()
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_MAX)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise DatabaseUnreachable(where, str(error) or type(error).__name__) from None
        return cls(pool, url)

    async def close(self) -> None:
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await listener.close(timeout=2)
        await self._pool.close()

    @asynccontextmanager
    async def read(self, *, consistent: bool = False) -> AsyncIterator[Connection]:
        async with _reachable(self.where), self._pool.acquire() as connection:
            try:
                if not consistent:
                    yield PostgresConnection(connection)
                    return
                async with connection.transaction(isolation="repeatable_read", readonly=True):
                    yield PostgresConnection(connection)
            except Exception as error:
                if _lost(error):
                    connection.terminate()  # not handed out again half-closed
                raise

    @asynccontextmanager
    async def transaction(
        self, guilds: Sequence[int] = (), *, everything: bool = False
    ) -> AsyncIterator[Connection]:
        """A ``READ COMMITTED`` transaction holding the advisory locks described in the
        module docstring; committed when the block ends, rolled back on any exception.
        A lost connection is raised as :class:`DatabaseUnreachable`."""
        async with _reachable(self.where):
            connection, transaction = await self._begin()
            try:
                if everything:
                    await connection.execute("SELECT pg_advisory_xact_lock($1)", STORE_LOCK)
                else:
                    await connection.execute("SELECT pg_advisory_xact_lock_shared($1)", STORE_LOCK)
                for guild_id in sorted(set(guilds)):
                    await connection.execute("SELECT pg_advisory_xact_lock($1)", guild_id)
                yield PostgresConnection(connection)
            except BaseException as error:
                with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    await transaction.rollback()
                await self._pool.release(connection)
                trouble = _storage_trouble(self.where, error, not self._failing_since_write)
                if trouble is not None:
                    self._failing_since_write = True
                    raise trouble from error
                raise
            try:
                await transaction.commit()
            except BaseException as error:
                trouble = _storage_trouble(self.where, error, not self._failing_since_write)
                if trouble is not None:
                    self._failing_since_write = True
                    raise trouble from error
                raise
            finally:
                await self._pool.release(connection)
            if self._failing_since_write:
                self._failing_since_write = False
                logger.info("%s: writes work again", self.where)

    async def _begin(self) -> tuple[asyncpg.Connection, Any]:
        """A pooled connection in a new transaction. A connection found dead at ``BEGIN``
        (the server restarted or cut it, unnoticed while idle) is replaced, once: nothing
        was sent in it yet, so trying again changes nothing twice."""
        for attempt in range(2):
            connection = await self._pool.acquire()
            transaction = connection.transaction()
            try:
                await transaction.start()
            except Exception as error:
                lost = _lost(error)
                if lost:
                    connection.terminate()  # not handed out again half-closed
                await self._pool.release(connection)
                if attempt or not lost:
                    raise
                continue
            except BaseException:
                await self._pool.release(connection)
                raise
            return connection, transaction
        raise AssertionError("unreachable")

    async def publish(self, connection: Connection, scope: int, generation: int) -> None:
        await connection.run(
            "SELECT pg_notify(?, ?)", (GENERATIONS_CHANNEL, f"{scope}:{generation}")
        )

    async def others_committed(self) -> bool:
        """False while the ``LISTEN`` connection hears every commit; True when it is down
        (each call then has the store re-read the persisted generations)."""
        return self._listener is None or self._listener.is_closed()

    async def listen(
        self, on_change: Callable[[int, int], None], on_reconnect: Callable[[], Awaitable[None]]
    ) -> None:
        """Hear every process's commits (``LISTEN``); reconnect when the connection drops."""
        self._on_change = on_change
        self._on_reconnect = on_reconnect
        await self._start_listening()

    async def _start_listening(self) -> None:
        listener = await connect(self.url, self.where)
        await listener.add_listener(GENERATIONS_CHANNEL, self._notified)
        listener.add_termination_listener(self._lost)
        self._listener = listener

    def _notified(self, connection: object, pid: int, channel: str, payload: str) -> None:
        scope, _, generation = payload.partition(":")
        if self._on_change is not None:
            self._on_change(int(scope), int(generation))

    def _lost(self, connection: object) -> None:
        self._listener = None
        if not self._closing and self._reconnecting is None:
            logger.warning("%s: lost the LISTEN connection; reconnecting", self.where)
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.1
        try:
            while not self._closing:
                try:
                    await self._start_listening()
                except DatabaseUnreachable as error:
                    logger.debug("%s: still no LISTEN connection: %s", self.where, error)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RECONNECT_MAX_SECONDS)
                    continue
                if self._on_reconnect is not None:
                    await self._on_reconnect()
                logger.info("%s: listening for changes again", self.where)
                return
        finally:
            self._reconnecting = None

    async def schema_version(self) -> int:
        async with self._pool.acquire() as connection:
            return await _version(connection)

    async def integrity_problems(self) -> list[str]:
        return []  # PostgreSQL checks its pages itself; the store's rows are checked apart

    async def after_copy(self, connection: Connection) -> None:
        """Advance each identity column's sequence past the ids copied in."""
        rows = await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for table, column in rows:
            await connection.fetch(
                f"SELECT setval(pg_get_serial_sequence(?, ?),"
                f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
                (table, column),
            )


async def migrate(
    connection: asyncpg.Connection, steps: Sequence[Migration] = MIGRATIONS, *, where: str
) -> int:
    """Bring the database up to ``len(steps)`` (each step in a transaction with its
    version), holding :data:`MIGRATION_LOCK` so that processes starting together migrate
    once. Returns the version; raises :class:`SchemaTooNew`."""
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        found = await _version(connection)
        if found > len(steps):
            raise SchemaTooNew(where, found, len(steps))
        for step in steps[found:]:
            async with connection.transaction():
                logger.info("%s: migrating to schema %d (%s)", where, step.version, step.summary)
                await (step.postgres or step.apply)(connection)
                await connection.execute("DELETE FROM schema_version")
                await connection.execute(
                    "INSERT INTO schema_version (version) VALUES ($1)", step.version
                )
        return await _version(connection)
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def _version(connection: asyncpg.Connection) -> int:
    value = await connection.fetchval("SELECT max(version) FROM schema_version")
    return 0 if value is None else int(value)
