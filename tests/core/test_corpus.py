"""Fan questions written apart from the pack: accuracy, declines and spoiler leaks.

Two sets, each written from the source article the way fans type, by someone who had not
seen the matcher:

- ``fan_questions.toml`` (148): the development set. The synonyms and the pack's
  phrasings were improved while looking at its misses.
- ``held_out_questions.toml`` (90): written later without seeing the development set,
  the pack's wording or the code. Measured once as it came: 75.6%. Its misses then led to
  general changes (chat abbreviations, out-of-scope intents such as an actor's age or
  another show, unknown words weighing less), so it is no longer unseen; it stays as a
  guard against fitting the development set alone.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from bot.core.answers import AnswerService
from tests.conftest import REPO

DATA = REPO / "tests" / "data"


def corpus(name: str) -> list[dict[str, Any]]:
    with (DATA / f"{name}.toml").open("rb") as file:
        questions: list[dict[str, Any]] = tomllib.load(file)["question"]
    return questions


@pytest.mark.parametrize(
    ("name", "required"), [("fan_questions", 0.95), ("held_out_questions", 0.90)]
)
async def test_corpus_accuracy(
    service: AnswerService, capsys: Any, name: str, required: float
) -> None:
    questions = corpus(name)
    assert len(questions) >= 80
    wrong, leaks, declines_answered = [], [], []
    for item in questions:
        answer = await service.answer(None, item["text"], spoilers=False)
        got = answer.fact.id if answer.fact else "decline"
        if got != item["expect"] and got not in item.get("also", []):
            wrong.append(f"{item['text']!r}: expected {item['expect']}, got {got}")
        if item["expect"] == "decline" and answer.matched:
            declines_answered.append(item["text"])
        if answer.fact and answer.fact.spoiler and answer.fact.answer in answer.text:
            leaks.append(item["text"])
    accuracy = 1 - len(wrong) / len(questions)
    with capsys.disabled():
        right = len(questions) - len(wrong)
        print(f"\n{name}: {right}/{len(questions)} right ({accuracy:.1%})")
        for line in wrong:
            print(f"  miss: {line}")
    assert not leaks
    assert accuracy >= required
    # Out-of-scope questions must be declined; allow at most one borderline slip.
    assert len(declines_answered) <= 1, declines_answered
