"""The answer service: a question in, the message to post out, with the spoiler policy.

Every command that answers fans goes through :meth:`AnswerService.answer` (or renders a
fact with :func:`render_fact`), so the policy lives in one place:

- spoilers off: a spoiler fact's content never appears. The fan is told that the answer
  holds spoilers for what it spoils, and how to ask for it;
- spoilers on: the content is inside Discord spoiler tags ``||...||``, with every ``|``
  in it escaped so the text cannot close the tag early.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum

from bot.constants import SUGGESTIONS_MAX
from bot.core.catalog import Catalog
from bot.core.gc_pause import collection_paused
from bot.core.matcher import FactIndex, Match
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.store import FactStore
from bot.core.text import OTHER_SHOW

log = logging.getLogger(__name__)

MIN_SCORE = 60.0  # below this the best match is a guess, not an answer
MIN_COVERAGE = 0.55  # share of the question (by weight) the answer must account for
SUGGEST_SCORE = 40.0  # a declined question still suggests facts this close
_CACHED_GUILDS = 512
TOPIC_LABELS = {
    Topic.PREMISE: "the premise",
    Topic.RECAP: "recaps",
    Topic.CAST: "the cast",
    Topic.PREMIERE: "premiere dates",
    Topic.RENEWAL: "renewal",
    Topic.RATINGS: "ratings",
    Topic.PRODUCTION: "the people behind the show",
    Topic.TRAILER: "trailers",
    Topic.WHERE_TO_WATCH: "where to watch",
    Topic.GENERAL: "interviews and more",
}


class Decline(StrEnum):
    """Why a question got no answer."""

    EMPTY = "empty"
    NO_MATCH = "no-match"
    UNKNOWN_SEASON = "unknown-season"
    OTHER_SHOW = "other-show"


@dataclass(frozen=True)
class Suggestion:
    """A fact offered as "did you mean", labelled so it gives nothing away."""

    fact_id: str
    label: str


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question."""

    question: str
    text: str  # the message exactly as posted
    fact: Fact | None = None
    score: float = 0.0
    withheld: bool = False  # a spoiler fact whose content was left out
    declined: Decline | None = None
    suggestions: tuple[Suggestion, ...] = field(default=())

    @property
    def matched(self) -> bool:
        return self.fact is not None

    @property
    def spoiler(self) -> bool:
        return self.fact is not None and self.fact.spoiler


def escape_spoiler(text: str) -> str:
    """Make ``text`` safe inside ``||...||``: no ``|`` in it can end the tag."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


def spoiler_tagged(text: str) -> str:
    return f"||{escape_spoiler(text)}||"


def spoiler_notice(fact: Fact) -> str:
    """What a fan who did not ask for spoilers sees instead of a spoiler fact."""
    return (
        f"\u26a0\ufe0f This answer holds spoilers for {fact.spoiler_scope}. "
        "To see it, ask again with `spoilers: True` "
        "(for example `/recap spoilers: True` or `/ask spoilers: True`)."
    )


def render_fact(fact: Fact, *, spoilers: bool) -> str:
    """The fact's answer as fans see it under the spoiler policy (no source line)."""
    if not fact.spoiler:
        return fact.answer
    return spoiler_tagged(fact.answer) if spoilers else spoiler_notice(fact)


def suggestion_label(fact: Fact) -> str:
    """A "did you mean" label; a spoiler fact's own questions could give it away."""
    if fact.spoiler:
        return f"{fact.spoiler_scope[:1].upper()}{fact.spoiler_scope[1:]} (spoilers)"
    return fact.title


def _build_index(facts: list[Fact], ignore: tuple[str, ...]) -> FactIndex:
    """Index ``facts``, in a worker thread."""
    with collection_paused(len(facts)):
        return FactIndex(facts, ignore=ignore)


@dataclass(frozen=True)
class _GuildView:
    generation: int  # the store's generation for the guild when this was built
    index: FactIndex
    catalog: Catalog


