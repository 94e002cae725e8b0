"""Dates told for today: premieres in the right tense, time-bound facts dated, sources aged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core import tense
from bot.core.models import Fact
from bot.core.policy import show
from tests.core.factories import make_fact

BEFORE = dt.datetime(2024, 10, 1, tzinfo=dt.UTC)
AFTER = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
WRITTEN = "Season 2 premieres on Netflix on Thursday, October 31, 2024. All six episodes at once."


def premiere(answer: str = WRITTEN, date: str = "2024-10-31", **fields: Any) -> Fact:
    fields = {"season": 2, **fields}
    return make_fact("s2-premiere", topic="premiere", date=date, answer=answer, **fields)


def told(fact: Fact, now: dt.datetime) -> str:
    return show(fact, spoilers=False, cite=lambda f: "src", now=now, network="Netflix").text


def test_a_premiere_is_told_in_the_tense_of_today() -> None:
    stamp = "<t:1730376000:R>"
    assert told(premiere(), BEFORE) == (
        f"Season 2 premieres on Netflix on Thursday, October 31, 2024 ({stamp}). "
        "All six episodes at once."
    )
    assert told(premiere(), AFTER).startswith(
        f"Season 2 premiered on Netflix on Thursday, October 31, 2024 ({stamp})."
    )
    # Noon UTC on the day: the tense turns then.
    noon = dt.datetime(2024, 10, 31, 12, tzinfo=dt.UTC)
    assert "premieres" in told(premiere(), noon - dt.timedelta(seconds=1))
    assert "premiered" in told(premiere(), noon)


def test_a_month_only_premiere_turns_when_the_month_ends() -> None:
    fact = premiere("Season 1 premieres on Netflix in April 2023.", date="2023-04", season=1)
    assert told(fact, dt.datetime(2023, 4, 30, tzinfo=dt.UTC)) == (
        "Season 1 premieres on Netflix in April 2023."
    )
    assert told(fact, dt.datetime(2023, 5, 1, tzinfo=dt.UTC)) == (
        "Season 1 premiered on Netflix in April 2023."
    )


def test_a_servers_own_wording_is_kept() -> None:
    assert told(premiere("Our server says: soon."), AFTER) == "Our server says: soon."


def test_a_spoiler_premiere_is_retold_inside_the_tags_only() -> None:
    fact = premiere(spoiler=True)
    hidden = show(fact, spoilers=False, cite=lambda f: "src", now=AFTER)
    assert "2024" not in hidden.message() and "<t:" not in hidden.message()
    shown = show(fact, spoilers=True, cite=lambda f: "src", now=AFTER)
    assert shown.text.startswith("||Season 2 premiered on Thursday, October 31, 2024")


def test_time_bound_facts_say_as_of_when() -> None:
    renewal = make_fact("renewal", topic="renewal", answer="It has been renewed.")
    secret = make_fact("renewal-x", topic="renewal", answer="Renewed.", spoiler=True)
    dated = show(
        renewal, spoilers=False, cite=lambda f: "TV Insider", published=lambda f: "2024-10"
    )
    assert (
        dated.message() == "It has been renewed.\n-# As of October 2024 \u00b7 Source: TV Insider"
    )
    premise = make_fact("premise", topic="premise", answer="A diplomat.")
    plain = show(premise, spoilers=False, cite=lambda f: "TV Insider", published=lambda f: "2024")
    assert plain.as_of is None
    withheld = show(secret, spoilers=False, cite=lambda f: "x", published=lambda f: "2024")
    assert withheld.as_of is None


def test_how_old_a_source_is() -> None:
    today = dt.date(2026, 3, 10)
    assert tense.age("2024", today) == "at least 1 year old"
    assert tense.age("2023", today) == "at least 2 years old"
    assert tense.age("2026", today) == "from this year"
    assert tense.age("2025-12", today) == "at least 2 months old"
    assert tense.age("2026-03", today) == "from this month"
    assert tense.age("2026-03-01", today) == "9 days old"
    assert tense.age("2024-10-31", today) == "1 year old"
    assert tense.published_date("2024-10-31") == "October 31, 2024"
