"""A store killed with SIGKILL mid-burst keeps every add it acknowledged, uncorrupted.

SQLite only: it is about the file (WAL, synchronous=NORMAL); a PostgreSQL server keeps
what it acknowledged whoever dies on the client side.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

from bot.core.store import FactStore
from tests.core import durability_writer

REPO_ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(durability_writer.__file__)
ACKS_BEFORE_KILL = 300
WATCHDOG_SECONDS = 120


def _acknowledged_ids(output: str) -> list[str]:
    """Ids on complete lines only: a line cut by the kill was never acknowledged."""
    lines = output.split("\n")[:-1]  # the last piece has no newline yet
    return [line for line in lines if line and line != "ready"]


def _run_writer_and_kill(db_path: Path) -> list[str]:
    """Start the writer, SIGKILL it after ``ACKS_BEFORE_KILL`` acks; return all acks."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    watchdog = threading.Timer(WATCHDOG_SECONDS, process.kill)
    watchdog.start()
    assert process.stdout is not None
    try:
        seen = []
        while len(seen) < ACKS_BEFORE_KILL:
            line = process.stdout.readline()
            assert line, f"writer ended early: {process.stderr.read() if process.stderr else ''}"
            seen.append(line)
        os.kill(process.pid, signal.SIGKILL)
        rest, _ = process.communicate()
    finally:
        watchdog.cancel()
    assert process.returncode == -signal.SIGKILL
    return _acknowledged_ids("".join(seen) + rest)


async def _present_ids(db_path: Path, guild_id: int) -> set[str]:
    async with await FactStore.open(db_path) as store:
        return {stored.fact_id for stored in await store.effective_facts(guild_id)}


def test_sigkill_mid_burst_loses_no_acknowledged_add(tmp_path: Path) -> None:
    db_path = tmp_path / "facts.db"

    acknowledged = _run_writer_and_kill(db_path)

    assert len(acknowledged) >= ACKS_BEFORE_KILL - 1  # minus "ready"
    assert len(acknowledged) < durability_writer.BURST_SIZE  # killed mid-burst
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0  # the kill left commits in the WAL, recovered on reopen
    present = asyncio.run(_present_ids(db_path, durability_writer.GUILD_ID))
    missing = [fact_id for fact_id in acknowledged if fact_id not in present]
    assert missing == []
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        audit_rows = db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert audit_rows == len(present)  # each add committed its audit row with it
