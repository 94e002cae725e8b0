"""The questions fans asked that the bot could not answer well ("gaps"), per server, so that
moderators can add the facts fans are missing (``/fact gaps``).

What is a gap is decided here once (:func:`is_gap`): a declined question, or an answer less
likely than :data:`LOW_CONFIDENCE` to be the right one. Only the question, how often it was
asked and when first and last are kept; never who asked. Rows older than the retention are
purged on every write and at start; a server can turn recording off (which also forgets
what it recorded). Recording never fails an answer: :meth:`GapService.note` logs a failure
and returns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from bot.core.answers import Answer, AnswerService, Decline
from bot.core.store import FactStore, Unanswered
from bot.core.text import fold

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 60.0
"""An answer less likely than this (in %, :attr:`Answer.score`) to be right is a gap."""

LISTED_DAYS = 30
"""``/fact gaps`` lists the questions last asked this many days ago or less."""

LISTED_MAX = 50
"""At most this many questions are listed (the most asked)."""

DEFAULT_RETENTION_DAYS = 90


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
    ) -> None:
        self.store = store
        self.answers = answers
        self.retention = dt.timedelta(days=retention_days)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._pending: set[asyncio.Task[bool]] = set()

    def note_later(self, guild_id: int | None, answer: Answer) -> None:
        """:meth:`note` in the background: the caller (a reply just sent) returns at once.
        :meth:`drain` waits for what is still being recorded."""
        if guild_id is None or not is_gap(answer):
            return
        task = asyncio.create_task(self.note(guild_id, answer), name="fanbot-record-gap")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait for the questions still being recorded (before the store closes)."""
        while self._pending:
            await asyncio.gather(*self._pending)

    async def note(self, guild_id: int | None, answer: Answer) -> bool:
        """Record ``answer``'s question if it is a gap in a server that records them.

        Returns whether it was recorded. Never raises: a failure is logged (without the
        question) and the fan, already answered, sees nothing of it.
        """
        if guild_id is None or not is_gap(answer):
            return False
        key = fold(answer.question)
        if not key:
            return False
        now = self.clock()
        try:
            return await self.store.record_unanswered(
                guild_id, key, answer.question, now=now, keep_since=now - self.retention
            )
        except Exception as error:
            log.warning("guild %s: could not record an unanswered question: %s", guild_id, error)
            return False

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

    async def get(self, guild_id: int, gap_id: int) -> Unanswered | None:
        """One of this server's recorded questions, if it is still there."""
        return await self.store.unanswered_question(guild_id, gap_id)

    async def dismiss(self, guild_id: int, gap_id: int) -> bool:
        """Forget one of this server's questions; False if it was not there."""
        return await self.store.forget_unanswered(guild_id, [gap_id]) > 0

    async def recording(self, guild_id: int) -> bool:
        """Whether this server records unanswered questions."""
        return await self.store.gap_recording(guild_id)

    async def set_recording(self, guild_id: int, on: bool) -> int:
        """Turn recording on or off here; off forgets what was recorded (returns how many)."""
        return await self.store.set_gap_recording(guild_id, on, now=self.clock())
