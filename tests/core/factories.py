"""Small builders for facts in tests."""

from __future__ import annotations

from typing import Any

from bot.core.models import Fact


def make_fact(fact_id: str = "trailer-2", **fields: Any) -> Fact:
    """A valid fact; any field can be overridden."""
    data: dict[str, Any] = {
        "id": fact_id,
        "topic": "trailer",
        "questions": ["Is there a trailer for the new season?"],
        "answer": "Yes: the full trailer is out.",
        "source": "Added by the moderators",
    }
    data.update(fields)
    return Fact.model_validate(data)
