"""Several stores (as several processes have) on one database, on both engines: caches
that follow each other's commits within a second, writes serialised per server across
them, starting together; and moving a whole store between engines (``db copy``,
``db check``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.core.answers import AnswerService
from bot.core.migrations import LATEST_VERSION
from bot.core.pack import Pack, load_pack
from bot.core.store import DatabaseUnreachable, FactStore, StaleRevision
from bot.core.store.copy import TargetNotEmpty, check_database, copy_database
from tests.conftest import BOTH_ENGINES, PACK_PATH, REPO
from tests.core import store_starter
from tests.core.factories import make_fact
from tests.pg import Cluster

ENGINES = BOTH_ENGINES

GUILD = 1_300_000_000_000_000_001
OTHER_GUILD = 1_300_000_000_000_000_002
MOD = 701
WITHIN = 1.0  # seconds: the bound for another process to see a change
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


async def seen_within(check: Callable[[], Awaitable[bool]], seconds: float = WITHIN) -> float:
    """How long until ``check()`` holds; fails the test after ``seconds``."""
    start = time.perf_counter()
    while not await check():
        assert time.perf_counter() - start < seconds, f"not seen within {seconds} s"
        await asyncio.sleep(0.005)
    return time.perf_counter() - start


# --- caches across processes -------------------------------------------------------------


async def test_a_change_through_one_store_moves_the_others_generation_within_a_second(
    store: FactStore, database: Path | str, pack: Pack
) -> None:
    async with await FactStore.open(database) as other:
        fact = make_fact("ours")
        writes = [
            lambda: store.add(GUILD, fact, MOD),
            lambda: store.edit(GUILD, fact.model_copy(update={"answer": "Changed."}), MOD),
            lambda: store.remove(GUILD, "s2-premiere", MOD),
            lambda: store.import_facts(GUILD, [make_fact("more")], MOD),
        ]
        for write in writes:
            before = await other.fresh_generation(GUILD)
            untouched = await other.fresh_generation(OTHER_GUILD)
            await write()

            async def moved(before: int = before) -> bool:
                return await other.fresh_generation(GUILD) != before

            await seen_within(moved)
            assert await other.fresh_generation(OTHER_GUILD) == untouched

        smaller = pack.model_copy(update={"facts": pack.facts[1:]})
        before = await other.fresh_generation(OTHER_GUILD)
        await store.sync_pack(smaller)

        async def pack_moved() -> bool:
            return await other.fresh_generation(OTHER_GUILD) != before

        await seen_within(pack_moved)


async def test_answers_in_another_process_follow_an_edit_within_a_second(
    store: FactStore, database: Path | str, pack: Pack
) -> None:
    async with await FactStore.open(database) as other:
        answers = AnswerService(other, pack)
        first = await answers.answer(GUILD, "who plays kate", spoilers=False)
        assert first.fact is not None and "Edited elsewhere" not in first.text
        await answers.answer(GUILD, "who plays kate", spoilers=False)  # cached now

        edited = first.fact.model_copy(update={"answer": "Edited elsewhere: Keri Russell."})
        await store.edit(GUILD, edited, MOD)

        async def answered() -> bool:
            reply = await answers.answer(GUILD, "who plays kate", spoilers=False)
            return "Edited elsewhere" in reply.text

        await seen_within(answered)


async def test_concurrent_adds_split_over_two_stores_lose_nothing(
    store: FactStore, database: Path | str
) -> None:
    facts = [make_fact(f"fact-{n}", answer=f"Answer {n}.") for n in range(100)]
    async with await FactStore.open(database) as other:
        added = await asyncio.gather(
            *((store, other)[n % 2].add(GUILD, fact, MOD + n) for n, fact in enumerate(facts))
        )
        assert sorted(s.fact_id for s in added) == sorted(f.id for f in facts)
        view = await other.guild_facts(GUILD)
        assert sorted(s.fact_id for s in view) == sorted(f.id for f in facts)
        audit = await store.table_rows("audit")
        assert len(audit) == 100
        assert len({row[0] for row in audit}) == 100  # no id handed out twice
        assert {(row[2], row[4]) for row in audit} == {(f.id, MOD + n) for n, f in enumerate(facts)}


async def test_concurrent_edits_through_two_stores_exactly_one_wins(
    store: FactStore, database: Path | str
) -> None:
    shown = await store.get(GUILD, "s2-premiere")
    assert shown is not None
    async with await FactStore.open(database) as other:
        results = await asyncio.gather(
            *(
                (store, other)[n % 2].edit(
                    GUILD,
                    shown.fact.model_copy(update={"answer": f"Version {n}."}),
                    MOD,
                    expected_revision=shown.revision,
                )
                for n in range(6)
            ),
            return_exceptions=True,
        )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, StaleRevision) for r in results if isinstance(r, BaseException))
    assert len(await store.history(GUILD, "s2-premiere")) == 1


async def test_the_open_proposal_limit_holds_across_stores(
    store: FactStore, database: Path | str
) -> None:
    async with await FactStore.open(database) as other:
        filed = await asyncio.gather(
            *(
                (store, other)[n % 2].file_proposal(
                    GUILD, 9, f"Q{n}?", "A.", "note", now=NOW, max_open=5
                )
                for n in range(12)
            )
        )
    assert sum(proposal is not None for proposal in filed) == 5
    assert len(await store.open_proposals(GUILD)) == 5


# --- PostgreSQL: processes starting together, a lost LISTEN connection ----------------------


async def test_processes_starting_together_migrate_once_and_sync_the_pack_once(
    postgres: Cluster, pack: Pack, caplog: pytest.LogCaptureFixture
) -> None:
    url = await postgres.create_database()

    async def start() -> tuple[FactStore, int]:
        opened = await FactStore.open(url)
        return opened, (await opened.sync_pack(pack)).added

    with caplog.at_level(logging.INFO, logger="bot.core.store"):
        started = await asyncio.gather(*(start() for _ in range(4)))
    try:
        assert sorted(added for _, added in started) == [0, 0, 0, len(pack.facts)]
        migrated = [r.message for r in caplog.records if "migrating to schema" in r.message]
        assert len(migrated) == LATEST_VERSION  # each step once, not once per process
        assert len(await started[0][0].effective_facts(None)) == len(pack.facts)
    finally:
        for opened, _ in started:
            await opened.close()
        await postgres.drop_database(url)


def test_processes_started_together_migrate_and_sync_once(postgres: Cluster) -> None:
    url = asyncio.run(postgres.create_database())
    try:
        starters = [
            subprocess.Popen(
                [sys.executable, str(Path(store_starter.__file__)), url, str(PACK_PATH)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            for _ in range(3)
        ]
        outputs = [starter.communicate(timeout=60) for starter in starters]
        assert [starter.returncode for starter in starters] == [0, 0, 0], outputs
        added = sorted(int(out) for out, _ in outputs)
        assert added == [0, 0, len(load_pack(PACK_PATH).facts)]
    finally:
        asyncio.run(postgres.drop_database(url))


async def test_after_losing_its_listen_connection_a_store_catches_up(
    postgres: Cluster, pack: Pack
) -> None:
    url = await postgres.create_database()
    try:
        async with await FactStore.open(url) as writer, await FactStore.open(url) as reader:
            await writer.sync_pack(pack)
            admin = await FactStore.open(url)
            try:
                [(dropped,)] = await admin._fetch(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
                )
            finally:
                await admin.close()
            assert dropped >= 2  # writer's and reader's
            before = await reader.fresh_generation(GUILD)
            await writer.add(GUILD, make_fact("while-down"), MOD)

            async def moved() -> bool:
                return await reader.fresh_generation(GUILD) != before

            await seen_within(moved)

            async def listening() -> bool:
                return not await reader.engine.others_committed()

            await seen_within(listening, 5.0)
            before = await reader.fresh_generation(GUILD)
            await writer.add(GUILD, make_fact("after"), MOD)
            await seen_within(moved)
    finally:
        await postgres.drop_database(url)


async def terminate_others(url: str) -> None:
    """Cut every connection to ``url``'s database but the LISTEN ones."""
    admin = await FactStore.open(url)
    try:
        await admin._fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND query NOT LIKE 'LISTEN%' AND backend_type = 'client backend'"
        )
    finally:
        await admin.close()


