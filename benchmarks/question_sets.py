"""Score the answer service on labelled fan question sets.

    .venv/bin/python -m benchmarks.question_sets                     # every set in tests/data
    .venv/bin/python -m benchmarks.question_sets path/to/set.toml -v  # one set, with misses

A set is a TOML file of ``[[question]]`` tables: ``text`` and ``expect``, the fact id that
answers it, ``"decline"``, or a list of fact ids for a message that asks several things
(``also`` may list other acceptable ids). A message is right when the bot answers exactly
the expected facts (in any order), or declines when it should. Spoilers are off: a
spoiler fact counts as answered when its notice is given, and a leak (its answer in the
text) is counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.answers import AnswerService
from bot.core.pack import Pack, load_pack
from bot.core.store import FactStore

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
PACK = REPO / "facts" / "the-diplomat.toml"


@dataclass
class Score:
    """How one set went."""

    name: str
    total: int = 0
    right: int = 0
    declines: int = 0  # questions that should be declined
    declined_right: int = 0
    leaks: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def line(self) -> str:
        declined = f"{self.declined_right}/{self.declines} out-of-scope declined"
        return (
            f"{self.name}: {self.right}/{self.total} right ({self.accuracy:.1%}), {declined}, "
            f"{len(self.leaks)} spoiler leaks"
        )


def load_set(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as file:
        questions: list[dict[str, Any]] = tomllib.load(file)["question"]
    return questions


def expected_ids(item: dict[str, Any]) -> frozenset[str]:
    expect = item["expect"]
    ids = frozenset([expect] if isinstance(expect, str) else expect)
    return ids - {"decline"}


async def score_set(service: AnswerService, name: str, questions: list[dict[str, Any]]) -> Score:
    score = Score(name)
    for item in questions:
        answer = await service.answer(None, item["text"], spoilers=False)
        got = frozenset(part.fact.id for part in answer.parts if part.fact is not None)
        expected = expected_ids(item)
        acceptable = {expected, *(frozenset([also]) for also in item.get("also", []))}
        score.total += 1
        score.declines += not expected
        if got in acceptable:
            score.right += 1
            score.declined_right += not expected
        else:
            shown = ", ".join(sorted(got)) or "decline"
            wanted = ", ".join(sorted(expected)) or "decline"
            score.misses.append(f"{item['text']!r}: expected {wanted}, got {shown}")
        for part in answer.parts:
            if part.fact is not None and part.fact.spoiler and part.fact.answer in answer.text:
                score.leaks.append(item["text"])
    return score


async def score_sets(paths: list[Path], pack: Pack) -> list[Score]:
    with tempfile.TemporaryDirectory() as directory:
        async with await FactStore.open(Path(directory) / "facts.db") as store:
            await store.sync_pack(pack)
            service = AnswerService(store, pack)
            return [await score_set(service, p.stem, load_set(p)) for p in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="default: every set in tests/data")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    paths = args.sets or sorted(DATA.glob("*questions*.toml"))
    for score in asyncio.run(score_sets(paths, load_pack(PACK))):
        print(score.line())
        if args.verbose:
            for miss in score.misses:
                print(f"  miss: {miss}")


if __name__ == "__main__":
    main()
