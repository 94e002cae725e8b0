"""Fixtures of the core tests (beside the suite's own in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from bot.core.answers import AnswerService
from bot.core.gaps import GapService
from bot.core.store import FactStore
from tests.core.factories import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gaps(store: FactStore, service: AnswerService, clock: Clock) -> GapService:
    """The gaps service with a 90-day retention, on the test's hand-moved ``clock``."""
    return GapService(store, service, retention_days=90, clock=clock)
