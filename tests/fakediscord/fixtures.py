"""Pytest fixtures for a conftest: ``from tests.fakediscord.fixtures import fake_discord``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .server import FakeDiscord

__all__ = ["fake_discord"]


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started :class:`FakeDiscord` (one guild) with discord.py's Route.BASE patched to it."""
    async with FakeDiscord() as fake:
        with fake.patched():
            yield fake
