"""Health: a heartbeat file the running bot keeps, and ``python -m bot health`` reading it.

The bot writes ``<DATABASE_PATH>.health.json`` (beside the database, so on the same volume)
when it starts, when it connects, resumes or loses the gateway, and every
:data:`HEARTBEAT_SECONDS`: whether it is connected, the gateway latency, and when its store
last answered a read. ``python -m bot health`` (the Docker ``HEALTHCHECK``) exits 0 if a
recent heartbeat says the bot is connected and its store answers, 1 with the reason
otherwise. A clean stop removes the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 30.0
"""How often the running bot writes its heartbeat."""

STALE_AFTER_SECONDS: Final = 3 * HEARTBEAT_SECONDS + 5
"""A heartbeat older than this (three missed beats) means the bot is stuck or gone."""


def heartbeat_path(database_path: Path, shard_ids: Sequence[int] | None = None) -> Path:
    """Beside the database: ``fanbot.db.health.json``, or for a process running some of
    the shards (``SHARD_IDS``), its own ``fanbot.db.shards-0-1.health.json``, so that
    processes sharing a database each say how they are."""
    if shard_ids is None:
        return database_path.with_name(database_path.name + ".health.json")
    shards = "-".join(str(shard) for shard in shard_ids)
    return database_path.with_name(f"{database_path.name}.shards-{shards}.health.json")


def heartbeat_paths(database_path: Path) -> list[Path]:
    """Every heartbeat beside the database: of an unsharded process, and of each process
    that runs some of the shards."""
    shards = sorted(database_path.parent.glob(f"{database_path.name}.shards-*.health.json"))
    return [heartbeat_path(database_path), *shards]


@dataclass(frozen=True)
class Heartbeat:
    """What the bot last said about itself (times are Unix seconds)."""

    written_at: float
    pid: int
    connected: bool
    latency_ms: float | None
    guilds: int
    store_read_at: float | None
    store_error: str | None = None


def write_heartbeat(path: Path, beat: Heartbeat) -> None:
    """Replace the file at ``path`` atomically: a reader never sees half a heartbeat."""
    path.parent.mkdir(parents=True, exist_ok=True)  # on PostgreSQL, no database file made it
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(asdict(beat)), encoding="utf-8")
    os.replace(partial, path)


def read_heartbeat(path: Path) -> Heartbeat:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Heartbeat(**data)


def check(path: Path, now: float | None = None) -> tuple[bool, str]:
    """Whether the bot whose heartbeat is at ``path`` is healthy, and one line saying so."""
    now = time.time() if now is None else now
    try:
        beat = read_heartbeat(path)
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot is not running (or not started yet)"
    except (OSError, ValueError, TypeError) as error:
        return False, f"unreadable heartbeat at {path}: {error}"
    age = now - beat.written_at
    if age > STALE_AFTER_SECONDS:
        return False, f"last heartbeat {age:.0f} s ago: the bot is stuck or was killed"
    if beat.store_error is not None:
        return False, f"the store did not answer: {beat.store_error}"
    if beat.store_read_at is None or beat.written_at - beat.store_read_at > STALE_AFTER_SECONDS:
        return False, "the store has not answered a read recently"
    if not beat.connected:
        return False, "not connected to Discord's gateway"
    latency = "unknown" if beat.latency_ms is None else f"{beat.latency_ms:.0f} ms"
    servers = f"{beat.guilds} server" + ("" if beat.guilds == 1 else "s")
    return True, (
        f"healthy: connected (gateway latency {latency}), {servers}, "
        f"store answered {now - beat.store_read_at:.0f} s ago"
    )


class HeartbeatWriter:
    """Writes the heartbeat of a bot: on demand (:meth:`beat`) and every ``interval``."""

    def __init__(
        self,
        path: Path,
        *,
        connected: Callable[[], bool],
        latency: Callable[[], float],
        guilds: Callable[[], int],
        read_store: Callable[[], Awaitable[object]],
        interval: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.path = path
        self._connected = connected
        self._latency = latency
        self._guilds = guilds
        self._read_store = read_store
        self._interval = interval
        self._store_read_at: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._stopped = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="fanbot-heartbeat")

    async def _run(self) -> None:
        while True:
            await self.beat()
            await asyncio.sleep(self._interval)

    async def beat(self) -> None:
        """Read the store, then write what is true now. Never raises (logs instead)."""
        async with self._lock:
            if self._stopped:
                return
            error = None
            try:
                await self._read_store()
                self._store_read_at = time.time()
            except Exception as failure:  # the store's trouble is what health reports
                error = f"{type(failure).__name__}: {failure}"
            latency = self._latency()
            beat = Heartbeat(
                written_at=time.time(),
                pid=os.getpid(),
                connected=self._connected(),
                latency_ms=None if not math.isfinite(latency) else round(latency * 1000, 1),
                guilds=self._guilds(),
                store_read_at=self._store_read_at,
                store_error=error,
            )
            try:
                await asyncio.to_thread(write_heartbeat, self.path, beat)
            except OSError as failure:
                log.warning("Cannot write the heartbeat %s: %s", self.path, failure)

    async def stop(self) -> None:
        """Stop beating and remove the file: a stopped bot is not healthy."""
        if self._task is None:
            return  # never started: nothing written
        self._stopped = True
        if not self._task.done():
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        async with self._lock:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as failure:
                log.warning("Cannot remove the heartbeat %s: %s", self.path, failure)
