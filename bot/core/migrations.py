"""The fact store's schema, as an ordered list of steps.

Step ``n`` (1-based) takes a database from schema version ``n - 1`` to ``n``. SQLite
keeps the version in ``PRAGMA user_version``: :func:`bot.core.store.apply_migrations`
runs each pending step in its own ``BEGIN IMMEDIATE`` transaction and bumps
``user_version`` in that same transaction, so a step either happens completely or not at
all. PostgreSQL keeps it in the table ``schema_version``, likewise bumped in the step's
transaction (:func:`bot.core.store.postgres.migrate`, under an advisory lock so that
processes starting together migrate once). Never edit a released step: append one.

A step's ``apply`` is its SQLite DDL; ``postgres``, when given, is its PostgreSQL
variant (``BIGINT`` for Discord ids, identity columns for ``INTEGER PRIMARY KEY``, no
``WITHOUT ROWID``, ``COLLATE "C"`` on text that is sorted, so both engines order ids
alike); without it the step runs as is on both. Dates stay ISO 8601 text on both.

Schema (version 1)
------------------
``facts``: one row per fact *per owner*, clustered by ``(guild_id, fact_id)``.

* ``guild_id = 0`` holds the pack's facts (Discord snowflakes are never 0);
  ``origin = 'pack'``, written only by ``sync_pack``.
* ``guild_id = G, origin = 'guild'``: a fact server G added itself.
* ``guild_id = G, origin = 'override'``: server G's version of the pack fact with the
  same ``fact_id``; it wins over the pack row in G only. ``body IS NULL`` means "hidden
  in G, no correction" (such a row always has ``removed = 1``).
* ``body`` is ``Fact.model_dump_json()``; ``topic`` copies the fact's topic for filtering;
  ``removed = 1`` is a soft delete (guild fact) or a hide (override).

Indexes: ``facts_by_guild_topic (guild_id, topic, fact_id)`` for topic listings;
``facts_by_id (fact_id) WHERE guild_id > 0`` so a pack sync finds every server's row
for an id it adds or drops without scanning all servers.

``audit``: append-only log of every moderator change; rows outlive the facts they
describe, so there is deliberately no foreign key to ``facts``.

Version 2
---------
``premiere_events``: the Discord scheduled event made for a premiere fact in a server
(``/fact event``), so that the same premiere is not announced twice. ``premiere`` is the
fact's date (``YYYY-MM-DD``) the event was last scheduled for: when the fact's date differs,
the event needs moving. No foreign key to ``facts`` either: a fact the pack drops and later
brings back keeps its event.

Version 3
---------
``unanswered``: the questions fans asked in a server that the bot declined or answered
unsure (``/fact gaps``), one row per folded question (``key``, :func:`bot.core.text.fold`):
the text as last asked (``question``, for showing), how often, first and last asked (UTC,
ISO 8601). Never who asked. ``id`` is short enough for a button's custom id. Rows older than
the retention (``UNANSWERED_RETENTION_DAYS``) are purged; ``unanswered_by_last`` finds them.

``gap_settings``: a server's choice to record unanswered questions or not (no row: on).

Version 4
---------
``suggestion_picks``: which "did you mean" fact fans picked for a recorded unanswered
question, per server: the question's folded ``key`` and text as last asked, the fact picked,
how often, when last (UTC, ISO 8601). Never who clicked. ``id`` is short enough for a
button's custom id. Purged with the question it belongs to, and after the retention.

Version 5
---------
``proposals``: facts members proposed with ``/suggest``, per server: the question, answer
and source note as typed (validated like a fact's), who proposed it (``proposer_id``: only
to tell them the outcome; nothing else about them), ``status`` (open, approved, rejected),
the moderator's ``reason`` for a rejection, when filed and decided (UTC, ISO 8601), and
whether the proposer was ``told`` the outcome. ``id`` is short enough for a custom id.

Version 6
---------
``answer_counts``: how many answers each fact gave in a server on each day (``day``: the UTC
date, ``YYYY-MM-DD``), and how many of them were a fan's pick among "did you mean"
suggestions (``picks``); ``decline_counts``: how many questions a server's fans asked that
the bot declined, per day (``/fact stats``). Counts only: never who asked, nor what. Kept,
and purged (``answer_counts_by_day``, ``decline_counts_by_day``), with the retention of
``unanswered``; a server that turns recording off is not counted and forgets its counts.
``proposals.decided_by``: the moderator who approved or rejected a proposal (NULL before).

Version 7
---------
``generations``: a counter per server (``scope``; ``0`` is the pack) bumped in the same
transaction as every change to what that server's answers come from, so that each
process's cached indexes notice another process's commits (see
:meth:`bot.core.store.FactStore.fresh_generation`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

ApplyStep = Callable[[Any], Awaitable[None]]
"""Applies a step on a connection with ``await connection.execute(sql)`` (an
:mod:`aiosqlite` or :mod:`asyncpg` connection)."""


@dataclass(frozen=True)
class Migration:
    """One schema step: what it does and how to apply it inside an open transaction
    (``postgres``: the PostgreSQL variant, if the SQLite one does not run there)."""

    version: int
    summary: str
    apply: ApplyStep
    postgres: ApplyStep | None = None


def sql_step(*statements: str) -> ApplyStep:
    """An :data:`ApplyStep` running ``statements`` one by one (never ``executescript``,
    which would commit the surrounding transaction)."""

    async def apply(db: Any) -> None:
        for statement in statements:
            await db.execute(statement)

    return apply


_V1_FACTS = """
CREATE TABLE facts (
    guild_id   INTEGER NOT NULL CHECK (guild_id >= 0),
    fact_id    TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    origin     TEXT    NOT NULL CHECK (origin IN ('pack', 'guild', 'override')),
    body       TEXT,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    updated_at TEXT,
    updated_by INTEGER,
    PRIMARY KEY (guild_id, fact_id),
    CHECK ((guild_id = 0) = (origin = 'pack')),
    CHECK (body IS NOT NULL OR (origin = 'override' AND removed = 1))
) WITHOUT ROWID
"""

_V1_FACTS_TOPIC = "CREATE INDEX facts_by_guild_topic ON facts (guild_id, topic, fact_id)"

# Finds every server's row for a pack fact id when ``sync_pack`` adds or drops that id.
_V1_FACTS_ID = "CREATE INDEX facts_by_id ON facts (fact_id) WHERE guild_id > 0"

_V1_AUDIT = """
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL CHECK (guild_id > 0),
    fact_id  TEXT    NOT NULL,
    action   TEXT    NOT NULL CHECK (action IN ('add', 'edit', 'remove', 'restore', 'import')),
    actor_id INTEGER NOT NULL,
    at       TEXT    NOT NULL,
    before   TEXT,
    after    TEXT
)
"""

_V1_AUDIT_FACT = "CREATE INDEX audit_by_fact ON audit (guild_id, fact_id, id)"

_V2_PREMIERE_EVENTS = """
CREATE TABLE premiere_events (
    guild_id   INTEGER NOT NULL CHECK (guild_id > 0),
    fact_id    TEXT    NOT NULL,
    event_id   INTEGER NOT NULL CHECK (event_id > 0),
    premiere   TEXT    NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, fact_id)
) WITHOUT ROWID
"""

_V3_UNANSWERED = """
CREATE TABLE unanswered (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL CHECK (guild_id > 0),
    key         TEXT    NOT NULL CHECK (key <> ''),
    question    TEXT    NOT NULL,
    asked       INTEGER NOT NULL CHECK (asked >= 1),
    first_asked TEXT    NOT NULL,
    last_asked  TEXT    NOT NULL,
    UNIQUE (guild_id, key)
)
"""

_V3_UNANSWERED_LAST = "CREATE INDEX unanswered_by_last ON unanswered (last_asked)"

_V3_GAP_SETTINGS = """
CREATE TABLE gap_settings (
    guild_id   INTEGER PRIMARY KEY CHECK (guild_id > 0),
    recording  INTEGER NOT NULL CHECK (recording IN (0, 1)),
    updated_at TEXT    NOT NULL
)
"""

_V4_SUGGESTION_PICKS = """
CREATE TABLE suggestion_picks (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL CHECK (guild_id > 0),
    key         TEXT    NOT NULL CHECK (key <> ''),
    question    TEXT    NOT NULL,
    fact_id     TEXT    NOT NULL,
    picks       INTEGER NOT NULL CHECK (picks >= 1),
    last_picked TEXT    NOT NULL,
    UNIQUE (guild_id, key, fact_id)
)
"""

_V4_SUGGESTION_PICKS_LAST = (
    "CREATE INDEX suggestion_picks_by_last ON suggestion_picks (last_picked)"
)

_V5_PROPOSALS = """
CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL CHECK (guild_id > 0),
    proposer_id INTEGER NOT NULL,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'approved', 'rejected')),
    reason      TEXT,
    filed_at    TEXT    NOT NULL,
    decided_at  TEXT,
    told        INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1))
)
"""

_V5_PROPOSALS_BY_GUILD = (
    "CREATE INDEX proposals_by_guild ON proposals (guild_id, status, proposer_id, id)"
)

_V6_ANSWER_COUNTS = """
CREATE TABLE answer_counts (
    guild_id INTEGER NOT NULL CHECK (guild_id > 0),
    fact_id  TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    answers  INTEGER NOT NULL CHECK (answers >= 0),
    picks    INTEGER NOT NULL DEFAULT 0 CHECK (picks >= 0),
    PRIMARY KEY (guild_id, fact_id, day)
)
"""
_V6_ANSWER_COUNTS_DAY = "CREATE INDEX answer_counts_by_day ON answer_counts (day)"
_V6_DECLINE_COUNTS = """
CREATE TABLE decline_counts (
    guild_id INTEGER NOT NULL CHECK (guild_id > 0),
    day      TEXT    NOT NULL,
    declines INTEGER NOT NULL CHECK (declines >= 1),
    PRIMARY KEY (guild_id, day)
)
"""
_V6_DECLINE_COUNTS_DAY = "CREATE INDEX decline_counts_by_day ON decline_counts (day)"
_V6_PROPOSALS_DECIDED_BY = "ALTER TABLE proposals ADD COLUMN decided_by INTEGER"

# --- PostgreSQL variants ------------------------------------------------------------------

_PG_V1_FACTS = """
CREATE TABLE facts (
    guild_id   BIGINT  NOT NULL CHECK (guild_id >= 0),
    fact_id    TEXT    COLLATE "C" NOT NULL,
    topic      TEXT    COLLATE "C" NOT NULL,
    origin     TEXT    NOT NULL CHECK (origin IN ('pack', 'guild', 'override')),
    body       TEXT,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    updated_at TEXT,
    updated_by BIGINT,
    PRIMARY KEY (guild_id, fact_id),
    CHECK ((guild_id = 0) = (origin = 'pack')),
    CHECK (body IS NOT NULL OR (origin = 'override' AND removed = 1))
)
"""

_PG_V1_AUDIT = """
CREATE TABLE audit (
    id       BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id BIGINT  NOT NULL CHECK (guild_id > 0),
    fact_id  TEXT    COLLATE "C" NOT NULL,
    action   TEXT    NOT NULL CHECK (action IN ('add', 'edit', 'remove', 'restore', 'import')),
    actor_id BIGINT  NOT NULL,
    at       TEXT    NOT NULL,
    before   TEXT,
    after    TEXT
)
"""

_PG_V2_PREMIERE_EVENTS = """
CREATE TABLE premiere_events (
    guild_id   BIGINT NOT NULL CHECK (guild_id > 0),
    fact_id    TEXT   COLLATE "C" NOT NULL,
    event_id   BIGINT NOT NULL CHECK (event_id > 0),
    premiere   TEXT   NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_at TEXT   NOT NULL,
    PRIMARY KEY (guild_id, fact_id)
)
"""

_PG_V3_UNANSWERED = """
CREATE TABLE unanswered (
    id          BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT  NOT NULL CHECK (guild_id > 0),
    key         TEXT    COLLATE "C" NOT NULL CHECK (key <> ''),
    question    TEXT    NOT NULL,
    asked       INTEGER NOT NULL CHECK (asked >= 1),
    first_asked TEXT    COLLATE "C" NOT NULL,
    last_asked  TEXT    COLLATE "C" NOT NULL,
    UNIQUE (guild_id, key)
)
"""

_PG_V3_GAP_SETTINGS = """
CREATE TABLE gap_settings (
    guild_id   BIGINT  PRIMARY KEY CHECK (guild_id > 0),
    recording  INTEGER NOT NULL CHECK (recording IN (0, 1)),
    updated_at TEXT    NOT NULL
)
"""

_PG_V4_SUGGESTION_PICKS = """
CREATE TABLE suggestion_picks (
    id          BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT  NOT NULL CHECK (guild_id > 0),
    key         TEXT    COLLATE "C" NOT NULL CHECK (key <> ''),
    question    TEXT    NOT NULL,
    fact_id     TEXT    COLLATE "C" NOT NULL,
    picks       INTEGER NOT NULL CHECK (picks >= 1),
    last_picked TEXT    COLLATE "C" NOT NULL,
    UNIQUE (guild_id, key, fact_id)
)
"""

_PG_V5_PROPOSALS = """
CREATE TABLE proposals (
    id          BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT  NOT NULL CHECK (guild_id > 0),
    proposer_id BIGINT  NOT NULL,
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'approved', 'rejected')),
    reason      TEXT,
    filed_at    TEXT    NOT NULL,
    decided_at  TEXT,
    told        INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1))
)
"""

_PG_V6_ANSWER_COUNTS = """
CREATE TABLE answer_counts (
    guild_id BIGINT  NOT NULL CHECK (guild_id > 0),
    fact_id  TEXT    COLLATE "C" NOT NULL,
    day      TEXT    COLLATE "C" NOT NULL,
    answers  INTEGER NOT NULL CHECK (answers >= 0),
    picks    INTEGER NOT NULL DEFAULT 0 CHECK (picks >= 0),
    PRIMARY KEY (guild_id, fact_id, day)
)
"""
_PG_V6_DECLINE_COUNTS = """
CREATE TABLE decline_counts (
    guild_id BIGINT  NOT NULL CHECK (guild_id > 0),
    day      TEXT    COLLATE "C" NOT NULL,
    declines INTEGER NOT NULL CHECK (declines >= 1),
    PRIMARY KEY (guild_id, day)
)
"""
_PG_V6_PROPOSALS_DECIDED_BY = "ALTER TABLE proposals ADD COLUMN decided_by BIGINT"

# Portable: BIGINT PRIMARY KEY is no rowid alias in SQLite, and an integer on both.
_V7_GENERATIONS = """
CREATE TABLE generations (
    scope      BIGINT PRIMARY KEY CHECK (scope >= 0),
    generation BIGINT NOT NULL CHECK (generation >= 1)
)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "facts (pack, guild, override rows) and audit log",
        sql_step(_V1_FACTS, _V1_FACTS_TOPIC, _V1_FACTS_ID, _V1_AUDIT, _V1_AUDIT_FACT),
        sql_step(_PG_V1_FACTS, _V1_FACTS_TOPIC, _V1_FACTS_ID, _PG_V1_AUDIT, _V1_AUDIT_FACT),
    ),
    Migration(
        2,
        "premiere_events: Discord events made for premiere facts",
        sql_step(_V2_PREMIERE_EVENTS),
        sql_step(_PG_V2_PREMIERE_EVENTS),
    ),
    Migration(
        3,
        "unanswered questions and gap_settings (/fact gaps)",
        sql_step(_V3_UNANSWERED, _V3_UNANSWERED_LAST, _V3_GAP_SETTINGS),
        sql_step(_PG_V3_UNANSWERED, _V3_UNANSWERED_LAST, _PG_V3_GAP_SETTINGS),
    ),
    Migration(
        4,
        "suggestion_picks: the suggested fact fans picked for an unanswered question",
        sql_step(_V4_SUGGESTION_PICKS, _V4_SUGGESTION_PICKS_LAST),
        sql_step(_PG_V4_SUGGESTION_PICKS, _V4_SUGGESTION_PICKS_LAST),
    ),
    Migration(
        5,
        "proposals: facts members proposed with /suggest",
        sql_step(_V5_PROPOSALS, _V5_PROPOSALS_BY_GUILD),
        sql_step(_PG_V5_PROPOSALS, _V5_PROPOSALS_BY_GUILD),
    ),
    Migration(
        6,
        "answer_counts and decline_counts (/fact stats); who decided a proposal",
        sql_step(
            _V6_ANSWER_COUNTS,
            _V6_ANSWER_COUNTS_DAY,
            _V6_DECLINE_COUNTS,
            _V6_DECLINE_COUNTS_DAY,
            _V6_PROPOSALS_DECIDED_BY,
        ),
        sql_step(
            _PG_V6_ANSWER_COUNTS,
            _V6_ANSWER_COUNTS_DAY,
            _PG_V6_DECLINE_COUNTS,
            _V6_DECLINE_COUNTS_DAY,
            _PG_V6_PROPOSALS_DECIDED_BY,
        ),
    ),
    Migration(
        7,
        "generations: a per-server change counter, for caches in other processes",
        sql_step(_V7_GENERATIONS),
    ),
)

LATEST_VERSION = len(MIGRATIONS)
