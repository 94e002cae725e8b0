"""Facts as Discord embeds: timestamps for dates, spoiler tags for spoilers, sources cited.

Everything here renders :class:`~bot.core.policy.ShownFact` values, which the spoiler
policy has already decided on, and builds embeds with :mod:`bot.embeds`, which keeps them
within Discord's limits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import discord

from bot.constants import EMBED_DESCRIPTION_LIMIT, EMBED_FIELD_VALUE_LIMIT, EMBED_TOTAL_LIMIT
from bot.core.catalog import ShownRecap
from bot.core.models import CastStatus
from bot.core.policy import ShownFact
from bot.embeds import add_field, embed, room, set_footer

STATUS_LABELS = {
    CastStatus.MAIN: "Main cast",
    CastStatus.GUEST: "Guest star",
    CastStatus.RETURNING: "Returning",
    CastStatus.UNCONFIRMED: "Return not yet confirmed",
}
# Room kept for the line that says how many cast members did not fit.
_MORE_LINE_ROOM = 120


def _sources(facts: Iterable[ShownFact]) -> str:
    return "; ".join(sorted({f.source for f in facts if f.source}))


def _fact_embed(title: str, fact: ShownFact, description: str | None = None) -> discord.Embed:
    shown = embed(title, description or fact.text)
    if fact.source:
        as_of = f"As of {fact.as_of} \u00b7 " if fact.as_of else ""
        set_footer(shown, f"{as_of}Source: {fact.source}")
    return shown


def premise_embed(show: str, fact: ShownFact) -> discord.Embed:
    return _fact_embed(f"{show}: the premise", fact)


def premiere_embed(show: str, fact: ShownFact) -> discord.Embed:
    """The premiere, told in the right tense by the policy (with a relative timestamp)."""
    return _fact_embed(f"{show} Season {fact.season}: premiere", fact)


def no_premiere_text(show: str, season: int | None, known: Sequence[int]) -> str:
    seasons = ", ".join(f"Season {s}" for s in known) or "no season"
    which = f"Season {season}" if season else "any season"
    return (
        f"No premiere date for {which} of {show} has been announced in my sources. "
        f"I know the dates for {seasons}."
    )


def recap_embed(show: str, recap: ShownRecap) -> discord.Embed:
    title = f"{show} Season {recap.season}: recap" if recap.season else f"{show}: recap"
    parts = [
        f"**{fact.scope[:1].upper()}{fact.scope[1:]}**\n{fact.text}" if fact.scope else fact.text
        for fact in recap.parts
    ]
    # The description gets what it needs first; the footer (sources) takes what is left.
    budget = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(title)) - _MORE_LINE_ROOM
    description, left_out = _join_within(parts, budget)
    if left_out:
        description += (
            f"\n\n\u2026and {left_out} more part{'s' * (left_out > 1)}, too long for one message."
        )
    shown = embed(title, description)
    set_footer(shown, f"Source: {_sources(recap.parts)}")
    return shown


def cast_member_embed(fact: ShownFact) -> discord.Embed:
    if fact.cast is None:  # not a cast role (or withheld): the text alone
        return _fact_embed(fact.label, fact)
    cast = fact.cast
    shown = _fact_embed(f"{cast.actor} as {cast.character}", fact)
    add_field(shown, "Role", cast.role, inline=False)
    add_field(shown, "Seasons", ", ".join(map(str, cast.seasons)))
    add_field(shown, "Status", STATUS_LABELS[cast.status])
    return shown


def cast_list_embed(show: str, cast: Sequence[ShownFact]) -> discord.Embed:
    """The cast grouped by the season each actor joined: "Season 1", "New in Season 2".

    A cast too large for one message is cut, with a line saying how many are left out and
    how to look anyone up.
    """
    by_first_season: dict[int, list[str]] = defaultdict(list)
    for fact in cast:
        if fact.cast is None:
            continue
        line = f"**{fact.cast.actor}** as {fact.cast.character}"
        if fact.cast.status is CastStatus.GUEST:
            line += " (guest star)"
        by_first_season[min(fact.cast.seasons)].append(line)
    listed = embed(f"{show}: the cast")
    set_footer(listed, f"Source: {_sources(cast)}")
    footer = listed.footer.text or ""
    listed.remove_footer()  # the fields come first; the footer is set again with what is left
    first = min(by_first_season, default=1)
    total = sum(map(len, by_first_season.values()))
    fields = [
        (label if n == 0 else f"{label} (more)", chunk)
        for season in sorted(by_first_season)
        for label in [f"Season {season}" if season == first else f"New in Season {season}"]
        for n, chunk in enumerate(_chunks(by_first_season[season], EMBED_FIELD_VALUE_LIMIT))
    ]
    shown = 0
    for name, chunk in fields:
        fits = room(listed) - len(name) - len(chunk) >= _MORE_LINE_ROOM
        if not (fits and add_field(listed, name, chunk, inline=False)):
            break
        shown += chunk.count("\n") + 1
    hint = "Pick someone with `/cast name:` for their role and status."
    if shown < total:
        hint = f"{total - shown} more not listed here. {hint}"
    listed.description = hint
    set_footer(listed, footer)
    return listed


def _chunks(lines: Sequence[str], limit: int) -> list[str]:
    chunks: list[str] = []
    for line in lines:
        line = line[:limit]
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _join_within(parts: Sequence[str], limit: int) -> tuple[str, int]:
    """Whole parts only, so a spoiler tag is never cut open; and how many were left out."""
    text = ""
    for n, part in enumerate(parts):
        joined = f"{text}\n\n{part}" if text else part
        if len(joined) > limit:
            return text, len(parts) - n
        text = joined
    return text, 0
