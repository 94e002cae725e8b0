"""Small builders for facts and packs in tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.models import Fact, Topic
from bot.core.pack import Pack, Show, Source
from bot.core.store import FactStore, StorageFull


def make_fact(fact_id: str = "trailer-2", **fields: Any) -> Fact:
    """A valid fact; any field can be overridden."""
    data: dict[str, Any] = {
        "id": fact_id,
        "topic": "trailer",
        "questions": ["Is there a trailer for the new season?"],
        "answer": "Yes: the full trailer is out.",
        "source": "Added by the moderators",
    }
    data.update(fields)
    return Fact.model_validate(data)


def cast_fact(fact_id: str, actor: str, character: str, role: str, **fields: Any) -> Fact:
    """A valid cast fact for a part in Season 1, asked as "Who plays <character>?"."""
    part = {"actor": actor, "character": character, "role": role, "seasons": [1]}
    return make_fact(
        fact_id,
        topic="cast",
        questions=[f"Who plays {character}?"],
        cast={**part, "status": "main"},
        **fields,
    )


def pack_fact(fact_id: str, answer: str = "The answer.", topic: Topic = Topic.GENERAL) -> Fact:
    """A plain fact citing the source of :func:`make_pack`, asked as "What about <id>?"."""
    return Fact(
        id=fact_id,
        topic=topic,
        questions=(f"What about {fact_id}?",),
        answer=answer,
        source="tvinsider",
    )


def make_pack(*facts: Fact) -> Pack:
    """A pack holding ``facts`` and the one source :func:`pack_fact` cites."""
    return Pack(
        show=Show(name="The Show", network="Net"),
        sources={"tvinsider": Source(title="Article", publisher="TV Insider", published="2024")},
        facts=facts,
    )


START = dt.datetime(2031, 5, 1, 12, tzinfo=dt.UTC)


class Clock:
    """A clock tests move by hand (``clock.now += ...``), for retention and "last asked"."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def disk_full(store: FactStore) -> Callable[..., Awaitable[bool]]:
    """A stand-in for a store write that meets a full disk, as SQLite reports it."""

    async def full(*args: object, **kwargs: object) -> bool:
        raise StorageFull(store.path, 0, "database or disk is full", first_in_episode=True)

    return full
