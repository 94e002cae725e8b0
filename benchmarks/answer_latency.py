"""How fast one answer is, by the number of facts in the asking guild.

    .venv/bin/python -m benchmarks.answer_latency          # full run (~2-4 min)
    .venv/bin/python -m benchmarks.answer_latency --quick    # smaller, for a smoke test

For each size it fills a fresh store with the curated pack plus N synthetic facts in the
asking guild, asks real fan questions (tests/data/fan_questions.toml) through the answer
service with its cache of recent answers off, and prints p50/p99. In the same run and on
the same facts it times two baselines: difflib's ``get_close_matches`` and a plain
rapidfuzz ``process.extract`` scan. It then puts 1M facts in other guilds and shows the
asking guild's latency does not move, and it measures the longest the event loop is
blocked while answering and while indexing.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import random
import statistics
import tempfile
import time
import tomllib
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.core.answers import AnswerService
from bot.core.large_builds import freeze_what_lives_forever
from bot.core.models import Fact
from bot.core.pack import load_pack
from bot.core.store import FactStore

REPO = Path(__file__).resolve().parent.parent
GUILD = 1001
TOPICS = ["general", "trailer", "production", "ratings", "renewal", "where-to-watch"]


def synthetic_facts(count: int, *, seed: int, prefix: str = "syn") -> list[Fact]:
    """Facts that look like moderators' facts: names, places, events, in fan phrasing."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vor", "el", "dan", "sha", "qui", "bro", "zen"]
    vocabulary = sorted(
        {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(20_000)}
    )
    openers = ["Who is", "What happened to", "When does", "Where is", "Why did", "Is there"]
    facts = []
    for n in range(count):
        words = rng.choices(vocabulary, k=4)
        facts.append(
            Fact(
                id=f"{prefix}-{n}",
                topic=rng.choice(TOPICS),  # type: ignore[arg-type]
                questions=(f"{rng.choice(openers)} {' '.join(words[:3])}?",),
                aliases=(words[3],),
                answer=f"Synthetic answer {n}.",
                source="benchmark",
            )
        )
    return facts


