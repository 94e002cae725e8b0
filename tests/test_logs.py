"""Logs for the host: plain text off a terminal (even in Docker), or one JSON object a line."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import interaction_context, setup_logging
from tests.conftest import REPO

ANSI = re.compile(r"\x1b\[")
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING) +[\w.]+: .+$")


@pytest.fixture(autouse=True)
def root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("FACT_PACK", str(REPO / "facts" / "the-diplomat.toml"))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.db"))
    monkeypatch.setenv("LOG_LEVEL", "INFO")


def test_text_logs_have_no_colours_off_a_terminal_even_in_docker(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import discord.utils

    # discord.py colours its logs whenever it thinks it runs in Docker, tty or not
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    assert main(["facts", "check"]) == 0
    logging.getLogger("discord.gateway").info("Shard ID %s has connected to Gateway", None)
    logging.getLogger("bot.client").warning("a warning")
    err = capsys.readouterr().err
    assert not ANSI.search(err), err
    lines = err.splitlines()
    assert len(lines) == 2 and all(TEXT_LINE.match(line) for line in lines), lines


def test_json_logs_are_one_object_per_line(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert main(["facts", "check"]) == 0
    logging.getLogger("discord.gateway").info("connected\nsecond line")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("bot.client").exception("it failed")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == "discord.gateway"
    assert first["message"] == "connected\nsecond line"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_json_logs_name_the_guild_command_and_shard_of_an_interaction() -> None:
    stream = io.StringIO()
    setup_logging("INFO", "json", stream)
    log = logging.getLogger("bot.test")
    log.info("before")
    interaction_context(guild=42, command="fact add", shard=0)
    log.info("during")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert "guild" not in records[0]
    assert records[1]["guild"] == 42 and records[1]["command"] == "fact add"
    assert records[1]["shard"] == 0


def test_an_unknown_log_format_is_one_line(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")
    assert main(["facts", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid settings (environment or .env): LOG_FORMAT: ")
    assert len(err.splitlines()) == 1
