"""Rows of the ``facts`` table: their columns, the SQL that reads and writes them, and
turning them into :mod:`~bot.core.store.records`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple, cast

from pydantic import ValidationError

from bot.core.large_builds import collection_paused, gil_handed_back_often
from bot.core.models import Fact
from bot.core.store.errors import AlreadyRemoved, Attempt, CorruptFact, StaleRevision, UnknownFact
from bot.core.store.ids import PACK_GUILD_ID
from bot.core.store.records import AuditAction, AuditEntry, Origin, StoredFact

# The package's name, so records keep the logger name they had before the split.
logger = logging.getLogger(__package__)

PARSE_CACHE_SIZE = 200_000
"""Parsed facts kept per stored JSON text, so reloading a guild re-validates only changes."""

COLUMNS = "guild_id, fact_id, topic, origin, body, revision, removed, updated_at, updated_by"


class Row(NamedTuple):
    """One ``facts`` row, as stored."""

    guild_id: int
    fact_id: str
    topic: str
    origin: str
    body: str | None
    revision: int
    removed: int
    updated_at: str | None
    updated_by: int | None


class Pair(NamedTuple):
    """A fact id's pack row and this server's row, either possibly missing.

    A dormant hide marker (the pack no longer has the fact) counts as no row.
    """

    pack: Row | None
    own: Row | None

    @property
    def pack_body(self) -> str | None:
        """The pack fact's JSON, or None if the pack does not have it."""
        return self.pack.body if self.pack is not None else None

    @property
    def shown(self) -> Row | None:
        """The row that decides what the server sees: its own, else the pack's."""
        return self.own if self.own is not None else self.pack

    @property
    def body(self) -> str | None:
        """The fact JSON the server sees (hidden or not), or None if there is none."""
        if self.own is not None and self.own.body is not None:
            return self.own.body
        return self.pack.body if self.pack is not None else None


UPSERT = f"""
INSERT INTO facts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, fact_id) DO UPDATE SET
    topic = excluded.topic, origin = excluded.origin, body = excluded.body,
    revision = excluded.revision, removed = excluded.removed,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by
"""

_G_COLUMNS = ", ".join(f"g.{column}" for column in COLUMNS.split(", "))

# Pack facts the server has no row for, plus the server's visible rows, each override
# with its pack fact's body (NULL if the pack no longer has it). Every part is a search
# on the primary key (guild_id, fact_id): no other guild is read. Parameters: the
# server's id, twice.
EFFECTIVE_SQL = f"""
SELECT {COLUMNS}, NULL FROM facts AS p
WHERE p.guild_id = 0 AND NOT EXISTS (
    SELECT 1 FROM facts AS g WHERE g.guild_id = ? AND g.fact_id = p.fact_id)
UNION ALL
SELECT {_G_COLUMNS}, p.body FROM facts AS g
LEFT JOIN facts AS p ON g.origin = 'override' AND p.guild_id = 0 AND p.fact_id = g.fact_id
WHERE g.guild_id = ? AND g.removed = 0
ORDER BY fact_id
"""

PACK_SQL = f"SELECT {COLUMNS} FROM facts WHERE guild_id = 0 ORDER BY fact_id"

# A server's own rows, each with its pack fact's body (hide markers show it). A hide
# marker of a fact the pack no longer has is dormant: nothing to show, so left out.
# Parameters: the server's id, then those of ``filters``.
GUILD_SQL = f"""
SELECT {_G_COLUMNS}, p.body
FROM facts AS g LEFT JOIN facts AS p ON p.guild_id = 0 AND p.fact_id = g.fact_id
WHERE g.guild_id = ? AND (g.body IS NOT NULL OR p.body IS NOT NULL) {{filters}}
ORDER BY g.fact_id
"""


