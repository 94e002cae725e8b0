"""What one change did to a fact, in a few words, for ``/fact history``."""

from __future__ import annotations

from bot.core.models import Fact


def describe_change(before: Fact | None, after: Fact | None) -> str:
    """``"answer changed; 2 questions added"`` style; empty when nothing is known."""
    if before is None or after is None:
        return ""
    parts = []
    added = len(set(after.questions) - set(before.questions))
    dropped = len(set(before.questions) - set(after.questions))
    if added:
        parts.append(f"{added} question{'s' * (added != 1)} added")
    if dropped:
        parts.append(f"{dropped} question{'s' * (dropped != 1)} removed")
    if before.answer != after.answer:
        parts.append("answer changed")
    for field in ("topic", "season", "spoiler", "source", "aliases", "cast", "date", "spoils"):
        if getattr(before, field) != getattr(after, field):
            parts.append(f"{field} changed")
    return "; ".join(parts) or "no visible change"
