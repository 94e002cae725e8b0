"""Picking a fact by id or by what it is about: the choices ``/fact`` autocomplete offers."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

from bot.constants import AUTOCOMPLETE_CHOICES_LIMIT, CHOICE_NAME_LIMIT
from bot.core.policy import suggestion_label
from bot.core.store import StoredFact

MATCH_CUTOFF = 50.0


def fact_label(stored: StoredFact) -> str:
    """``id: title`` with its state, at most a choice name long.

    A spoiler fact shows what it spoils instead of its first question.
    """
    fact = stored.fact
    marks = []
    if stored.origin == "override":
        marks.append("corrected here" if not stored.removed else "hidden here")
    elif stored.origin == "guild":
        marks.append("this server" if not stored.removed else "removed")
    mark = f" [{', '.join(marks)}]" if marks else ""
    label = f"{fact.id}: {suggestion_label(fact)}"
    room = CHOICE_NAME_LIMIT - len(mark)
    if len(label) > room:
        label = label[: room - 1].rstrip() + "\u2026"
    return label + mark


def fact_choices(
    facts: Sequence[StoredFact], typed: str, *, limit: int = AUTOCOMPLETE_CHOICES_LIMIT
) -> list[tuple[str, str]]:
    """(label, fact id) pairs for what the moderator typed, best first, at most ``limit``.

    Matches ids and titles fuzzily; nothing typed lists the facts in id order.
    """
    if not typed.strip():
        return [(fact_label(s), s.fact_id) for s in facts[:limit]]
    by_id = {s.fact_id: s for s in facts}
    searchable = {s.fact_id: f"{s.fact_id} {suggestion_label(s.fact)}" for s in facts}
    typed_id = typed.strip().casefold()
    prefixed = [fact_id for fact_id in by_id if fact_id.startswith(typed_id)]
    found = process.extract(
        typed,
        searchable,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=MATCH_CUTOFF,
    )
    ranked = list(dict.fromkeys([*prefixed, *(fact_id for _, _, fact_id in found)]))
    return [(fact_label(by_id[fact_id]), fact_id) for fact_id in ranked[:limit]]