async def test_lost_connections_refuse_one_write_with_data_and_the_pool_heals(
    postgres: Cluster,
) -> None:
    url = await postgres.create_database()
    try:
        async with await FactStore.open(url) as store:
            await store.add(GUILD, make_fact("before"), MOD)
            await terminate_others(url)
            await store.add(GUILD, make_fact("after"), MOD)  # the pool reconnected

            with pytest.raises(DatabaseUnreachable) as lost:
                async with store._write(GUILD) as changes:  # cut in the middle of a write
                    await store._run("UPDATE facts SET removed = 1 WHERE guild_id = ?", (GUILD,))
                    changes.guilds.add(GUILD)
                    await terminate_others(url)
                    await store._fetch("SELECT 1")
            assert lost.value.where == url  # (no password in this URL to hide)
            assert [s.fact_id for s in await store.guild_facts(GUILD)] == ["after", "before"]
    finally:
        await postgres.drop_database(url)


# --- db copy and db check ------------------------------------------------------------------


async def populate(store: FactStore, pack: Pack) -> None:
    """Something in every table: facts, corrections and hides, audit, events, unanswered
    questions and picks, gap settings, proposals, answer and decline counts."""
    await store.sync_pack(pack)
    premiere = await store.get(GUILD, "s2-premiere")
    assert premiere is not None
    await store.edit(GUILD, premiere.fact.model_copy(update={"answer": "Ours: soon."}), MOD)
    await store.remove(GUILD, "cast-allison-janney", MOD)
    await store.add(GUILD, make_fact("our-trailer"), MOD)
    await store.remove(GUILD, "our-trailer", MOD + 1)
    await store.restore(GUILD, "our-trailer", MOD + 2)
    await store.import_facts(OTHER_GUILD, [make_fact("theirs")], MOD, hide=["s1-finale"])
    await store.remember_premiere_event(
        GUILD, "s2-premiere", 1_500_000_000_000_000_001, dt.date(2031, 5, 2), MOD
    )
    gap = await store.record_unanswered(
        GUILD, "who does the music", "Who does the music?", now=NOW, keep_since=NOW
    )
    assert gap is not None
    await store.record_suggestion_pick(GUILD, gap, "premise", now=NOW)
    await store.set_gap_recording(OTHER_GUILD, False, now=NOW)
    first = await store.file_proposal(GUILD, 9, "Q?", "A.", "note", now=NOW, max_open=5)
    await store.file_proposal(GUILD, 9, "Q2?", "A2.", "note", now=NOW, max_open=5)
    assert first is not None
    await store.decide_proposal(GUILD, first, "rejected", reason="No.", actor_id=MOD, now=NOW)
    await store.count_answers(
        GUILD, ["s2-premiere"], picked=True, declines=2, now=NOW, keep_since=NOW
    )