def fan_questions() -> list[str]:
    with (REPO / "tests" / "data" / "fan_questions.toml").open("rb") as file:
        return [item["text"] for item in tomllib.load(file)["question"]]


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def time_calls(call: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    samples = []
    for question in questions:
        start = time.perf_counter()
        call(question)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def time_answers(service: AnswerService, questions: Sequence[str]) -> list[float]:
    return (await time_answers_both(service, questions))[0]


async def time_answers_both(
    service: AnswerService, questions: Sequence[str]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per answer. On a shared machine the CPU time of the
    answering thread is the steadier number: it leaves out time the OS gave to others."""
    wall, cpu = [], []
    for question in questions:
        start, start_cpu = time.perf_counter(), time.thread_time()
        await service.answer(GUILD, question, spoilers=False)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        await asyncio.sleep(0)  # as between two interactions: other tasks may run
    return wall, cpu


async def max_loop_lag(work: Awaitable[object]) -> float:
    """The longest the event loop went without running a 1 ms ticker, during ``work``."""
    lag = 0.0
    done = False

    async def ticker() -> None:
        nonlocal lag
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lag = max(lag, (time.perf_counter() - before) * 1000 - 1)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    await work
    done = True
    await task
    return lag


def python_for(seconds: float) -> None:
    """Run plain Python bytecode (no long C calls) for ``seconds``."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def row(label: str, samples: Sequence[float]) -> str:
    p50, p99 = percentiles(samples)
    return f"{label:<34} p50 {p50:9.3f} ms   p99 {p99:9.3f} ms   (n={len(samples)})"


async def measure_size(size: int, questions: list[str], *, baseline_queries: int) -> None:
    pack = load_pack(REPO / "facts" / "the-diplomat.toml")
    with tempfile.TemporaryDirectory() as folder:
        async with await FactStore.open(Path(folder) / "bench.db") as store:
            await store.sync_pack(pack)
            facts = synthetic_facts(size, seed=size)
            await store.bulk_insert_guild_facts(GUILD, facts)
            service = AnswerService(store, pack, recent_answers=0)  # time matching, not the cache
            await service.index_for(None)
            freeze_what_lives_forever()  # as the bot does once started (bot/runner.py)
            start = time.perf_counter()
            build_lag = await max_loop_lag(service.index_for(GUILD))
            build = time.perf_counter() - start
            answer_lag = await max_loop_lag(time_answers(service, questions))
            samples, cpu = await time_answers_both(service, questions * 3)
            # A change in the guild: the index is built again and the old one released.
            await store.bulk_insert_guild_facts(GUILD, synthetic_facts(1, seed=0, prefix="new"))
            rebuild_lag = await max_loop_lag(service.index_for(GUILD))
            release_lag = await max_loop_lag(asyncio.gather(*service._releasing))
            # Baseline: any thread running Python for as long blocks the loop this much.
            floor = await max_loop_lag(asyncio.to_thread(python_for, min(build, 5.0)))
            print(f"\n{size:,} facts in the asking guild (+{len(pack.facts)} pack facts)")
            print(f"  index build {build:.2f} s, event loop blocked at most {build_lag:.1f} ms")
            print(f"  rebuilt after a change: blocked at most {rebuild_lag:.1f} ms")
            print(f"  releasing the old index: blocked at most {release_lag:.1f} ms")
            print(
                f"  baseline: a thread running plain Python for {min(build, 5.0):.1f} s blocks"
                f" it at most {floor:.1f} ms"
            )
            print("  " + row("fanbot answer (index)", samples))
            print("  " + row("  the same, CPU time of the thread", cpu))
            print(f"  event loop blocked at most {answer_lag:.2f} ms while answering")

            choices = [q for f in (*pack.facts, *facts) for q in (*f.questions, *f.aliases)]
            sample = questions[:baseline_queries]
            print(
                "  "
                + row(
                    "rapidfuzz process.extract scan",
                    time_calls(
                        lambda q: process.extract(
                            q, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=4
                        ),
                        sample,
                    ),
                )
            )
            print(
                "  "
                + row(
                    "difflib.get_close_matches",
                    time_calls(
                        lambda q: difflib.get_close_matches(q.lower(), choices, n=4, cutoff=0.5),
                        sample[: max(3, baseline_queries // 5)],
                    ),
                )
            )


async def measure_other_guilds(size: int, others: int, questions: list[str]) -> None:
    pack = load_pack(REPO / "facts" / "the-diplomat.toml")
    with tempfile.TemporaryDirectory() as folder:
        async with await FactStore.open(Path(folder) / "bench.db") as store:
            await store.sync_pack(pack)
            await store.bulk_insert_guild_facts(GUILD, synthetic_facts(size, seed=size))
            service = AnswerService(store, pack, recent_answers=0)  # time matching, not the cache
            await service.index_for(GUILD)
            before = await time_answers(service, questions * 3)
            per_guild = 1000
            all_other = synthetic_facts(others // per_guild, seed=7, prefix="other")
            for guild in range(others // per_guild):
                await store.bulk_insert_guild_facts(10_000 + guild, all_other)
            service = AnswerService(store, pack, recent_answers=0)  # cold: re-reads the guild
            start = time.perf_counter()
            await service.index_for(GUILD)
            reload = time.perf_counter() - start
            after = await time_answers(service, questions * 3)
            print(f"\n{size:,} facts in the asking guild, then {others:,} in other guilds")
            print("  " + row("before the other guilds' facts", before))
            print("  " + row("after", after))
            print(f"  re-indexing the asking guild with them present: {reload:.2f} s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--size", type=int, help="only this many facts (and the 1M run)")
    args = parser.parse_args()
    questions = fan_questions()
    sizes = [100, 1_000] if args.quick else [100, 1_000, 10_000, 100_000]
    if args.size:
        sizes = [args.size]
    print(f"{len(questions)} fan questions per round")
    for size in sizes:
        await measure_size(size, questions, baseline_queries=30 if size >= 10_000 else 100)
    await measure_other_guilds(1_000, 10_000 if args.quick else 1_000_000, questions)


if __name__ == "__main__":
    asyncio.run(main())
