"""Find the fact a fan's question asks for, or decline.

Each fact is indexed under its *phrasings* (questions, aliases, and for cast facts the
actor, character and role), reduced to canonical terms by :mod:`bot.core.text`. A search:

1. analyses the question (season, canonical terms, misspellings corrected against the
   index's own lexicon);
2. gathers candidates from an inverted index, rarest terms first, so the work depends on
   how many facts share the question's words, not on how many facts there are;
3. scores each candidate's phrasings by how much of the question they explain (IDF
   weighted), how much of the phrasing the question covers, and rapidfuzz similarity;
4. leaves out facts about another season than the one asked about;
5. adds the facts whose phrasings, answer or the pack's examples (fans' own messages,
   matched by meaning only) mean most nearly what the question means
   (:mod:`bot.core.semantic`), which words alone can miss.

Each candidate carries both signals; :mod:`bot.core.decision` weighs them and decides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.core.large_builds import drop_in_slices, emptied_in_slices
from bot.core.models import Fact
from bot.core.pack import Pack
from bot.core.semantic import Embedder
from bot.core.text import (
    ELSEWHERE,
    GENERAL,
    INTENTS,
    SPELLINGS,
    SPOILER_FREE,
    STOPWORDS,
    Analysis,
    Vocabulary,
    analyse,
    fold,
)

# Candidate gathering stops adding terms once this many facts are in play; a term found in
# more facts than this is too common to gather from (it still counts when scoring).
_CANDIDATE_BUDGET = 100
_RERANK = 8
# How a phrasing's score is made up.
_W_QUESTION, _W_PHRASING, _W_FUZZ = 0.65, 0.25, 0.10
_SEASON_BONUS = 0.04
_NAME_BONUS = 0.05
UNKNOWN_WORD_WEIGHT = 2.5
_MISMATCH_COVERAGE = 0.3
# With an actor's name, these ask about the actor, not their part ("is rufus sewell married",
# "is michael mckean the guy from better call saul", "what did rufus sewell say").
_ABOUT_THE_ACTOR = frozenset({"@spouse", ELSEWHERE, "@quote"})
_SEMANTIC_CANDIDATES = 5
# Above this many phrasings, each fact is one vector: the mean of its phrasings, cut to its
# first 64 dimensions (WordLlama's vectors are trained to be cut this way). A 100k-fact
# server's vectors then take 26 MB and a question costs a 100k x 64 product (~2 ms), where
# every phrasing at full width would take 400 MB and tens of milliseconds.
_SEMANTIC_ROWS_MAX = 50_000
_LARGE_INDEX_DIMENSIONS = 64
_EMBED_BATCH = 256  # facts a batch: numpy holds the GIL for a whole batch's sums


@dataclass(frozen=True)
class Match:
    """A candidate fact for a question, with what each signal says of it.

    ``score`` (0-100) and ``coverage`` (0-1) are lexical: how well its best phrasing fits
    and how much of the question it explains. ``semantic`` is the cosine similarity of
    the question to its nearest phrasing or example (-1 to 1). ``mismatch``: the question asks for a
    kind of fact this is not (an actor's age, a spoiler-free recap). ``beside_name``: when
    the question names this fact's actor or character, how near in meaning the rest of it
    is to the fact ("who plays ..." is near; "did ... do his own stunts" is not); ``None``
    when it names neither. ``unexplained``: then, the share (by weight) of the rest that
    none of the fact's phrasings uses ("is ... from ghana": all of it); 0 when it names
    neither. ``story_of_part``: the question names this fact's part, not who plays it, and
    may ask about the part's story ("what happens to eidra in season 2"), which a cast fact
    does not tell. ``actor_and_part``: it names both this fact's actor and their part.
    """

    fact: Fact
    score: float
    coverage: float
    semantic: float = 0.0
    mismatch: bool = False
    beside_name: float | None = None
    unexplained: float = 0.0
    story_of_part: bool = False
    actor_and_part: bool = False


@dataclass(frozen=True)
class _Phrasing:
    terms: frozenset[str]
    text: str  # canonical terms joined, for rapidfuzz
    seasons: frozenset[int]
    weight: float  # the sum of its terms' weights
    is_name: bool  # a name or alias: a question that contains it all is about this fact


class Lexicon:
    """Known words, and a one-edit spelling corrector over them (symmetric deletes).

    Words in ``never_guessed`` are known but never given as a correction: a word only general
    fan speech knows ("birth", "start") must be what the fan typed, not a guess at a name
    nobody here knows ("colin firth", "stuart").
    """

    def __init__(self, counts: dict[str, int], never_guessed: Iterable[str] = ()) -> None:
        self._counts = counts
        self._by_deletion: dict[str, list[str]] = defaultdict(list)
        unguessable = frozenset(never_guessed)
        for word in counts:
            if len(word) >= 5 and not word.isdigit() and word not in unguessable:
                for key in _deletions(word):
                    self._by_deletion[key].append(word)

    def __contains__(self, word: object) -> bool:
        return word in self._counts

    def pieces_released(self) -> Iterator[int]:
        """Empty this lexicon a slice at a time (see :meth:`FactIndex.pieces_released`)."""
        return emptied_in_slices(self._by_deletion, self._counts)

    def correct(self, word: str) -> str:
        """``word`` itself when known or too short to judge, else its likeliest fix."""
        if word in self._counts or word in STOPWORDS or word in SPELLINGS or word.isdigit():
            return word
        if _STRETCHED.search(word):  # "baaaack", "sooo": a letter held for emphasis
            for squeezed in (_STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word)):
                if squeezed in self._counts or squeezed in STOPWORDS:
                    return squeezed
        if word.endswith("s") and word[:-1] in self._counts:
            return word[:-1]  # a possessive typed without its apostrophe: "hals actor"
        if len(word) < 5:
            return word
        candidates = {c for key in _deletions(word) for c in self._by_deletion.get(key, ())}
        close = [c for c in candidates if OSA.distance(word, c) <= 1]
        if not close:
            return word
        return max(close, key=lambda c: (self._counts[c], c))


_STRETCHED = re.compile(r"([a-z])\1{2,}")


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class FactIndex:
    """An immutable search index over one set of facts."""

    def __init__(
        self,
        facts: Iterable[Fact],
        *,
        ignore: Sequence[str] = (),
        embedder: Embedder | None = None,
        vocabulary: Vocabulary = GENERAL,
        examples: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.facts: tuple[Fact, ...] = tuple(facts)
        self._ignore = tuple(ignore)
        self.vocabulary = vocabulary
        word_counts: dict[str, int] = dict.fromkeys(vocabulary.words, 1)
        for phrase in self._ignore:
            for word in fold(phrase).split():
                word_counts[word] = word_counts.get(word, 0) + 1
        raw = [
            (i, text, is_name)
            for i, fact in enumerate(self.facts)
            for text, is_name in phrasings_of(fact)
        ]
        raw += [(i, text, True) for i, text in _relations(self.facts)]
        facts_words: set[str] = set()
        for _, text, _ in raw:
            for word in fold(text).split():
                word_counts[word] = word_counts.get(word, 0) + 1
                facts_words.add(word)
        self.lexicon = Lexicon(word_counts, never_guessed=vocabulary.words - facts_words)

        self._phrasings_of: list[list[_Phrasing]] = [[] for _ in self.facts]
        # An actor's own name: "is rufus sewell married?" asks about the actor's life, where
        # "who plays kate's husband?" asks about the show.
        self._actor_terms = [
            frozenset(analyse(f.cast.actor, vocabulary=vocabulary).terms) if f.cast else frozenset()
            for f in self.facts
        ]
        # A part's own names (its character, its role): "is billie played by t'nia miller?"
        # is about Billie's casting, whoever the question thinks plays her.
        self._part_terms = [
            _part_terms(f.cast.character, f.cast.role, vocabulary) if f.cast else ()
            for f in self.facts
        ]
        self._actor_words = frozenset().union(*self._actor_terms)
        named = [terms[0] for terms in self._part_terms if terms]
        self._shared_name_words = frozenset(
            word for word in set().union(*named) if sum(word in terms for terms in named) > 1
        )
        self._terms_of: list[frozenset[str]] = [frozenset() for _ in self.facts]
        raw_phrasings: list[tuple[int, frozenset[str], frozenset[int], bool]] = []
        for i, text, is_name in raw:
            analysis = analyse(text, ignore=self._ignore, vocabulary=vocabulary)
            terms = frozenset(analysis.terms)
            if terms:
                raw_phrasings.append((i, terms, analysis.seasons, is_name))
                self._terms_of[i] |= terms

        postings: dict[str, list[int]] = defaultdict(list)
        for i, terms in enumerate(self._terms_of):
            for term in terms:
                postings[term].append(i)
        self._postings = dict(postings)
        self.concepts = frozenset(t for t in self._postings if t.startswith("@"))
        """The kinds of question (``@cast``, ``@age``...) some fact here answers."""
        total = max(len(self.facts), 1)
        self._idf = {t: math.log(1 + total / len(ids)) for t, ids in self._postings.items()}
        self._unknown_weight = math.log(1 + total) + 1.0
        self._unknown_word_weight = UNKNOWN_WORD_WEIGHT
        for i, terms, seasons, is_name in raw_phrasings:
            weight = sum(self._idf[t] for t in terms)
            text = " ".join(sorted(terms))
            self._phrasings_of[i].append(_Phrasing(terms, text, seasons, weight, is_name))
        self.seasons = frozenset(f.season for f in self.facts if f.season is not None)
        self._seasons_named: dict[str, frozenset[int]] = {}
        for i, _, seasons, _ in raw_phrasings:
            if seasons:
                fact_id = self.facts[i].id
                self._seasons_named[fact_id] = (
                    self._seasons_named.get(fact_id, frozenset()) | seasons
                )
        # Freed a slice at a time: freed whole on return, they would hold the GIL (and so the
        # event loop, while a worker thread builds) for 40 ms at 100,000 facts.
        drop_in_slices(raw, raw_phrasings)
        self._embedder = embedder
        self._vectors: npt.NDArray[np.float32] | None = None
        self._starts: npt.NDArray[np.intp] | None = None
        if embedder is not None:
            self._vectors, self._starts = _embed_facts(self.facts, embedder, examples or {})

    def __len__(self) -> int:
        return len(self.facts)

    def seasons_named(self, fact: Fact) -> frozenset[int]:
        """The seasons ``fact``'s own questions name ("Is the S3 trailer out?")."""
        return self._seasons_named.get(fact.id, frozenset())

    def pieces_released(self) -> Iterator[int]:
        """Empty this index a slice at a time, yielding how many items each slice freed.

        Freeing a large index in one go is one long deallocation that holds the GIL (20 ms
        at 10,000 facts, 250 ms at 100,000): run from the event loop with a pause between
        slices, it never blocks for long. Only for an index nobody will search again.
        """
        yield from emptied_in_slices(self._phrasings_of, self._terms_of, self._actor_terms)
        yield from emptied_in_slices(self._postings, self._idf)
        yield from self.lexicon.pieces_released()
        self._vectors = self._starts = None

    def analyse(self, question: str) -> Analysis:
        """The question as this index understands it."""
        return analyse(
            question,
            ignore=self._ignore,
            correct=self.lexicon.correct,
            vocabulary=self.vocabulary,
        )

    def search(self, analysis: Analysis, question: str = "", *, limit: int = 5) -> list[Match]:
        """The best candidates for an analysed question, best lexical score first (at most
        ``limit`` by words, plus up to five by meaning when ``question`` is given)."""
        weights = {t: self._idf.get(t, self._unknown(t)) for t in analysis.terms}
        total = sum(weights.values())
        if not total:
            return []
        seasons = analysis.seasons
        asked = weights.keys()
        rough = []
        for i in self._candidates(weights):
            if not self._in_season(i, seasons):
                continue  # about another season than the one asked about
            shared = sum(weights[t] for t in self._terms_of[i] & asked)
            rough.append((shared + _SEASON_BONUS * (self.facts[i].season in seasons), i))
        chosen = [i for _, i in heapq.nlargest(_RERANK, rough)]
        similarity = self.similarity(question) if question else None
        if similarity is not None:
            chosen += [i for i in self._nearest(similarity, seasons) if i not in chosen]
        query_text = " ".join(sorted(weights))
        actors_life = self._asks_of_an_actor_only(chosen, weights)
        story = self._asks_of_the_story(analysis.terms)
        matches = []
        scored = []
        for i in chosen:
            shared = sum(weights[t] for t in self._terms_of[i] & asked)
            scored.append(
                (
                    i,
                    *self._score(
                        i,
                        weights,
                        shared / total,
                        query_text,
                        seasons,
                        actors_life=actors_life,
                        story=story,
                    ),
                )
            )
        # What the question asks of the people it names, without their names: one
        # embedding of it with every name any candidate was named by left out.
        names = frozenset().union(*(named for _, _, named in scored))
        beside_names = None
        if similarity is not None and names:
            assert self._embedder is not None  # as similarity is not None
            rest = " ".join(w for w in fold(question).split() if w not in names)
            beside_names = self._embedder.embed_one(rest)
        for i, match, named in scored:
            if similarity is not None:
                beside = None
                if named and beside_names is not None:
                    beside = round(self._fact_similarity(i, beside_names), 4)
                match = dataclasses.replace(
                    match, semantic=round(float(similarity[i]), 4), beside_name=beside
                )
            matches.append(match)
        matches = self._parts_before_actors(chosen, matches, asked)
        matches.sort(key=lambda m: (m.score, m.semantic, m.fact.season or 0), reverse=True)
        return matches[: max(limit, len(matches) if similarity is not None else 0)]

    def _asks_of_an_actor_only(self, chosen: list[int], weights: dict[str, float]) -> bool:
        """Whether the question names an actor and, beside the name, only words no fact
        uses: "is celia imrie in bridget jones?", "is keri russell still with matthew rhys?"
        ask about the actor's own life and work, which no fact here answers."""
        named = [self._actor_terms[i] for i in chosen if self._actor_terms[i] <= weights.keys()]
        if not any(named):
            return False
        rest = weights.keys() - frozenset().union(*named) - {"@past"}  # "was she in ..."
        return bool(rest) and not any(t.startswith("@") or t in self._postings for t in rest)

    def _asks_of_the_story(self, terms: Sequence[str]) -> bool:
        """Whether a question that names a part may ask about its story rather than who
        plays it: it asks neither who nor about the cast, names no actor, and guesses at
        no one ("hal is hugh grant right?": two words in a row no fact uses)."""
        if {"@cast", "@who"}.intersection(terms) or self._actor_words.intersection(terms):
            return False
        unknown = [not t.startswith("@") and t not in self._postings for t in terms]
        return not any(a and b for a, b in itertools.pairwise(unknown))

    def _names_part(self, i: int, words: set[str]) -> bool:
        """Whether ``words`` name fact ``i``'s part: a word of its character's name that no
        other part shares ("hal", not "wyler"), or its role ("secretary of state")."""
        if not self._part_terms[i]:
            return False
        character, *role = self._part_terms[i]
        if character & words - self._shared_name_words:
            return True
        return any(len(terms & words) >= min(2, len(terms)) for terms in role)

    def _parts_before_actors(
        self, chosen: list[int], matches: list[Match], asked: Iterable[str]
    ) -> list[Match]:
        """When a question names a part and an actor of another part ("Hal is played by Rory
        Kinnear right?"), it asks who plays that part: the actor's own fact does not answer
        it (the part's fact does, and so corrects the premise), so it is left out."""
        order = {term: n for n, term in reversed(list(enumerate(asked)))}  # first mention
        words = set(order)
        parts = [i for i in chosen if self._names_part(i, words)]
        if not parts:
            return matches
        # The part must come first: "allison janney is playing the president?" is about her.
        first_part = min(min(order[t] for t in self._part_words(i, words)) for i in parts)

        def pushed_aside(i: int) -> bool:
            actor = self._actor_terms[i]
            return (
                i not in parts
                and bool(actor)
                and actor <= words
                and first_part < min(order[t] for t in actor)
            )

        return [m for i, m in zip(chosen, matches, strict=True) if not pushed_aside(i)]

    def _part_words(self, i: int, words: set[str]) -> set[str]:
        """The words of ``words`` that name fact ``i``'s part (see :meth:`_names_part`)."""
        return set().union(*self._part_terms[i]) & words

    def unknown_share(self, analysis: Analysis) -> float:
        """The share of the question's terms that no fact here uses (0 to 1)."""
        if not analysis.terms:
            return 1.0
        return sum(t not in self._postings for t in analysis.terms) / len(analysis.terms)

    def similarity(self, question: str) -> npt.NDArray[np.float32] | None:
        """How near in meaning ``question`` is to each fact (cosine, one value per fact)."""
        if self._embedder is None or self._vectors is None or not self.facts:
            return None
        asked = self._embedder.embed_one(question)
        if self._starts is None:  # a large index: one short vector per fact
            return self._vectors @ _unit(asked[: self._vectors.shape[1]])
        return np.maximum.reduceat(self._vectors @ asked, self._starts)

    def _fact_similarity(self, i: int, asked: npt.NDArray[np.float32]) -> float:
        """How near in meaning ``asked`` (an embedded text) is to fact ``i``."""
        assert self._vectors is not None
        if self._starts is None:
            return float(self._vectors[i] @ _unit(asked[: self._vectors.shape[1]]))
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self._vectors)
        return float((self._vectors[self._starts[i] : end] @ asked).max())

    def _nearest(self, similarity: npt.NDArray[np.float32], seasons: frozenset[int]) -> list[int]:
        """The facts nearest in meaning (in the season asked about), nearest first."""
        wanted = 4 * _SEMANTIC_CANDIDATES
        if len(similarity) > wanted:
            top = np.argpartition(-similarity, wanted)[:wanted]
        else:
            top = np.arange(len(similarity))
        ranked = sorted(top.tolist(), key=lambda i: (-similarity[i], i))
        return [i for i in ranked if self._in_season(i, seasons)][:_SEMANTIC_CANDIDATES]

    def _in_season(self, i: int, seasons: frozenset[int]) -> bool:
        season = self.facts[i].season
        return not seasons or season is None or season in seasons

    def _unknown(self, term: str) -> float:
        # A term no fact knows. A concept (an age question, say) weighs like the rarest
        # term: asking about it is asking about something else. A bare number ("2022")
        # says little. Any other word may be chatter ("binge", "lol") or a sign of another
        # topic ("weather"): it weighs like a term of middling rarity.
        if term.startswith("@"):
            return self._unknown_weight
        return 1.0 if term.isdigit() else self._unknown_word_weight

    def _candidates(self, weights: dict[str, float]) -> set[int]:
        known = sorted((t for t in weights if t in self._postings), key=weights.__getitem__)
        found: set[int] = set()
        for term in reversed(known):  # rarest (heaviest) first
            ids = self._postings[term]
            if found and len(found) + len(ids) > _CANDIDATE_BUDGET:
                continue  # too common to gather from; it still counts when scoring
            found.update(ids[:_CANDIDATE_BUDGET])
        return found

    def _score(
        self,
        i: int,
        weights: dict[str, float],
        fact_coverage: float,
        query_text: str,
        seasons: frozenset[int],
        *,
        actors_life: bool,
        story: bool,
    ) -> tuple[Match, frozenset[str]]:
        """Score fact ``i``: its best phrasing, helped by what its phrasings explain together;
        and the terms of the names of it (an actor, a character) that the question says."""
        total = sum(weights.values())
        best, best_coverage, named = 0.0, 0.0, False
        names: set[str] = set()
        for phrasing in self._phrasings_of[i]:
            if phrasing.is_name and phrasing.terms <= weights.keys():
                names |= phrasing.terms
            shared = sum(weights[t] for t in phrasing.terms & weights.keys())
            own = phrasing.weight
            coverage = (shared / total + fact_coverage) / 2
            similarity = fuzz.token_sort_ratio(query_text, phrasing.text) / 100
            score = _W_QUESTION * coverage + _W_PHRASING * shared / own + _W_FUZZ * similarity
            if phrasing.seasons:  # a phrasing about a season fits best when that is asked
                score += _SEASON_BONUS if phrasing.seasons & seasons else -_SEASON_BONUS
            named = named or (phrasing.is_name and phrasing.terms <= weights.keys())
            best, best_coverage = max((best, best_coverage), (score, coverage))
        fact = self.facts[i]
        best += _NAME_BONUS * named + _SEASON_BONUS * (fact.season in seasons)
        actor = self._actor_terms[i]
        actor_named = bool(actor) and actor <= weights.keys()
        names_part = self._names_part(i, set(weights))  # never, for a fact with no part
        # ... unless the part is named too: "the president is Michael McKean from Better Call
        # Saul, right?" asks who plays the president; nor is a spouse played ("rufus sewell
        # is the one playing the ambassador's husband?") the actor's own.
        asked = set(_ABOUT_THE_ACTOR.intersection(weights))
        if names_part:
            asked.discard(ELSEWHERE)
        if "@cast" in weights:
            asked.discard("@spouse")
        about_the_actor = actor_named and bool(asked)
        mismatch = (
            actors_life
            or bool(INTENTS.intersection(weights).difference(self._terms_of[i]))
            or (fact.spoiler and SPOILER_FREE in weights)
            or about_the_actor
        )
        if mismatch:  # asked for a kind of fact this is not (an age, a spoiler-free recap)
            best, best_coverage = best / 2, min(best_coverage, _MISMATCH_COVERAGE)
        score = round(max(0.0, min(best, 1.0)) * 100, 1)
        beside = {t: w for t, w in weights.items() if t not in names}
        unexplained = 0.0
        if names and beside:
            its_terms = self._terms_of[i]
            unexplained = sum(w for t, w in beside.items() if t not in its_terms)
            unexplained /= sum(beside.values())
        match = Match(
            fact,
            score,
            round(best_coverage, 3),
            mismatch=mismatch,
            unexplained=round(unexplained, 3),
            story_of_part=story and names_part,
            actor_and_part=names_part and actor_named,
        )
        return match, frozenset(names)


