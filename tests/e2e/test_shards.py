"""Shards: which connection answers which server, in one process and over several."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import logging
import random
import re
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.client import FanBot
from bot.core.curation import export_pack
from bot.core.models import Fact
from bot.core.pack import load_pack
from bot.core.store import FactStore
from bot.logs import ContextFilter, JsonFormatter
from bot.settings import Settings
from tests.conftest import REPO
from tests.core.factories import make_fact
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, guild_spec, moderator
from tests.fakediscord import FakeDiscord, SentInteraction, payloads, run_bot
from tests.fakediscord.processes import BotProcess, bot_process, run_cli
from tests.pg import Cluster

SHARD_OF = {OTHER_GUILD: 0, GUILD: 1}  # (guild_id >> 22) % 2


def footer(body: dict[str, Any]) -> str:
    [embed] = body["data"]["embeds"]
    return str(embed["footer"]["text"])


async def about(fake: FakeDiscord, guild: int | None) -> SentInteraction:
    if guild is None:  # a direct message
        return await fake.slash("about", user=payloads.user(501, "fan"))
    return await fake.slash("about", guild_id=guild, member=fan())


@pytest_asyncio.fixture
async def two_shards_recommended() -> AsyncIterator[FakeDiscord]:
    guilds = [guild_spec(GUILD, "Diplomat Fans"), guild_spec(OTHER_GUILD, "Other Server")]
    async with FakeDiscord(guilds=guilds, shards=2) as server:
        with server.patched():
            yield server


async def test_without_shard_settings_one_process_runs_discords_recommended_count(
    two_shards_recommended: FakeDiscord, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    fake = two_shards_recommended
    caplog.set_level(logging.INFO, logger="bot")
    async with run_bot(FanBot(settings), fake) as bot:
        assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        for guild, shard in SHARD_OF.items():
            body = await (await about(fake, guild)).response()
            assert footer(body) == f"Shard {shard} answered this server (2 shards, ids 0-1)"
        body = await (await about(fake, None)).response()
        assert footer(body) == "Shard 0 answered direct messages (2 shards, ids 0-1)"

    connected = [r for r in caplog.records if r.getMessage().startswith("Shard ")]
    assert sorted((r.getMessage(), getattr(r, "shard", None)) for r in connected) == [
        ("Shard 0 of 2 connected: 1 guild", 0),
        ("Shard 1 of 2 connected: 1 guild", 1),
    ]
    ready = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Ready as ")]
    assert ready == ["Ready as FakeBot in 2 guilds (shards 0, 1 of 2)"]


async def test_buttons_and_forms_log_the_shard_that_received_them(
    two_shards_recommended: FakeDiscord, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    fake = two_shards_recommended
    caplog.set_level(logging.INFO, logger="bot")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logging.getLogger().addHandler(handler)
    try:
        async with run_bot(FanBot(settings), fake):
            # a button, in shard 1's server
            sent = await fake.slash(
                "fact remove", {"id": "s2-trailer"}, guild_id=GUILD, member=moderator()
            )
            prompt = (await sent.response())["data"]
            [remove] = [
                button
                for row in prompt["components"]
                for button in row["components"]
                if button["label"] == "Remove"
            ]
            assert sent.message is not None
            click = await fake.click(
                sent.message, remove["custom_id"], guild_id=GUILD, member=moderator()
            )
            await click.response()
            # a form, in shard 0's server
            form = await open_add_form(fake, OTHER_GUILD)
            await answer_of(await submit_add(fake, OTHER_GUILD, form, "Who is Zobrak?", "A."))
    finally:
        logging.getLogger().removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    [removed] = [r for r in records if r["message"].endswith("removed 's2-trailer'")]
    assert (removed["guild"], removed["shard"]) == (GUILD, 1)
    [added] = [r for r in records if " added fact " in r["message"]]
    assert (added["guild"], added["shard"]) == (OTHER_GUILD, 0)


# --- two bot processes on one database ------------------------------------------------

SHARD0_GUILD, SHARD1_GUILD = OTHER_GUILD, GUILD
SHARD_ENV = {"SHARD_COUNT": "2", "COMMAND_COOLDOWN_SECONDS": "0", "LOG_FORMAT": "json"}
ADDED = re.compile(r"^Added fact `([a-z0-9-]+)` \(revision 1\) in this server\.")


@dataclass(frozen=True)
class Database:
    """The database the processes share: what they are told (``env``) and a store on it
    for the test's own checks."""

    env: dict[str, str]
    open: Callable[[], Awaitable[FactStore]]


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """One database for every process of a test: an SQLite file, or a new database on the
    session's throwaway PostgreSQL (``DATABASE_URL``)."""
    if request.param == "sqlite":
        path = tmp_path / "data" / "fanbot.db"
        yield Database({"DATABASE_PATH": str(path)}, lambda: FactStore.open(path))
        return
    cluster: Cluster = request.getfixturevalue("postgres")
    url = await cluster.create_database()
    try:
        yield Database({"DATABASE_URL": url}, lambda: FactStore.open(url))
    finally:
        await cluster.drop_database(url)


