"""Logging for the host: plain text (colours only on a terminal) or one JSON object a line.

``LOG_FORMAT=text`` (the default) writes ``time level logger: message`` lines, coloured
only when the stream is a terminal (discord.py's own set-up also colours inside Docker,
which leaves ANSI codes in log files). ``LOG_FORMAT=json`` writes one JSON object per line
for log collectors: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, and
``guild``, ``command`` and ``shard`` when the record was logged while handling an
interaction (see :func:`interaction_context`); ``exception`` holds a traceback if any.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal, TextIO

LogFormat = Literal["text", "json"]

TEXT_FORMAT: Final = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
TEXT_DATE_FORMAT: Final = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Context:
    """What is known, while handling an interaction, about where it came from."""

    guild: int | None = None
    command: str | None = None
    shard: int | None = None


_context: contextvars.ContextVar[Context] = contextvars.ContextVar("fanbot_log_context")


def interaction_context(
    *, guild: int | None, command: str | None, shard: int | None
) -> contextvars.Token[Context]:
    """Tag what this task logs from now on with ``guild``, ``command`` and ``shard``.

    Set at the start of handling an interaction: the task that handles it (and any task it
    starts) carries the tags; other tasks are unaffected.
    """
    return _context.set(Context(guild, command, shard))


def current_context() -> Context:
    return _context.get(Context())


class ContextFilter(logging.Filter):
    """Stamps each record with the interaction context of the task that logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_context()
        for key in ("guild", "command", "shard"):
            if getattr(record, key, None) is None:
                setattr(record, key, getattr(context, key))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in messages are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("guild", "command", "shard"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _FanbotHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`setup_logging` installs (so that a second call replaces it)."""


def setup_logging(level: str, fmt: LogFormat = "text", stream: TextIO | None = None) -> None:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr)."""
    handler = _FanbotHandler(stream if stream is not None else sys.stderr)
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter()
    elif wants_colour(handler.stream):
        import discord.utils

        formatter = discord.utils._ColourFormatter()
    else:
        formatter = logging.Formatter(TEXT_FORMAT, TEXT_DATE_FORMAT)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _FanbotHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level))
