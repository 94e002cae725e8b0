"""Fixtures shared by the whole suite: the shipped pack, a fresh store, the answer service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers import AnswerService
from bot.core.pack import Pack, load_pack
from bot.core.store import FactStore

REPO = Path(__file__).resolve().parent.parent
PACK_PATH = REPO / "facts" / "the-diplomat.toml"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(PACK_PATH)


@pytest.fixture
async def store(tmp_path: Path, pack: Pack) -> AsyncIterator[FactStore]:
    async with await FactStore.open(tmp_path / "facts.db") as opened:
        await opened.sync_pack(pack)
        yield opened


@pytest.fixture
def service(store: FactStore, pack: Pack) -> AnswerService:
    return AnswerService(store, pack)
