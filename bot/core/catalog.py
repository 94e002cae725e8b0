"""Facts looked up by what they are rather than by a question: the premise, the cast,
a season's premiere or recap. Backs the topic commands (/premise, /cast, /premiere, /recap).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.constants import AUTOCOMPLETE_CHOICES_LIMIT
from bot.core.models import Fact, Topic
from bot.core.policy import ShownFact

NAME_MATCH_CUTOFF = 70.0  # /cast name: below this, "no one matches"
CHOICE_CUTOFF = 50.0  # autocomplete may offer looser matches


@dataclass(frozen=True)
class Recap:
    """A season's recap: what anyone may read, and what only spoiler-seekers may."""

    season: int | None
    spoiler_free: tuple[Fact, ...]
    spoilers: tuple[Fact, ...]


class Catalog:
    """One guild's facts, organised by topic and season."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.facts = tuple(facts)
        self._by_id = {fact.id: fact for fact in self.facts}
        # Who joins the cast can itself be the spoiler: spoiler cast facts are neither listed
        # nor looked up by name (``/ask`` still finds them, under the spoiler policy).
        self.cast = tuple(f for f in self.facts if f.cast is not None and not f.spoiler)
        self._cast_names = {
            f.id: f"{f.cast.actor} \u2014 {f.cast.character}" for f in self.cast if f.cast
        }

    def by_id(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def of_topic(self, topic: Topic) -> list[Fact]:
        return [fact for fact in self.facts if fact.topic is topic]

    def premise(self) -> Fact | None:
        """The premise; one without spoilers when there is one."""
        return min(self.of_topic(Topic.PREMISE), key=lambda f: f.spoiler, default=None)

    def seasons(self, topic: Topic) -> list[int]:
        """Seasons that have a fact of ``topic``, in order."""
        return sorted({f.season for f in self.of_topic(topic) if f.season is not None})

    def premiere(self, season: int | None) -> Fact | None:
        """The premiere of ``season``, or of the newest season when none is given."""
        premieres = [f for f in self.of_topic(Topic.PREMIERE) if f.season is not None]
        if season is None:
            return max(premieres, key=lambda f: f.season or 0, default=None)
        return next((f for f in premieres if f.season == season), None)

    def recap(self, season: int | None) -> Recap | None:
        """The recap of ``season``, or of the newest recapped season when none is given."""
        recapped = self.seasons(Topic.RECAP)
        if season is None and recapped:
            season = recapped[-1]
        facts = [f for f in self.of_topic(Topic.RECAP) if f.season == season]
        if not facts:
            return None
        return Recap(
            season,
            tuple(f for f in facts if not f.spoiler),
            tuple(f for f in facts if f.spoiler),
        )

    def find_cast(self, name: str) -> Fact | None:
        """The cast fact for a fact id or a (misspelt) actor or character name."""
        fact = self._by_id.get(name)
        if fact is not None and fact in self.cast:
            return fact
        best = self._ranked(name, limit=1, cutoff=NAME_MATCH_CUTOFF)
        return self._by_id[best[0][1]] if best else None

    def cast_choices(self, typed: str) -> list[tuple[str, str]]:
        """Autocomplete: (label, fact id) pairs, best first, at most Discord's limit."""
        if not typed.strip():
            pairs = list(self._cast_names.items())[:AUTOCOMPLETE_CHOICES_LIMIT]
            return [(label, fact_id) for fact_id, label in pairs]
        return self._ranked(typed, limit=AUTOCOMPLETE_CHOICES_LIMIT, cutoff=CHOICE_CUTOFF)

    def _ranked(self, typed: str, *, limit: int, cutoff: float) -> list[tuple[str, str]]:
        found = process.extract(
            typed,
            self._cast_names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,  # rapidfuzz 3 compares case as typed otherwise
            limit=limit,
            score_cutoff=cutoff,
        )
        return [(label, fact_id) for label, _, fact_id in found]


@dataclass(frozen=True)
class ShownRecap:
    """A season's recap as one fan sees it: spoiler-free parts first."""

    season: int | None
    parts: tuple[ShownFact, ...]


class ShownCatalog:
    """One guild's :class:`Catalog` as one fan may see it: every fact it hands out has been
    through the spoiler policy (``show``), so topic commands never touch a raw fact."""

    def __init__(self, catalog: Catalog, show: Callable[[Fact], ShownFact]) -> None:
        self._catalog = catalog
        self._show = show

    def _shown(self, fact: Fact | None) -> ShownFact | None:
        return None if fact is None else self._show(fact)

    def topic_counts(self) -> Counter[Topic]:
        return Counter(fact.topic for fact in self._catalog.facts)

    def seasons(self, topic: Topic) -> list[int]:
        return self._catalog.seasons(topic)

    def premise(self) -> ShownFact | None:
        return self._shown(self._catalog.premise())

    def premiere(self, season: int | None) -> ShownFact | None:
        return self._shown(self._catalog.premiere(season))

    def recap(self, season: int | None) -> ShownRecap | None:
        recap = self._catalog.recap(season)
        if recap is None:
            return None
        parts = tuple(self._show(f) for f in (*recap.spoiler_free, *recap.spoilers))
        return ShownRecap(recap.season, parts)

    def cast(self) -> tuple[ShownFact, ...]:
        return tuple(self._show(fact) for fact in self._catalog.cast)

    def find_cast(self, name: str) -> ShownFact | None:
        return self._shown(self._catalog.find_cast(name))

    def cast_choices(self, typed: str) -> list[tuple[str, str]]:
        return self._catalog.cast_choices(typed)