def pack_index(
    pack: Pack, facts: Iterable[Fact] | None = None, *, embedder: Embedder | None = None
) -> FactIndex:
    """An index of ``facts`` (default: the pack's) as fans of ``pack``'s show ask: its name
    says nothing about which fact is wanted, and its vocabulary is understood."""
    return FactIndex(
        pack.facts if facts is None else facts,
        ignore=(pack.show.name, *pack.show.aliases),
        embedder=embedder,
        vocabulary=Vocabulary(pack.vocabulary),
        examples=pack.examples,
    )


def _embed_facts(
    facts: Sequence[Fact], embedder: Embedder, examples: Mapping[str, Sequence[str]]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp] | None]:
    """Vectors of every fact's phrasings, examples and answer, and where each fact's rows
    start (or, for a very large index, one mean vector per fact and no starts)."""
    texts_of = [
        [*(text for text, _ in phrasings_of(fact)), *examples.get(fact.id, ()), fact.answer]
        for fact in facts
    ]
    rows = sum(map(len, texts_of))
    if rows <= _SEMANTIC_ROWS_MAX:
        starts = np.cumsum([0, *map(len, texts_of[:-1])], dtype=np.intp)
        flat = [t for texts in texts_of for t in texts]
        vectors = embedder.embed(flat)
        drop_in_slices(flat, texts_of)  # as in FactIndex: not all at once on return
        return vectors, starts
    means = np.empty((len(facts), _LARGE_INDEX_DIMENSIONS), dtype=np.float32)
    for first in range(0, len(facts), _EMBED_BATCH):  # bounded memory while embedding
        batch = texts_of[first : first + _EMBED_BATCH]
        vectors = embedder.embed([t for texts in batch for t in texts])
        starts = np.cumsum([0, *map(len, batch[:-1])], dtype=np.intp)
        summed = np.add.reduceat(vectors, starts, axis=0)[:, :_LARGE_INDEX_DIMENSIONS]
        means[first : first + len(batch)] = _unit(summed)
    drop_in_slices(texts_of)
    return means, None


