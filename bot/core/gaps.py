"""The questions fans asked that the bot could not answer well ("gaps"), per server, so that
moderators can add the facts fans are missing (``/fact gaps``).

What is a gap is decided here once (:func:`is_gap`): a declined question, or an answer less
likely than :data:`LOW_CONFIDENCE` to be the right one. Only the question, how often it was
asked and when first and last are kept; never who asked. Rows older than the retention are
purged on every write and at start; a server can turn recording off (which also forgets
what it recorded). Recording never fails an answer: :meth:`GapService.note` logs a failure
and returns.

When the bot offers "did you mean" suggestions, the question is recorded before the reply
(:meth:`GapService.note_suggested`), so that the buttons can carry its row's id; a fan's
click on one is counted under that question (:meth:`GapService.note_pick`): "fans who asked
this picked that fact", never who clicked. Picks go with their question.

``/fact gaps`` lists questions that mean the same thing as one group
(:meth:`GapService.open_groups`): greedily, each question joins the first group (the most
asked first) whose leading question is near enough in meaning (:data:`SAME_MEANING`, the
cosine of the sentence embeddings of :mod:`bot.core.semantic`, on the folded text without
the show's own name), with the counts summed.

Every answer outcome is counted here too, in one place (:meth:`GapService._count`), for
``/fact stats``: per server and day, the answers each fact gave (an ``/ask`` or mention
answer, or a clicked suggestion, also counted as a pick) and the questions declined. Counts
only, never who asked; kept as long as unanswered questions, and only where the server
records them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.constants import QUESTION_MAX_CHARS, QUESTIONS_PER_FACT_MAX
from bot.core.answers import Answer, AnswerService, Decline
from bot.core.curation import Draft
from bot.core.semantic import Embedder, default_embedder
from bot.core.stats import FactStats, fact_stats
from bot.core.store import FactStore, SuggestionPick, Unanswered
from bot.core.text import fold

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 60.0
"""An answer less likely than this (in %, :attr:`Answer.score`) to be right is a gap."""

LISTED_DAYS = 30
"""``/fact gaps`` lists the questions last asked this many days ago or less."""

LISTED_MAX = 50
"""At most this many questions are listed (the most asked)."""

DEFAULT_RETENTION_DAYS = 90

SAME_MEANING = 0.7
"""Questions at least this near in meaning (cosine) are listed as one group."""


@dataclass(frozen=True)
class GapGroup:
    """Unanswered questions that mean the same thing, listed as one: ``members``, the
    most asked first; the first leads (its id and text name the group)."""

    members: tuple[Unanswered, ...]

    @property
    def id(self) -> int:
        return self.members[0].id

    @property
    def question(self) -> str:
        return self.members[0].question

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(member.question for member in self.members)

    @property
    def asked(self) -> int:
        return sum(member.asked for member in self.members)

    @property
    def last_asked(self) -> dt.datetime:
        return max(member.last_asked for member in self.members)

    def draft(self) -> Draft:
        """The fact form filled in with the group's questions, one a line (each cut to a
        fact question's length, as many as a fact may have); no answer."""
        lines = [" ".join(q.split())[:QUESTION_MAX_CHARS] for q in self.questions]
        return Draft("\n".join(lines[:QUESTIONS_PER_FACT_MAX]), "")


def group_gaps(
    gaps: list[Unanswered], vectors: npt.NDArray[np.float32], *, threshold: float
) -> list[GapGroup]:
    """``gaps`` (the most asked first) in groups: each joins the first group whose leader's
    unit vector (``vectors``, a row per gap) is at least ``threshold`` near; the groups most
    asked first, then the most recently asked."""
    leaders: list[int] = []
    members: dict[int, list[Unanswered]] = {}
    for n, gap in enumerate(gaps):
        lead = next((i for i in leaders if float(vectors[i] @ vectors[n]) >= threshold), None)
        if lead is None:
            leaders.append(n)
            members[n] = [gap]
        else:
            members[lead].append(gap)
    groups = [GapGroup(tuple(members[i])) for i in leaders]
    return sorted(groups, key=lambda g: (-g.asked, -g.last_asked.timestamp(), g.id))


@dataclass(frozen=True)
class Pick:
    """How often fans who asked ``question`` picked the suggested fact ``fact_id``, named
    by ``label``, its safe "did you mean" label (:func:`bot.core.policy.suggestion_label`)."""

    id: int
    question: str
    fact_id: str
    label: str
    picks: int
    last_picked: dt.datetime


def is_gap(answer: Answer) -> bool:
    """Whether ``answer`` left the fan without a good answer (an empty message is none)."""
    if answer.declined is not None:
        return answer.declined is not Decline.EMPTY
    return answer.score < LOW_CONFIDENCE


