"""Building and freeing large structures (a big server's index) without stalling the event loop.

Worker threads do the building, but a thread holds the GIL, and with it the event loop, in
ways that add up: CPython's cyclic collector rescanning the heap while millions of objects
are allocated (:func:`collection_paused`, :func:`freeze_what_lives_forever`), a waiting
thread getting the GIL back only after 5 ms (:func:`gil_handed_back_often`), and one long
deallocation when a large structure is freed at once (:func:`emptied_in_slices`).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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


_FAST_SWITCH = 0.001  # seconds: how soon a thread waiting for the GIL asks for it
_FAST_SWITCH_FROM = 100  # items: a build of 1,000 facts would block the loop 10-14 ms
_fast_switch_users = 0
_usual_switch = sys.getswitchinterval()
_switch_lock = threading.Lock()


@contextmanager
def gil_handed_back_often(items: int) -> Iterator[None]:
    """While a worker thread builds ``items`` things, if more than a few, let the event
    loop's thread take the GIL back after 1 ms instead of CPython's usual 5 ms.

    A thread running Python code only lets go of the GIL when another thread has waited a
    whole switch interval for it, so each wake-up of the event loop could wait that long.
    """
    global _fast_switch_users
    if items < _FAST_SWITCH_FROM:
        yield
        return
    with _switch_lock:
        if _fast_switch_users == 0:
            sys.setswitchinterval(_FAST_SWITCH)
        _fast_switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _fast_switch_users -= 1
            if _fast_switch_users == 0:
                sys.setswitchinterval(_usual_switch)


RELEASE_SLICE = 2_000
"""Items freed between two pauses when a large structure is freed (about 0.5 ms of work)."""


def emptied_in_slices(*containers: list[Any] | dict[Any, Any]) -> Iterator[int]:
    """Empty ``containers`` :data:`RELEASE_SLICE` items at a time, yielding after each.

    Freeing a large structure in one go is one long deallocation that holds the GIL (20 ms
    for an index of 10,000 facts, 250 ms at 100,000); between two slices another thread,
    or the event loop if it drives this, can run.
    """
    for items in containers:
        if isinstance(items, list):
            while items:
                del items[-RELEASE_SLICE:]
                yield RELEASE_SLICE
        else:
            keys = list(items)
            for first in range(0, len(keys), RELEASE_SLICE):
                for key in keys[first : first + RELEASE_SLICE]:
                    del items[key]
                yield RELEASE_SLICE


def drop_in_slices(*containers: list[Any]) -> None:
    """Empty ``containers`` a slice at a time, in a worker thread, where nothing waits on
    each slice but the GIL is let go between them."""
    for _ in emptied_in_slices(*containers):
        pass


def freeze_what_lives_forever() -> None:
    """Take everything alive now (modules, the pack and its index, discord.py's state) out
    of the cyclic collector's reach, after one last collection.

    It lives as long as the process, and every full collection would otherwise scan all of
    it again, holding the GIL (so the event loop) for tens of milliseconds. Call once,
    when the process has started.
    """
    gc.collect()
    gc.freeze()
