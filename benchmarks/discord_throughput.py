"""Throughput, latency and memory of the bot, through the fake Discord, beside a bare bot.

    .venv/bin/python -m benchmarks.discord_throughput [--requests 2000]

Each bot runs in its own process, connected over loopback to the fake Discord served by
this process, exactly as in the end-to-end tests. For ``/ask`` at concurrency 1 and 50 it
prints interactions per second and p50/p99 latency (from INTERACTION_CREATE sent to the
interaction callback received), for FanBot and for a bare discord.py bot that replies a
fixed string, in the same run. Then the RSS of each bot process after READY, with 1 guild
and with 1,000 guilds. Then what message events cost (``--only messages``): CPU time and
RSS growth of the bot process per 1,000 ordinary messages (from many members, not mentioning
the bot, so without content) in a busy server, for FanBot answering mentions (guild messages
intent) beside FanBot slash-only (no such intent: Discord sends it no messages).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from tests.fakediscord import FakeDiscord, GuildSpec, payloads
from tests.fakediscord.server import RecordedRequest

REPO = Path(__file__).resolve().parent.parent
GUILD = 1200000000000000001


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def start_bot(kind: str, fake: FakeDiscord, database: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "benchmarks" / "bot_process.py"),
        kind,
        fake.base_url,
        fake.gateway_url,
        str(database),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 120)
    if line.strip() != b"READY":
        raise RuntimeError(f"{kind} bot did not start: {line!r}")
    return process


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


class Timer:
    """Resolves each interaction's future when its callback request is recorded."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.pending: dict[str, asyncio.Future[float]] = {}
        fake.request_listeners.append(self.on_request)

    def on_request(self, request: RecordedRequest) -> None:
        if request.path.endswith("/callback"):
            interaction_id = request.path.split("/")[2]
            future = self.pending.pop(interaction_id, None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


async def load(fake: FakeDiscord, timer: Timer, questions: list[str], total: int, concurrency: int):
    latencies: list[float] = []
    counter = itertools.count()
    member = payloads.member(payloads.user(501, "fan"))

    async def worker() -> None:
        while (n := next(counter)) < total:
            payload = payloads.slash_command(
                "ask",
                {"question": questions[n % len(questions)]},
                guild_id=GUILD,
                member=member,
            )
            future = asyncio.get_running_loop().create_future()
            timer.pending[str(payload["id"])] = future
            start = time.perf_counter()
            await fake.send_interaction(payload, flush=False)
            done = await asyncio.wait_for(future, 30)
            latencies.append((done - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return total / elapsed, latencies


def fan_questions() -> list[str]:
    with (REPO / "tests" / "data" / "fan_questions.toml").open("rb") as file:
        return [item["text"] for item in tomllib.load(file)["question"]]


async def throughput(total: int, rounds: int) -> None:
    """Both bots run side by side; rounds alternate between them so noise hits both."""
    questions = fan_questions()
    print(f"/ask: {total} interactions a round, {rounds} rounds each, alternating bots")
    async with contextlib.AsyncExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        bots = {}
        for kind in ("bare", "fanbot"):
            fake = await stack.enter_async_context(
                FakeDiscord(guilds=[GuildSpec(GUILD, "Fans")], timeout=60)
            )
            process = await start_bot(kind, fake, folder / f"{kind}.db")
            stack.push_async_callback(stop, process)
            bots[kind] = (fake, Timer(fake))
            await load(*bots[kind], questions, 200, 10)  # warm up
        for concurrency in (1, 50):
            rates: dict[str, list[float]] = {"bare": [], "fanbot": []}
            latencies: dict[str, list[float]] = {"bare": [], "fanbot": []}
            for _ in range(rounds):
                for kind in ("bare", "fanbot"):
                    rate, samples = await load(*bots[kind], questions, total, concurrency)
                    rates[kind].append(rate)
                    latencies[kind] += samples
            for kind in ("bare", "fanbot"):
                ordered = sorted(latencies[kind])
                p99 = ordered[round(0.99 * (len(ordered) - 1))]
                print(
                    f"  {kind:<7} concurrency {concurrency:>2}: "
                    f"{statistics.median(rates[kind]):7.0f}/s (median of {rounds})   "
                    f"p50 {statistics.median(ordered):6.2f} ms   p99 {p99:6.2f} ms"
                )
            share = statistics.median(rates["fanbot"]) / statistics.median(rates["bare"])
            print(f"  fanbot / bare at concurrency {concurrency}: {share:.0%}")


async def memory() -> None:
    print("RSS after READY")
    with tempfile.TemporaryDirectory() as folder:
        for guilds in (1, 1000):
            specs = [GuildSpec(GUILD + n * 10, f"Guild {n}") for n in range(guilds)]
            for kind in ("bare", "fanbot"):
                async with FakeDiscord(guilds=specs, timeout=120) as fake:
                    process = await start_bot(kind, fake, Path(folder) / f"m{guilds}{kind}.db")
                    await asyncio.sleep(1.0)  # let start-up garbage settle
                    print(f"  {kind:<7} {guilds:>5} guild(s): {rss_mb(process.pid):6.1f} MB")
                    await stop(process)


async def message_cost(total: int, rounds: int) -> None:
    """CPU and RSS per 1,000 ordinary messages, each bot in its own process and fake."""
    print(f"Message events: {total} ordinary messages a round, {rounds} rounds, per 1,000")
    authors = [payloads.user(10_000 + n, f"member{n}") for n in range(500)]
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("fanbot-slash", "fanbot"):
            async with FakeDiscord(guilds=[GuildSpec(GUILD, "Busy", member_count=5000)]) as fake:
                process = await start_bot(kind, fake, Path(folder) / f"{kind}.db")
                await asyncio.sleep(1.0)  # let start-up settle
                rss_start = rss_mb(process.pid)
                cpu: list[float] = []
                for _ in range(rounds):
                    before = cpu_seconds(process.pid)
                    for n in range(total):
                        # Without Message Content, a message that doesn't mention the bot has
                        # no content; the fake sends nothing to a bot without the intent.
                        await fake.post_message("", author=authors[n % len(authors)])
                        if n % 500 == 499:
                            await fake.flush()
                    await fake.flush()
                    cpu.append((cpu_seconds(process.pid) - before) * 1000 * 1000 / total)
                grown = rss_mb(process.pid) - rss_start
                print(
                    f"  {kind:<13} CPU {statistics.median(cpu):6.1f} ms per 1,000 "
                    f"(median of {rounds})   RSS {rss_start:6.1f} MB, "
                    f"{grown:+5.1f} MB after {total * rounds} messages"
                )
                await stop(process)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["throughput", "memory", "messages"])
    parser.add_argument("--messages", type=int, default=10_000, help="per round")
    args = parser.parse_args()
    if args.only in (None, "throughput"):
        await throughput(args.requests, args.rounds)
    if args.only in (None, "memory"):
        await memory()
    if args.only in (None, "messages"):
        await message_cost(args.messages, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
