"""The answer service: a question in, the message to post out.

Questions go through :meth:`AnswerService.answer`; topic commands look facts up through
:meth:`AnswerService.lookup`. Both hand out facts only as :class:`~bot.core.policy.ShownFact`
(the spoiler policy, :mod:`bot.core.policy`), so what a fan sees is decided in one place.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.constants import MESSAGE_CONTENT_LIMIT, SUGGESTIONS_MAX
from bot.core.catalog import Catalog, ShownCatalog
from bot.core.decision import Candidate, DecisionModel
from bot.core.large_builds import LARGE, collection_paused, drop_in_slices, gil_handed_back_often
from bot.core.matcher import FactIndex, pack_index
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.policy import ShownFact, show, suggestion_label
from bot.core.semantic import Embedder, default_embedder
from bot.core.store import FactStore, StoredFact
from bot.core.text import INTENTS, OTHER_SHOW, Analysis, split_questions

log = logging.getLogger(__name__)

QUESTIONS_PER_MESSAGE = 3
_ASK_THE_REST = "-# ({rest} more question{s} did not fit here: ask it on its own.)"

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
    """What the bot says to one message: one question, or several answered together."""

    question: str
    text: str  # the message exactly as posted
    fact: Fact | None = None  # with several questions, the first one's
    score: float = 0.0  # how likely the answer is the right one, 0-100
    withheld: bool = False  # a spoiler fact whose content was left out
    declined: Decline | None = None
    suggestions: tuple[Suggestion, ...] = field(default=())
    several: tuple[Answer, ...] = field(default=())  # each question's answer, if several

    @property
    def parts(self) -> tuple[Answer, ...]:
        """The answers to each question the message asked."""
        return self.several or (self,)

    @property
    def matched(self) -> bool:
        return self.fact is not None

    @property
    def withheld_facts(self) -> tuple[Suggestion, ...]:
        """The spoiler facts this answer withheld, named by what they spoil (for a
        "Show me" button that reveals them to the one who asks)."""
        return tuple(
            Suggestion(part.fact.id, suggestion_label(part.fact))
            for part in self.parts
            if part.withheld and part.fact is not None
        )

    @property
    def spoiler(self) -> bool:
        return self.fact is not None and self.fact.spoiler


# Terms that say what kind of answer is wanted but not about what: a part of a message with
# only these ("who is it?", "is everyone ok?") follows up on another part; it is no question
# of its own.
_NOT_A_SUBJECT = frozenset({"@who", "@when", "@where", "@all", "@past", "@exists"})


# A part whose subject can only be in the part before: a person ("is Celia Imrie in it? who
# does she play") or what was just said ("57 million hours?? is that even true").
_SUBJECT_BEFORE_WORDS = "he|she|her|him|his|they|them|their|that|exactly"
_ITS_SUBJECT_BEFORE = re.compile(rf"\b(?:{_SUBJECT_BEFORE_WORDS})\b", re.I)
# ... or may be ("..., what is her name?", "when exactly"): "it" is most often the show
# itself ("is there a trailer? when does it come out").
_REFERS_BACK = re.compile(rf"\b(?:{_SUBJECT_BEFORE_WORDS}|it|its|this)\b", re.I)

# A part asking only who plays someone, naming no one ("who got cast", "what role").
_WHO_PLAYS_WHOM = frozenset({"@cast", "@who", "@past"})
_ABOUT_SOMEONE = _WHO_PLAYS_WHOM | _NOT_A_SUBJECT  # "who is she playing", "what was her name"
_TERSE = 2  # terms: a part this short ("actress?") may only finish the part before
_SURE = 90.0  # how likely (in %) an answer must be to stand beside an out-of-scope question


class _Readings(dict[str, Analysis]):
    """How an index reads the texts of one message. Its parts are read several ways (alone,
    with the part before, as a whole): each text is analysed once."""

    def __init__(self, index: FactIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, text: str) -> Analysis:
        analysis = self[text] = self.index.analyse(text)
        return analysis


def _out_of_scope(readings: _Readings, part: str) -> bool:
    """Whether ``part`` asks for a kind of thing no fact here is about (an age, reviews)."""
    return bool(INTENTS.intersection(readings[part].terms) - readings.index.concepts)


def _names_something(readings: _Readings, part: str) -> bool:
    analysis = readings[part]
    return bool(analysis.seasons or set(analysis.terms) - _NOT_A_SUBJECT)


def _season_in_context(readings: _Readings, before: str, answered: list[Answer]) -> int | None:
    """The season the part before names, or else the one its answer is about."""
    named = readings[before].seasons if before else frozenset()
    if named:
        return max(named)
    last = answered[-1].fact if answered else None
    return last.season if last else None


def asks_something(message: str) -> bool:
    """Whether any part of ``message`` reads as a question (not "thanks!" or "lol")."""
    return any(asks for _, asks in split_questions(message))


def _index_and_catalog(
    pack: Pack, stored: list[StoredFact], embedder: Embedder
) -> tuple[FactIndex, Catalog]:
    """Index the facts of ``stored`` and list them by topic, in a worker thread (at 100,000
    facts the catalog alone would hold the event loop for about 50 ms). ``stored`` is
    emptied here, a slice at a time: freed at once on the event loop, it would hold it."""
    facts = [s.fact for s in stored]
    with collection_paused(len(facts)), gil_handed_back_often(len(facts)):
        drop_in_slices(stored)
        index = pack_index(pack, facts, embedder=embedder)
        return index, Catalog(index.facts)


async def _release(index: FactIndex) -> None:
    """Free ``index`` a slice at a time, letting other tasks run between slices."""
    for _ in index.pieces_released():
        await asyncio.sleep(0)


@dataclass(frozen=True)
class _GuildView:
    generation: int  # the store's generation for the guild when this was built
    index: FactIndex
    catalog: Catalog


class AnswerService:
    """Answers questions for a guild from the pack plus that guild's own facts."""

    def __init__(
        self,
        store: FactStore,
        pack: Pack,
        *,
        recent_answers: int = 4096,
        embedder: Embedder | None = None,
        decision: DecisionModel | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.store = store
        self.pack = pack
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._embedder = embedder or default_embedder()
        self._decision = decision or DecisionModel.load()
        self._views: OrderedDict[int | None, _GuildView] = OrderedDict()
        self._building: dict[int | None, tuple[int, asyncio.Task[_GuildView]]] = {}
        self._recent: OrderedDict[tuple[int | None, int, str, bool, str], Answer] = OrderedDict()
        self._recent_max = recent_answers
        self._releasing: set[asyncio.Task[None]] = set()

    def cite(self, fact: Fact) -> str:
        """The fact's source as a citation (pack facts name a source by key)."""
        source = self.pack.sources.get(fact.source)
        return source.cite() if source else fact.source

    def published(self, fact: Fact) -> str | None:
        """When the fact's source was published (``YYYY[-MM[-DD]]``), for a pack source."""
        source = self.pack.sources.get(fact.source)
        return source.published if source else None

    def show(self, fact: Fact, *, spoilers: bool) -> ShownFact:
        """``fact`` as a fan who did or did not ask for spoilers may see it, today."""
        return show(
            fact,
            spoilers=spoilers,
            cite=self.cite,
            now=self.clock(),
            network=self.pack.show.network,
            published=self.published,
        )

    async def index_for(self, guild_id: int | None) -> FactIndex:
        """The search index of what the bot knows in ``guild_id`` (built once per change)."""
        return (await self._view(guild_id)).index

    async def lookup(self, guild_id: int | None, *, spoilers: bool) -> ShownCatalog:
        """The facts of ``guild_id`` by topic and season, as this fan may see them."""
        catalog = (await self._view(guild_id)).catalog
        return ShownCatalog(catalog, lambda fact: self.show(fact, spoilers=spoilers))

    async def _view(self, guild_id: int | None) -> _GuildView:
        generation = await self.store.fresh_generation(guild_id)
        view = self._views.get(guild_id)
        if view is not None and view.generation == generation:
            self._views.move_to_end(guild_id)
            return view
        building = self._building.get(guild_id)
        if building is None or building[0] != generation:
            # A build started before the latest change would hand out what was just changed.
            task = asyncio.create_task(self._build(guild_id, generation))
            self._building[guild_id] = (generation, task)
            task.add_done_callback(lambda _: self._forget_build(guild_id, task))
        else:
            task = building[1]
        return await asyncio.shield(task)

    def _forget_build(self, guild_id: int | None, task: asyncio.Task[_GuildView]) -> None:
        building = self._building.get(guild_id)
        if building is not None and building[1] is task:
            del self._building[guild_id]

    async def _build(self, guild_id: int | None, generation: int) -> _GuildView:
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
            # Building is CPU work proportional to the facts: keep it off the event loop.
            index, catalog = await asyncio.to_thread(
                _index_and_catalog, self.pack, stored, self._embedder
            )
            view = _GuildView(generation, index, catalog)
        current = self._views.get(guild_id)
        if current is None or current.generation <= generation:
            self._views[guild_id] = view
            self._views.move_to_end(guild_id)
            self._retire(current)
        while len(self._views) > _CACHED_GUILDS:
            self._retire(self._views.popitem(last=False)[1])
        log.debug("Indexed %d facts for guild %s", len(view.index), guild_id)
        return view

    def _retire(self, view: _GuildView | None) -> None:
        """Free a replaced view's large index a slice at a time, unless a view still uses it
        (servers share the pack's). Nothing searches a retired index: callers of
        :meth:`index_for` use it before their next ``await``."""
        if view is None or len(view.index) < LARGE:
            return  # small: freed at once, as soon as nothing refers to it
        if any(other.index is view.index for other in self._views.values()):
            return
        task = asyncio.create_task(_release(view.index))
        self._releasing.add(task)
        task.add_done_callback(self._releasing.discard)

    async def answer(self, guild_id: int | None, question: str, *, spoilers: bool) -> Answer:
        """Answer ``question`` as asked in ``guild_id``.

        Fans ask the same questions again and again: recent answers are kept, keyed by the
        guild's generation, so a change to the guild's facts is seen at once.
        """
        view = await self._view(guild_id)
        # Keyed by the generation the index was built from, not the store's current one:
        # an answer computed while a change was being indexed must not outlive the change.
        # And by the hour: a premiere's tense changes when it happens.
        hour = self.clock().strftime("%Y%m%d%H")
        key = (guild_id, view.generation, question, spoilers, hour)
        cached = self._recent.get(key)
        if cached is not None:
            self._recent.move_to_end(key)
            return cached
        answer = self._answer_message(view.index, question, spoilers=spoilers)
        self._recent[key] = answer
        if len(self._recent) > self._recent_max:
            self._recent.popitem(last=False)
        return answer

    def _answer_message(self, index: FactIndex, message: str, *, spoilers: bool) -> Answer:
        """Answer each question a message asks (up to :data:`QUESTIONS_PER_MESSAGE`), or the
        one question it asks amid chatter, or else the message as a whole."""
        parts = split_questions(message)
        readings = _Readings(index)
        answered: list[Answer] = []
        if len(parts) > 1:
            asked = [
                (part, before, before_asks)
                for (before, before_asks), (part, asks) in zip(
                    [("", False), *parts], parts, strict=False
                )
                if asks and _names_something(readings, part)
            ]
            # Beside a question no fact is about ("is it any good? what are reviews saying"),
            # the others often only elaborate it: answer them only when unmistakable.
            bar = _SURE if any(_out_of_scope(readings, part) for part, _, _ in asked) else 0.0
            for part, before, before_asks in asked:
                answer = self._answer_part(readings, part, before, before_asks, answered, spoilers)
                if answer is None:
                    continue
                fresh = answer.fact and all(a.fact != answer.fact for a in answered)
                if fresh and answer.score >= bar and len(answered) < QUESTIONS_PER_MESSAGE:
                    answered.append(answer)
        if len(answered) > 1:
            return self._several(message, answered)
        if answered:
            return dataclasses.replace(answered[0], question=message)
        return self._answer(readings, message, spoilers=spoilers)

    def _answer_part(
        self,
        readings: _Readings,
        part: str,
        before: str,
        before_asks: bool,
        answered: list[Answer],
        spoilers: bool,
    ) -> Answer | None:
        """One part of a message, read on its own or with what the parts before it say;
        ``None`` when it only follows up on a question no fact is about."""
        refers_back = bool(before and _REFERS_BACK.search(part))
        if refers_back and _out_of_scope(readings, before):
            return None  # "where was it filmed? is that really london"
        answer = self._answer(readings, part, spoilers=spoilers)
        analysis = readings[part]
        # A date asked of no season, after a part about one ("is there a trailer yet and
        # when does it drop", "is janney in season 2 and when does it start"), asks about it.
        asks_a_date = not {"@when", "@premiere"}.isdisjoint(analysis.terms)
        if not answer.matched and asks_a_date and not analysis.seasons:
            season = _season_in_context(readings, before, answered)
            if season:
                dated = self._answer(readings, f"season {season} {part}", spoilers=spoilers)
                answer = dated if dated.matched else answer
        # What the part is about may be in the part before: "her" in "the actress who plays
        # Cecilia, what is her name?", a subject named without asking ("the sister 👀
        # actress?", "the character Meg Roylin, who plays her?"), or who plays whom it
        # named ("grace penn finally?? who got cast").
        terms = analysis.terms
        # (A terse part that names its season and is answered stands on its own: "season 1
        # was great and when is s2".)
        terse = len(terms) <= _TERSE and not (analysis.seasons and answer.matched)
        subject_before = bool(before) and (
            (not before_asks and (refers_back or terse))
            or ("@cast" in terms and _WHO_PLAYS_WHOM.issuperset(terms))
        )
        leans = refers_back and bool(_ITS_SUBJECT_BEFORE.search(part))
        if (refers_back and not answer.matched) or leans or subject_before:
            joined = self._answer(readings, f"{before} {part}", spoilers=spoilers)
            # "who is she playing" names no one but the one before: its own reading (the
            # season's cast news) is no reading at all.
            only_before = leans and _ABOUT_SOMEONE.issuperset(terms)
            better = joined.matched and (not answer.matched or joined.score > answer.score)
            if only_before or better:
                answer = joined
        return answer

    def _several(self, message: str, answers: list[Answer]) -> Answer:
        """One reply answering several questions, as many as fit in one message."""
        texts: list[str] = []
        for n, answer in enumerate(answers):
            rest = len(answers) - n
            if len("\n\n".join([*texts, answer.text])) + len(_ASK_THE_REST) > MESSAGE_CONTENT_LIMIT:
                texts.append(_ASK_THE_REST.format(rest=rest, s="s" * (rest > 1)))
                answers = answers[:n]
                break
            texts.append(answer.text)
        first = answers[0]
        return Answer(
            question=message,
            text="\n\n".join(texts),
            fact=first.fact,
            score=min(a.score for a in answers),
            withheld=any(a.withheld for a in answers),
            several=tuple(answers),
        )

    def _answer(self, readings: _Readings, question: str, *, spoilers: bool) -> Answer:
        index = readings.index
        analysis = readings[question]
        if not analysis.seasons and _NOT_A_SUBJECT.issuperset(analysis.terms):
            return self._decline(question, Decline.EMPTY, [])  # "gm everyone", "who?"
        matches = index.search(analysis, question, limit=SUGGESTIONS_MAX + 5)
        unknown_words = index.unknown_share(analysis)
        ranked = self._decision.rank(
            matches, analysis, known_seasons=index.seasons, unknown_words=unknown_words
        )
        unknown = sorted(analysis.seasons - index.seasons)
        if (
            ranked
            and ranked[0].probability >= self._decision.answer_at
            and not ranked[0].match.mismatch
            # Only about seasons no fact is about ("has a third season been announced"): a
            # fact about another season would answer it as if it did (unless its own
            # questions name that season).
            and not (
                unknown
                and analysis.seasons <= set(unknown)
                and not analysis.seasons <= index.seasons_named(ranked[0].match.fact)
            )
        ):
            # A question about something no fact here is about (an actor's age, filming) is
            # not answered with the fact that merely shares its names.
            return self._matched(question, ranked[0], spoilers=spoilers)
        likely = [c for c in ranked if c.probability >= self._decision.suggest_at]
        if unknown_words == 1:
            likely = []  # not one word any fact uses ("how do I bake sourdough bread")
        if OTHER_SHOW in analysis.terms:
            return self._decline(question, Decline.OTHER_SHOW, [])
        if unknown:
            return self._decline(question, Decline.UNKNOWN_SEASON, likely, season=unknown[0])
        return self._decline(question, Decline.NO_MATCH, likely)

    async def answer_fact(
        self, guild_id: int | None, fact_id: str, *, spoilers: bool
    ) -> str | None:
        """The message for a fact chosen by id (a clicked suggestion), if it still answers."""
        shown = await self.shown_fact(guild_id, fact_id, spoilers=spoilers)
        return None if shown is None else shown.message()

    async def shown_fact(
        self, guild_id: int | None, fact_id: str, *, spoilers: bool
    ) -> ShownFact | None:
        """A fact chosen by id (a clicked button), as this fan may see it, if it still exists."""
        fact = (await self._view(guild_id)).catalog.by_id(fact_id)
        return None if fact is None else self.show(fact, spoilers=spoilers)

    def _matched(self, question: str, best: Candidate, *, spoilers: bool) -> Answer:
        fact = best.match.fact
        return Answer(
            question=question,
            text=self.show(fact, spoilers=spoilers).message(),
            fact=fact,
            score=round(best.probability * 100, 1),
            withheld=fact.spoiler and not spoilers,
        )

    def _decline(
        self,
        question: str,
        reason: Decline,
        likely: list[Candidate],
        *,
        season: int | None = None,
    ) -> Answer:
        suggestions = tuple(
            Suggestion(c.match.fact.id, suggestion_label(c.match.fact))
            for c in likely[:SUGGESTIONS_MAX]
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
