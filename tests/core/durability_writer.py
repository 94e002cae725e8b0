"""Helper for test_store_durability: add facts in a burst until killed.

Usage: python durability_writer.py DB_PATH. Prints ``ready`` once the store is open, then
each fact id right after its ``add`` returned (i.e. was committed), flushing every line.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.core.models import Fact, Topic
from bot.core.store import FactStore

GUILD_ID = 1
ACTOR_ID = 7
BURST_SIZE = 1_000_000


def burst_fact(number: int) -> Fact:
    """The ``number``-th fact of the burst."""
    return Fact(
        id=f"burst-{number}",
        topic=Topic.GENERAL,
        questions=(f"What is burst fact {number}?",),
        answer=f"Burst fact number {number}.",
        source="durability",
    )


async def write_until_killed(path: Path) -> None:
    """Open the store and add facts one by one, acknowledging each on stdout."""
    store = await FactStore.open(path)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for number in range(BURST_SIZE):
        stored = await store.add(GUILD_ID, burst_fact(number), ACTOR_ID)
        sys.stdout.write(f"{stored.fact_id}\n")
        sys.stdout.flush()
    await store.close()


if __name__ == "__main__":
    asyncio.run(write_until_killed(Path(sys.argv[1])))
