"""Building large, long-lived structures without stalling the event loop on the GC.

While millions of objects are allocated, CPython's cyclic garbage collector rescans the
whole heap several times; each pass holds the GIL, so a worker thread building a large
index would still freeze the event loop for hundreds of milliseconds.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LARGE = 10_000  # objects built below this many items are cheap enough to leave alone


@contextmanager
def collection_paused(items: int) -> Iterator[None]:
    """Pause cyclic collection while building ``items`` things, if that is many.

    What is built is then frozen out of later collections: it is long-lived and holds no
    reference cycles, so reference counting still frees it when it is replaced.
    """
    if items < LARGE:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
