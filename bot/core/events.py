"""Discord events for premieres: which premiere facts get one, and what it says.

``/fact event`` turns a premiere fact into a guild scheduled event, so that members get
Discord's own reminders. Only what a fan without spoilers may see of the fact goes into it
(the :class:`~bot.core.policy.ShownFact`), since every member sees an event: a spoiler
premiere gets none. The event starts when the bot tells the premiere happens
(:func:`bot.core.tense.premiere_moment`, noon UTC of its day), so a premiere known only to
the month, or already past, gets none either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.core import tense
from bot.core.models import PartialDate, Topic
from bot.core.pack import Show
from bot.core.policy import ShownFact, clip

# Discord's limits on an event, and the length it needs an external event to have.
NAME_LIMIT = 100
DESCRIPTION_LIMIT = 1000
LOCATION_LIMIT = 100
EVENT_LENGTH = dt.timedelta(hours=1)


class Refusal(StrEnum):
    """Why a fact gets no event."""

    NOT_A_PREMIERE = "is not a premiere"
    SPOILER = "is a spoiler"
    NO_DATE = "has no date"
    MONTH_ONLY = "is known only to the month"
    PAST = "is not in the future"


class NotEventable(ValueError):
    """``fact_id`` gets no event, for ``reason``. ``date``: the fact's date when a fan may
    see it (never a spoiler's); ``scope``: what a spoiler fact spoils."""

    def __init__(
        self,
        fact_id: str,
        reason: Refusal,
        *,
        date: PartialDate | None = None,
        scope: str | None = None,
    ) -> None:
        self.fact_id = fact_id
        self.reason = reason
        self.date = date
        self.scope = scope
        super().__init__(f"fact {fact_id!r} {reason.value}")


@dataclass(frozen=True)
class EventPlan:
    """The Discord event of a premiere fact, within Discord's limits."""

    fact_id: str
    premiere: dt.date
    name: str
    description: str
    location: str
    start: dt.datetime
    end: dt.datetime

    def moves_from(self, scheduled: dt.date) -> bool:
        """Whether an event scheduled for ``scheduled`` must move to this plan's day."""
        return scheduled != self.premiere


def plan_event(shown: ShownFact, *, show: Show, now: dt.datetime) -> EventPlan:
    """The event of the premiere fact ``shown`` (as a fan without spoilers sees it, told
    for ``now``); raises :class:`NotEventable` for a fact that gets none."""
    if shown.topic is not Topic.PREMIERE:
        raise NotEventable(shown.id, Refusal.NOT_A_PREMIERE)
    if shown.withheld or shown.spoiler:
        raise NotEventable(shown.id, Refusal.SPOILER, scope=shown.scope)
    date = shown.date
    if date is None:
        raise NotEventable(shown.id, Refusal.NO_DATE)
    start = tense.premiere_moment(date)
    if start is None or date.exact is None:
        raise NotEventable(shown.id, Refusal.MONTH_ONLY, date=date)
    if start <= now:
        raise NotEventable(shown.id, Refusal.PAST, date=date)
    subject = f"Season {shown.season} premiere" if shown.season else "premiere"
    text = tense.without_relative(shown.text)
    if shown.source:
        text += f"\n\nSource: {shown.source}"
    return EventPlan(
        fact_id=shown.id,
        premiere=date.exact,
        name=_fitted(f"{show.name} {subject}", NAME_LIMIT),
        description=clip(text, DESCRIPTION_LIMIT),
        location=_fitted(show.network, LOCATION_LIMIT),
        start=start,
        end=start + EVENT_LENGTH,
    )


def _fitted(text: str, limit: int) -> str:
    return clip(" ".join(text.split()), limit)
