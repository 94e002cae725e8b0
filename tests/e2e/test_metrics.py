"""Prometheus metrics on METRICS_PORT: replies by command and outcome, latency, errors,
servers, store writes; never a question's text or anyone's id."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import main
from bot.client import FanBot
from bot.core.curation import Draft
from bot.settings import Settings
from tests.conftest import REPO
from tests.e2e.conftest import GUILD, content_of, fan, moderator
from tests.fakediscord import FakeDiscord, run_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest_asyncio.fixture
async def metered(fake: FakeDiscord, settings: Settings) -> AsyncIterator[tuple[FanBot, int]]:
    port = free_port()
    bot = FanBot(settings.model_copy(update={"metrics_port": port}))
    async with run_bot(bot, fake):
        yield bot, port


async def scrape(port: int) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as r:
        assert r.status == 200
        return await r.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_replies_by_command_and_outcome(
    fake: FakeDiscord, metered: tuple[FanBot, int]
) -> None:
    bot, port = metered
    questions = {
        "who plays kate": "answered",
        "how did season 1 end": "withheld_spoiler",
        "what is the weather in london": "declined",
    }
    ids = [1500000000000000001 + n for n in range(5)]  # snowflakes: long enough to spot
    for user, question in zip(ids, questions, strict=False):
        sent = await fake.slash("ask", {"question": question}, guild_id=GUILD, member=fan(user))
        assert content_of(await sent.response()) or True
    await (await fake.slash("premise", guild_id=GUILD, member=fan(ids[3]))).response()
    refused = await fake.slash("fact list", guild_id=GUILD, member=fan(ids[4]))  # not a mod
    await refused.response()
    add = await fake.slash("fact export", guild_id=GUILD, member=moderator())
    await add.callback()
    await bot.store.remove(GUILD, "s1-finale", 601)
    proposal = await bot.proposals.file(GUILD, ids[0], "Who does the music?", "Mark Isham.", "")
    await bot.proposals.approve(
        GUILD, proposal, Draft("Who does the music?", "Mark Isham."), actor_id=601
    )

    # the completion event is handled just after the reply went out: wait for the last one
    async with asyncio.timeout(10):
        while True:
            text = await scrape(port)
            found = samples(text)
            key = ("fanbot_answers_total", (("command", "fact export"), ("outcome", "answered")))
            if found.get(key) == 1.0:
                break
            await asyncio.sleep(0.05)

    def answers(command: str, outcome: str) -> float:
        key = ("fanbot_answers_total", (("command", command), ("outcome", outcome)))
        return found.get(key, 0.0)

    for outcome in questions.values():
        assert answers("ask", outcome) == 1.0, outcome
    assert answers("premise", "answered") == 1.0
    assert found[("fanbot_command_errors_total", (("command", "fact list"), ("kind", "refused")))]
    assert found[("fanbot_command_seconds_count", (("command", "ask"),))] == 3.0
    assert found[("fanbot_guilds", ())] == 2.0
    assert found[("fanbot_store_write_seconds_count", (("operation", "remove"),))] == 1.0
    assert found[("fanbot_store_write_seconds_count", (("operation", "sync_pack"),))] == 1.0
    assert found[("fanbot_store_write_seconds_count", (("operation", "add_approved"),))] == 1.0
    # nothing personal: no question text, no user, server or channel id
    lowered = text.lower()
    assert not any(question in lowered for question in questions)
    assert not any(str(user) in text for user in ids) and str(GUILD) not in text
    labels = {key for (_, pairs) in found for key, _ in pairs}
    assert labels <= {"command", "outcome", "kind", "operation", "le"}
    values = {value for (_, pairs) in found for key, value in pairs if key != "le"}
    assert not any(value.isdigit() for value in values), values


async def test_metrics_listen_on_the_loopback_only_by_default(
    metered: tuple[FanBot, int],
) -> None:
    bot, _ = metered
    assert bot.metrics is not None and bot.metrics._server is not None
    assert bot.metrics._server.server_address[0] == "127.0.0.1"


async def test_no_metrics_port_no_metrics(bot: FanBot) -> None:
    assert bot.metrics is None


async def test_metrics_stop_with_the_bot(fake: FakeDiscord, settings: Settings) -> None:
    port = free_port()
    async with run_bot(FanBot(settings.model_copy(update={"metrics_port": port})), fake):
        await scrape(port)
    with pytest.raises(aiohttp.ClientConnectionError):
        await scrape(port)


def test_a_metrics_port_without_prometheus_client_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()  # main() sets up logging to capsys's stream: undo after
    monkeypatch.setattr(root, "handlers", root.handlers[:])
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # as if not installed
    for name, value in {
        "DISCORD_TOKEN": "fake-token",
        "METRICS_PORT": "9464",
        "FACT_PACK": str(REPO / "facts" / "the-diplomat.toml"),
        "DATABASE_PATH": str(tmp_path / "bot.db"),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    assert capsys.readouterr().err == (
        "METRICS_PORT is set but prometheus_client is not installed: pip install "
        "'fanbot[metrics]' (the Docker image has it), or unset METRICS_PORT\n"
    )
    assert not (tmp_path / "bot.db").exists()


async def test_a_metrics_port_in_use_is_one_line(fake: FakeDiscord, settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = FanBot(settings.model_copy(update={"metrics_port": port}))
        from bot.metrics import MetricsError

        with pytest.raises(MetricsError, match=rf"^METRICS_PORT {port}: cannot listen on "):
            await bot.open_store()
        await bot.close()