def _unit(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``vectors`` (one, or one per row) scaled to length 1."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    unit: npt.NDArray[np.float32] = np.divide(
        vectors, norms, out=np.zeros_like(vectors), where=norms > 0
    )
    return unit


def _part_terms(character: str, role: str, vocabulary: Vocabulary) -> tuple[frozenset[str], ...]:
    """The terms of a part's character name and of its role ("US secretary of state")."""
    return tuple(
        terms
        for text in (character, role)
        if (terms := frozenset(analyse(text, vocabulary=vocabulary).terms))
    )


_RELATION = re.compile(r"(\w+)['\u2019]s (\w+)")


def _relations(facts: Sequence[Fact]) -> Iterator[tuple[int, str]]:
    """A part described through another ("Austin Dennison's sister") is also named through
    the other part's role and titles: "the foreign secretary's sister"."""
    named: dict[str, list[Fact]] = defaultdict(list)  # a word of a character's name: parts
    for fact in facts:
        if fact.cast is not None:
            for word in set(fold(fact.cast.character).split()):
                named[word].append(fact)
    for i, fact in enumerate(facts):
        if fact.cast is None:
            continue
        for owner, relation in _RELATION.findall(fact.cast.role):
            for other in named.get(fold(owner), ()):
                assert other.cast is not None
                if other is fact:
                    continue
                actor = set(fold(other.cast.actor).split())
                for title in (other.cast.role, *other.aliases):
                    if actor.isdisjoint(fold(title).split()):
                        yield i, f"{title}'s {relation}"


def phrasings_of(fact: Fact) -> list[tuple[str, bool]]:
    """Every way of asking for ``fact`` that the index knows, and whether it is a name."""
    texts = [(question, False) for question in fact.questions]
    texts += [(alias, True) for alias in fact.aliases]
    if fact.cast is not None:
        cast = fact.cast
        texts += [(cast.actor, True), (cast.character, True)]
        texts += [(f"who plays {cast.character}", False), (f"{cast.actor} {cast.status}", False)]
    if fact.date is not None:
        day = fact.date.exact
        month = dt.date(fact.date.year, fact.date.month, 1).strftime("%B %Y")
        texts.append((day.strftime("%A %B %d %Y") if day else month, False))
    return texts