class GapService:
    """Records unanswered questions and lists those no fact answers yet."""

    def __init__(
        self,
        store: FactStore,
        answers: AnswerService,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        clock: Callable[[], dt.datetime] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.store = store
        self.answers = answers
        self._embedder = embedder
        self.retention = dt.timedelta(days=retention_days)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._pending: set[asyncio.Task[bool]] = set()

    def note_later(self, guild_id: int | None, answer: Answer) -> None:
        """:meth:`note` in the background: the caller (a reply just sent) returns at once.
        :meth:`drain` waits for what is still being recorded."""
        if guild_id is None:
            return
        self._later(self.note(guild_id, answer), "fanbot-record-gap")

    def _later(self, work: Coroutine[Any, Any, bool], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait for the questions still being recorded (before the store closes)."""
        while self._pending:
            await asyncio.gather(*self._pending)

    async def note(self, guild_id: int | None, answer: Answer) -> bool:
        """Count ``answer``'s outcome, and record its question if it is a gap, in a server
        that records them.

        Returns whether the question was recorded. Never raises: a failure is logged (without the
        question) and the fan, already answered, sees nothing of it.
        """
        return await self._record(guild_id, answer) is not None

    async def note_suggested(self, guild_id: int | None, answer: Answer) -> int | None:
        """Record now, before the reply, a question answered with "did you mean"
        suggestions: its row's id, for the buttons to carry, or None if not recorded (no
        suggestions, no server, recording off, or a failure, logged). Never raises."""
        if not answer.suggestions:
            return None
        return await self._record(guild_id, answer)

    async def _record(self, guild_id: int | None, answer: Answer) -> int | None:
        """Count ``answer`` once, and record its question if it is a gap: its row's id."""
        if guild_id is None:
            return None
        answered = [part.fact.id for part in answer.parts if part.fact is not None]
        declines = sum(
            part.declined is not None and part.declined is not Decline.EMPTY
            for part in answer.parts
        )
        await self._count(guild_id, answered, declines=declines)
        if not is_gap(answer):
            return None
        key = fold(answer.question)
        if not key:
            return None
        now = self.clock()
        try:
            return await self.store.record_unanswered(
                guild_id, key, answer.question, now=now, keep_since=now - self.retention
            )
        except Exception as error:
            log.warning("guild %s: could not record an unanswered question: %s", guild_id, error)
            return None

    async def _count(
        self, guild_id: int, fact_ids: list[str], *, picked: bool = False, declines: int = 0
    ) -> None:
        """Count answers by ``fact_ids`` and ``declines`` declined questions (for
        ``/fact stats``). Never raises: a failure is logged."""
        if not fact_ids and not declines:
            return
        now = self.clock()
        try:
            await self.store.count_answers(
                guild_id,
                fact_ids,
                picked=picked,
                declines=declines,
                now=now,
                keep_since=now - self.retention,
            )
        except Exception as error:
            log.warning("guild %s: could not count an answer: %s", guild_id, error)

    def note_pick_later(self, guild_id: int | None, gap_id: int | None, fact_id: str) -> None:
        """:meth:`note_pick` in the background (after the clicked answer is sent)."""
        if guild_id is not None:
            self._later(self.note_pick(guild_id, gap_id, fact_id), "fanbot-record-pick")

    async def note_pick(self, guild_id: int, gap_id: int | None, fact_id: str) -> bool:
        """Count the answer a fan got by clicking the suggested fact ``fact_id``, and, if
        they clicked it under this server's recorded question ``gap_id``, that fans who
        asked it picked that fact. Returns whether the pick was recorded under the question
        (False without one, or if it is no longer recorded). Never who clicked. Never
        raises: a failure is logged."""
        await self._count(guild_id, [fact_id], picked=True)
        if gap_id is None:
            return False
        try:
            return await self.store.record_suggestion_pick(
                guild_id, gap_id, fact_id, now=self.clock()
            )
        except Exception as error:
            log.warning("guild %s: could not record a suggestion pick: %s", guild_id, error)
            return False

    async def picks(self, guild_id: int, gaps: Iterable[Unanswered]) -> dict[int, list[Pick]]:
        """For each of ``gaps`` (by id) fans picked a suggestion for, the facts they picked
        that still exist here, the most picked first."""
        by_key = {gap.key: gap.id for gap in gaps}
        found: dict[int, list[Pick]] = {}
        for stored in await self.store.suggestion_picks(guild_id, by_key):
            pick = await self._shown(guild_id, stored)
            if pick is not None:
                found.setdefault(by_key[stored.key], []).append(pick)
        return found

    async def pick(self, guild_id: int, pick_id: int) -> Pick | None:
        """One of this server's picks, if it and its fact are still there."""
        stored = await self.store.suggestion_pick(guild_id, pick_id)
        return None if stored is None else await self._shown(guild_id, stored)

    async def _shown(self, guild_id: int, stored: SuggestionPick) -> Pick | None:
        shown = await self.answers.shown_fact(guild_id, stored.fact_id, spoilers=False)
        if shown is None:
            return None
        return Pick(
            stored.id,
            stored.question,
            stored.fact_id,
            shown.label,
            stored.picks,
            stored.last_picked,
        )

    async def purge(self) -> int:
        """Forget every server's questions older than the retention; how many."""
        return await self.store.purge_unanswered(self.clock() - self.retention)

    async def open_gaps(self, guild_id: int) -> list[Unanswered]:
        """The questions asked here in the last :data:`LISTED_DAYS` days that the bot still
        does not answer well, the most asked first. Those a fact now answers are forgotten."""
        since = self.clock() - dt.timedelta(days=LISTED_DAYS)
        recorded = await self.store.unanswered(guild_id, since=since, limit=LISTED_MAX)
        still: list[Unanswered] = []
        answered: list[int] = []
        for gap in recorded:
            answer = await self.answers.answer(guild_id, gap.question, spoilers=True)
            if is_gap(answer):
                still.append(gap)
            else:
                answered.append(gap.id)
        if answered:
            await self.store.forget_unanswered(guild_id, answered)
        return still

    async def open_groups(self, guild_id: int) -> list[GapGroup]:
        """:meth:`open_gaps` grouped by meaning (see :func:`group_gaps`)."""
        gaps = await self.open_gaps(guild_id)
        if not gaps:
            return []
        embedder = self._embedder or default_embedder()
        vectors = embedder.embed([self._meaning(gap.question) for gap in gaps])
        return group_gaps(gaps, vectors, threshold=SAME_MEANING)

    def _meaning(self, question: str) -> str:
        """``question`` folded, without the show's names (which say nothing of what is
        asked, yet weigh much in an embedding of a few words)."""
        text = fold(question)
        for alias in sorted(map(fold, self.answers.pack.show.aliases), key=len, reverse=True):
            if alias:
                text = re.sub(rf"\b{re.escape(alias)}\b", " ", text)
        return " ".join(text.split()) or fold(question)

    async def group(self, guild_id: int, gap_id: int) -> GapGroup | None:
        """The listed group holding this server's question ``gap_id``, if still listed."""
        groups = await self.open_groups(guild_id)
        return next((g for g in groups if any(m.id == gap_id for m in g.members)), None)

    async def dismiss_group(self, guild_id: int, gap_id: int) -> int:
        """Forget every question of the group holding ``gap_id``: how many (0 if gone)."""
        group = await self.group(guild_id, gap_id)
        if group is None:
            return 0
        return await self.store.forget_unanswered(guild_id, [m.id for m in group.members])

    async def group_picks(self, guild_id: int, groups: Iterable[GapGroup]) -> dict[int, list[Pick]]:
        """For each of ``groups`` (by its id), the facts fans who asked any of its questions
        picked, the most picked first."""
        groups = list(groups)
        by_gap = await self.picks(guild_id, [m for g in groups for m in g.members])
        found: dict[int, list[Pick]] = {}
        for group in groups:
            picks = [pick for m in group.members for pick in by_gap.get(m.id, [])]
            if picks:
                found[group.id] = sorted(
                    picks, key=lambda p: (-p.picks, -p.last_picked.timestamp())
                )
        return found

    async def get(self, guild_id: int, gap_id: int) -> Unanswered | None:
        """One of this server's recorded questions, if it is still there."""
        return await self.store.unanswered_question(guild_id, gap_id)

    async def dismiss(self, guild_id: int, gap_id: int) -> bool:
        """Forget one of this server's questions; False if it was not there."""
        return await self.store.forget_unanswered(guild_id, [gap_id]) > 0

    async def stats(self, guild_id: int) -> FactStats:
        """This server's answers per fact, declines and picks of the last
        :data:`~bot.core.stats.STATS_DAYS` days, and the facts no fan got then."""
        return await fact_stats(self.store, guild_id, now=self.clock())

    async def recording(self, guild_id: int) -> bool:
        """Whether this server records unanswered questions."""
        return await self.store.gap_recording(guild_id)

    async def set_recording(self, guild_id: int, on: bool) -> int:
        """Turn recording on or off here; off forgets what was recorded (returns how many)."""
        return await self.store.set_gap_recording(guild_id, on, now=self.clock())
