"""``python -m bot db copy|check`` and ``DATABASE_URL``, run as hosts run them (subprocesses,
no network but the loopback), against a throwaway PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.migrations import LATEST_VERSION
from tests.pg import Cluster
from tests.test_cli import GUILD, curated_database, one_line_failure, run


@pytest.fixture
def pg_url(postgres: Cluster) -> Iterator[str]:
    url = asyncio.run(postgres.create_database())
    yield url
    asyncio.run(postgres.drop_database(url))


def test_copy_to_postgresql_then_check_and_answer_from_it(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "fanbot.db"
    curated_database(source)

    copied = run("db", "copy", f"sqlite:///{source.name}", pg_url, tmp_path=tmp_path)

    assert copied.returncode == 0, copied.stderr
    first, *tables = copied.stdout.splitlines()
    assert re.fullmatch(rf"Copied \d+ rows from {source.name} to {pg_url} \(schema \d+\):", first)
    counts = dict(line.split() for line in tables)
    assert counts["audit"] == "3" and int(counts["facts"]) > 3

    checked = run("db", "check", pg_url, tmp_path=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[0].endswith(
        f": postgresql, schema {LATEST_VERSION}, integrity ok"
    )
    assert dict(line.split() for line in checked.stdout.splitlines()[1:]) == counts

    asked = run(
        "ask", "--guild", str(GUILD), "when does season 2 come out", tmp_path=tmp_path,
        DATABASE_URL=pg_url,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "Our server says: soon." in asked.stdout

    again = one_line_failure(run("db", "copy", str(source), pg_url, tmp_path=tmp_path))
    assert again.startswith(f"{pg_url} is not empty (audit 3, facts ")
    assert again.endswith(
        "db copy only fills an empty database (it never merges); point TARGET_URL at a new database"
    )


def test_copy_from_a_file_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    line = one_line_failure(run("db", "copy", "none.db", "copy.db", tmp_path=tmp_path))
    assert line == "SOURCE_URL none.db does not exist"
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "copy.db").exists()


def test_an_sqlite_url_and_a_different_database_path_refuse_to_start(tmp_path: Path) -> None:
    result = run(
        "ask", "hi", tmp_path=tmp_path, DATABASE_URL="sqlite:///a.db", DATABASE_PATH="b.db"
    )
    assert one_line_failure(result) == (
        "Invalid settings (environment or .env): DATABASE_URL sqlite:///a.db and "
        "DATABASE_PATH b.db name different databases; set one of them"
    )


def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://fanbot:secret@127.0.0.1:{port}/fanbot"
    line = one_line_failure(run("db", "check", tmp_path=tmp_path, DATABASE_URL=url))
    assert line.startswith(f"DATABASE_URL postgresql://fanbot:***@127.0.0.1:{port}/fanbot ")
    assert "cannot be reached" in line and "secret" not in line
