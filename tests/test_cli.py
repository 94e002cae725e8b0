"""The command line, run as users run it: ``python -m bot ...`` in a subprocess."""

from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.curation import CLI_ACTOR_ID, export_pack
from bot.core.migrations import LATEST_VERSION
from bot.core.models import Fact
from bot.core.pack import load_pack
from bot.core.store import FactStore
from bot.exts.curation import _render
from tests.conftest import REPO
from tests.core.factories import make_fact

# sitecustomize: no name lookups but the loopback (and, given FAKE_DISCORD_URL, the fake)
OFFLINE = Path(__file__).resolve().parent / "fakediscord" / "boot"


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

    assert [a["fact_id"] for a in vp["answers"]] == ["cast-allison-janney"]

    both = run("ask", "--json", "whens s2 out and how did s1 end", tmp_path=tmp_path)
    [line] = [json.loads(out) for out in both.stdout.splitlines()]
    assert [(a["fact_id"], a["withheld"]) for a in line["answers"]] == [
        ("s2-premiere", False),
        ("s1-finale", True),
    ]
    assert all(a["text"] in line["text"] for a in line["answers"])
    assert "Trowbridge" not in line["text"]

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
def test_guild_must_be_a_discord_server_id(
    capsys: pytest.CaptureFixture[str], command: str, guild: str
) -> None:
    # argparse refuses it before anything runs: in-process is as faithful as a subprocess
    extra = ["hi"] if command == "ask" else []
    with pytest.raises(SystemExit) as exited:
        main([command, f"--guild={guild}", *extra])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("usage: python -m bot ")
    last = error.strip().splitlines()[-1]
    assert last.endswith(
        f"argument --guild: must be a Discord server id (a positive number), not {guild!r}"
    )


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


# --- unusable DATABASE_PATH and FACT_PACK: one line, exit 2, nothing touched -----------

COMMANDS = {
    "run": ("run",),
    "sync": ("sync", "--guild", str(GUILD)),
    "ask": ("ask", "--guild", str(GUILD), "who plays kate"),
}


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a refused start prints (exit code 2, no traceback, no noise)."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def start(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # as users start it (LOG_LEVEL=INFO), with a fake token and no network
    settings = {"DISCORD_TOKEN": "fake-token", "LOG_LEVEL": "INFO"} | env
    return run(*COMMANDS[command], tmp_path=tmp_path, **settings)


@pytest.mark.parametrize("command", ["run", "ask"])
def test_database_path_that_is_a_directory(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    line = one_line_failure(start(command, tmp_path, DATABASE_PATH=str(folder)))
    assert line == (
        f"DATABASE_PATH {folder} is a directory; point it at a file such as data/fanbot.db"
    )
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("setting", "command"), [("DATABASE_PATH", "run"), ("FACT_PACK", "ask")])
def test_an_empty_path_setting(tmp_path: Path, command: str, setting: str) -> None:
    line = one_line_failure(start(command, tmp_path, **{setting: " "}))
    assert line.startswith("Invalid settings (environment or .env): ")
    assert f"{setting}: is empty; point it at a " in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["run"])
def test_database_path_in_a_folder_that_cannot_exist(tmp_path: Path, command: str) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    path = tmp_path / "notes.txt" / "fanbot.db"
    line = one_line_failure(start(command, tmp_path, DATABASE_PATH=str(path)))
    assert line == (
        f"DATABASE_PATH {path}: its folder {path.parent} cannot be created (File exists); "
        "point it at a writable location such as data/fanbot.db"
    )
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder\n"


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", ["sync"])
def test_database_path_where_nothing_can_be_written(tmp_path: Path, command: str) -> None:
    path = "/proc/fanbot.db"  # not writable, even for root
    line = one_line_failure(start(command, tmp_path, DATABASE_PATH=path))
    assert line == (
        f"DATABASE_PATH {path} cannot be opened or created (unable to open database file); "
        "point it at a writable location such as data/fanbot.db"
    )


def test_ask_needs_no_writable_database(tmp_path: Path) -> None:
    result = run("ask", "who plays kate", tmp_path=tmp_path, DATABASE_PATH="/proc/fanbot.db")
    assert result.returncode == 0 and "Keri Russell" in result.stdout


def not_a_database(path: Path) -> None:
    path.write_text("guild,fact\n1,trailer\n" * 20)


