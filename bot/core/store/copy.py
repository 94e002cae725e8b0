"""Moving a whole store between databases (``python -m bot db copy``) and checking one
(``python -m bot db check``), on either engine.

A copy reads every table of the source in one snapshot (SQLite: one read transaction;
PostgreSQL: ``REPEATABLE READ``) and writes it into the target in one transaction, ids,
timestamps and authors as they are; on PostgreSQL the identity sequences are then moved
past the copied ids. The target must be empty (it is migrated to the same schema first):
a copy never merges.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.store.errors import StoreError
from bot.core.store.facts import FactStore


class TargetNotEmpty(StoreError):
    """``db copy`` refuses a target that holds rows; ``counts``: how many, per table."""

    def __init__(self, where: str, counts: dict[str, int]) -> None:
        self.where = where
        self.counts = counts
        super().__init__(where, counts)


class CopyMismatch(StoreError):
    """The target's row counts after a copy differ from what was copied (nothing should
    ever raise this; it is checked so that a copy that lost rows cannot pass silently)."""

    def __init__(self, where: str, copied: dict[str, int], found: dict[str, int]) -> None:
        self.where = where
        self.copied = copied
        self.found = found
        super().__init__(where, copied, found)


@dataclass(frozen=True)
class CopyReport:
    """What ``db copy`` did: rows per table, at schema ``schema``."""

    source: str
    target: str
    schema: int
    rows: dict[str, int]


@dataclass(frozen=True)
class CheckReport:
    """What ``db check`` found."""

    where: str
    engine: str
    schema: int
    rows: dict[str, int]
    problems: list[str]


async def copy_database(source: Path | str, target: Path | str) -> CopyReport:
    """Copy everything in ``source`` into the empty ``target`` (both opened, and so
    migrated, as the bot opens them). Raises :class:`TargetNotEmpty` (writing nothing)."""
    async with await FactStore.open(source) as origin, await FactStore.open(target) as copy:
        held = {table: count for table, count in (await copy.table_counts()).items() if count}
        if held:
            raise TargetNotEmpty(copy.where, held)
        rows = await copy.copy_rows_from(origin)
        found = await copy.table_counts()
        if {table: found.get(table, 0) for table in rows} != rows:
            raise CopyMismatch(copy.where, rows, found)
        return CopyReport(origin.where, copy.where, await copy.engine.schema_version(), rows)


async def check_database(target: Path | str) -> CheckReport:
    """Schema version, rows per table and integrity problems of ``target``: the engine's
    own check (SQLite ``PRAGMA integrity_check``) and ``facts`` rows that no longer make a
    valid fact."""
    async with await FactStore.open(target) as store:
        problems = await store.engine.integrity_problems()
        problems += [
            f"server {guild_id or 'pack'}: fact {fact_id!r} no longer makes a valid fact"
            for guild_id, fact_id in await store.corrupt_facts()
        ]
        return CheckReport(
            store.where,
            store.engine.kind,
            await store.engine.schema_version(),
            await store.table_counts(),
            problems,
        )
