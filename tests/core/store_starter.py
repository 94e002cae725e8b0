"""Helper for test_store_engines: start as the bot starts its store, in a process of its own.

Usage: python store_starter.py DATABASE_URL PACK_PATH. Waits until the wall clock reaches
the next whole 0.5 s (so that processes started together open together), opens the store
(migrating it), syncs the pack and prints how many pack facts this process added.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bot.core.pack import load_pack
from bot.core.store import FactStore


async def main(url: str, pack_path: Path) -> None:
    pack = load_pack(pack_path)
    await asyncio.sleep(0.5 - time.time() % 0.5)
    async with await FactStore.open(url) as store:
        print((await store.sync_pack(pack)).added, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