async def everything(target: Path | str) -> dict[str, list[tuple[object, ...]]]:
    async with await FactStore.open(target) as opened:
        return {table: await opened.table_rows(table) for table in await opened.tables()}


async def test_copy_sqlite_to_postgres_and_back_loses_nothing(
    tmp_path: Path, postgres: Cluster, pack: Pack
) -> None:
    source = tmp_path / "source.db"
    async with await FactStore.open(source) as original:
        await populate(original, pack)
    url = await postgres.create_database()
    try:
        there = await copy_database(source, url)
        back = await copy_database(url, tmp_path / "back.db")

        rows = await everything(source)
        assert all(rows[table] for table in rows), "populate() left a table empty"
        assert await everything(url) == rows
        assert await everything(tmp_path / "back.db") == rows
        assert there.rows == back.rows == {table: len(rows[table]) for table in rows}

        async with await FactStore.open(url) as moved:  # new ids follow the copied ones
            await moved.add(GUILD, make_fact("after-the-move"), MOD)
            [entry] = await moved.history(GUILD, "after-the-move")
            assert entry.id == max(row[0] for row in rows["audit"]) + 1
            proposal = await moved.file_proposal(GUILD, 10, "Q3?", "A3.", "n", now=NOW, max_open=5)
            assert proposal == max(row[0] for row in rows["proposals"]) + 1

        with pytest.raises(TargetNotEmpty) as refused:
            await copy_database(source, url)
        assert refused.value.counts["facts"] > 0
    finally:
        await postgres.drop_database(url)


async def test_check_reports_schema_counts_and_facts_that_no_longer_parse(
    store: FactStore, database: Path | str, pack: Pack
) -> None:
    await store.add(GUILD, make_fact("fine"), MOD)
    await store.add(GUILD, make_fact("broken"), MOD)
    good = await check_database(database)
    assert (good.schema, good.problems) == (LATEST_VERSION, [])
    assert good.rows["facts"] == len(pack.facts) + 2 and good.rows["audit"] == 2

    broken = json.loads(make_fact("broken").model_dump_json()) | {"answer": ""}
    await store._run("UPDATE facts SET body = ? WHERE fact_id = 'broken'", (json.dumps(broken),))
    bad = await check_database(database)
    assert bad.problems == [f"server {GUILD}: fact 'broken' no longer makes a valid fact"]


async def test_a_snapshot_of_a_postgresql_store_holds_the_pack_and_the_asked_server(
    postgres: Cluster, pack: Pack
) -> None:
    url = await postgres.create_database()
    try:
        async with await FactStore.open(url) as live:
            await populate(live, pack)
        async with await FactStore.snapshot(url, guild_ids=[GUILD]) as copy:
            assert copy.path is not None and copy.engine.kind == "sqlite"
            ours = await copy.get(GUILD, "our-trailer")
            assert ours is not None
            assert await copy.get(OTHER_GUILD, "theirs") is None
            await copy.add(GUILD, make_fact("only-in-the-copy"), MOD)
        async with await FactStore.open(url) as live:
            assert await live.get(GUILD, "only-in-the-copy") is None
    finally:
        await postgres.drop_database(url)
