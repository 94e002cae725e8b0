"""What moderators see: previews, refusals that quote their input, lists, details, history."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence

import discord

from bot.constants import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    MESSAGE_CONTENT_LIMIT,
    QUESTIONS_PER_FACT_MAX,
)
from bot.core import tense
from bot.core.answers import AnswerService
from bot.core.curation import (
    Draft,
    DraftError,
    DuplicateQuestions,
    NotAdded,
    QuestionsAdded,
    WhyNotAdded,
    actor_name,
    describe_change,
    fact_label,
)
from bot.core.events import EventPlan, NotEventable, Refusal
from bot.core.gaps import GapGroup, Pick
from bot.core.models import PartialDate, Topic
from bot.core.pack import PackError
from bot.core.policy import clip, spoiler_tagged, suggestion_label
from bot.core.stats import FactStat, FactStats
from bot.core.store import (
    AuditAction,
    AuditEntry,
    FactError,
    ImportReport,
    StoredFact,
)
from bot.embeds import add_field, embed, set_footer
from bot.errors import fact_problem

PAGE_SIZE = 10
GAPS_PAGE_SIZE = 5  # a row each of "Add a fact", "Answer with a fact" and "Dismiss" buttons
HISTORY_MAX = 20
PROBLEMS_SHOWN = 12
TYPED_FILENAME = "your-fact.txt"
_ORIGINS = {
    "pack": "the pack (as shipped)",
    "guild": "this server's own fact",
    "override": "this server's correction of a pack fact",
}
_ACTIONS = {
    AuditAction.ADD: "added",
    AuditAction.EDIT: "edited",
    AuditAction.REMOVE: "removed",
    AuditAction.RESTORE: "restored",
    AuditAction.IMPORT: "imported",
}


def code(text: str) -> str:
    """``text`` as inline code that no backtick in it can break."""
    safe = text.replace("`", "'")
    return f"`{safe}`"


def quoted(text: str) -> str:
    """``text`` in a code block: shown as typed, never parsed for mentions or markdown.

    A zero-width space after every backtick keeps ```` ``` ```` in the text from closing it.
    """
    body = text.replace("`", "`\u200b") if text.strip() else "(empty)"
    return f"```\n{body}\n```"


# --- the fact form ---------------------------------------------------------------


def refused_input(problems: Sequence[str], draft: Draft) -> tuple[str, discord.File | None]:
    """Why the form was refused, and what the moderator typed (in the message, or attached
    when that would be too long)."""
    shown = [f"\u2022 {p}" for p in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(f"\u2022 \u2026and {len(problems) - PROBLEMS_SHOWN} more")
    head = "I couldn't save this fact, nothing was changed:\n" + "\n".join(shown)
    typed = (
        f"\n\nWhat you typed (press **Edit and try again** to get it back in the form):"
        f"\n**Questions**\n{quoted(draft.questions)}\n**Answer**\n{quoted(draft.answer)}"
    )
    if len(head) + len(typed) <= MESSAGE_CONTENT_LIMIT:
        return head + typed, None
    note = f"\n\nWhat you typed is attached as {code(TYPED_FILENAME)}, so nothing is lost."
    text = f"Questions:\n{draft.questions}\n\nAnswer:\n{draft.answer}\n"
    file = discord.File(io.BytesIO(text.encode("utf-8", "replace")), filename=TYPED_FILENAME)
    return (head[: MESSAGE_CONTENT_LIMIT - len(note)] + note), file


def form_problems(error: DraftError | DuplicateQuestions | FactError) -> list[str]:
    """Why the fact form was refused, one sentence per problem."""
    if isinstance(error, DraftError):
        return list(error.problems)
    if isinstance(error, DuplicateQuestions):
        return [str(duplicate) for duplicate in error.duplicates]
    return [fact_problem(error)]


def saved(
    service: AnswerService, stored: StoredFact, *, verb: str
) -> tuple[str, list[discord.Embed]]:
    """The confirmation, with the answer exactly as fans will see it.

    The preview is in the message itself when it fits, else in embeds.
    """
    fact = stored.fact
    head = f"{verb} fact {code(fact.id)} (revision {stored.revision}) in this server."
    if fact.spoiler:
        previews = [
            ("Fans who ask without spoilers see:", service.show(fact, spoilers=False).message()),
            ("With `spoilers: True` they see:", service.show(fact, spoilers=True).message()),
        ]
    else:
        previews = [("Fans who ask see:", service.show(fact, spoilers=False).message())]
    text = "\n\n".join([head, *(f"{label}\n{preview}" for label, preview in previews)])
    if len(text) <= MESSAGE_CONTENT_LIMIT:
        return text, []
    embeds = [embed(label, preview) for label, preview in previews]
    return head, embeds


def removal_prompt(stored: StoredFact) -> str:
    """The question above the Remove / Cancel buttons."""
    what = f"{code(stored.fact_id)} ({suggestion_label(stored.fact)})"
    if stored.origin == "pack":
        ask = f"Hide the pack fact {what} in this server? Other servers keep it."
    else:
        ask = f"Remove {what} from this server?"
    return f"{ask} `/fact restore` brings it back."


# --- reading facts ---------------------------------------------------------------


def fact_list(
    facts: Sequence[StoredFact], page: int, *, topic: Topic | None
) -> tuple[discord.Embed, int]:
    """One page of the server's facts, and the number of pages."""
    pages = max(1, -(-len(facts) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    what = f"{topic.value} facts" if topic else "facts"
    listed = embed(f"This server's {what}")
    if not facts:
        listed.description = (
            "None yet: every answer comes from the pack as shipped. Add a fact with "
            "`/fact add`, or correct or hide a pack fact with `/fact edit` or `/fact remove`."
        )
        return listed, pages
    chunk = facts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    listed.description = "\n".join(
        f"\u2022 {discord.utils.escape_markdown(fact_label(s))}" for s in chunk
    )
    own = sum(s.origin == "guild" and not s.removed for s in facts)
    fixed = sum(s.origin == "override" and not s.removed for s in facts)
    hidden = sum(s.removed for s in facts)
    listed.set_footer(
        text=f"Page {page + 1} of {pages} \u00b7 {own} own, {fixed} corrected pack facts, "
        f"{hidden} removed or hidden"
    )
    return listed, pages


def gap_list(
    gaps: Sequence[GapGroup],
    page: int,
    *,
    recording: bool,
    days: int,
    picks: Mapping[int, Sequence[Pick]] | None = None,
) -> tuple[discord.Embed, int]:
    """One page of the server's unanswered questions (numbered from 1 on each page, as
    the buttons are), and the number of pages. A group is named by its most asked question,
    with its summed count, and its other questions under it. Questions are shown in code
    spans: whatever a fan typed (``@everyone``, ``<@123>``, markdown) shows as typed and
    pings no one.
    Under a question, the "did you mean" facts fans who asked it picked (``picks``, by
    gap id), named by their safe labels."""
    pages = max(1, -(-len(gaps) // GAPS_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    listed = embed("Questions fans asked that I could not answer well")
    off = (
        "Recording is off in this server: turn it on with `/fact gaps recording:on`.\n"
        if not recording
        else ""
    )
    if not gaps:
        listed.description = off + f"No unanswered questions in the last {days} days."
        return listed, pages
    chunk = gaps[page * GAPS_PAGE_SIZE : (page + 1) * GAPS_PAGE_SIZE]
    lines: list[str] = []
    for n, gap in enumerate(chunk, start=1):
        lines.append(
            f"**{n}.** {code(clip(gap.question, 300))} \u00b7 asked {_times(gap.asked)}, "
            f"last {discord.utils.format_dt(gap.last_asked, 'R')}"
        )
        similar = gap.questions[1:]
        if similar:
            also = ", ".join(code(clip(q, 100)) for q in similar[:SIMILAR_SHOWN])
            more = len(similar) - SIMILAR_SHOWN
            lines.append(f"-# also asked as {also}" + (f" and {more} more" if more > 0 else ""))
        picked = [
            f"**{discord.utils.escape_markdown(clip(p.label, 100))}** ({_times(p.picks)})"
            for p in (picks or {}).get(gap.id, [])[:PICKS_SHOWN]
        ]
        if picked:
            lines.append("-# fans who asked this picked " + ", ".join(picked))
    listed.description = clip(off + "\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    listed.set_footer(
        text=f"Page {page + 1} of {pages} \u00b7 the last {days} days, most asked first "
        "\u00b7 a question leaves once a fact answers it"
    )
    return listed, pages


PICKS_SHOWN = 3
"""At most this many picked facts are named under a question."""

SIMILAR_SHOWN = 3
"""At most this many other questions of a group are quoted under it."""


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def pick_added(question: str, label: str) -> str:
    """The confirmation of **Add as a question of**: the fan's question in a code span."""
    return (
        f"Added {code(clip(question, 300))} as a question of "
        f"**{discord.utils.escape_markdown(clip(label, 200))}**: fans who ask it get that answer."
    )


def no_such_fact_for_gap(typed: str) -> str:
    """**Answer with a fact** refused: no fact ``typed`` here (quoted as typed)."""
    shown = code(clip(" ".join(typed.split()), 100)) if typed.strip() else "(nothing)"
    return (
        f"There is no fact {shown} in this server (a fact removed here does not count); "
        "nothing was changed. `/fact list` shows the ids."
    )


def gap_answered(result: QuestionsAdded, *, forgotten: int) -> str:
    """The reply to **Answer with a fact**: which fact (by id and safe label), how many
    questions were added, those it had already, and each that could not be, with why. Fans'
    questions are in code spans; the whole fits one message."""
    label = discord.utils.escape_markdown(clip(result.label, 100))
    fact = f"{code(result.stored.fact_id)} (**{label}**)"
    added = len(result.added)
    if added:
        head = (
            f"Added {added} {_plural(added, 'question')} to {fact} "
            f"(revision {result.stored.revision}): fans who ask {'it' if added == 1 else 'them'} "
            "get that answer."
        )
    else:
        head = f"Added no question to {fact}."
    lines = [head]
    if result.already:
        had = _fitting([code(clip(q, 100)) for q in result.already], ", ", 600)
        lines.append(f"It already had {had}.")
    if forgotten:
        lines.append("The entry left the list: it is answered now.")
    elif not added:
        lines.append("Nothing was changed, and the entry stays listed.")
    text = "\n".join(lines)
    if result.not_added:
        reasons = [f"\u2022 {_why_not(n)}" for n in result.not_added]
        room = MESSAGE_CONTENT_LIMIT - len(text) - len("\nNot added:\n")
        text += "\nNot added:\n" + _fitting(reasons, "\n", room)
    return clip(text, MESSAGE_CONTENT_LIMIT)


def _why_not(not_added: NotAdded) -> str:
    question = code(clip(not_added.question, 120))
    match not_added.why:
        case WhyNotAdded.FACT_FULL:
            limit = QUESTIONS_PER_FACT_MAX
            return f"{question}: the fact has {limit} questions, the most a fact may have."
        case WhyNotAdded.ANSWERED_ELSEWHERE if not_added.other is not None:
            other = not_added.other
            label = discord.utils.escape_markdown(clip(suggestion_label(other), 100))
            return f"{question}: fact {code(other.id)} ({label}) already answers it."
    problems = " ".join(p.removeprefix("The question ") for p in not_added.problems)
    return f"{question}: {clip(problems, 300) or 'a fact cannot have this question.'}"


STATS_LISTED = 10
"""At most this many facts are listed as most answered, and as picked."""


def fact_stats(stats: FactStats) -> discord.Embed:
    """``/fact stats``: the server's counts of the last ``stats.days`` days. Facts are named
    by id (in code spans) and by their safe label; whatever a list holds, the embed fits."""
    days = stats.days
    shown = embed(f"What fans asked here in the last {days} days")
    total = sum(stat.answers for stat in stats.answered)
    lines = [
        f"**{total}** {_plural(total, 'answer')} from {len(stats.answered)} "
        f"{_plural(len(stats.answered), 'fact')} · **{stats.declines}** declined "
        "(the questions are in `/fact gaps`)"
    ]
    if not stats.recording:
        lines.insert(
            0,
            "Recording is off in this server: nothing is counted. Turn it on with "
            "`/fact gaps recording:on`.",
        )
    shown.description = "\n".join(lines)
    if stats.answered:
        add_field(
            shown,
            "Most answered",
            _stat_lines(stats.answered, lambda stat: f"**{stat.answers}**"),
            inline=False,
        )
    if stats.picked:
        add_field(
            shown,
            'Picked among "did you mean"',
            _stat_lines(
                stats.picked, lambda stat: f"**{stat.picks}** {_plural(stat.picks, 'pick')}"
            ),
            inline=False,
        )
    if stats.stale:
        add_field(
            shown,
            f"No answer in {days} days ({len(stats.stale)} {_plural(len(stats.stale), 'fact')})",
            _fitting([code(stat.fact_id) for stat in stats.stale], ", ", EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    set_footer(
        shown,
        "Counted per server and day, never who asked \u00b7 /ask, mentions and "
        '"did you mean" clicks',
    )
    return shown


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _stat_lines(stats: Sequence[FactStat], count: Callable[[FactStat], str]) -> str:
    """The first :data:`STATS_LISTED` of ``stats``, one a line: the count, id and label."""
    lines = [
        f"{count(stat)} \u00b7 {code(stat.fact_id)} "
        f"{discord.utils.escape_markdown(clip(stat.label, 100))}"
        for stat in stats
    ]
    listed = lines[:STATS_LISTED]
    if len(lines) > STATS_LISTED:
        listed.append(f"\u2026and {len(lines) - STATS_LISTED} more")
    return _fitting(listed, "\n", EMBED_FIELD_VALUE_LIMIT)


def _fitting(items: Sequence[str], joiner: str, limit: int) -> str:
    """``items`` joined, as many whole ones as fit in ``limit`` with "and N more"."""
    for shown in range(len(items), 0, -1):
        rest = len(items) - shown
        more = f"{joiner}\u2026and {rest} more" if rest else ""
        text = joiner.join(items[:shown]) + more
        if len(text) <= limit:
            return text
    return clip(f"{len(items)} in all", limit)


def fact_details(service: AnswerService, stored: StoredFact) -> discord.Embed:
    """A fact with its metadata, for ``/fact show`` (spoiler content stays tagged)."""
    fact = stored.fact
    details = embed(
        f"{fact.id}: {suggestion_label(fact)}", service.show(fact, spoilers=True).message()
    )
    questions = "\n".join(f"{n}. {q}" for n, q in enumerate(fact.questions, start=1))
    if fact.spoiler:  # clipped before tagging, so the closing tag is never cut off
        questions = spoiler_tagged(clip(questions, EMBED_FIELD_VALUE_LIMIT - 8))
    add_field(details, "Questions", questions, inline=False)
    where = fact.topic.value + (f", Season {fact.season}" if fact.season else "")
    add_field(details, "Topic", where + (" (spoiler)" if fact.spoiler else ""))
    add_field(details, "Origin", _ORIGINS[stored.origin])
    add_field(details, "Revision", str(stored.revision))
    status = "Answers fans in this server"
    if stored.removed:
        status = "Hidden in this server" if stored.origin == "override" else "Removed"
    add_field(details, "Status", status)
    if stored.updated_by is not None and stored.updated_at is not None:
        when = discord.utils.format_dt(stored.updated_at, "f")
        add_field(details, "Last change", f"{actor(stored.updated_by)}, {when}")
    return details


def actor(actor_id: int) -> str:
    """Who made a change: a mention of the moderator (shown as a name, pinging no one, as
    every message uses no allowed mentions), or `cli` for a change made on the host."""
    name = actor_name(actor_id)
    return code(name) if name is not None else f"<@{actor_id}>"


def fact_history(fact_id: str, entries: Sequence[AuditEntry]) -> discord.Embed:
    """Who changed what when, newest last (the last :data:`HISTORY_MAX` changes)."""
    history = embed(f"History of {fact_id}")
    if not entries:
        history.description = (
            "No moderator has changed this fact here: it is the pack's, as shipped."
        )
        return history
    lines = []
    for entry in entries[-HISTORY_MAX:]:
        when = discord.utils.format_dt(entry.at, "f")
        line = f"{when} {actor(entry.actor_id)} {_ACTIONS[entry.action]}"
        change = describe_change(entry.before_fact, entry.after_fact)
        lines.append(f"{line}: {change}" if change else line)
    if len(entries) > HISTORY_MAX:
        lines.insert(0, f"\u2026{len(entries) - HISTORY_MAX} earlier changes not shown")
    history.description = clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    return history


# --- export and import -----------------------------------------------------------


def pack_problems(error: PackError) -> str:
    """A refused import file: every problem (file, fact, field) and that nothing changed."""
    lines = [f"\u2022 {clip(str(p), 300)}" for p in error.problems[:PROBLEMS_SHOWN]]
    if len(error.problems) > PROBLEMS_SHOWN:
        lines.append(f"\u2022 \u2026and {len(error.problems) - PROBLEMS_SHOWN} more")
    text = "I couldn't import that file, nothing was changed:\n" + "\n".join(lines)
    return clip(text, MESSAGE_CONTENT_LIMIT)


def import_report(filename: str, report: ImportReport) -> str:
    """What an import did, by fact id."""
    lines = [f"Imported {code(filename)}:"]
    for label, ids in (
        ("added", report.added),
        ("changed", report.changed),
        ("hidden", report.hidden),
        ("unchanged", report.unchanged),
    ):
        listed = ", ".join(code(i) for i in ids) if ids else "none"
        lines.append(f"\u2022 {len(ids)} {label}: {listed}")
    if report.skipped:
        listed = ", ".join(code(i) for i in report.skipped)
        lines.append(f"\u2022 not in this server, so not hidden: {listed}")
    return clip("\n".join(lines), MESSAGE_CONTENT_LIMIT)


# --- premiere events --------------------------------------------------------------


NEEDS_MANAGE_EVENTS = (
    "I need the **Manage Events** permission in this server to make or move the event; "
    "nothing was changed. A server admin can give it to my role in Server Settings \u203a "
    "Roles, then run `/fact event` again."
)


def unknown_fact(fact_id: str) -> str:
    shown = code(fact_id[:64])
    return f"There is no fact {shown} in this server. Start typing and pick one from the list."


def fact_gone(fact_id: str) -> str:
    return f"{code(fact_id)} was removed here since you asked; nothing was moved."


def event_url(guild_id: int, event_id: int) -> str:
    """The link that opens a scheduled event in Discord."""
    return f"https://discord.com/events/{guild_id}/{event_id}"


def no_event(refused: NotEventable) -> str:
    """Why a fact gets no event, naming the fact (and its date, unless it is a spoiler)."""
    fact = code(refused.fact_id)
    date = tense.long_date(refused.date) if refused.date else ""
    reason = refused.reason
    if reason is Refusal.NOT_A_PREMIERE:
        return f"{fact} is not a premiere fact: `/fact event` makes events for premieres."
    if reason is Refusal.SPOILER:
        return (
            f"{fact} is a spoiler fact ({refused.scope}): every member sees an event, "
            "so I won't make one."
        )
    if reason is Refusal.NO_DATE:
        return (
            f"{fact} has no date. Give it one (`date = YYYY-MM-DD`) in a file for "
            "`/fact import`, then run `/fact event` again."
        )
    if reason is Refusal.MONTH_ONLY:
        return f"{fact} is known only to the month ({date}): an event needs the day."
    return f"{fact} premiered on {date}: only a premiere still to come gets an event."


def _day(day: dt.date) -> str:
    return tense.long_date(PartialDate(year=day.year, month=day.month, day=day.day))


def event_created(plan: EventPlan, url: str, *, replaced: bool) -> str:
    name = discord.utils.escape_markdown(plan.name)
    when = f"{_day(plan.premiere)} ({discord.utils.format_dt(plan.start, 't')} your time)"
    if replaced:
        return (
            "The event made before was deleted in Discord, so I created a new one: "
            f"**{name}**, {when}: {url}"
        )
    return (
        f"Created the Discord event **{name}**, {when}: {url}\n"
        "Members who mark it Interested get Discord's reminder when it starts."
    )


def event_exists(fact_id: str, url: str) -> str:
    return f"The event for {code(fact_id)} already exists: {url}"


def move_prompt(fact_id: str, scheduled: dt.date, plan: EventPlan, url: str) -> str:
    """The question above the Move the event button."""
    return (
        f"The event for {code(fact_id)} is scheduled for {_day(scheduled)}, but the fact now "
        f"says {_day(plan.premiere)}. Move the event to that day? {url}"
    )


def event_moved(plan: EventPlan, url: str) -> str:
    return f"Moved the event to {_day(plan.premiere)}: {url}"


def already_moved(plan: EventPlan, url: str) -> str:
    return f"The event is already scheduled for {_day(plan.premiere)}; nothing to move: {url}"


def date_changed_again(fact_id: str) -> str:
    return (
        f"The date of {code(fact_id)} changed again since you asked; nothing was moved. "
        "Run `/fact event` again."
    )


def not_remembered(url: str) -> str:
    """The event is in Discord, but the store could not record it."""
    return (
        f"The event is in Discord ({url}), but I couldn't save that I made or moved it (the "
        "bot's storage is full or failing; please tell the bot's host). Until I can, "
        "`/fact event` may offer to make or move it again."
    )


def discord_refused(status: int, text: str) -> str:
    return clip(
        f"Discord refused the event ({status}: {text or 'no reason given'}); nothing was changed.",
        MESSAGE_CONTENT_LIMIT,
    )