def corrupt_database(path: Path) -> None:
    """The shipped pack and a curated server, then garbage over a page inside the file."""
    curated_database(path)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    data[2 * page : 3 * page] = b"\xa5" * page
    path.write_bytes(bytes(data))


def foreign_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE recipes (name TEXT, steps TEXT)")
        db.execute("INSERT INTO recipes VALUES ('bread', 'knead')")
        db.commit()


BROKEN = {
    "not-a-database": (not_a_database, "is not an SQLite database"),
    "corrupt": (corrupt_database, "is corrupt"),
    "foreign": (foreign_database, "holds another program's data (tables: recipes)"),
}


@pytest.mark.parametrize("command", ["run", "ask"])
@pytest.mark.parametrize("kind", BROKEN)
def test_database_path_that_is_not_a_usable_database(
    tmp_path: Path, command: str, kind: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "fanbot.db"
    make, problem = BROKEN[kind]
    make(path)
    before = snapshot(folder)

    line = one_line_failure(start(command, tmp_path, DATABASE_PATH=str(path)))

    assert line.startswith(f"DATABASE_PATH {path} {problem}")
    assert line.endswith(
        "it was left untouched: point DATABASE_PATH at another file or restore a backup"
    )
    after = snapshot(folder)
    if command == "ask":
        # A read-only SQLite reader of a WAL database leaves an empty -wal and the -shm
        # index behind (it may not delete them: another process could be using them).
        assert after.pop("fanbot.db-wal", b"") == b""
        after.pop("fanbot.db-shm", None)
    assert after == before  # not repaired nor overwritten


@pytest.mark.parametrize("command", ["run", "ask"])
def test_database_of_a_newer_bot(tmp_path: Path, command: str) -> None:
    path = tmp_path / "fanbot.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")
    before = path.read_bytes()
    line = one_line_failure(start(command, tmp_path, DATABASE_PATH=str(path)))
    assert line == (
        f"DATABASE_PATH {path}: schema version 99 is newer than this bot knows "
        f"(up to {LATEST_VERSION}); upgrade the bot or restore a backup made by this version"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", ["run", "ask", "facts check"])
def test_fact_pack_that_is_a_directory(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "facts"
    folder.mkdir()
    argv = ("facts", "check") if command == "facts check" else COMMANDS[command]
    result = run(*argv, tmp_path=tmp_path, DISCORD_TOKEN="fake-token", FACT_PACK=str(folder))
    line = one_line_failure(result)
    assert line == (
        f"FACT_PACK {folder} is a directory; point it at a pack file such as "
        "facts/the-diplomat.toml"
    )
    assert not (tmp_path / "cli.db").exists()


def test_facts_check_of_a_directory(tmp_path: Path) -> None:
    line = one_line_failure(run("facts", "check", str(tmp_path), tmp_path=tmp_path))
    assert line == f"{tmp_path} is a directory, not a fact pack file"


def test_the_same_question_gets_the_same_answer_in_another_process(tmp_path: Path) -> None:
    """Matching is deterministic: no randomness, no state carried between runs."""
    questions = ["whens s2 out and who plays the vp", "did hal make it", "gimme the plot"]
    first = run("ask", "--json", *questions, tmp_path=tmp_path)
    again = run("ask", "--json", *questions, tmp_path=tmp_path)
    assert first.returncode == 0 and first.stdout == again.stdout


@pytest.mark.parametrize(("host", "used"), [(None, "1"), ("3", "3")])
def test_numpy_uses_one_blas_thread_unless_the_host_says(host: str | None, used: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if host is not None:
        env["OPENBLAS_NUM_THREADS"] = host
    code = "import bot, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == used


# --- a database folder the bot's user may not write (Docker: uid 10001, bind mounts) ---


def _drop_root_file_rights() -> None:  # pragma: no cover - runs in the child
    """Run as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: the permission bits
    then apply to root too, as they do to uid 10001 in the image."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_read_only(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in ``folder`` while ``folder`` and its subfolders are
    read-only to the user running it (root included)."""
    folders = [folder, *(p for p in folder.iterdir() if p.is_dir())]
    for each in folders:
        each.chmod(0o555)
    environment = (
        {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
        | {"PYTHONPATH": str(OFFLINE), "FACT_PACK": str(PACK), "DISCORD_TOKEN": "fake-token"}
        | env
    )
    try:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            preexec_fn=_drop_root_file_rights if os.geteuid() == 0 else None,
        )
    finally:
        for each in folders:
            each.chmod(0o755)


@pytest.mark.parametrize("command", ["run", "sync"])
def test_a_database_folder_the_user_may_not_write(tmp_path: Path, command: str) -> None:
    data = tmp_path / "data"  # a bind mount the bot's user may not write, as Docker users make
    data.mkdir()
    db = data / "fanbot.db"
    result = run_read_only(tmp_path, *COMMANDS[command], DATABASE_PATH=str(db))
    uid = os.geteuid()
    assert one_line_failure(result) == (
        f"DATABASE_PATH {db}: {data} is not writable by uid {uid}: `chown {uid} {data}` "
        "(for a Docker bind mount, on the host), or point DATABASE_PATH at a folder this user "
        "may write (the Docker image's default is /data/fanbot.db, on its volume)"
    )
    assert list(data.iterdir()) == []


def test_a_relative_database_path_in_a_folder_the_user_may_not_write(tmp_path: Path) -> None:
    # the image's /app with an old .env's DATABASE_PATH=data/fanbot.db
    result = run_read_only(tmp_path, "run", DATABASE_PATH="data/fanbot.db")
    uid = os.geteuid()
    assert one_line_failure(result) == (
        f"DATABASE_PATH data/fanbot.db: {tmp_path} is not writable by uid {uid}: "
        f"`chown {uid} {tmp_path}`, or point DATABASE_PATH at a folder this user may write "
        "(the Docker image's default is /data/fanbot.db, on its volume)"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"SHARD_IDS": "0"},
            "SHARD_IDS needs SHARD_COUNT: set SHARD_COUNT to the total number of shards over "
            "all processes (e.g. SHARD_COUNT=2 with SHARD_IDS=0 here and 1 elsewhere)",
        ),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT: must be 1 or more, not 0"),
        (
            {"SHARD_COUNT": "two"},
            "SHARD_COUNT: must be a whole number of shards (1 or more), not 'two'",
        ),
        (
            {"SHARD_COUNT": "2", "SHARD_IDS": "1-2"},
            "SHARD_IDS has 2, not below SHARD_COUNT 2: shard ids run from 0 to 1",
        ),
        (
            {"SHARD_COUNT": "4", "SHARD_IDS": "3-1"},
            "SHARD_IDS: '3-1' is not a shard id or range: ids are 0 or more, ranges go up (0-3)",
        ),
        (
            {"SHARD_COUNT": "4", "SHARD_IDS": "0;1"},
            "SHARD_IDS: '0;1' is not a shard id or range: write ids and ranges such as 0,1 or 0-3",
        ),
    ],
)
def test_shard_settings_are_checked_at_start(
    env: dict[str, str],
    line: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("SHARD_COUNT", "SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DISCORD_TOKEN", "fake-token")
    assert main(["run"]) == 2
    assert capsys.readouterr().err == f"Invalid settings (environment or .env): {line}\n"


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("2", "0", (2, (0,))),
        ("2", "1", (2, (1,))),
        ("4", "0-3", (4, (0, 1, 2, 3))),
        ("4", "0,1", (4, (0, 1))),
        ("8", " 6, 0-1 ,1", (8, (0, 1, 6))),
        ("3", "", (3, None)),  # this process runs all three
        ("", "", (None, None)),  # Discord's recommended count
    ],
)
def test_shard_settings(count: str, ids: str, expected: tuple[object, object]) -> None:
    from bot.settings import Settings

    settings = Settings(_env_file=None, shard_count=count, shard_ids=ids)  # type: ignore[call-arg]
    assert (settings.shard_count, settings.shard_ids) == expected


