"""Tests for the fact store: schema, pack sync, per-guild writes, audit, concurrency.

The tests that use ``store`` run on both engines (SQLite and PostgreSQL); those about the
SQLite file itself are marked ``sqlite_only``."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import store as store_module
from bot.core.migrations import LATEST_VERSION, MIGRATIONS, Migration, sql_step
from bot.core.models import FACT_ID_PATTERN, Fact, Topic
from bot.core.store import (
    AlreadyRemoved,
    Attempt,
    AuditAction,
    AuditEntry,
    DuplicateFactId,
    FactError,
    FactStore,
    NotRemoved,
    SchemaTooNew,
    StaleRevision,
    StoreError,
    Taken,
    UnknownFact,
    apply_migrations,
    slugify,
)
from tests.conftest import BOTH_ENGINES
from tests.core.factories import make_fact, make_pack, pack_fact

GUILD_A = 111_111_111_111_111_111
GUILD_B = 222_222_222_222_222_222
MOD = 42
OTHER_MOD = 43


def dump(path: Path) -> tuple[list[Any], list[Any]]:
    """Every committed row of ``facts`` and ``audit``, read through a separate connection."""
    with closing(sqlite3.connect(path)) as db:
        facts = db.execute("SELECT * FROM facts ORDER BY guild_id, fact_id").fetchall()
        audit = db.execute("SELECT * FROM audit ORDER BY id").fetchall()
    return facts, audit


async def table_dump(store: FactStore) -> tuple[list[Any], list[Any]]:
    """Every committed row of ``facts`` and ``audit``, on either engine."""
    return await store.table_rows("facts"), await store.table_rows("audit")


def file_bytes(path: Path) -> bytes:
    """The file's bytes (a helper, so async tests read files without a lint warning)."""
    return path.read_bytes()


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (not below it), by name."""
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def ids(stored_facts: list[store_module.StoredFact]) -> list[str]:
    return [stored.fact_id for stored in stored_facts]


def answers(stored_facts: list[store_module.StoredFact]) -> dict[str, str]:
    return {stored.fact_id: stored.fact.answer for stored in stored_facts}


ENGINES = BOTH_ENGINES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "facts.db"


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[FactStore]:
    async with await FactStore.open(database) as opened:
        yield opened


@pytest.fixture
async def packed(store: FactStore) -> FactStore:
    """A store synced with a pack of facts ``alpha`` and ``beta``."""
    await store.sync_pack(
        make_pack(pack_fact("alpha", "Pack alpha."), pack_fact("beta", "Pack beta."))
    )
    return store


# --- schema and lifecycle -------------------------------------------------------------


async def test_open_creates_schema_and_data_survives_reopen(db_path: Path) -> None:
    async with await FactStore.open(db_path) as store:
        await store.add(GUILD_A, pack_fact("kept", "Still here."), MOD)

    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    async with await FactStore.open(db_path) as reopened:
        kept = await reopened.get(GUILD_A, "kept")
        history = await reopened.history(GUILD_A, "kept")
    assert kept is not None
    assert kept.fact.answer == "Still here."
    assert kept.origin == "guild"
    assert kept.revision == 1
    assert [entry.action for entry in history] == [AuditAction.ADD]
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)


@pytest.mark.sqlite_only  # SQLite's own connection settings
async def test_connection_pragmas(store: FactStore) -> None:
    assert await store._fetch("PRAGMA journal_mode") == [("wal",)]
    assert await store._fetch("PRAGMA synchronous") == [(1,)]  # NORMAL
    assert await store._fetch("PRAGMA foreign_keys") == [(1,)]
    assert await store._fetch("PRAGMA busy_timeout") == [(store_module.BUSY_TIMEOUT_MS,)]


@pytest.mark.sqlite_only  # SQLite's switch to WAL
async def test_opening_waits_for_another_process_to_let_go_of_the_file(db_path: Path) -> None:
    """Processes starting together on one file: the switch to WAL needs the file to itself,
    and while another holds its write lock SQLite refuses it at once ("database is locked")
    instead of waiting."""
    await (await FactStore.open(db_path)).close()
    other = sqlite3.connect(db_path, isolation_level=None)  # another process, writing
    other.execute("PRAGMA journal_mode = DELETE")  # as a file is before anyone opened it
    other.execute("BEGIN IMMEDIATE")  # e.g. migrating it
    other.execute("SELECT * FROM facts").fetchall()
    opening = asyncio.create_task(FactStore.open(db_path))
    await asyncio.sleep(0.3)
    other.execute("COMMIT")
    other.close()
    async with await opening as opened:
        assert await opened._fetch("PRAGMA journal_mode") == [("wal",)]


async def test_newer_schema_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")

    with pytest.raises(SchemaTooNew) as refused:
        await FactStore.open(db_path)
    assert (refused.value.found, refused.value.known) == (LATEST_VERSION + 1, LATEST_VERSION)

    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION + 1,)
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == []


@pytest.mark.parametrize("opening", ["open", "snapshot"])
async def test_unusable_files_are_refused_with_data_and_left_as_they_are(
    tmp_path: Path, opening: str
) -> None:
    not_db = tmp_path / "notes.db"
    not_db.write_text("just some notes\n" * 30)
    foreign = tmp_path / "other.db"
    with closing(sqlite3.connect(foreign)) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
        db.commit()
    cases = [
        (tmp_path, store_module.Unusable.DIRECTORY, ""),
        (not_db, store_module.Unusable.NOT_A_DATABASE, "file is not a database"),
        (foreign, store_module.Unusable.FOREIGN, "tables: recipes"),
    ]
    for path, problem, detail in cases:
        before = folder_bytes(tmp_path)
        with pytest.raises(store_module.DatabaseUnusable) as refused:
            await getattr(FactStore, opening)(path)
        assert (refused.value.path, refused.value.problem) == (path, problem)
        assert refused.value.detail == detail
        assert folder_bytes(tmp_path) == before


async def test_failed_migration_step_changes_nothing(tmp_path: Path) -> None:
    broken = sql_step("CREATE TABLE half (x)", "THIS IS NOT SQL")
    steps = [*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", broken)]
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as db:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(db, steps)
        assert list(await db.execute_fetchall("PRAGMA user_version")) == [(LATEST_VERSION,)]
        tables = {row[0] for row in await db.execute_fetchall("SELECT name FROM sqlite_master")}
    assert "facts" in tables
    assert "half" not in tables


async def test_migrations_are_idempotent(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as db:
        assert await apply_migrations(db) == LATEST_VERSION
        assert await apply_migrations(db) == LATEST_VERSION


def test_guild_id_zero_is_reserved_for_the_pack() -> None:
    with pytest.raises(ValueError, match="positive"):
        store_module.checked_guild(0)


# --- pack sync ------------------------------------------------------------------------


async def test_sync_pack_counts_and_idempotence(store: FactStore) -> None:
    first = await store.sync_pack(make_pack(pack_fact("a"), pack_fact("b"), pack_fact("c")))
    assert (first.added, first.updated, first.removed, first.unchanged) == (3, 0, 0, 0)
    generation = store.generation(None)
    before = await table_dump(store)

    again = await store.sync_pack(make_pack(pack_fact("a"), pack_fact("b"), pack_fact("c")))
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    assert not again.changed
    assert await table_dump(store) == before
    assert store.generation(None) == generation

    changed = await store.sync_pack(
        make_pack(pack_fact("b", "New b."), pack_fact("c"), pack_fact("d"))
    )
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (1, 1, 1, 1)
    pack_view = await store.effective_facts(None)
    assert ids(pack_view) == ["b", "c", "d"]
    assert answers(pack_view)["b"] == "New b."
    assert {stored.revision for stored in pack_view if stored.fact_id == "b"} == {2}
    assert all(stored.origin == "pack" and stored.guild_id is None for stored in pack_view)


async def test_a_smaller_pack_keeps_servers_corrections_and_hides(packed: FactStore) -> None:
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.edit(GUILD_A, pack_fact("beta", "A's beta."), MOD)
    await packed.remove(GUILD_A, "beta", MOD)  # a hidden correction
    await packed.remove(GUILD_B, "beta", MOD)  # a bare hide

    result = await packed.sync_pack(make_pack(pack_fact("gamma")))

    assert result.removed == 2
    assert result.kept == ((GUILD_A, "alpha"), (GUILD_A, "beta"), (GUILD_B, "beta"))
    assert result.dropped == ()
    view_a = await packed.effective_facts(GUILD_A)
    assert answers(view_a) == {"alpha": "A's alpha.", "gamma": "The answer."}
    assert view_a[0].origin == "guild"  # the server's own fact while the pack lacks it
    assert ids(await packed.effective_facts(GUILD_B)) == ["gamma"]
    # B's hide of a fact the pack no longer has is dormant: nothing to show or act on
    assert await packed.guild_facts(GUILD_B, include_removed=True) == []
    assert await packed.get(GUILD_B, "beta", include_removed=True) is None
    for refused in (packed.remove(GUILD_B, "beta", MOD), packed.restore(GUILD_B, "beta", MOD)):
        with pytest.raises(UnknownFact):
            await refused
    hidden_a = await packed.guild_facts(GUILD_A, include_removed=True)
    assert [(s.fact_id, s.origin, s.removed) for s in hidden_a] == [
        ("alpha", "guild", False),
        ("beta", "guild", True),
    ]


async def test_the_full_pack_again_restores_every_servers_state_exactly(
    packed: FactStore,
) -> None:
    full = make_pack(pack_fact("alpha", "Pack alpha."), pack_fact("beta", "Pack beta."))
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.edit(GUILD_A, pack_fact("beta", "A's beta."), MOD)
    await packed.remove(GUILD_A, "beta", MOD)
    await packed.remove(GUILD_B, "beta", MOD)
    await packed.add(GUILD_B, pack_fact("own"), MOD)
    views = {g: await packed.effective_facts(g) for g in (GUILD_A, GUILD_B)}
    managed = {g: await packed.guild_facts(g, include_removed=True) for g in (GUILD_A, GUILD_B)}
    guild_rows = [row for row in (await table_dump(packed))[0] if row[0] != 0]

    await packed.sync_pack(make_pack(pack_fact("gamma")))
    again = await packed.sync_pack(full)

    assert (again.added, again.claimed, again.dropped) == (2, (), ())
    assert [row for row in (await table_dump(packed))[0] if row[0] != 0] == guild_rows
    for guild in (GUILD_A, GUILD_B):
        assert answers(await packed.effective_facts(guild)) == answers(views[guild])
        assert [(s.fact, s.origin, s.removed, s.revision) for s in managed[guild]] == [
            (s.fact, s.origin, s.removed, s.revision)
            for s in await packed.guild_facts(guild, include_removed=True)
        ]
    hidden = await packed.get(GUILD_B, "beta", include_removed=True)
    assert hidden is not None and (hidden.origin, hidden.removed) == ("override", True)


async def test_a_dormant_hide_gives_way_to_a_new_fact_with_its_id(packed: FactStore) -> None:
    await packed.remove(GUILD_B, "beta", MOD)
    await packed.sync_pack(make_pack(pack_fact("alpha", "Pack alpha.")))
    added = await packed.add(GUILD_B, pack_fact("beta", "B's own beta."), MOD)
    assert (added.origin, added.removed) == ("guild", False)
    result = await packed.sync_pack(
        make_pack(pack_fact("alpha", "Pack alpha."), pack_fact("beta", "Pack beta."))
    )
    assert result.claimed == ((GUILD_B, "beta"),)
    assert answers(await packed.effective_facts(GUILD_B))["beta"] == "B's own beta."


async def test_pack_adding_a_guild_id_claims_it_as_override(store: FactStore) -> None:
    await store.add(GUILD_A, pack_fact("news", "A's news."), MOD)
    await store.add(GUILD_B, pack_fact("news", "B's news."), MOD)
    await store.remove(GUILD_B, "news", MOD)

    result = await store.sync_pack(make_pack(pack_fact("news", "Pack news.")))

    assert result.claimed == ((GUILD_A, "news"),)
    assert result.dropped == ((GUILD_B, "news"),)
    [seen_by_a] = await store.effective_facts(GUILD_A)
    assert (seen_by_a.origin, seen_by_a.fact.answer) == ("override", "A's news.")
    [seen_by_b] = await store.effective_facts(GUILD_B)
    assert (seen_by_b.origin, seen_by_b.fact.answer) == ("pack", "Pack news.")


def spoiler_of(fact: Fact, spoils: str | None = "the finale") -> Fact:
    return fact.model_copy(update={"spoiler": True, "spoils": spoils})


async def test_a_pack_spoiler_makes_every_servers_correction_of_it_a_spoiler(
    packed: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.edit(GUILD_B, pack_fact("alpha", "B's ||hidden|| alpha."), MOD)
    await packed.edit(GUILD_B, pack_fact("beta", "B's beta."), MOD)
    await packed.remove(GUILD_B, "beta", MOD)  # a hidden correction: still a correction
    pack_alpha = spoiler_of(pack_fact("alpha", "Pack alpha."))
    pack_beta = spoiler_of(pack_fact("beta", "Pack beta."), "Season 2")

    with caplog.at_level(logging.INFO, logger="bot.core.store"):
        result = await packed.sync_pack(make_pack(pack_alpha, pack_beta))

    assert result.spoiled == ((GUILD_A, "alpha"), (GUILD_B, "alpha"), (GUILD_B, "beta"))
    assert f"guild {GUILD_A}: its correction of 'alpha' is now a spoiler" in caplog.text
    a_alpha = await packed.get(GUILD_A, "alpha")
    assert a_alpha is not None and a_alpha.origin == "override"
    assert a_alpha.fact == spoiler_of(pack_fact("alpha", "A's alpha."))
    [b_alpha] = [s for s in await packed.effective_facts(GUILD_B) if s.fact_id == "alpha"]
    assert b_alpha.fact == spoiler_of(pack_fact("alpha", "B's hidden alpha."))  # tags removed
    [listed] = [s for s in await packed.guild_facts(GUILD_A) if s.fact_id == "alpha"]
    assert listed.fact.spoiler
    restored = await packed.restore(GUILD_B, "beta", MOD)
    assert restored.fact == spoiler_of(pack_fact("beta", "B's beta."), "Season 2")
    assert answers(await packed.effective_facts(GUILD_B))["beta"] == "B's beta."
    assert all(s.fact.spoiler for s in await packed.effective_facts(GUILD_B))

    reworded = pack_alpha.model_copy(update={"answer": "Pack alpha, reworded."})
    again = await packed.sync_pack(make_pack(reworded, pack_beta))
    assert (again.updated, again.spoiled) == (1, ())  # already spoilers: nothing new to report
    assert all(s.fact.spoiler for s in await packed.effective_facts(GUILD_A))


async def test_a_correction_saved_later_is_a_spoiler_too(packed: FactStore) -> None:
    await packed.sync_pack(
        make_pack(spoiler_of(pack_fact("alpha", "Pack alpha.")), pack_fact("beta", "Pack beta."))
    )
    report = await packed.import_facts(GUILD_A, [pack_fact("alpha", "A's alpha.")], MOD)
    assert report.changed == ("alpha",)
    edited = await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha, again."), MOD)
    assert edited.fact == spoiler_of(pack_fact("alpha", "A's alpha, again."))
    differently = spoiler_of(pack_fact("alpha", "A's own spoiler."), "the show")
    await packed.edit(GUILD_A, differently, MOD)
    shown = await packed.get(GUILD_A, "alpha")
    assert shown is not None and shown.fact.spoils == "the finale"  # the pack's word wins
    assert (await packed.get(GUILD_A, "beta")) == (await packed.get(None, "beta"))


async def test_a_correction_that_cannot_be_a_spoiler_gives_way_to_the_pack_fact(
    packed: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    await packed.edit(GUILD_A, pack_fact("alpha", "||||"), MOD)
    await packed.sync_pack(make_pack(spoiler_of(pack_fact("alpha", "Pack alpha."))))

    with caplog.at_level(logging.WARNING, logger="bot.core.store"):
        [shown] = await packed.effective_facts(GUILD_A)

    assert (shown.origin, shown.fact) == ("override", spoiler_of(pack_fact("alpha", "Pack alpha.")))
    assert "'alpha'" in caplog.text and str(GUILD_A) in caplog.text


async def test_a_pack_fact_that_stops_being_a_spoiler_leaves_corrections_alone(
    packed: FactStore,
) -> None:
    await packed.sync_pack(make_pack(spoiler_of(pack_fact("alpha", "Pack alpha."))))
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    result = await packed.sync_pack(make_pack(pack_fact("alpha", "Pack alpha.")))
    assert result.spoiled == ()
    shown = await packed.get(GUILD_A, "alpha")
    assert shown is not None and shown.fact == pack_fact("alpha", "A's alpha.")


# --- moderator writes and audit -------------------------------------------------------


async def test_add_edit_remove_restore_history(store: FactStore) -> None:
    started = datetime.now(UTC)
    added = await store.add(GUILD_A, pack_fact("trailer", "Not yet."), MOD)
    edited = await store.edit(
        GUILD_A, pack_fact("trailer", "Out now."), OTHER_MOD, expected_revision=1
    )
    removed = await store.remove(GUILD_A, "trailer", MOD)
    restored = await store.restore(GUILD_A, "trailer", OTHER_MOD)

    assert [s.revision for s in (added, edited, removed, restored)] == [1, 2, 3, 4]
    assert (removed.removed, restored.removed) == (True, False)
    assert restored.fact.answer == "Out now."
    assert restored.updated_by == OTHER_MOD
    history = await store.history(GUILD_A, "trailer")
    assert [entry.action for entry in history] == ["add", "edit", "remove", "restore"]
    assert [entry.actor_id for entry in history] == [MOD, OTHER_MOD, MOD, OTHER_MOD]
    assert [(e.before_fact, e.after_fact) for e in history] == [
        (None, pack_fact("trailer", "Not yet.")),
        (pack_fact("trailer", "Not yet."), pack_fact("trailer", "Out now.")),
        (pack_fact("trailer", "Out now."), None),
        (None, pack_fact("trailer", "Out now.")),
    ]
    times = [entry.at for entry in history]
    assert all(t.tzinfo is not None and t.utcoffset() == UTC.utcoffset(None) for t in times)
    assert started <= times[0] <= times[1] <= times[2] <= times[3] <= datetime.now(UTC)


async def test_get_and_guild_facts_show_removed_only_when_asked(packed: FactStore) -> None:
    await packed.add(GUILD_A, pack_fact("zeta", topic=Topic.TRAILER), MOD)
    await packed.add(GUILD_A, pack_fact("eta", topic=Topic.TRAILER), MOD)
    await packed.remove(GUILD_A, "eta", MOD)
    await packed.remove(GUILD_A, "beta", MOD)

    assert await packed.get(GUILD_A, "eta") is None
    hidden = await packed.get(GUILD_A, "beta", include_removed=True)
    assert hidden is not None
    assert (hidden.origin, hidden.removed, hidden.fact.answer) == ("override", True, "Pack beta.")
    assert ids(await packed.guild_facts(GUILD_A)) == ["zeta"]
    assert ids(await packed.guild_facts(GUILD_A, include_removed=True)) == ["beta", "eta", "zeta"]
    trailers = await packed.guild_facts(GUILD_A, topic=Topic.TRAILER, include_removed=True)
    assert ids(trailers) == ["eta", "zeta"]
    pack_alpha = await packed.get(None, "alpha")
    assert pack_alpha is not None
    assert (pack_alpha.origin, pack_alpha.guild_id, pack_alpha.updated_by) == ("pack", None, None)


async def test_override_and_hide_affect_only_that_guild(packed: FactStore) -> None:
    override = await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.remove(GUILD_A, "beta", MOD)
    await packed.add(GUILD_A, pack_fact("own"), MOD)

    assert (override.origin, override.guild_id, override.revision) == ("override", GUILD_A, 2)
    assert answers(await packed.effective_facts(GUILD_A)) == {
        "alpha": "A's alpha.",
        "own": "The answer.",
    }
    pack_answers = {"alpha": "Pack alpha.", "beta": "Pack beta."}
    assert answers(await packed.effective_facts(GUILD_B)) == pack_answers
    assert answers(await packed.effective_facts(None)) == pack_answers
    assert await packed.get(GUILD_B, "own") is None
    assert ids(await packed.guild_facts(GUILD_B, include_removed=True)) == []
    [pack_alpha] = [s for s in await packed.effective_facts(GUILD_B) if s.fact_id == "alpha"]
    assert pack_alpha.origin == "pack"


async def test_unhidden_pack_fact_follows_later_pack_updates(packed: FactStore) -> None:
    await packed.remove(GUILD_A, "beta", MOD)
    restored = await packed.restore(GUILD_A, "beta", MOD)
    assert (restored.origin, restored.removed) == ("pack", False)
    assert await packed.guild_facts(GUILD_A, include_removed=True) == []

    await packed.sync_pack(
        make_pack(pack_fact("alpha", "Pack alpha."), pack_fact("beta", "Beta 2."))
    )
    assert answers(await packed.effective_facts(GUILD_A))["beta"] == "Beta 2."
    assert [e.action for e in await packed.history(GUILD_A, "beta")] == ["remove", "restore"]


async def test_hiding_a_corrected_pack_fact_keeps_the_correction(packed: FactStore) -> None:
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.remove(GUILD_A, "alpha", MOD)
    assert "alpha" not in ids(await packed.effective_facts(GUILD_A))
    restored = await packed.restore(GUILD_A, "alpha", MOD)
    assert (restored.origin, restored.fact.answer) == ("override", "A's alpha.")


async def test_edit_to_same_content_writes_nothing(packed: FactStore) -> None:
    before = await table_dump(packed)
    generation = packed.generation(GUILD_A)
    unchanged = await packed.edit(GUILD_A, pack_fact("alpha", "Pack alpha."), MOD)
    assert (unchanged.origin, unchanged.revision) == ("pack", 1)
    assert await table_dump(packed) == before
    assert packed.generation(GUILD_A) == generation


# --- errors leave the store unchanged -------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.add(GUILD_A, pack_fact("own"), MOD), DuplicateFactId),
        (lambda s: s.add(GUILD_A, pack_fact("alpha"), MOD), DuplicateFactId),
        (lambda s: s.add(GUILD_A, pack_fact("gone"), MOD), DuplicateFactId),
        (lambda s: s.edit(GUILD_A, pack_fact("nope"), MOD), UnknownFact),
        (lambda s: s.remove(GUILD_A, "nope", MOD), UnknownFact),
        (lambda s: s.restore(GUILD_A, "nope", MOD), UnknownFact),
        (lambda s: s.edit(GUILD_A, pack_fact("own", "x"), MOD, expected_revision=7), StaleRevision),
        (
            lambda s: s.edit(GUILD_A, pack_fact("alpha", "x"), MOD, expected_revision=2),
            StaleRevision,
        ),
        (lambda s: s.edit(GUILD_A, pack_fact("gone", "x"), MOD), AlreadyRemoved),
        (lambda s: s.edit(GUILD_A, pack_fact("beta", "x"), MOD), AlreadyRemoved),
        (lambda s: s.remove(GUILD_A, "gone", MOD), AlreadyRemoved),
        (lambda s: s.remove(GUILD_A, "beta", MOD), AlreadyRemoved),
        (lambda s: s.restore(GUILD_A, "own", MOD), NotRemoved),
        (lambda s: s.restore(GUILD_A, "alpha", MOD), NotRemoved),
    ],
)
async def test_refused_write_leaves_store_unchanged(
    packed: FactStore, call: Any, error: type[StoreError]
) -> None:
    await packed.add(GUILD_A, pack_fact("own"), MOD)
    await packed.add(GUILD_A, pack_fact("gone"), MOD)
    await packed.remove(GUILD_A, "gone", MOD)
    await packed.remove(GUILD_A, "beta", MOD)
    before = await table_dump(packed)
    view = await packed.effective_facts(GUILD_A)
    generations = (packed.generation(GUILD_A), packed.generation(GUILD_B))

    with pytest.raises(error) as raised:
        await call(packed)

    assert isinstance(raised.value, FactError)
    assert raised.value.fact_id in str(raised.value)  # the data: no sentence (see errors.py)
    assert await table_dump(packed) == before
    assert await packed.effective_facts(GUILD_A) == view
    assert (packed.generation(GUILD_A), packed.generation(GUILD_B)) == generations


@pytest.mark.parametrize(
    ("call", "data"),
    [
        (lambda s: s.add(GUILD_A, pack_fact("own"), MOD), {"taken": Taken.HERE}),
        (lambda s: s.add(GUILD_A, pack_fact("alpha"), MOD), {"taken": Taken.PACK}),
        (lambda s: s.add(GUILD_A, pack_fact("gone"), MOD), {"taken": Taken.REMOVED_HERE}),
        (
            lambda s: s.import_facts(GUILD_A, [pack_fact("new"), pack_fact("new")], MOD),
            {"taken": Taken.TWICE_IN_IMPORT},
        ),
        (lambda s: s.edit(GUILD_A, pack_fact("gone", "x"), MOD), {"attempt": Attempt.EDIT}),
        (lambda s: s.remove(GUILD_A, "gone", MOD), {"attempt": Attempt.REMOVE}),
        (
            lambda s: s.import_facts(GUILD_A, [pack_fact("gone", "x")], MOD),
            {"attempt": Attempt.IMPORT},
        ),
        (
            lambda s: s.edit(GUILD_A, pack_fact("own", "x"), MOD, expected_revision=7),
            {"expected": 7, "actual": 1},
        ),
    ],
)
async def test_refusals_carry_data_not_sentences(
    packed: FactStore, call: Any, data: dict[str, Any]
) -> None:
    """The store says what was refused, as data; the Discord layer words it."""
    await packed.add(GUILD_A, pack_fact("own"), MOD)
    await packed.add(GUILD_A, pack_fact("gone"), MOD)
    await packed.remove(GUILD_A, "gone", MOD)
    with pytest.raises(FactError) as raised:
        await call(packed)
    assert {name: getattr(raised.value, name) for name in data} == data
    free_text = [
        arg
        for arg in raised.value.args
        if isinstance(arg, str) and not isinstance(arg, StrEnum) and arg != raised.value.fact_id
    ]
    assert free_text == []  # no sentence: the Discord layer words it


# --- import -----------------------------------------------------------------------------


async def test_import_adds_changes_and_counts_unchanged(packed: FactStore) -> None:
    await packed.add(GUILD_A, pack_fact("own", "Old."), MOD)
    await packed.add(GUILD_A, pack_fact("same"), MOD)
    batch = [
        pack_fact("own", "New."),
        pack_fact("same"),
        pack_fact("alpha", "Imported alpha."),
        pack_fact("beta", "Pack beta."),
        pack_fact("fresh"),
    ]

    report = await packed.import_facts(GUILD_A, batch, OTHER_MOD)

    assert report.added == ("fresh",)
    assert report.changed == ("own", "alpha")
    assert report.unchanged == ("same", "beta")
    view = {s.fact_id: s for s in await packed.effective_facts(GUILD_A)}
    assert (view["alpha"].origin, view["alpha"].fact.answer) == ("override", "Imported alpha.")
    assert view["beta"].origin == "pack"
    assert view["own"].fact.answer == "New."
    assert [e.action for e in await packed.history(GUILD_A, "own")] == ["add", "import"]
    assert [e.action for e in await packed.history(GUILD_A, "fresh")] == ["import"]
    assert [e.action for e in await packed.history(GUILD_A, "same")] == ["add"]

    again = await packed.import_facts(GUILD_A, batch, OTHER_MOD)
    assert again.added == again.changed == ()
    assert set(again.unchanged) == {fact.id for fact in batch}


@pytest.mark.parametrize("failing", ["duplicate", "removed"])
async def test_import_is_all_or_nothing(packed: FactStore, failing: str) -> None:
    await packed.add(GUILD_A, pack_fact("own", "Old."), MOD)
    await packed.add(GUILD_A, pack_fact("gone"), MOD)
    await packed.remove(GUILD_A, "gone", MOD)
    before = await table_dump(packed)
    generation = packed.generation(GUILD_A)
    bad = pack_fact("first", "Again.") if failing == "duplicate" else pack_fact("gone", "Back?")
    batch = [
        pack_fact("first"),
        pack_fact("own", "New."),
        pack_fact("alpha", "Changed."),
        bad,
        pack_fact("last"),
    ]

    with pytest.raises(DuplicateFactId if failing == "duplicate" else AlreadyRemoved, match=bad.id):
        await packed.import_facts(GUILD_A, batch, MOD)

    assert await table_dump(packed) == before
    assert await packed.get(GUILD_A, "first") is None
    own = await packed.get(GUILD_A, "own")
    assert own is not None
    assert own.fact.answer == "Old."
    assert packed.generation(GUILD_A) == generation


# --- generation -------------------------------------------------------------------------


async def test_generation_changes_for_the_written_guild_only(packed: FactStore) -> None:
    def snapshot() -> tuple[int, int, int]:
        return packed.generation(GUILD_A), packed.generation(GUILD_B), packed.generation(None)

    a0, b0, pack0 = snapshot()
    await packed.add(GUILD_A, pack_fact("own"), MOD)
    a1, b1, pack1 = snapshot()
    assert (a1 != a0, b1, pack1) == (True, b0, pack0)

    for write in (
        packed.edit(GUILD_A, pack_fact("own", "x"), MOD),
        packed.remove(GUILD_A, "alpha", MOD),
        packed.restore(GUILD_A, "alpha", MOD),
        packed.import_facts(GUILD_A, [pack_fact("more")], MOD),
    ):
        before = snapshot()
        await write
        after = snapshot()
        assert after[0] != before[0]
        assert after[1:] == before[1:]

    before = snapshot()
    await packed.sync_pack(
        make_pack(pack_fact("alpha", "Pack alpha 2."), pack_fact("beta", "Pack beta."))
    )
    after = snapshot()
    assert all(new != old for new, old in zip(after, before, strict=True))


# --- concurrency ------------------------------------------------------------------------


async def test_concurrent_adds_lose_nothing(store: FactStore) -> None:
    facts = [pack_fact(f"fact-{n}", f"Answer {n}.") for n in range(100)]

    results = await asyncio.gather(
        *(store.add(GUILD_A, fact, MOD + n) for n, fact in enumerate(facts))
    )

    assert sorted(ids(list(results))) == sorted(fact.id for fact in facts)
    assert sorted(ids(await store.effective_facts(GUILD_A))) == sorted(fact.id for fact in facts)
    _, audit = await table_dump(store)
    assert len(audit) == 100
    histories = await asyncio.gather(*(store.history(GUILD_A, fact.id) for fact in facts))
    assert all(len(history) == 1 for history in histories)


async def test_concurrent_edits_with_expected_revision_exactly_one_wins(packed: FactStore) -> None:
    for fact_id in ("own", "alpha"):
        if fact_id == "own":
            await packed.add(GUILD_A, pack_fact("own"), MOD)
        current = await packed.get(GUILD_A, fact_id)
        assert current is not None
        edits = [
            packed.edit(
                GUILD_A,
                pack_fact(fact_id, f"Version {n}."),
                MOD + n,
                expected_revision=current.revision,
            )
            for n in range(10)
        ]

        results = await asyncio.gather(*edits, return_exceptions=True)

        winners = [r for r in results if isinstance(r, store_module.StoredFact)]
        losers = [r for r in results if isinstance(r, StaleRevision)]
        assert (len(winners), len(losers)) == (1, 9)
        final = await packed.get(GUILD_A, fact_id)
        assert final == winners[0]
        assert final.revision == current.revision + 1
        assert len(await packed.history(GUILD_A, fact_id)) == (2 if fact_id == "own" else 1)


async def test_reads_never_see_an_uncommitted_import(packed: FactStore) -> None:
    batch = [pack_fact(f"bulk-{n}") for n in range(50)] + [pack_fact("bulk-0", "dup")]
    importing = asyncio.create_task(packed.import_facts(GUILD_A, batch, MOD))
    views = []
    while not importing.done():
        views.append(ids(await packed.effective_facts(GUILD_A)))
    with pytest.raises(DuplicateFactId):
        await importing
    assert all(view == ["alpha", "beta"] for view in views)


async def test_cancelled_import_writes_nothing_and_store_stays_usable(packed: FactStore) -> None:
    before = await table_dump(packed)
    batch = [pack_fact(f"bulk-{n}") for n in range(2_000)]
    for delay in range(0, 40, 3):  # cancel at various points, BEGIN included
        importing = asyncio.create_task(packed.import_facts(GUILD_A, batch, MOD))
        for _ in range(delay):
            await asyncio.sleep(0)
        importing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await importing
        assert await table_dump(packed) == before
    assert (await packed.add(GUILD_A, pack_fact("after"), MOD)).revision == 1
    assert ids(await packed.effective_facts(GUILD_A)) == ["after", "alpha", "beta"]


# --- ids ----------------------------------------------------------------------------------


async def test_new_fact_id_skips_guild_and_pack_ids(packed: FactStore) -> None:
    assert await packed.new_fact_id(GUILD_A, "Trailer!") == "trailer"
    await packed.add(GUILD_A, pack_fact("trailer"), MOD)
    await packed.sync_pack(make_pack(pack_fact("alpha"), pack_fact("trailer-2")))
    assert await packed.new_fact_id(GUILD_A, "trailer") == "trailer-3"
    assert await packed.new_fact_id(GUILD_B, "trailer") == "trailer"
    assert await packed.new_fact_id(GUILD_A, "¡¡¡") == "fact"
    await packed.bulk_insert_guild_facts(GUILD_A, [pack_fact(f"busy-{n}") for n in range(2, 130)])
    await packed.add(GUILD_A, pack_fact("busy"), MOD)
    assert await packed.new_fact_id(GUILD_A, "Busy") == "busy-130"


async def test_new_fact_id_for_a_long_stem_fits_the_pattern(store: FactStore) -> None:
    stem = "x" * 70
    first = await store.new_fact_id(GUILD_A, stem)
    await store.add(GUILD_A, pack_fact(first), MOD)
    second = await store.new_fact_id(GUILD_A, stem)
    assert (len(first), len(second)) == (64, 64)
    assert second.endswith("-2")
    assert re.fullmatch(FACT_ID_PATTERN, second)


@given(st.text(max_size=120), st.integers(min_value=1, max_value=10_000))
def test_any_stem_makes_a_valid_id(stem: str, number: int) -> None:
    candidate = store_module.numbered(slugify(stem), number)
    assert re.fullmatch(FACT_ID_PATTERN, candidate)
    pack_fact(candidate)


# --- reads at scale and robustness ----------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's query plan
async def test_effective_facts_reads_only_that_guilds_rows(packed: FactStore) -> None:
    plan = await packed._fetch(
        "EXPLAIN QUERY PLAN " + store_module.EFFECTIVE_SQL, (GUILD_A, GUILD_A)
    )
    details = [str(row[-1]) for row in plan]
    assert not [d for d in details if d.startswith("SCAN")], details
    assert any("PRIMARY KEY (guild_id=?)" in d for d in details), details


async def test_effective_facts_of_one_guild_among_many(packed: FactStore) -> None:
    template = pack_fact("template", "Some answer that is about as long as a real one is.")
    for guild in range(1, 6):
        await packed.bulk_insert_guild_facts(
            guild, (template.model_copy(update={"id": f"g{guild}-{n}"}) for n in range(2_000))
        )
    await packed.bulk_insert_guild_facts(
        GUILD_A, (template.model_copy(update={"id": f"mine-{n:05d}"}) for n in range(3_000))
    )

    view = await packed.effective_facts(GUILD_A)

    assert len(view) == 3_002
    assert ids(view) == sorted(ids(view))
    assert {s.fact_id for s in view if s.origin == "pack"} == {"alpha", "beta"}
    assert all(s.fact_id.startswith("mine-") for s in view if s.origin == "guild")


async def test_invalid_stored_row_is_skipped_not_fatal(
    packed: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    await packed.add(GUILD_A, pack_fact("fine"), MOD)
    await packed.add(GUILD_A, pack_fact("broken"), MOD)
    broken = json.loads(pack_fact("broken").model_dump_json()) | {"answer": ""}
    await packed._run("UPDATE facts SET body = ? WHERE fact_id = 'broken'", (json.dumps(broken),))

    with caplog.at_level(logging.ERROR, logger="bot.core.store"):
        view = await packed.effective_facts(GUILD_A)

    assert ids(view) == ["alpha", "beta", "fine"]
    assert "'broken'" in caplog.text


# --- read-only snapshots ------------------------------------------------------------------


@pytest.mark.sqlite_only  # the file's bytes; PostgreSQL snapshots: test_store_engines.py
async def test_snapshot_copies_the_pack_and_the_asked_guilds_and_never_writes(
    packed: FactStore, db_path: Path
) -> None:
    await packed.edit(GUILD_A, pack_fact("alpha", "A's alpha."), MOD)
    await packed.add(GUILD_B, pack_fact("own"), MOD)
    await packed.close()
    before = file_bytes(db_path)

    async with await FactStore.snapshot(db_path, guild_ids=[GUILD_A]) as copy:
        assert answers(await copy.effective_facts(GUILD_A))["alpha"] == "A's alpha."
        assert ids(await copy.effective_facts(GUILD_B)) == ["alpha", "beta"]  # not copied
        await copy.sync_pack(make_pack(pack_fact("beta", "Newer beta.")))
        await copy.add(GUILD_A, pack_fact("scratch"), MOD)
        assert answers(await copy.effective_facts(GUILD_A)) == {
            "alpha": "A's alpha.",
            "beta": "Newer beta.",
            "scratch": "The answer.",
        }

    assert file_bytes(db_path) == before


async def test_snapshot_of_a_missing_file_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    async with await FactStore.snapshot(tmp_path / "none.db", guild_ids=[GUILD_A]) as copy:
        assert await copy.effective_facts(GUILD_A) == []
    assert not (tmp_path / "none.db").exists()


async def test_snapshot_refuses_a_newer_schema(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as db:
        db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNew):
        await FactStore.snapshot(db_path)


def test_history_survives_a_fact_saved_under_older_rules() -> None:
    """A change saved before a validation rule existed still shows in the history."""
    masked_link = "Read [this](https://example.com) first."
    old = pack_fact("alpha").model_dump_json().replace("The answer.", masked_link)
    entry = AuditEntry(1, GUILD_A, "alpha", AuditAction.EDIT, MOD, datetime.now(UTC), old, old)
    assert entry.before_fact is None and entry.after_fact is None


async def test_remove_and_restore_check_the_revision_in_the_same_transaction(
    store: FactStore,
) -> None:
    await store.add(GUILD_A, pack_fact("trailer", "Not yet."), MOD)
    await store.edit(GUILD_A, pack_fact("trailer", "Out now."), MOD, expected_revision=1)

    with pytest.raises(store_module.StaleRevision) as stale:
        await store.remove(GUILD_A, "trailer", OTHER_MOD, expected_revision=1)
    assert (stale.value.fact_id, stale.value.expected, stale.value.actual) == ("trailer", 1, 2)
    assert (await store.get(GUILD_A, "trailer")) is not None  # nothing removed

    removed = await store.remove(GUILD_A, "trailer", OTHER_MOD, expected_revision=2)
    assert (removed.removed, removed.revision) == (True, 3)
    with pytest.raises(store_module.StaleRevision):
        await store.restore(GUILD_A, "trailer", MOD, expected_revision=2)
    assert (await store.get(GUILD_A, "trailer")) is None  # still removed
    restored = await store.restore(GUILD_A, "trailer", MOD, expected_revision=3)
    assert (restored.removed, restored.revision) == (False, 4)
    actions = [entry.action for entry in await store.history(GUILD_A, "trailer")]
    assert actions == ["add", "edit", "remove", "restore"]


async def test_concurrent_removals_with_expected_revision_exactly_one_wins(
    packed: FactStore,
) -> None:
    results = await asyncio.gather(
        *(packed.remove(GUILD_A, "alpha", mod, expected_revision=1) for mod in (MOD, OTHER_MOD)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, store_module.StoredFact) for r in results) == 1
    assert sum(isinstance(r, store_module.StaleRevision) for r in results) == 1
    assert [e.action for e in await packed.history(GUILD_A, "alpha")] == ["remove"]


async def test_an_import_can_skip_hiding_facts_the_server_does_not_know(
    packed: FactStore,
) -> None:
    report = await packed.import_facts(
        GUILD_A, [pack_fact("own")], MOD, hide=["beta", "no-such-fact"], skip_unknown=True
    )
    assert (report.added, report.hidden, report.skipped) == (("own",), ("beta",), ("no-such-fact",))
    with pytest.raises(store_module.UnknownFact):
        await packed.import_facts(GUILD_B, [], MOD, hide=["no-such-fact"])


async def test_a_database_of_the_first_schema_is_migrated_keeping_everything(
    tmp_path: Path,
) -> None:
    """A server's facts, hides and history written by a version-1 bot survive the upgrade
    to the latest schema, and the later tables work."""
    path = tmp_path / "old.db"
    own = pack_fact("our-trailer", "Ours.").model_dump_json()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:1]) == 1
        rows = [
            (
                GUILD_A,
                "our-trailer",
                "general",
                "guild",
                own,
                1,
                0,
                "2025-01-02T03:04:05+00:00",
                MOD,
            ),
            (
                GUILD_A,
                "hidden",
                "general",
                "override",
                None,
                2,
                1,
                "2025-01-02T03:04:05+00:00",
                MOD,
            ),
        ]
        await db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        await db.execute(
            "INSERT INTO audit (guild_id, fact_id, action, actor_id, at, before, after)"
            " VALUES (?, 'our-trailer', 'add', ?, '2025-01-02T03:04:05+00:00', NULL, ?)",
            (GUILD_A, MOD, own),
        )
    async with await FactStore.open(path) as store:
        await store.sync_pack(make_pack(pack_fact("hidden", "Pack's.")))
        assert [s.fact_id for s in await store.effective_facts(GUILD_A)] == ["our-trailer"]
        [entry] = await store.history(GUILD_A, "our-trailer")
        assert entry.actor_id == MOD and entry.after_fact == pack_fact("our-trailer", "Ours.")
        hidden = await store.get(GUILD_A, "hidden", include_removed=True)
        assert hidden is not None and hidden.removed
    async with aiosqlite.connect(path) as db:
        [(version,)] = await db.execute_fetchall("PRAGMA user_version")
        tables = {row[0] for row in await db.execute_fetchall("SELECT name FROM sqlite_master")}
    assert version == LATEST_VERSION
    assert {"premiere_events", "unanswered", "gap_settings", "suggestion_picks"} <= tables


async def test_a_server_larger_than_one_read_batch_is_read_whole(store: FactStore) -> None:
    """A large server's facts are read a batch at a time (the event loop runs between):
    every fact comes back once, in order, at and across the batch edges."""
    from bot.core.store import facts as facts_module

    count = 2 * facts_module._READ_BATCH + 1
    await store.bulk_insert_guild_facts(
        GUILD_A, [make_fact(f"bulk-{n:05d}", answer=f"Answer {n}.") for n in range(count)]
    )
    ids = [s.fact_id for s in await store.effective_facts(GUILD_A) if s.fact_id.startswith("bulk-")]
    assert ids == [f"bulk-{n:05d}" for n in range(count)]


async def test_the_rows_of_a_large_server_are_freed_off_the_event_loop(
    store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows read are emptied in the worker thread that validates them: 100,000 rows
    freed on the event loop would hold it for 10-20 ms."""
    import threading

    from bot.core.store import facts as facts_module

    freed: list[tuple[int, bool]] = []
    real_drop = facts_module.drop_in_slices

    def drop(*containers: list[Any]) -> None:
        freed.extend(
            (len(c), threading.current_thread() is threading.main_thread()) for c in containers
        )
        real_drop(*containers)

    monkeypatch.setattr(facts_module, "drop_in_slices", drop)
    await store.bulk_insert_guild_facts(GUILD_A, [make_fact(f"bulk-{n}") for n in range(50)])
    stored = await store.effective_facts(GUILD_A)
    assert freed == [(len(stored), False)]