def shard_process(
    fake: FakeDiscord, database: Database, tmp_path: Path, shard: int
) -> contextlib.AbstractAsyncContextManager[BotProcess]:
    env = database.env | SHARD_ENV | {"SHARD_IDS": str(shard)}
    return bot_process(fake, cwd=tmp_path, env=env)


@contextlib.asynccontextmanager
async def two_shards(
    fake: FakeDiscord, database: Database, tmp_path: Path
) -> AsyncIterator[list[BotProcess]]:
    """Two ``python -m bot run`` processes: shard 0 and shard 1 of 2, started together."""
    async with contextlib.AsyncExitStack() as stack:
        started = await asyncio.gather(
            *(
                stack.enter_async_context(shard_process(fake, database, tmp_path, shard))
                for shard in (0, 1)
            )
        )
        yield list(started)


async def answer_of(sent: SentInteraction) -> dict[str, Any]:
    """The bot's message (type 4, or the follow-up after a deferral), pinging no one."""
    body = await sent.response()
    if body["type"] == 5:
        body = {"type": 4, "data": (await sent.followup()).json}
    data: dict[str, Any] = body["data"]
    assert data["allowed_mentions"] == {"parse": []}, data
    return data


async def ask(fake: FakeDiscord, guild: int, question: str) -> str:
    sent = await fake.slash("ask", {"question": question}, guild_id=guild, member=fan())
    return str((await answer_of(sent))["content"])


async def open_add_form(fake: FakeDiscord, guild: int) -> dict[str, Any]:
    options = {"topic": "general"}
    sent = await fake.slash("fact add", options, guild_id=guild, member=moderator())
    body = await sent.response()
    assert body["type"] == 9, body  # the form
    form: dict[str, Any] = body["data"]
    return form


async def submit_add(
    fake: FakeDiscord, guild: int, form: dict[str, Any], question: str, answer: str
) -> SentInteraction:
    fields = {"question": question, "answer": answer}
    return await fake.submit_modal(form, fields, guild_id=guild, member=moderator())


async def add_fact(fake: FakeDiscord, guild: int, question: str, answer: str) -> str:
    """``/fact add`` by a moderator; the new fact's id, from the bot's confirmation."""
    form = await open_add_form(fake, guild)
    confirmed = await answer_of(await submit_add(fake, guild, form, question, answer))
    match = ADDED.match(str(confirmed["content"]))
    assert match, confirmed
    return match.group(1)


def words(seed: int, count: int) -> list[str]:
    """``count`` made-up words no fact shares (no two facts' questions overlap)."""
    rng = random.Random(seed)
    made: set[str] = set()
    while len(made) < count:
        made.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)))
    return sorted(made)


