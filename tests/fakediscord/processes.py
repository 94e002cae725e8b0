"""The real ``python -m bot`` in a subprocess, against a :class:`FakeDiscord` of this process.

The subprocess gets ``tests/fakediscord/boot`` on ``PYTHONPATH``: its ``sitecustomize``
points discord.py at the fake (``FAKE_DISCORD_URL``) and blocks every name lookup but the
loopback. Nothing in the bot's code knows about the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path

from .server import FakeDiscord

BOOT = Path(__file__).resolve().parent / "boot"
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0  # a cold start on a busy 2-core machine imports numpy and the model


def bot_environment(fake: FakeDiscord | None, **env: str) -> dict[str, str]:
    """The environment of a bot subprocess: this one's, minus any real token, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "PYTHONPATH"}}
    base |= {
        "PYTHONPATH": str(BOOT),
        "DISCORD_TOKEN": "fake-token",
        "LOG_LEVEL": "INFO",
        "FACT_PACK": str(REPO / "facts" / "the-diplomat.toml"),
    }
    if fake is not None:
        base["FAKE_DISCORD_URL"] = fake.cdn_url
    return base | env


class BotProcess:
    """A running ``python -m bot ...``; its stderr is collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._new_line = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
            self._new_line.set()
        self._new_line.set()

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, wanted: Callable[[str], bool], within: float) -> str:
        """The first stderr line for which ``wanted`` is true (waiting for it)."""
        async with asyncio.timeout(within):
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if wanted(line):
                        return line
                seen = len(self.lines)
                if self.process.returncode is not None and self._reader.done():
                    raise AssertionError(f"bot exited {self.process.returncode}:\n{self.stderr}")
                self._new_line.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_line.wait(), 0.2)

    async def signal(self, sig: signal.Signals, within: float = 15.0) -> tuple[int, float]:
        """Send ``sig``; the exit code and the seconds until the process ended."""
        started = time.monotonic()
        self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), within)
        elapsed = time.monotonic() - started
        await self._reader
        return code, elapsed


@contextlib.asynccontextmanager
async def bot_process(
    fake: FakeDiscord | None,
    *args: str,
    cwd: Path,
    env: Mapping[str, str] = {},
    ready: bool = True,
) -> AsyncIterator[BotProcess]:
    """``python -m bot ARGS`` (default ``run``) in ``cwd`` (a folder without a ``.env``);
    with ``ready``, yielded once it logged READY. Killed on exit if still running.
    """
    process = await _python_m_bot(
        args or ("run",), cwd, env, fake, stdout=asyncio.subprocess.DEVNULL
    )
    running = BotProcess(process)
    try:
        if ready:
            await running.wait_for_line(lambda line: "Ready as " in line, START_TIMEOUT)
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await running._reader


async def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] = {}, fake: FakeDiscord | None = None
) -> tuple[int, str, str]:
    """``python -m bot ARGS`` to the end, beside a bot process: exit code, stdout, stderr."""
    process = await _python_m_bot(args, cwd, env, fake, stdout=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _python_m_bot(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    fake: FakeDiscord | None,
    *,
    stdout: int,
) -> asyncio.subprocess.Process:
    """``python -m bot ARGS`` started in ``cwd``, offline, with stderr piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=bot_environment(fake, **env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
    )