# --- facts import ------------------------------------------------------------------

OTHER_GUILD = 1300000000000000001


def import_text(facts: list[Fact], hidden: Sequence[Fact] = ()) -> str:
    """A pack-format file, as ``/fact export`` makes it."""
    pack = load_pack(PACK)
    return export_pack(
        show=pack.show,
        pack_sources=pack.sources,
        facts=facts,
        hidden=list(hidden),
        server="Diplomat Fans",
        when=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
    )


def stored_state(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        facts = db.execute("SELECT * FROM facts ORDER BY guild_id, fact_id").fetchall()
        audit = db.execute("SELECT * FROM audit ORDER BY id").fetchall()
    return facts, audit


def test_facts_import_applies_a_file_to_one_server_audited_as_cli(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    curated_database(db)
    pack = load_pack(PACK)
    premiere = next(f for f in pack.facts if f.id == "s2-premiere")
    finale = next(f for f in pack.facts if f.id == "s1-finale")
    file = tmp_path / "facts.toml"
    changed = premiere.model_copy(update={"answer": "Season 2 premiered on October 31, 2024."})
    file.write_text(import_text([make_fact("cli-fact", topic="general"), changed], [finale]))

    result = run("facts", "import", "--guild", str(GUILD), str(file), tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Imported {file} into server {GUILD}: 1 added, 1 changed, 1 hidden, 0 unchanged "
        "(audited as cli)\n"
    )

    async def check() -> None:
        async with await FactStore.open(db) as store:
            assert (await store.get(GUILD, "cli-fact")) is not None
            assert (await store.get(OTHER_GUILD, "cli-fact")) is None  # this server only
            shown = await store.get(GUILD, "s2-premiere")
            assert shown is not None and shown.fact.answer == changed.answer
            for fact_id, action in (("cli-fact", "import"), ("s1-finale", "remove")):
                [*_, last] = await store.history(GUILD, fact_id)
                assert (last.actor_id, last.action) == (CLI_ACTOR_ID, action)
            history = _render.fact_history("cli-fact", await store.history(GUILD, "cli-fact"))
            assert "`cli` imported" in str(history.description)
            assert "<@" not in str(history.description)

    asyncio.run(check())

    again = run("facts", "import", "--guild", str(GUILD), str(file), tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 changed, 0 hidden, 3 unchanged" in again.stdout


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "broken",
            "Could not import {file}, nothing was changed:\n{file}: fact 'Bad One!': field 'id'",
        ),
        ("large", "Could not import {file}, nothing was changed:\n{file}: is larger than 512 KiB"),
        ("missing", "{file} does not exist; give the path of a .toml pack file"),
        ("directory", "{file} is a directory, not a fact pack file"),
        ("removed", "Could not import {file} into server {guild}, nothing was changed: "),
    ],
)
def test_facts_import_refuses_a_bad_file_changing_nothing(
    tmp_path: Path, case: str, message: str
) -> None:
    db = tmp_path / "cli.db"
    curated_database(db)
    before = stored_state(db)
    file = tmp_path / "facts.toml"
    if case == "broken":  # a good fact and a bad one: all or nothing
        bad = import_text([make_fact("good-one"), make_fact("bad-one")]).replace(
            'id = "bad-one"', 'id = "Bad One!"'
        )
        file.write_text(bad)
    elif case == "large":  # as /fact import: refused by its size, before reading it
        file.write_text(import_text([make_fact("good-one")]) + "#" * 600_000)
    elif case == "directory":
        file.mkdir()
    elif case == "removed":  # the server removed it: an import does not bring it back
        janney = next(f for f in load_pack(PACK).facts if f.id == "cast-allison-janney")
        file.write_text(import_text([make_fact("good-one"), janney]))

    result = run("facts", "import", "--guild", str(GUILD), str(file), tmp_path=tmp_path)

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(message.format(file=file, guild=GUILD)), result.stderr
    assert "Traceback" not in result.stderr
    assert stored_state(db) == before


@pytest.mark.parametrize("guild", ["0", "-5", "my-server", str(2**63)])
def test_facts_import_refuses_a_bad_server_id(tmp_path: Path, guild: str) -> None:
    db = tmp_path / "cli.db"
    curated_database(db)
    before = stored_state(db)
    file = tmp_path / "facts.toml"
    file.write_text(import_text([make_fact("good-one")]))
    result = run("facts", "import", f"--guild={guild}", str(file), tmp_path=tmp_path)
    assert result.returncode == 2
    assert (
        f"argument --guild: must be a Discord server id (a positive number), not {guild!r}"
        in result.stderr
    )
    assert stored_state(db) == before


def test_facts_import_needs_the_bots_database(tmp_path: Path) -> None:
    file = tmp_path / "facts.toml"
    file.write_text(import_text([make_fact("good-one")]))
    db = tmp_path / "typo.db"
    result = run(
        "facts",
        "import",
        "--guild",
        str(GUILD),
        str(file),
        tmp_path=tmp_path,
        DATABASE_PATH=str(db),
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"DATABASE_PATH {db} does not exist: point DATABASE_PATH at the bot's database "
        "(the bot creates it when it first starts)\n"
    )
    assert not db.exists()
