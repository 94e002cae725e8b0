"""Questions another fact already answers, found with the server's own search index.

A new question is a duplicate when, asked by a fan today, the bot would answer it with
*another* fact and be sure of it: that fact is the best match, with a score of at least
:data:`DUPLICATE_SCORE` and a coverage of at least :data:`DUPLICATE_COVERAGE` (stricter
than what the bot needs to answer, so that a merely related fact does not block a
moderator; ``tests/core/test_curation.py`` pins both with fans' real paraphrases and with
questions no fact answers). Facts about different seasons never duplicate each other, and
a question naming a season is not a duplicate of a fact about no season in particular: the
matcher keeps such facts apart, so both can stand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.matcher import FactIndex
from bot.core.models import Fact
from bot.core.policy import suggestion_label

DUPLICATE_SCORE = 80.0
DUPLICATE_COVERAGE = 0.8
_LOOK_AT = 3


@dataclass(frozen=True)
class Duplicate:
    """``question`` of the new or edited fact is already answered by ``other``."""

    question: str
    other: Fact
    score: float
    coverage: float

    def __str__(self) -> str:
        return (
            f"The question \u201c{self.question}\u201d is already answered by fact "
            f"`{self.other.id}` ({suggestion_label(self.other)}). Edit that fact instead, "
            "or ask it differently."
        )


def find_duplicates(index: FactIndex, fact: Fact, *, known: Iterable[str] = ()) -> list[Duplicate]:
    """The questions of ``fact`` that another fact in ``index`` already answers.

    ``known`` are questions the fact had before an edit: only new ones are checked, and
    the fact itself (same id, as the index knows it) never counts as a duplicate.
    """
    old = {question.casefold() for question in known}
    found = []
    for question in fact.questions:
        if question.casefold() in old:
            continue
        duplicate = _answered_elsewhere(index, fact, question)
        if duplicate is not None:
            found.append(duplicate)
    return found


def _answered_elsewhere(index: FactIndex, fact: Fact, question: str) -> Duplicate | None:
    analysis = index.analyse(question)
    if not analysis.terms:
        return None
    matches = index.search(analysis, limit=_LOOK_AT)
    if not matches:
        return None
    best = matches[0]
    if any(m.fact.id == fact.id and m.score >= best.score for m in matches):
        return None  # this very fact answers it (at least as well)
    other = best.fact
    if best.score < DUPLICATE_SCORE or best.coverage < DUPLICATE_COVERAGE:
        return None
    if fact.season is not None and other.season is not None and fact.season != other.season:
        return None
    if analysis.seasons and other.season is None:
        return None
    return Duplicate(question, other, best.score, best.coverage)
