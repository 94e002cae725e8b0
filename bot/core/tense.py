"""Dates told for today, not for the day a source was written.

A premiere is "premieres" until it happens and "premiered" after; a fact whose wording ages
(a renewal, ratings, a trailer) says when it was true ("as of October 2024"); a source says
how old it is. Discord timestamps (``<t:…:R>``) let every fan's own client say "in 3 days"
or "2 years ago" in their own time zone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bot.core.models import PartialDate, Topic

# Sources give premiere *dates*; noon UTC shows that same date in every time zone from
# UTC-11 to UTC+11, where midnight would show the day before across the Americas.
PREMIERE_HOUR_UTC = 12
# Facts whose wording is true only as of when it was written.
TIME_BOUND = frozenset({Topic.RENEWAL, Topic.RATINGS, Topic.TRAILER, Topic.WHERE_TO_WATCH})
_RELATIVE = re.compile(r" ?\(<t:-?\d+:R>\)")
_FIRST_SENTENCE = re.compile(r"^.*?[.!?](?:\s+|$)", re.DOTALL)
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def premiere_moment(date: PartialDate | None) -> dt.datetime | None:
    """When a premiere known to the day happens (noon UTC of that day)."""
    day = date.exact if date else None
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(PREMIERE_HOUR_UTC), tzinfo=dt.UTC)


def relative(moment: dt.datetime) -> str:
    """A Discord timestamp each client shows relative to now ("in 3 days", "2 years ago")."""
    return f"<t:{int(moment.timestamp())}:R>"


def without_relative(text: str) -> str:
    """``text`` without the ``(<t:…:R>)`` of :func:`relative`: for where the date is shown
    anyway, such as a Discord event, which counts down to itself."""
    return _RELATIVE.sub("", text)


def has_happened(date: PartialDate, now: dt.datetime) -> bool:
    """Whether a premiere on ``date`` is behind us (a month-only date: once that month ended)."""
    moment = premiere_moment(date)
    if moment is not None:
        return moment <= now
    last_day = calendar.monthrange(date.year, date.month)[1]
    end = dt.datetime(date.year, date.month, last_day, 23, 59, 59, tzinfo=dt.UTC)
    return end < now


def long_date(date: PartialDate) -> str:
    """ "Thursday, October 31, 2024", or "April 2023" for a month-only date."""
    day = date.exact
    if day is None:
        return f"{calendar.month_name[date.month]} {date.year}"
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def premiere_sentence(
    date: PartialDate, *, subject: str, network: str | None, now: dt.datetime
) -> str:
    """ "Season 2 premiered on Netflix on Thursday, October 31, 2024 (<t:…:R>)." in the tense
    of ``now``; a month-only date: "Season 1 premiered on Netflix in April 2023."."""
    verb = "premiered" if has_happened(date, now) else "premieres"
    where = f" on {network}" if network else ""
    moment = premiere_moment(date)
    if moment is None:
        return f"{subject} {verb}{where} in {long_date(date)}."
    return f"{subject} {verb}{where} on {long_date(date)} ({relative(moment)})."


def retell_premiere(
    answer: str, date: PartialDate, *, subject: str, network: str | None, now: dt.datetime
) -> str:
    """A premiere fact's answer told for ``now``.

    When its first sentence states the date (names its year), as written on the day of the
    source, that sentence is replaced by one written from the structured date, and what
    follows it is kept. An answer that does not open with the date (a server's own
    wording, "Our server says: soon.") is kept as written.
    """
    first = _FIRST_SENTENCE.match(answer)
    opening = first[0] if first else answer
    if str(date.year) not in opening:
        return answer
    sentence = premiere_sentence(date, subject=subject, network=network, now=now)
    rest = answer[len(opening) :].strip()
    return f"{sentence} {rest}" if rest else sentence


def published_date(published: str) -> str:
    """A source's publication date as words: "2024", "October 2024", "October 31, 2024"."""
    match = _PUBLISHED.match(published)
    if match is None:
        return published
    year, month, day = match.groups()
    if month is None:
        return year
    if day is None:
        return f"{calendar.month_name[int(month)]} {year}"
    return f"{calendar.month_name[int(month)]} {int(day)}, {year}"


def _published_latest(published: str) -> dt.date | None:
    """The latest day a source dated ``published`` can have come out (the end of its year
    or month, when only those are known)."""
    match = _PUBLISHED.match(published)
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def age(published: str, today: dt.date) -> str:
    """How old a source published on ``published`` (``YYYY[-MM[-DD]]``) is, in words.

    A year- or month-only date is counted from the last day it can mean, so the age is a
    floor ("at least 2 years old"); a source from this year (or month) says just that.
    """
    latest = _published_latest(published)
    if latest is None:
        return "of unknown age"
    precise = published.count("-") == 2
    at_least = "" if precise else "at least "
    if (
        not precise
        and latest.year == today.year
        and (published.count("-") == 0 or latest.month == today.month)
    ):
        return "from this year" if published.count("-") == 0 else "from this month"
    if latest > today:
        return "not yet published"
    months = (today.year - latest.year) * 12 + today.month - latest.month
    if today.day < latest.day:
        months -= 1
    if months >= 12:
        years = months // 12
        return f"{at_least}{years} year{'s' * (years > 1)} old"
    if months >= 1:
        return f"{at_least}{months} month{'s' * (months > 1)} old"
    days = (today - latest).days
    return "from today" if days == 0 else f"{at_least}{days} day{'s' * (days > 1)} old"