def utc_now_text() -> str:
    """The current UTC time as stored (ISO 8601 with offset)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def stored_facts_of(raw_rows: Sequence[Sequence[Any]]) -> list[StoredFact]:
    """Rows (each optionally followed by its pack fact's body) as stored facts; a row that
    no longer validates is logged and left out."""
    facts = []
    with collection_paused(len(raw_rows)), gil_handed_back_often(len(raw_rows)):
        for raw in raw_rows:
            try:
                facts.append(stored_from_raw(raw))
            except CorruptFact as error:
                logger.error("skipping a stored fact: %s", error)
    return facts


def stored_from_raw(raw: Sequence[Any]) -> StoredFact:
    """A row of :data:`EFFECTIVE_SQL`, :data:`GUILD_SQL` or :data:`PACK_SQL` as a
    stored fact."""
    return stored_fact(Row(*raw[:9]), pack_body=raw[9] if len(raw) > 9 else None)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_fact(body: str) -> Fact:
    """Validate stored JSON into a :class:`Fact`; cached, since facts are immutable."""
    return Fact.model_validate_json(body)


def editable(pair: Pair, fact_id: str, expected_revision: int | None) -> Row:
    """The shown row of a fact that may be edited now, or the reason it may not."""
    shown = pair.shown
    if shown is None:
        raise UnknownFact(fact_id)
    if expected_revision is not None and shown.revision != expected_revision:
        raise StaleRevision(fact_id, expected_revision, shown.revision)
    if shown.removed:
        raise AlreadyRemoved(fact_id, Attempt.EDIT)
    return shown


def removed_row(guild_id: int, pair: Pair, actor_id: int) -> Row:
    """The server's row after removing ``pair``'s fact: its own row flagged, or a new
    bare hide marker over the pack fact."""
    now = utc_now_text()
    if pair.own is not None:
        own = pair.own
        return own._replace(
            removed=1, revision=own.revision + 1, updated_at=now, updated_by=actor_id
        )
    assert pair.pack is not None
    pack = pair.pack
    return Row(
        guild_id, pack.fact_id, pack.topic, "override", None, pack.revision + 1, 1, now, actor_id
    )


def stored_fact(row: Row, fact: Fact | None = None, *, pack_body: str | None = None) -> StoredFact:
    """``row`` as a :class:`StoredFact`; ``fact`` if already known, else parsed from the
    row's body (or, for a bare hide marker, ``pack_body``: the pack fact's JSON).

    An override whose pack fact left the pack (``pack_body`` is None) is kept as it is
    for when the fact returns; meanwhile it is the server's own fact (origin ``guild``).
    """
    if fact is None:
        fact = _fact_of(row, row.body if row.body is not None else pack_body)
    origin = row.origin
    if origin == "override":
        if pack_body is None:
            origin = "guild"
        elif row.body is not None:
            fact = _pack_spoiler_wins(row, fact, pack_body)
    return StoredFact(
        fact=fact,
        guild_id=None if row.guild_id == PACK_GUILD_ID else row.guild_id,
        origin=cast(Origin, origin),
        revision=row.revision,
        removed=bool(row.removed),
        updated_at=_time(row.updated_at),
        updated_by=row.updated_by,
    )


def _pack_spoiler_wins(row: Row, fact: Fact, pack_body: str) -> Fact:
    """The server's correction ``fact`` as served: a spoiler, spoiling what the pack fact
    spoils, whenever the pack fact is a spoiler.

    Applied on every read rather than written at pack sync, so no path (a sync, a later
    edit or import, an older row) can ever serve a correction of a spoiler in clear.
    Spoiler tags in the correction's answer are removed (a spoiler answer may not hold
    them); if what is left is no valid spoiler fact, the pack's own fact is served.
    """
    pack = parse_fact(pack_body)
    if not pack.spoiler or (fact.spoiler and fact.spoils == pack.spoils):
        return fact
    try:
        return _as_spoiler(fact, pack.spoils)
    except ValidationError as error:
        logger.warning(
            "guild %d: its correction of %r cannot be served as a spoiler (%s); serving the "
            "pack's fact instead",
            row.guild_id,
            row.fact_id,
            " ".join(str(error).split()),
        )
        return pack


@lru_cache(maxsize=4096)
def _as_spoiler(fact: Fact, spoils: str | None) -> Fact:
    """``fact`` as a spoiler of ``spoils``, without spoiler tags in its answer."""
    data = fact.model_dump()
    data.update(spoiler=True, spoils=spoils, answer=fact.answer.replace("||", ""))
    return Fact.model_validate(data)


def spoiled_by_pack(own_body: str, pack_body: str) -> bool:
    """Whether the correction ``own_body`` is served differently because the pack fact
    ``pack_body`` is a spoiler (it was not already that spoiler itself)."""
    pack = parse_fact(pack_body)
    if not pack.spoiler:
        return False
    try:
        own = parse_fact(own_body)
    except ValidationError:
        return True  # a row that no longer validates is left out when read, anyway
    return not (own.spoiler and own.spoils == pack.spoils)


def _fact_of(row: Row, body: str | None) -> Fact:
    if body is None:
        raise CorruptFact(row.fact_id, row.guild_id, None)
    try:
        return parse_fact(body)
    except ValidationError as error:
        raise CorruptFact(row.fact_id, row.guild_id, " ".join(str(error).split())) from None


def resolve(pair: Pair) -> StoredFact | None:
    """What the server sees for ``pair``, hidden or not."""
    shown = pair.shown
    return None if shown is None else stored_fact(shown, pack_body=pair.pack_body)


def dormant(row: Row, pack: Row | None) -> bool:
    """Whether ``row`` is a hide marker of a fact the pack no longer has."""
    return pack is None and row.body is None


def audit_entry(row: Any) -> AuditEntry:
    entry_id, guild_id, fact_id, action, actor_id, at, before, after = row
    return AuditEntry(
        id=entry_id,
        guild_id=guild_id,
        fact_id=fact_id,
        action=AuditAction(action),
        actor_id=actor_id,
        at=datetime.fromisoformat(at),
        before=before,
        after=after,
    )