async def test_each_server_is_answered_by_the_process_of_its_shard(
    fake: FakeDiscord, database: Database, tmp_path: Path
) -> None:
    async with two_shards(fake, database, tmp_path) as (first, second):
        for process, shard, guild in ((first, 0, SHARD0_GUILD), (second, 1, SHARD1_GUILD)):
            line = await process.wait_for_line(lambda line: "of 2 connected" in line, 5)
            connected = json.loads(line)
            assert connected["message"] == f"Shard {shard} of 2 connected: 1 guild"
            assert connected["shard"] == shard
            assert f"(shard {shard} of 2)" in process.stderr  # the READY line
            sent = await fake.slash("about", guild_id=guild, member=fan())
            [embed] = (await answer_of(sent))["embeds"]
            assert embed["footer"]["text"] == (
                f"Shard {shard} answered this server (2 shards, ids 0-1)"
            )
        identified = sorted(p["shard"] for p in fake.identify_payloads)
        assert identified == [[0, 2], [1, 2]]

        # a moderator adds a fact in the server of shard 0: answered there at once
        question, answer = "Who is the zobrakil of the embassy?", "The zobrakil is Stuart Hayford."
        fact_id = await add_fact(fake, SHARD0_GUILD, question, answer)
        logged = json.loads(await first.wait_for_line(lambda line: "added fact" in line, 5))
        assert (logged["guild"], logged["shard"]) == (SHARD0_GUILD, 0)  # the form's log
        assert answer in await ask(fake, SHARD0_GUILD, "who is the zobrakil")
        assert answer not in await ask(fake, SHARD1_GUILD, "who is the zobrakil")  # its own

        # a third process reads the same database
        code, out, err = await run_cli(
            "ask",
            "--json",
            "--guild",
            str(SHARD0_GUILD),
            "who is the zobrakil",
            cwd=tmp_path,
            env=database.env,
        )
        assert code == 0, err
        assert json.loads(out)["fact_id"] == fact_id

        # only the process of a server's shard answers it: with shard 1's process gone,
        # shard 0's does not answer shard 1's server, and still answers its own
        second.process.kill()
        await second.process.wait()
        lost = await fake.slash("about", guild_id=SHARD1_GUILD, member=fan())
        assert answer in await ask(fake, SHARD0_GUILD, "who is the zobrakil")
        await asyncio.sleep(1.0)
        assert not any(r.path.startswith(f"/interactions/{lost.id}/") for r in fake.requests)


def pack_file_text(facts: Sequence[Fact]) -> str:
    """A pack-format file, as ``/fact export`` makes it."""
    pack = load_pack(REPO / "facts" / "the-diplomat.toml")
    return export_pack(
        show=pack.show,
        pack_sources=pack.sources,
        facts=facts,
        server="Diplomat Fans",
        when=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
    )


async def test_a_change_from_a_third_process_is_answered_by_the_owning_shard_within_1_s(
    fake: FakeDiscord, database: Database, tmp_path: Path
) -> None:
    question = "who is the vorlapin of the embassy"
    before, after = "The vorlapin is Eidra Park.", "The vorlapin is Billy Appiah."
    fact = make_fact("vorlapin", topic="general", questions=(question,), answer=before)
    async with two_shards(fake, database, tmp_path):
        file = tmp_path / "facts.toml"
        file.write_text(pack_file_text([fact]), encoding="utf-8")
        guild = str(SHARD1_GUILD)
        code, out, err = await run_cli(
            "facts", "import", "--guild", guild, str(file), cwd=tmp_path, env=database.env
        )
        assert code == 0 and "1 added" in out, err
        assert before in await ask(fake, SHARD1_GUILD, question)  # shard 1's process knows it

        changed = fact.model_copy(update={"answer": after})
        file.write_text(pack_file_text([changed]), encoding="utf-8")
        code, out, err = await run_cli(
            "facts", "import", "--guild", guild, str(file), cwd=tmp_path, env=database.env
        )
        assert code == 0 and "1 changed" in out, err
        committed = time.monotonic()  # the CLI exits after its transaction committed
        while after not in await ask(fake, SHARD1_GUILD, question):
            assert time.monotonic() - committed < 1.0, "the old answer after 1 s"
            await asyncio.sleep(0.05)


