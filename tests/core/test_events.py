"""Which premiere facts get a Discord event, and what the event says."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import events, tense
from bot.core.events import EVENT_LENGTH, NotEventable, Refusal, plan_event
from bot.core.models import Fact
from bot.core.pack import Show
from bot.core.policy import ShownFact, show

NOW = dt.datetime(2031, 3, 1, 9, 30, tzinfo=dt.UTC)
SHOW = Show(name="The Diplomat", network="Netflix")


def premiere(date: str | None = "2031-05-02", **fields: object) -> Fact:
    data: dict[str, object] = {
        "id": "s3-premiere",
        "topic": "premiere",
        "season": 3,
        "date": date,
        "questions": ["When does Season 3 come out?"],
        "answer": "Season 3 premieres on Netflix on Friday, May 2, 2031. Expect six episodes.",
        "source": "tvinsider-s3",
    }
    data.update(fields)
    return Fact.model_validate(data)


def shown(fact: Fact) -> ShownFact:
    """What a fan without spoilers may see of ``fact``: all an event may show."""
    return show(fact, spoilers=False, cite=lambda f: "TV Insider", now=NOW, network="Netflix")


def test_a_future_premiere_known_to_the_day_gets_a_noon_utc_event() -> None:
    plan = plan_event(shown(premiere()), show=SHOW, now=NOW)
    assert plan.fact_id == "s3-premiere"
    assert plan.premiere == dt.date(2031, 5, 2)
    assert plan.name == "The Diplomat Season 3 premiere"
    assert plan.location == "Netflix"
    assert plan.start == dt.datetime(2031, 5, 2, tense.PREMIERE_HOUR_UTC, tzinfo=dt.UTC)
    assert plan.start == tense.premiere_moment(premiere().date)  # one definition of the hour
    assert plan.end - plan.start == EVENT_LENGTH == dt.timedelta(hours=1)
    # The answer as fans get it today, without the relative time the event shows itself.
    assert plan.description == (
        "Season 3 premieres on Netflix on Friday, May 2, 2031. Expect six episodes.\n\n"
        "Source: TV Insider"
    )


def test_a_premiere_of_the_show_itself_is_named_for_the_show() -> None:
    plan = plan_event(shown(premiere(season=None)), show=SHOW, now=NOW)
    assert plan.name == "The Diplomat premiere"


def test_names_locations_and_descriptions_fit_discord() -> None:
    long_show = Show(name="N" * 120, network="W" * 120)
    fact = premiere(answer="Season 3 premieres on May 2, 2031. " + "x" * 960)
    plan = plan_event(shown(fact), show=long_show, now=NOW)
    assert len(plan.name) == events.NAME_LIMIT == 100 and plan.name.endswith("\u2026")
    assert len(plan.location) == events.LOCATION_LIMIT == 100
    assert len(plan.description) == events.DESCRIPTION_LIMIT == 1000
    assert plan.description.endswith("\u2026")


@pytest.mark.parametrize(
    ("fact", "reason"),
    [
        (premiere(topic="trailer", date=None), Refusal.NOT_A_PREMIERE),
        (premiere(date=None), Refusal.NO_DATE),
        (premiere(date="2031-05"), Refusal.MONTH_ONLY),
        (premiere(date="2024-10-31"), Refusal.PAST),
        (premiere(date="2031-03-01"), Refusal.PAST),  # today, but past noon UTC
    ],
)
def test_what_gets_no_event_says_why_with_its_data(fact: Fact, reason: Refusal) -> None:
    with pytest.raises(NotEventable) as refused:
        plan_event(shown(fact), show=SHOW, now=NOW.replace(hour=12, minute=1))
    assert refused.value.fact_id == fact.id
    assert refused.value.reason is reason
    assert refused.value.date == (fact.date if reason is not Refusal.NOT_A_PREMIERE else None)


def test_a_premiere_later_today_still_gets_its_event() -> None:
    plan = plan_event(shown(premiere(date="2031-03-01")), show=SHOW, now=NOW)  # 09:30 UTC
    assert plan.start - NOW == dt.timedelta(hours=2, minutes=30)


def test_a_spoiler_premiere_gets_no_event_and_nothing_of_it_is_told() -> None:
    secret = premiere(
        spoiler=True,
        spoils="the Season 2 finale",
        answer="Season 3 premieres on Netflix on Friday, May 2, 2031, after Hal dies.",
    )
    with pytest.raises(NotEventable) as refused:
        plan_event(shown(secret), show=SHOW, now=NOW)
    assert refused.value.reason is Refusal.SPOILER
    assert refused.value.scope == "The Season 2 finale"
    assert refused.value.date is None  # a spoiler's date is not shown either
    assert "Hal" not in str(refused.value) and "2031" not in str(refused.value)


def test_an_event_needs_moving_when_the_facts_day_is_not_the_remembered_one() -> None:
    plan = plan_event(shown(premiere()), show=SHOW, now=NOW)
    assert not plan.moves_from(dt.date(2031, 5, 2))
    assert plan.moves_from(dt.date(2031, 4, 25))


def test_without_relative_drops_only_relative_timestamps() -> None:
    moment = dt.datetime(2031, 5, 2, 12, tzinfo=dt.UTC)
    text = f"Season 3 premieres on Friday, May 2, 2031 ({tense.relative(moment)}). More."
    assert tense.without_relative(text) == "Season 3 premieres on Friday, May 2, 2031. More."
    kept = "Watch at <t:1950000000:f>, not (soon)."
    assert tense.without_relative(kept) == kept
