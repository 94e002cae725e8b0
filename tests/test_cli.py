"""The command line, run as users run it: ``python -m bot ...`` in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.pack import load_pack
from bot.core.store import FactStore
from tests.conftest import REPO
from tests.core.factories import make_fact

OFFLINE = Path(__file__).resolve().parent / "offline"  # sitecustomize: no lookups but loopback


PACK = REPO / "facts" / "the-diplomat.toml"
GUILD = 1200000000000000001
MOD = 601


def run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = (
        {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
        | {"DATABASE_PATH": str(tmp_path / "cli.db"), "LOG_LEVEL": "WARNING"}
        | {"PYTHONPATH": str(OFFLINE), "FACT_PACK": str(PACK)}
        | env
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no .env there; the pack path is given explicitly
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ask_json_contract(tmp_path: Path) -> None:
    questions = [
        "when does season 2 come out",
        "who plays the vice president",
        "how did season 1 end",
    ]
    result = run("ask", "--json", *questions, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    premiere, vp, finale = lines
    assert premiere["matched"] and "October 31, 2024" in premiere["text"]
    assert vp["fact_id"] == "cast-allison-janney" and "Allison Janney" in vp["text"]
    assert finale["spoiler"] and finale["matched"] and "Trowbridge" not in finale["text"]
    assert {"matched", "text", "fact_id", "topic", "score", "spoiler"} <= finale.keys()

    spoiled = run("ask", "--json", "--spoilers", "how did season 1 end", tmp_path=tmp_path)
    text = json.loads(spoiled.stdout)["text"]
    assert text.startswith("||") and "Trowbridge" in text.split("||")[1]


def test_ask_declines_out_of_scope(tmp_path: Path) -> None:
    result = run("ask", "--json", "what is the weather in london", tmp_path=tmp_path)
    line = json.loads(result.stdout)
    assert result.returncode == 0 and not line["matched"] and line["fact_id"] is None


def test_facts_check(tmp_path: Path) -> None:
    good = run("facts", "check", str(REPO / "facts" / "the-diplomat.toml"), tmp_path=tmp_path)
    assert good.returncode == 0 and "OK, 23 facts" in good.stdout

    bad = tmp_path / "bad.toml"
    bad.write_text(
        (REPO / "facts" / "the-diplomat.toml")
        .read_text(encoding="utf-8")
        .replace('id = "s2-trailer"', 'id = "s2-premiere"')
        .replace('answer = "Season 1 premiered on Netflix in April 2023."', 'answer = ""'),
        encoding="utf-8",
    )
    result = run("facts", "check", str(bad), tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"{bad}: fact 's1-premiere': field 'answer'" in result.stderr
    assert f"{bad}: fact 's2-premiere': field 'id'" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    result = run("run", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("DISCORD_TOKEN is not set.")
    assert "Traceback" not in result.stderr


def test_bad_settings_are_one_clear_line(tmp_path: Path) -> None:
    result = run("ask", "hi", tmp_path=tmp_path, DEV_GUILD_ID="not-a-number")
    assert result.returncode == 2 and "DEV_GUILD_ID" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_rejected_token_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import discord

    from bot.runner import run_bot
    from bot.settings import Settings

    async def reject(self: object, token: str) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", reject)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="not-a-real-token",
        database_path=tmp_path / "bot.db",
        fact_pack=REPO / "facts" / "the-diplomat.toml",
    )
    assert run_bot(settings) == 2
    error = capsys.readouterr().err
    assert error.startswith("Discord rejected DISCORD_TOKEN.") and "not-a-real-token" not in error


@pytest.mark.parametrize("command", ["ask", "sync"])
@pytest.mark.parametrize("guild", ["0", "-5", str(2**63), "99999999999999999999", "abc"])
def test_guild_must_be_a_discord_server_id(tmp_path: Path, command: str, guild: str) -> None:
    extra = ["hi"] if command == "ask" else []
    result = run(command, f"--guild={guild}", *extra, tmp_path=tmp_path, DISCORD_TOKEN="x")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: ")
    last = result.stderr.strip().splitlines()[-1]
    assert "argument --guild: must be a Discord server id (a positive number)" in last
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_the_largest_discord_id_is_a_valid_guild(tmp_path: Path) -> None:
    result = run("ask", "--guild", str(2**63 - 1), "who plays kate", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Keri Russell" in result.stdout


def pack_without(path: Path, *fact_ids: str) -> Path:
    """A copy of the shipped pack at ``path`` without the facts ``fact_ids``."""
    head, *blocks = PACK.read_text(encoding="utf-8").split("\n[[facts]]\n")
    kept = [b for b in blocks if not any(f'id = "{i}"' in b for i in fact_ids)]
    assert len(kept) == len(blocks) - len(fact_ids)
    path.write_text("\n[[facts]]\n".join([head, *kept]), encoding="utf-8")
    return path


def curated_database(path: Path) -> None:
    """A database as the bot leaves it: the shipped pack, and a server that corrected the
    Season 2 premiere and hid the Vice President's casting."""

    async def build() -> None:
        async with await FactStore.open(path) as store:
            await store.sync_pack(load_pack(PACK))
            premiere = await store.get(GUILD, "s2-premiere")
            assert premiere is not None
            corrected = premiere.fact.model_copy(update={"answer": "Our server says: soon."})
            await store.edit(GUILD, corrected, MOD)
            await store.remove(GUILD, "cast-allison-janney", MOD)
            await store.add(GUILD, make_fact("our-trailer"), MOD)

    asyncio.run(build())


def rows(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM facts ORDER BY guild_id, fact_id").fetchall()


def test_ask_never_writes_the_database(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    curated_database(db)
    before, data = db.read_bytes(), rows(db)
    smaller = pack_without(tmp_path / "smaller.toml", "s2-premiere", "cast-allison-janney")
    questions = ["when does season 2 come out", "who plays the vice president"]

    for pack in (smaller, PACK):
        result = run(
            "ask",
            "--json",
            "--guild",
            str(GUILD),
            *questions,
            tmp_path=tmp_path,
            FACT_PACK=str(pack),
        )
        assert result.returncode == 0, result.stderr
        premiere, vp = [json.loads(line) for line in result.stdout.splitlines()]
        assert "Our server says: soon." in premiere["text"]  # the correction, either way
        assert vp["fact_id"] != "cast-allison-janney"  # still hidden in that server
        assert db.read_bytes() == before
        wal = db.with_name(db.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    assert rows(db) == data

    pack_only = run("ask", "--json", *questions, tmp_path=tmp_path)
    assert [json.loads(line)["fact_id"] for line in pack_only.stdout.splitlines()] == [
        "s2-premiere",
        "cast-allison-janney",
    ]
    assert db.read_bytes() == before


def test_ask_without_a_database_creates_none(tmp_path: Path) -> None:
    result = run("ask", "--guild", str(GUILD), "who plays kate", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Keri Russell" in result.stdout
    assert list(tmp_path.iterdir()) == []
