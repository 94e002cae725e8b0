"""``python -m bot run`` as a process, as Docker runs it: stopped by a signal."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.conftest import GUILD, content_of, fan
from tests.fakediscord import FakeDiscord
from tests.fakediscord.processes import bot_process, run_cli

STOP_WITHIN_SECONDS = 3.0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
async def test_a_stop_signal_closes_the_gateway_and_the_store_and_exits_0(
    fake: FakeDiscord, tmp_path: Path, sig: signal.Signals
) -> None:
    db = tmp_path / "data" / "fanbot.db"
    wal = db.with_name(db.name + "-wal")
    env = {"DATABASE_PATH": str(db), "LOG_FORMAT": "json"}
    async with bot_process(fake, cwd=tmp_path, env=env) as bot:
        sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        assert "Keri Russell" in content_of(await sent.response())
        assert wal.stat().st_size > 0  # the pack was written: there is a WAL to checkpoint

        code, seconds = await bot.signal(sig)

    assert code == 0, bot.stderr
    assert seconds < STOP_WITHIN_SECONDS, f"stopped in {seconds:.1f} s"
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL was not checkpointed"
    with closing(sqlite3.connect(db)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
    await fake.wait_until(lambda: fake.connection_count and not fake._connections)

    records = [json.loads(line) for line in bot.lines]  # every line is one JSON object
    messages = [r["message"] for r in records]
    assert f"{sig.name} received: stopping" in messages
    assert messages[-1] == "Stopped"
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert "fake-token" not in bot.stderr


async def test_restore_refuses_the_database_of_a_running_bot(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db, backup = tmp_path / "fanbot.db", tmp_path / "backup.db"
    env = {"DATABASE_PATH": str(db)}
    async with bot_process(fake, cwd=tmp_path, env=env):
        code, out, err = await run_cli("db", "backup", str(backup), cwd=tmp_path, env=env)
        assert code == 0 and out.startswith("Backed up"), err
        sent = await fake.slash("ask", {"question": "who plays kate"}, guild_id=GUILD, member=fan())
        assert "Keri Russell" in content_of(await sent.response())

        code, out, err = await run_cli("db", "restore", str(backup), cwd=tmp_path, env=env)
        assert code == 2 and out == ""
        assert re.fullmatch(
            rf"DATABASE_PATH {re.escape(str(db))} belongs to a running bot \(heartbeat \d+ s "
            r"ago\); stop the bot first \(docker stop fanbot\), then restore\n",
            err,
        ), err
        other_fan = fan(502, "other")  # the first is in its cooldown
        again = await fake.slash(
            "ask", {"question": "who plays kate"}, guild_id=GUILD, member=other_fan
        )
        assert "Keri Russell" in content_of(await again.response())  # still serving
    assert not db.with_name("fanbot.db.before-restore").exists()
