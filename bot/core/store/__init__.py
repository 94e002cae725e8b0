"""The fact store: pack facts and each server's own facts, on SQLite (one file, the
default) or PostgreSQL (shared by several bot processes); ``DATABASE_URL`` chooses.

:class:`FactStore` holds all the SQL, written once with ``?`` placeholders and SQL both
engines run, on a few primitives an engine provides (:mod:`.engine`):

* :mod:`.sqlite`: ONE :mod:`aiosqlite` connection; every call holds one
  :class:`asyncio.Lock`, and every write runs in a ``BEGIN IMMEDIATE`` transaction (which
  also holds SQLite's write lock against other processes) that commits before the lock is
  released and rolls back on any exception.
* :mod:`.postgres`: an :mod:`asyncpg` pool; every write is one ``READ COMMITTED``
  transaction that first takes transaction-scoped advisory locks on the servers it writes
  (and, shared, on the whole store; a pack sync takes that one exclusively), so a
  read-then-write of one server runs alone, in whatever process.

Either way interleaved calls never see or undo each other's half-done work, and a call
that raises leaves the store as it was.

Caches across processes: each write bumps, in its own transaction, a persisted counter
per server it changed (``generations``; server 0 is the pack).
:meth:`FactStore.fresh_generation`, which the answer path checks before each answer,
counts other processes' commits too: SQLite by reading ``PRAGMA data_version`` (re-reading
the counters when it moved), PostgreSQL through ``NOTIFY`` sent at commit and a ``LISTEN``
connection that updates them (re-reading them all after a reconnect).

How rows combine (see :mod:`bot.core.migrations` for the table):

* Pack facts live under ``guild_id = 0`` and change only through :meth:`FactStore.sync_pack`.
* A server's own facts (``origin = 'guild'``) use ids the pack does not.
* A server's override (``origin = 'override'``) shares a pack fact's id; its body wins in
  that server only. Hiding a pack fact writes an override with ``removed = 1`` and, if
  the server never corrected the fact, no body; restoring such a marker deletes it, so
  the server follows later pack updates again.
* Whenever the pack fact is a spoiler, a server's correction of it is served as a spoiler
  of what the pack fact spoils (applied on every read, never written; see
  :func:`~bot.core.store.rows._pack_spoiler_wins`).
* A pack update that drops a fact leaves servers' overrides of it exactly as they are,
  so loading a pack that has the fact again restores every server's state: meanwhile a
  correction answers as the server's own fact and a bare hide marker is dormant.
* ``premiere_events`` remembers the Discord event made for a server's premiere fact
  (:meth:`FactStore.premiere_event` and the methods after it); it changes no answer.
* ``unanswered`` and ``gap_settings`` hold the questions fans asked that the bot could not
  answer well, per server, and whether a server records them (:meth:`FactStore.record_unanswered`
  and the methods after it); never who asked. ``suggestion_picks`` counts the "did you mean"
  fact fans picked for such a question (:meth:`FactStore.record_suggestion_pick`); never who
  clicked.
* ``answer_counts`` and ``decline_counts`` count, per server and day, the answers each fact
  gave and the questions declined (:meth:`FactStore.count_answers`), kept and purged with
  ``unanswered``; never who asked.
* ``proposals`` holds the facts members proposed (:meth:`FactStore.file_proposal` and the
  methods after it), with the proposer's id only to tell them the outcome.
* :meth:`FactStore.snapshot` copies the pack and some servers' rows into memory (an
  SQLite file through a read-only connection; a PostgreSQL database by reading), for
  answering without ever writing the database.

Durability (SQLite): WAL with ``synchronous = NORMAL``. A commit is appended to the WAL with
``write()`` before :meth:`commit` returns, so it survives the bot process being killed;
only a power loss or OS crash may lose the last few commits (never corrupting the file).
That trade buys much cheaper commits than ``FULL`` and is the setting SQLite recommends
for WAL.

The code, by module: :mod:`.facts` (:class:`FactStore`), :mod:`.records` (the values it
hands out), :mod:`.errors`, :mod:`.rows` (the ``facts`` rows and their SQL), :mod:`.ids`,
:mod:`.engine` (the engine interface, ``DATABASE_URL``), :mod:`.sqlite` and
:mod:`.schema` (SQLite: connection settings, migrations), :mod:`.postgres`, :mod:`.copy`
(``db copy``, ``db check``) and :mod:`.backup` (``db backup``, ``db restore``: SQLite).
"""

import logging

from bot.core.store.errors import (
    AlreadyRemoved,
    Attempt,
    CorruptFact,
    DatabaseUnreachable,
    DatabaseUnusable,
    DuplicateFactId,
    FactError,
    NotRemoved,
    ProposalNotOpen,
    SchemaTooNew,
    StaleRevision,
    StorageFailing,
    StorageFull,
    StorageUnwritable,
    StoreError,
    Taken,
    UnknownFact,
    Unusable,
)
from bot.core.store.facts import FactStore
from bot.core.store.ids import FACT_ID_MAX_CHARS, PACK_GUILD_ID, slugify
from bot.core.store.ids import checked_guild as checked_guild
from bot.core.store.ids import numbered as numbered
from bot.core.store.records import (
    AnswerCounts,
    AuditAction,
    AuditEntry,
    FactCount,
    GuildFactRef,
    ImportReport,
    Origin,
    PackSync,
    PremiereEvent,
    Proposal,
    ProposalStatus,
    StoredFact,
    SuggestionPick,
    Unanswered,
)
from bot.core.store.rows import EFFECTIVE_SQL as EFFECTIVE_SQL
from bot.core.store.rows import PARSE_CACHE_SIZE
from bot.core.store.schema import BUSY_TIMEOUT_MS, apply_migrations

logger = logging.getLogger(__name__)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "FACT_ID_MAX_CHARS",
    "PACK_GUILD_ID",
    "PARSE_CACHE_SIZE",
    "AlreadyRemoved",
    "AnswerCounts",
    "Attempt",
    "AuditAction",
    "AuditEntry",
    "CorruptFact",
    "DatabaseUnreachable",
    "DatabaseUnusable",
    "DuplicateFactId",
    "FactCount",
    "FactError",
    "FactStore",
    "GuildFactRef",
    "ImportReport",
    "NotRemoved",
    "Origin",
    "PackSync",
    "PremiereEvent",
    "Proposal",
    "ProposalNotOpen",
    "ProposalStatus",
    "SchemaTooNew",
    "StaleRevision",
    "StorageFailing",
    "StorageFull",
    "StorageUnwritable",
    "StoreError",
    "StoredFact",
    "SuggestionPick",
    "Taken",
    "Unanswered",
    "UnknownFact",
    "Unusable",
    "apply_migrations",
    "slugify",
]
