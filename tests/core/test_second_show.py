"""A show is a pack: a made-up show's questions are answered with no code change.

``tests/data/packs/harbour-lights.toml`` has its own facts and its own vocabulary ("doc",
"hm", "town boss"); the bot's code and its decision model know nothing of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers import AnswerService, Decline
from bot.core.pack import Pack, load_pack
from bot.core.store import FactStore
from tests.conftest import REPO

PACK = REPO / "tests" / "data" / "packs" / "harbour-lights.toml"


@pytest.fixture
async def harbour(tmp_path: Path) -> AsyncIterator[AnswerService]:
    pack: Pack = load_pack(PACK)
    async with await FactStore.open(tmp_path / "harbour.db") as store:
        await store.sync_pack(pack)
        yield AnswerService(store, pack)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("whats harbour lights about", ["premise"]),
        ("where can i stream it", ["where-to-watch"]),
        ("when did it first come out", ["s1-premiere"]),
        ("when does s2 drop??", ["s2-premiere"]),
        ("who plays the hm", ["cast-nell"]),
        ("who's the doc played by", ["cast-varley"]),
        ("who plays the town boss", ["cast-lowe"]),
        ("mara oyelaran", ["cast-nell"]),
        ("whens s2 out and who plays the mayor", ["s2-premiere", "cast-lowe"]),
    ],
)
async def test_its_questions_are_answered(
    harbour: AnswerService, question: str, expected: list[str]
) -> None:
    answer = await harbour.answer(None, question, spoilers=False)
    assert [part.fact.id for part in answer.parts if part.fact] == expected, answer.text


async def test_a_question_its_one_phrasing_barely_covers_finds_the_fact(
    harbour: AnswerService,
) -> None:
    """Its renewal fact has one question ("Was Harbour Lights renewed?") and the words
    agree with it while the meaning leans to the premiere: answered, or offered first."""
    answer = await harbour.answer(None, "is there gonna be another season", spoilers=False)
    offered = [answer.fact.id] if answer.fact else [s.fact_id for s in answer.suggestions]
    assert offered[:1] == ["s2-renewal"], answer.text


async def test_its_finale_is_withheld_and_off_topic_declined(harbour: AnswerService) -> None:
    finale = await harbour.answer(None, "who was the smuggler", spoilers=False)
    assert finale.withheld and "lighthouse keeper" not in finale.text
    assert "Season 1 finale" in finale.text
    shown = await harbour.answer(None, "who was the smuggler", spoilers=True)
    assert "||In the Season 1 finale" in shown.text

    for question in ("how old is mara oyelaran", "what's the weather in cornwall"):
        declined = await harbour.answer(None, question, spoilers=False)
        assert declined.declined is Decline.NO_MATCH, (question, declined.text)
    other = await harbour.answer(None, "when does stranger things s5 come out", spoilers=False)
    assert other.declined is Decline.OTHER_SHOW
