"""``python -m bot db backup|restore``: a consistent copy while the bot writes; a restore
that never replaces a database a running bot holds."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.core import durability_writer
from tests.test_cli import GUILD, curated_database, one_line_failure, rows, run

REPO = Path(__file__).resolve().parents[1]


class Writer:
    """``tests/core/durability_writer.py``: the bot's store adding facts as fast as it can,
    printing each id once committed."""

    def __init__(self, db: Path) -> None:
        self.acked: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(Path(durability_writer.__file__)), str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.endswith("\n") and line.strip() != "ready":
                self.acked.append(line.strip())

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while len(self.acked) < count:
            assert self.process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self._reader.join(10)


@contextmanager
def writing(db: Path) -> Iterator[Writer]:
    writer = Writer(db)
    try:
        yield writer
    finally:
        writer.stop()


def fact_ids(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {
            row[0]
            for row in db.execute(
                "SELECT fact_id FROM facts WHERE guild_id = ?", (durability_writer.GUILD_ID,)
            )
        }


def test_a_backup_while_the_bot_writes_holds_every_acknowledged_write(tmp_path: Path) -> None:
    db, copy = tmp_path / "live.db", tmp_path / "backups" / "copy.db"
    with writing(db) as writer:
        writer.wait_for(200)
        acknowledged = set(writer.acked)  # committed before the backup began
        result = run("db", "backup", str(copy), tmp_path=tmp_path, DATABASE_PATH=str(db))
        during = len(writer.acked) - len(acknowledged)
        writer.wait_for(len(writer.acked) + 50)  # and it goes on writing after
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Backed up DATABASE_PATH {db} to {copy} (")
    assert during > 0, "the writer was not writing while the backup ran"
    with closing(sqlite3.connect(copy)) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        audit = check.execute("SELECT count(*) FROM audit").fetchone()[0]
    saved = fact_ids(copy)
    assert acknowledged <= saved
    assert saved <= fact_ids(db)  # a snapshot of the live database, nothing invented
    assert audit == len(saved)  # each fact with its audit row: one transaction, whole
    assert not copy.with_name("copy.db-wal").exists()


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    db, copy = tmp_path / "fanbot.db", tmp_path / "backup.db"
    curated_database(db)
    assert run("db", "backup", str(copy), tmp_path=tmp_path, DATABASE_PATH=str(db)).returncode == 0
    saved = rows(db)
    with closing(sqlite3.connect(db)) as later:  # a change made after the backup
        later.execute("DELETE FROM facts WHERE guild_id = ?", (GUILD,))
        later.commit()
    changed = rows(db)
    assert changed != saved

    result = run("db", "restore", str(copy), tmp_path=tmp_path, DATABASE_PATH=str(db))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Restored {copy} to DATABASE_PATH {db} (")
    assert result.stdout.rstrip().endswith(f"the database it replaced is in {db}.before-restore")
    assert rows(db) == saved
    assert rows(db.with_name("fanbot.db.before-restore")) == changed
    answer = run("ask", "--guild", str(GUILD), "when does season 2 come out", tmp_path=tmp_path)
    assert (
        "Our server says: soon."
        in run(
            "ask",
            "--guild",
            str(GUILD),
            "when does season 2 come out",
            tmp_path=tmp_path,
            DATABASE_PATH=str(db),
        ).stdout
    )
    del answer


def test_restore_refuses_a_database_another_process_has_open(tmp_path: Path) -> None:
    db, copy = tmp_path / "live.db", tmp_path / "backup.db"
    curated_database(copy)
    with writing(db) as writer:
        writer.wait_for(20)
        result = run("db", "restore", str(copy), tmp_path=tmp_path, DATABASE_PATH=str(db))
        assert one_line_failure(result) == (
            f"{db} is open in a running bot (or another program); stop it first, then restore"
        )
        writer.wait_for(len(writer.acked) + 20)  # untouched: it goes on writing
    assert set(writer.acked) <= fact_ids(db)


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        ("none", ("backup", "{tmp}/copy.db"), "{db} does not exist"),
        ("db", ("backup", "{db}"), "{db} already exists; back up to a new file"),
        ("not-ours", ("backup", "{tmp}/copy.db"), "{db} is not this bot's database"),
        ("db", ("restore", "{tmp}/missing.db"), "{tmp}/missing.db does not exist"),
        ("not-ours", ("restore", "{db}"), "{db} is not this bot's database"),
    ],
    ids=["no-database", "target-exists", "not-ours", "no-backup", "backup-not-ours"],
)
def test_backup_and_restore_refusals_are_one_line(
    tmp_path: Path, setup: str, args: tuple[str, str], expected: str
) -> None:
    db = tmp_path / "fanbot.db"
    if setup == "db":
        curated_database(db)
    elif setup == "not-ours":
        with closing(sqlite3.connect(db)) as other:
            other.execute("CREATE TABLE recipes (name TEXT)")
    before = db.read_bytes() if db.exists() else None
    fill = {"tmp": str(tmp_path), "db": str(db)}
    verb, path = args
    result = run("db", verb, path.format(**fill), tmp_path=tmp_path, DATABASE_PATH=str(db))
    assert one_line_failure(result) == expected.format(**fill)
    assert (db.read_bytes() if db.exists() else None) == before
