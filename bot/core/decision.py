"""Answer, suggest or decline: a small learned model over what the matcher found.

For each candidate fact the matcher returns (:class:`~bot.core.matcher.Match`), a handful of
features say how well words and meaning agree on it, and how clearly it beats the others. A
logistic regression turns them into the probability that the candidate is the fact the fan
asked for. The best candidate is given as the answer when that probability reaches
``answer_at``; candidates above ``suggest_at`` are offered as "did you mean".

The weights are data (``decision.json`` beside this module), written by
``scripts/train_decision.py`` from the labelled question sets in ``tests/data``, and read
once at start. Nothing here is specific to one show.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.matcher import Match
from bot.core.models import Fact, Topic
from bot.core.text import OTHER_SHOW, Analysis

MODEL_PATH = Path(__file__).with_name("decision.json")

FEATURES = (
    "lexical",  # the lexical score, 0-1
    "coverage",  # how much of the question the fact explains, 0-1
    "semantic",  # cosine similarity to the fact's nearest phrasing
    "lexical_lead",  # lexical score minus the best other candidate's
    "semantic_lead",  # similarity minus the best other candidate's
    "agreement",  # the lexical and the semantic favourite are this fact
    "mismatch",  # asks for a kind of fact this is not (an age, a spoiler-free recap)
    "season_named",  # the question names this fact's season
    "unknown_season",  # the question names a season no fact is about
    "other_show",  # the question names another show
    "unknown_words",  # share of the question's terms that no fact uses
    "length",  # how many terms the question has (chatter dilutes coverage), 0-1
    "named",  # the question names this fact's actor or character
    "beside_name",  # then: the meaning of the rest of the question (else: "semantic")
    "unexplained",  # then: the share of the rest of the question this fact does not use
    "story_of_part",  # names a part (not its actor) and asks neither who plays it nor cast
    "actor_and_part",  # names both this fact's actor and their part ("kate is keri russell?")
    "season_cast",  # "is <someone> back for season 2?": +1 that season's cast news, -1 their part
)


@dataclass(frozen=True)
class Candidate:
    """A candidate fact and the probability that it is the one asked for."""

    match: Match
    probability: float


@dataclass(frozen=True)
class DecisionModel:
    """Logistic regression weights over :data:`FEATURES`, and the two thresholds."""

    weights: tuple[float, ...]
    bias: float
    answer_at: float
    suggest_at: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> DecisionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: trained on other features; run scripts/train_decision.py")
        return cls(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data["answer_at"]),
            float(data["suggest_at"]),
        )

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def rank(
        self,
        matches: Sequence[Match],
        analysis: Analysis,
        *,
        known_seasons: frozenset[int],
        unknown_words: float,
    ) -> list[Candidate]:
        """``matches`` with their probabilities, most likely first."""
        ranked = [
            Candidate(
                m, self.probability(features(m, matches, analysis, known_seasons, unknown_words))
            )
            for m in matches
        ]
        ranked.sort(key=lambda c: (c.probability, c.match.score), reverse=True)
        return ranked


def features(
    match: Match,
    matches: Sequence[Match],
    analysis: Analysis,
    known_seasons: frozenset[int],
    unknown_words: float,
) -> tuple[float, ...]:
    """The :data:`FEATURES` of ``match`` among ``matches``."""
    others = [m for m in matches if m is not match]
    best_lexical = max((m.score for m in others), default=0.0)
    best_semantic = max((m.semantic for m in others), default=0.0)
    top_lexical = max(matches, key=lambda m: m.score)
    top_semantic = max(matches, key=lambda m: m.semantic)
    season = match.fact.season
    return (
        match.score / 100,
        match.coverage,
        match.semantic,
        (match.score - best_lexical) / 100,
        match.semantic - best_semantic,
        float(top_lexical is match and top_semantic is match),
        float(match.mismatch),
        float(season is not None and season in analysis.seasons),
        float(bool(analysis.seasons - known_seasons)),
        float(OTHER_SHOW in analysis.terms),
        unknown_words,
        min(len(analysis.terms), 12) / 12,
        float(match.beside_name is not None),
        match.semantic if match.beside_name is None else match.beside_name,
        match.unexplained,
        float(match.story_of_part),
        float(match.actor_and_part),
        _season_cast(match, matches, analysis),
    )


def _season_cast(match: Match, matches: Sequence[Match], analysis: Analysis) -> float:
    """Whether someone named comes back in the season asked about is that season's cast
    news ("is keri russell back for s2?"), not who they play: +1 for the news, -1 for the
    part of the person named, 0 for any other fact or question."""
    if "@return" not in analysis.terms or not analysis.seasons:
        return 0.0
    if not any(m.beside_name is not None and m.fact.cast for m in matches):
        return 0.0  # nobody named: "is the cast coming back" is the news's own question
    news = [m for m in matches if _is_cast_news(m.fact, analysis.seasons)]
    if not news:
        return 0.0
    if any(m is match for m in news):
        return 1.0
    return -1.0 if match.beside_name is not None and match.fact.cast else 0.0


def _is_cast_news(fact: Fact, seasons: frozenset[int]) -> bool:
    """A fact about a season's cast as a whole (who joins, who returns), not one part."""
    return fact.topic is Topic.CAST and fact.cast is None and fact.season in seasons
