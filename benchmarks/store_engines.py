"""The store on SQLite beside PostgreSQL, in the same run.

    .venv/bin/python -m benchmarks.store_engines            # ~1 min
    .venv/bin/python -m benchmarks.store_engines --quick    # fewer rounds

It starts its own throwaway PostgreSQL cluster (tests/pg.py; durable settings: fsync and
synchronous_commit on, like a real server) and an SQLite file in a temporary folder (WAL,
synchronous=NORMAL, as the bot runs it). On each, a store holding the shipped pack plus a
server with 200 facts of its own, it prints p50/p99 of:

* ``read``: ``effective_facts`` of that server (what the answer path reads on a change);
* ``fresh_generation``: the check the answer path makes before every answer;
* ``add`` and ``edit``: one moderator write each, committed;
* ``staleness``: from an edit committed in this process to the new generation seen by
  another process on the same database (a reader process checking ``fresh_generation``
  every millisecond, as a busy bot does before each answer; the time from the edit's
  call, write included, is printed beside it);

and then 100 concurrent adds split over those two stores: lost adds, ids handed out twice,
audit rows missing (all must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core.models import Fact
from bot.core.pack import load_pack
from bot.core.store import FactStore
from tests.pg import start_cluster

REPO = Path(__file__).resolve().parent.parent
GUILD = 1_300_000_000_000_000_001
MOD = 42


def fact(fact_id: str, answer: str = "An answer about as long as a real one is, or so.") -> Fact:
    return Fact(
        id=fact_id,
        topic="general",  # type: ignore[arg-type]
        questions=(f"What about {fact_id}?",),
        answer=answer,
        source="benchmark",
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1e3, p99 * 1e3


async def timed(rounds: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for n in range(rounds):
        start = time.perf_counter()
        await call(n)
        samples.append(time.perf_counter() - start)
    return samples


async def read_changes(target: str, rounds: int) -> None:
    """The reader process: print ``ready``, then the monotonic time (shared by every
    process on Linux) at which each of ``rounds`` new generations was first seen."""
    database: Path | str = target if "://" in target else Path(target)
    async with await FactStore.open(database) as reader:
        seen = await reader.fresh_generation(GUILD)
        print("ready", flush=True)
        for _ in range(rounds):
            while (now := await reader.fresh_generation(GUILD)) == seen:  # noqa: ASYNC110
                await asyncio.sleep(0.001)  # as often as a busy bot answers
            print(time.perf_counter(), flush=True)
            seen = now


async def staleness(writer: FactStore, target: Path | str, rounds: int) -> dict[str, list[float]]:
    """Edit in this process; when another process sees each change (see the docstring)."""
    reader = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "benchmarks.store_engines", "--reader", str(target), str(rounds)),
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    assert reader.stdout is not None
    assert (await reader.stdout.readline()).strip() == b"ready"
    called, returned = [], []
    for n in range(rounds):
        called.append(time.perf_counter())
        await writer.edit(GUILD, fact("stale-probe", f"Version {n}."), MOD)
        returned.append(time.perf_counter())
        await asyncio.sleep(0.02)  # one change at a time
    seen = [float(line) for line in (await reader.stdout.read()).split()]
    await reader.wait()
    return {
        "staleness": [max(0.0, s - r) for s, r in zip(seen, returned, strict=True)],
        "staleness_from_call": [s - c for s, c in zip(seen, called, strict=True)],
    }


async def concurrent_adds(first: FactStore, second: FactStore) -> dict[str, int]:
    facts = [fact(f"together-{n}") for n in range(100)]
    results = await asyncio.gather(
        *((first, second)[n % 2].add(GUILD, f, MOD + n) for n, f in enumerate(facts)),
        return_exceptions=True,
    )
    acknowledged = {r.fact_id for r in results if not isinstance(r, BaseException)}
    stored = {s.fact_id for s in await second.guild_facts(GUILD)}
    audit = [row for row in await first.table_rows("audit") if str(row[2]).startswith("together")]
    return {
        "failed": sum(isinstance(r, BaseException) for r in results),
        "lost": len(acknowledged - stored),
        "duplicate ids": len(audit) - len({row[0] for row in audit}),
        "audit missing": len({f.id for f in facts} - {str(row[2]) for row in audit}),
    }


async def measure(target: Path | str, rounds: int) -> dict[str, object]:
    pack = load_pack(REPO / "facts" / "the-diplomat.toml")
    async with await FactStore.open(target) as store, await FactStore.open(target) as other:
        await store.sync_pack(pack)
        await store.bulk_insert_guild_facts(GUILD, (fact(f"own-{n}") for n in range(200)))
        await store.add(GUILD, fact("stale-probe"), MOD)
        await store.add(GUILD, fact("edited"), MOD)
        results: dict[str, object] = {
            "read": await timed(rounds, lambda n: store.effective_facts(GUILD)),
            "fresh_generation": await timed(rounds, lambda n: store.fresh_generation(GUILD)),
            "add": await timed(rounds, lambda n: store.add(GUILD, fact(f"added-{n}"), MOD)),
            "edit": await timed(
                rounds, lambda n: store.edit(GUILD, fact("edited", f"Edit {n}."), MOD)
            ),
        }
        results |= await staleness(store, target, max(50, rounds // 5))
        started = time.perf_counter()
        results["together"] = await concurrent_adds(store, other)
        results["together_seconds"] = time.perf_counter() - started
        return results


def report(name: str, results: dict[str, object]) -> None:
    for key in ("read", "fresh_generation", "add", "edit", "staleness", "staleness_from_call"):
        samples = results[key]
        assert isinstance(samples, list)
        p50, p99 = percentiles(samples)
        print(f"  {name:<10} {key:<19} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms   (n={len(samples)})")
    together = results["together"]
    assert isinstance(together, dict)
    outcome = ", ".join(f"{count} {what}" for what, count in together.items())
    seconds = results["together_seconds"]
    assert isinstance(seconds, float)
    print(f"  {name:<10} 100 concurrent adds over two stores in {seconds:.2f} s: {outcome}")


async def main(rounds: int) -> None:
    cluster = start_cluster(durable=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            engines: dict[str, Path | str] = {
                "sqlite": Path(folder) / "bench.db",
                "postgresql": await cluster.create_database(),
            }
            print(f"store engines, {rounds} rounds each (PostgreSQL: fsync on, 127.0.0.1 TCP)")
            for name, target in engines.items():
                report(name, await measure(target, rounds))
    finally:
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--reader", nargs=2, metavar=("TARGET", "ROUNDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        asyncio.run(read_changes(args.reader[0], int(args.reader[1])))
    else:
        asyncio.run(main(100 if args.quick else 500))