async def test_kill_9_in_the_middle_of_100_adds_loses_no_acknowledged_add(
    fake: FakeDiscord, database: Database, tmp_path: Path
) -> None:
    made_up = words(seed=8, count=100)
    question = "What does {} mean on the show?".format
    answer = "{} is a word the embassy staff made up.".format
    acknowledged: dict[str, tuple[int, str]] = {}  # fact id: (server, word)

    async def add(number: int, guild: int) -> None:
        word = made_up[number]
        fact_id = await add_fact(fake, guild, question(word), answer(word.capitalize()))
        acknowledged[fact_id] = (guild, word)

    async with contextlib.AsyncExitStack() as stack:
        _, second = await asyncio.gather(
            *(
                stack.enter_async_context(shard_process(fake, database, tmp_path, shard))
                for shard in (0, 1)
            )
        )
        for number in range(40):  # both servers, in turn
            await add(number, (SHARD0_GUILD, SHARD1_GUILD)[number % 2])

        # ten adds in flight in shard 1's server when its process is killed
        forms = [await open_add_form(fake, SHARD1_GUILD) for _ in range(10)]
        in_flight = [
            await submit_add(fake, SHARD1_GUILD, form, question(word), answer(word.capitalize()))
            for form, word in zip(forms, made_up[40:50], strict=True)
        ]
        second.process.kill()  # SIGKILL: no clean stop
        await second.process.wait()
        for sent, word in zip(in_flight, made_up[40:50], strict=True):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.2):
                    confirmed = await answer_of(sent)
                match = ADDED.match(str(confirmed["content"]))
                assert match, confirmed
                acknowledged[match.group(1)] = (SHARD1_GUILD, word)

        for number in range(50, 70):  # shard 0's process goes on meanwhile
            await add(number, SHARD0_GUILD)

        # shard 1's process again, on the same database
        await stack.enter_async_context(shard_process(fake, database, tmp_path, 1))
        for number in range(70, 100):
            await add(number, (SHARD0_GUILD, SHARD1_GUILD)[number % 2])
        last = made_up[99]  # added in shard 1's server, by its new process
        assert answer(last.capitalize()) in await ask(fake, SHARD1_GUILD, question(last))

    assert len(acknowledged) >= 90  # all but (some of) the ten in flight
    pack_ids = {f.id for f in load_pack(REPO / "facts" / "the-diplomat.toml").facts}
    store = await database.open()
    try:
        for guild in (SHARD0_GUILD, SHARD1_GUILD):
            stored = {s.fact_id: s for s in await store.effective_facts(guild)}
            mine = {i: word for i, (g, word) in acknowledged.items() if g == guild}
            for fact_id, word in mine.items():
                assert fact_id in stored, f"acknowledged add {fact_id} lost"
                assert stored[fact_id].fact.answer == answer(word.capitalize())
                history = await store.history(guild, fact_id)
                assert [e.action for e in history] == ["add"]  # audited once
            # besides them, at most the adds in flight when the process was killed
            extra = set(stored) - set(mine) - pack_ids
            assert len(extra) <= (10 if guild == SHARD1_GUILD else 0), extra
    finally:
        await store.close()


async def test_restore_refuses_a_database_that_any_shard_process_uses(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """``db restore`` replaces the SQLite file: not while a process of any shard has it."""
    db, backup = tmp_path / "fanbot.db", tmp_path / "backup.db"
    env = {"DATABASE_PATH": str(db)} | SHARD_ENV
    async with bot_process(fake, cwd=tmp_path, env=env | {"SHARD_IDS": "1"}):
        code, _, err = await run_cli("db", "backup", str(backup), cwd=tmp_path, env=env)
        assert code == 0, err
        code, _, err = await run_cli("db", "restore", str(backup), cwd=tmp_path, env=env)
    assert code == 2 and "belongs to a running bot" in err, err


async def test_each_shard_process_reports_its_own_health(
    fake: FakeDiscord, database: Database, tmp_path: Path
) -> None:
    async def health(shard: int) -> tuple[int, str]:
        env = database.env | SHARD_ENV | {"SHARD_IDS": str(shard)}
        code, out, err = await run_cli("health", cwd=tmp_path, env=env)
        return code, out + err

    async with two_shards(fake, database, tmp_path) as (_, second):
        code, line = await health(0)
        assert code == 0 and line.startswith("healthy: connected") and ", 1 server, " in line
        code, line = await health(1)
        assert code == 0 and line.startswith("healthy: connected") and ", 1 server, " in line
        assert (await second.signal(signal.SIGTERM))[0] == 0
        code, line = await health(1)
        assert code == 1 and "the bot is not running" in line, line
        code, line = await health(0)  # the other process still answers
        assert code == 0 and line.startswith("healthy: connected"), line
