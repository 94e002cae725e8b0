"""Facts as Discord embeds: timestamps for dates, spoiler tags for spoilers, sources cited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import discord

from bot.constants import EMBED_DESCRIPTION_LIMIT, EMBED_FIELD_VALUE_LIMIT
from bot.core.answers import AnswerService, render_fact
from bot.core.catalog import Recap
from bot.core.models import CastStatus, Fact

COLOUR = discord.Colour.from_rgb(31, 58, 96)  # a diplomatic navy
# Sources give premiere *dates*; noon UTC shows that same date in every time zone from
# UTC-11 to UTC+11, where midnight would show the day before across the Americas.
PREMIERE_HOUR_UTC = 12
STATUS_LABELS = {
    CastStatus.MAIN: "Main cast",
    CastStatus.GUEST: "Guest star",
    CastStatus.RETURNING: "Returning",
    CastStatus.UNCONFIRMED: "Return not yet confirmed",
}


def _embed(title: str, description: str, *, footer: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    if footer:
        embed.set_footer(text=f"Source: {footer}")
    return embed


def premise_embed(service: AnswerService, fact: Fact) -> discord.Embed:
    return _embed(
        f"{service.pack.show.name}: the premise",
        render_fact(fact, spoilers=False),
        footer=service.cite(fact),
    )


def premiere_moment(fact: Fact) -> dt.datetime | None:
    """When to point a Discord timestamp at, for a premiere known to the day."""
    day = fact.date.exact if fact.date else None
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(PREMIERE_HOUR_UTC), tzinfo=dt.UTC)


def premiere_embed(service: AnswerService, fact: Fact, *, now: dt.datetime) -> discord.Embed:
    title = f"{service.pack.show.name} Season {fact.season}: premiere"
    moment = premiere_moment(fact)
    if moment is None:
        return _embed(title, fact.answer, footer=service.cite(fact))
    verb = "Premiered" if moment < now else "Premieres"
    when = f"{discord.utils.format_dt(moment, 'D')} ({discord.utils.format_dt(moment, 'R')})"
    return _embed(title, f"**{verb} {when}**\n\n{fact.answer}", footer=service.cite(fact))


def no_premiere_text(show: str, season: int, known: Sequence[int]) -> str:
    seasons = ", ".join(f"Season {s}" for s in known) or "no season"
    return (
        f"No premiere date for Season {season} of {show} has been announced in my sources. "
        f"I know the dates for {seasons}."
    )


def recap_embed(service: AnswerService, recap: Recap, *, spoilers: bool) -> discord.Embed:
    title = f"{service.pack.show.name} Season {recap.season}: recap"
    parts = [render_fact(fact, spoilers=False) for fact in recap.spoiler_free]
    for fact in recap.spoilers:
        heading = fact.spoiler_scope[:1].upper() + fact.spoiler_scope[1:]
        parts.append(f"**{heading}**\n{render_fact(fact, spoilers=spoilers)}")
    sources = sorted({service.cite(f) for f in (*recap.spoiler_free, *recap.spoilers)})
    return _embed(title, _join_within(parts, EMBED_DESCRIPTION_LIMIT), footer="; ".join(sources))


def cast_member_embed(service: AnswerService, fact: Fact) -> discord.Embed:
    assert fact.cast is not None
    cast = fact.cast
    embed = _embed(f"{cast.actor} as {cast.character}", fact.answer, footer=service.cite(fact))
    embed.add_field(name="Role", value=cast.role, inline=False)
    embed.add_field(name="Seasons", value=", ".join(map(str, cast.seasons)))
    embed.add_field(name="Status", value=STATUS_LABELS[cast.status])
    return embed


def cast_list_embed(service: AnswerService, cast: Sequence[Fact]) -> discord.Embed:
    """The cast grouped by the season each actor joined: "Season 1", "New in Season 2"."""
    by_first_season: dict[int, list[str]] = defaultdict(list)
    for fact in cast:
        assert fact.cast is not None
        line = f"**{fact.cast.actor}** as {fact.cast.character}"
        if fact.cast.status is CastStatus.GUEST:
            line += " (guest star)"
        by_first_season[min(fact.cast.seasons)].append(line)
    embed = _embed(
        f"{service.pack.show.name}: the cast",
        "Pick someone with `/cast name:` for their role and status.",
        footer="; ".join(sorted({service.cite(f) for f in cast})),
    )
    first = min(by_first_season, default=1)
    for season in sorted(by_first_season):
        label = f"Season {season}" if season == first else f"New in Season {season}"
        for n, chunk in enumerate(_chunks(by_first_season[season], EMBED_FIELD_VALUE_LIMIT)):
            embed.add_field(name=label if n == 0 else f"{label} (more)", value=chunk, inline=False)
    return embed


def _chunks(lines: Sequence[str], limit: int) -> list[str]:
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:limit])
    return chunks


def _join_within(parts: Sequence[str], limit: int) -> str:
    """Whole parts only, so a spoiler tag is never cut open."""
    text = ""
    for part in parts:
        joined = f"{text}\n\n{part}" if text else part
        if len(joined) > limit:
            break
        text = joined
    return text
