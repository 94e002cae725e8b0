"""``/fact stats``: what fans of a server asked over the last :data:`STATS_DAYS` days, from
the per-day counts :class:`bot.core.gaps.GapService` keeps (answers per fact, suggestion
picks, declines; never who asked), and which facts no fan got in that time.

Facts are named by their safe label (:func:`bot.core.policy.suggestion_label`, as a "did
you mean" button names them: a spoiler fact only by what it spoils).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.policy import suggestion_label
from bot.core.store import FactStore

STATS_DAYS = 30
"""``/fact stats`` counts the answers of this many days, today included."""


@dataclass(frozen=True)
class FactStat:
    """A fact of the server, named safely by ``label``, with its answers and picks."""

    fact_id: str
    label: str
    answers: int
    picks: int


@dataclass(frozen=True)
class FactStats:
    """A server's counts over the last ``days`` days.

    ``answered``: the facts fans got, the most answered first; ``picked``: those of them
    fans picked among "did you mean" suggestions, the most picked first; ``stale``: the
    server's facts no fan got (by id); ``declines``: the questions declined. Facts removed
    since are left out. ``recording``: whether the server records (off: nothing counted).
    """

    days: int
    recording: bool
    answered: tuple[FactStat, ...]
    picked: tuple[FactStat, ...]
    stale: tuple[FactStat, ...]
    declines: int


async def fact_stats(
    store: FactStore,
    guild_id: int,
    *,
    now: dt.datetime,
    days: int = STATS_DAYS,
) -> FactStats:
    """``guild_id``'s :class:`FactStats` of the ``days`` days up to ``now`` (UTC days)."""
    since = now.astimezone(dt.UTC).date() - dt.timedelta(days=days - 1)
    counts = await store.answer_counts(guild_id, since=since)
    labels = {s.fact_id: suggestion_label(s.fact) for s in await store.effective_facts(guild_id)}
    answered = tuple(
        FactStat(count.fact_id, labels[count.fact_id], count.answers, count.picks)
        for count in counts.facts
        if count.fact_id in labels and count.answers > 0
    )
    picked = tuple(
        sorted(
            (stat for stat in answered if stat.picks > 0),
            key=lambda stat: (-stat.picks, stat.fact_id),
        )
    )
    seen = {stat.fact_id for stat in answered}
    stale = tuple(
        FactStat(fact_id, label, 0, 0) for fact_id, label in labels.items() if fact_id not in seen
    )
    return FactStats(
        days=days,
        recording=await store.gap_recording(guild_id),
        answered=answered,
        picked=picked,
        stale=stale,
        declines=counts.declines,
    )
