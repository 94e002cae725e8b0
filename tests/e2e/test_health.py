"""``python -m bot health``: 0 while the running bot is connected and its store answers."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.client import FanBot
from bot.health import STALE_AFTER_SECONDS, Heartbeat, check, heartbeat_path, write_heartbeat
from bot.settings import Settings
from tests.e2e.conftest import GUILD, content_of, fan
from tests.fakediscord import FakeDiscord
from tests.fakediscord.processes import bot_environment, bot_process


async def health(tmp_path: Path, db: Path) -> tuple[int, str]:
    """``python -m bot health`` as a HEALTHCHECK runs it: its exit code and its one line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        cwd=tmp_path,
        env=bot_environment(None, DATABASE_PATH=str(db)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    text = (out + err).decode().strip()
    assert len(text.splitlines()) == 1, text
    assert process.returncode is not None
    return process.returncode, text


async def test_health_of_a_running_bot_then_of_a_stopped_one(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "fanbot.db"
    async with bot_process(fake, cwd=tmp_path, env={"DATABASE_PATH": str(db)}) as bot:
        code, line = await health(tmp_path, db)
        assert code == 0, line
        assert line.startswith("healthy: connected") and "2 servers" in line
        sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        assert "Keri Russell" in content_of(await sent.response())
        assert (await bot.signal(signal.SIGTERM))[0] == 0
    code, line = await health(tmp_path, db)
    assert code == 1 and "the bot is not running" in line


async def test_health_without_a_bot(tmp_path: Path) -> None:
    code, line = await health(tmp_path, tmp_path / "fanbot.db")
    assert (code, line) == (
        1,
        f"no heartbeat at {tmp_path}/fanbot.db.health.json: the bot is not running "
        "(or not started yet)",
    )


def beat(**changes: object) -> Heartbeat:
    now = time.time()
    fields: dict[str, object] = {
        "written_at": now,
        "pid": 1,
        "connected": True,
        "latency_ms": 41.5,
        "guilds": 3,
        "store_read_at": now,
    }
    return Heartbeat(**(fields | changes))  # type: ignore[arg-type]


# Each heartbeat is made when its test runs (not when tests are collected, minutes earlier
# in a full run, which would make every one of them stale).
@pytest.mark.parametrize(
    ("heartbeat", "reason"),
    [
        (
            lambda: beat(written_at=time.time() - STALE_AFTER_SECONDS - 1),
            "s ago: the bot is stuck or",
        ),
        (lambda: beat(connected=False), "not connected to Discord's gateway"),
        (
            lambda: beat(store_read_at=None, store_error="OperationalError: disk I/O error"),
            "disk I/O",
        ),
        (
            lambda: beat(store_read_at=time.time() - STALE_AFTER_SECONDS - 1),
            "not answered a read",
        ),
    ],
    ids=["stale", "disconnected", "store-error", "store-silent"],
)
async def test_an_unhealthy_heartbeat_says_why(
    tmp_path: Path, heartbeat: Callable[[], Heartbeat], reason: str
) -> None:
    db = tmp_path / "fanbot.db"
    write_heartbeat(heartbeat_path(db), heartbeat())
    code, line = await health(tmp_path, db)
    assert code == 1 and reason in line, line


async def test_healthy_heartbeat(tmp_path: Path) -> None:
    db = tmp_path / "fanbot.db"
    write_heartbeat(heartbeat_path(db), beat())
    code, line = await health(tmp_path, db)
    assert code == 0
    assert line.startswith("healthy: connected (gateway latency 42 ms), 3 servers, store answered")


async def test_the_bot_reports_a_store_that_fails_to_answer(
    bot: FanBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = heartbeat_path(settings.database_path)
    assert bot.heartbeat is not None
    await bot.heartbeat.beat()
    assert check(path)[0], check(path)[1]

    async def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(bot.store, "get", failing)
    await bot.heartbeat.beat()
    assert check(path) == (False, "the store did not answer: OperationalError: disk I/O error")

    monkeypatch.undo()
    await bot.heartbeat.beat()
    assert check(path)[0]