class AnswerService:
    """Answers questions for a guild from the pack plus that guild's own facts."""

    def __init__(self, store: FactStore, pack: Pack, *, recent_answers: int = 4096) -> None:
        self.store = store
        self.pack = pack
        self._ignore = (pack.show.name, *pack.show.aliases)
        self._views: OrderedDict[int | None, _GuildView] = OrderedDict()
        self._building: dict[int | None, asyncio.Task[_GuildView]] = {}
        self._recent: OrderedDict[tuple[int | None, int, str, bool], Answer] = OrderedDict()
        self._recent_max = recent_answers

    def cite(self, fact: Fact) -> str:
        """The fact's source as a citation (pack facts name a source by key)."""
        source = self.pack.sources.get(fact.source)
        return source.cite() if source else fact.source

    def _is_warm(self, guild_id: int | None) -> bool:
        """Whether ``guild_id``'s facts are indexed as they are now (answering is instant)."""
        view = self._views.get(guild_id)
        return view is not None and view.generation == self.store.generation(guild_id)

    async def index_for(self, guild_id: int | None) -> FactIndex:
        """The search index of what the bot knows in ``guild_id`` (built once per change)."""
        return (await self._view(guild_id)).index

    async def catalog(self, guild_id: int | None) -> Catalog:
        """Every fact that answers in ``guild_id``, organised by topic and season."""
        return (await self._view(guild_id)).catalog

    async def _view(self, guild_id: int | None) -> _GuildView:
        if self._is_warm(guild_id):
            self._views.move_to_end(guild_id)
            return self._views[guild_id]
        task = self._building.get(guild_id)
        if task is None:
            task = asyncio.create_task(self._build(guild_id))
            self._building[guild_id] = task
            task.add_done_callback(lambda _: self._building.pop(guild_id, None))
        return await asyncio.shield(task)

    async def _build(self, guild_id: int | None) -> _GuildView:
        generation = self.store.generation(guild_id)
        stored = await self.store.effective_facts(guild_id)
        pack_view = await self._view(None) if guild_id is not None else None
        if (
            pack_view is not None
            and len(stored) == len(pack_view.index)
            and all(s.origin == "pack" for s in stored)
        ):
            # Most servers never change a fact (nor hide one): they share the pack's index.
            view = _GuildView(generation, pack_view.index, pack_view.catalog)
        else:
            facts = [s.fact for s in stored]
            # Building is CPU work proportional to the facts: keep it off the event loop.
            index = await asyncio.to_thread(_build_index, facts, self._ignore)
            view = _GuildView(generation, index, Catalog(index.facts))
        self._views[guild_id] = view
        self._views.move_to_end(guild_id)
        while len(self._views) > _CACHED_GUILDS:
            self._views.popitem(last=False)
        log.debug("Indexed %d facts for guild %s", len(view.index), guild_id)
        return view

    async def answer(self, guild_id: int | None, question: str, *, spoilers: bool) -> Answer:
        """Answer ``question`` as asked in ``guild_id``.

        Fans ask the same questions again and again: recent answers are kept, keyed by the
        guild's generation, so a change to the guild's facts is seen at once.
        """
        index = await self.index_for(guild_id)
        key = (guild_id, self.store.generation(guild_id), question, spoilers)
        cached = self._recent.get(key)
        if cached is not None:
            self._recent.move_to_end(key)
            return cached
        answer = self._answer(index, question, spoilers=spoilers)
        self._recent[key] = answer
        if len(self._recent) > self._recent_max:
            self._recent.popitem(last=False)
        return answer

    def _answer(self, index: FactIndex, question: str, *, spoilers: bool) -> Answer:
        analysis = index.analyse(question)
        if not analysis.terms:
            return self._decline(question, Decline.EMPTY, [])
        matches = index.search(analysis, limit=SUGGESTIONS_MAX + 1)
        best = matches[0] if matches else None
        if best and best.score >= MIN_SCORE and best.coverage >= MIN_COVERAGE:
            return self._matched(question, best, spoilers=spoilers)
        if OTHER_SHOW in analysis.terms:
            return self._decline(question, Decline.OTHER_SHOW, [])
        unknown = sorted(analysis.seasons - index.seasons)
        if unknown:
            return self._decline(question, Decline.UNKNOWN_SEASON, matches, season=unknown[0])
        return self._decline(question, Decline.NO_MATCH, matches)

    def message(self, fact: Fact, *, spoilers: bool) -> str:
        """The message that answers with ``fact``: its text under the policy, then its source."""
        text = render_fact(fact, spoilers=spoilers)
        if fact.spoiler and not spoilers:
            return text
        return f"{text}\n-# Source: {self.cite(fact)}"

    async def answer_fact(
        self, guild_id: int | None, fact_id: str, *, spoilers: bool
    ) -> str | None:
        """The message for a fact chosen by id (a clicked suggestion), if it still answers."""
        fact = (await self.catalog(guild_id)).by_id(fact_id)
        return None if fact is None else self.message(fact, spoilers=spoilers)

    def _matched(self, question: str, match: Match, *, spoilers: bool) -> Answer:
        fact = match.fact
        return Answer(
            question=question,
            text=self.message(fact, spoilers=spoilers),
            fact=fact,
            score=match.score,
            withheld=fact.spoiler and not spoilers,
        )

    def _decline(
        self, question: str, reason: Decline, matches: list[Match], *, season: int | None = None
    ) -> Answer:
        suggestions = tuple(
            Suggestion(m.fact.id, suggestion_label(m.fact))
            for m in matches[:SUGGESTIONS_MAX]
            if m.score >= SUGGEST_SCORE
        )
        show = self.pack.show.name
        if reason is Decline.UNKNOWN_SEASON:
            opening = f"Nothing about Season {season} of {show} is in my sources yet."
        elif reason is Decline.OTHER_SHOW:
            opening = f"That sounds like another show: I only know about {show}."
        else:
            opening = f"I don't have an answer to that among my facts about {show}."
        lines = [opening]
        if suggestions:
            lines.append("Did you mean:")
            lines += [f"\u2022 {s.label}" for s in suggestions]
        else:
            topics = ", ".join(TOPIC_LABELS[topic] for topic in Topic)
            lines.append(f"I can answer questions about {topics}. Try `/about`.")
        return Answer(question, "\n".join(lines), declined=reason, suggestions=suggestions)
