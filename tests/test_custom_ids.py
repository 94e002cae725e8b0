"""Buttons and forms whose custom id carries a fact id take exactly the ids the fact model
accepts (one shared fragment, :data:`bot.interactions.FACT_ID`, derived from
:data:`bot.core.models.FACT_ID_PATTERN`), and fit Discord's 100-character custom id with
every other part at its largest."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.exts.answers
import bot.exts.curation
import bot.exts.meta
import bot.exts.talk
from bot.constants import CUSTOM_ID_LIMIT
from bot.core.models import FACT_ID_PATTERN
from bot.exts.answers._reveal import RevealButton
from bot.exts.answers._suggestions import SuggestionButton
from bot.exts.curation._events import MoveEvent
from bot.exts.curation._modals import EditFact, RetryButton
from bot.exts.curation._views import ConfirmRemove
from bot.interactions import FACT_ID, b36
from tests.core.factories import make_fact

assert bot.exts.meta and bot.exts.talk and bot.exts.answers and bot.exts.curation  # all loaded

OWNER = b36(2**64 - 1)  # a moderator's id, as large as a snowflake can be
REVISION = 36**4 - 1  # a fact changed 1.6 million times
GAP = 2**63 - 1  # the largest SQLite row id

Item = discord.ui.DynamicItem[Any]
BUILDERS: dict[type[Item], Callable[[str], Item]] = {
    RevealButton: lambda fact_id: RevealButton(fact_id),
    SuggestionButton: lambda fact_id: SuggestionButton(fact_id, "x", spoilers=True, gap_id=GAP),
    MoveEvent: lambda fact_id: MoveEvent(OWNER, dt.date.max.toordinal(), fact_id),
    ConfirmRemove: lambda fact_id: ConfirmRemove(OWNER, REVISION, fact_id),
    RetryButton: lambda fact_id: RetryButton(OWNER, EditFact(fact_id, REVISION)),
}
EDGES = ["a", "0", "a-b", "a--b", "9" * 63 + "x", "a" * 64, "z" + "-" * 62 + "0"]
NOT_IDS = ["-a", "a-", "A", "a_b", "a b", "a" * 65, "é", "a\n"]


def _dynamic_items(cls: type[Item] = discord.ui.DynamicItem) -> set[type[Item]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_dynamic_items(sub)}
    return found


def _name(cls: type[Item]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _template(cls: type[Item]) -> re.Pattern[str]:
    pattern: re.Pattern[str] = cls.__discord_ui_compiled_template__
    return pattern


def test_every_template_with_a_fact_id_uses_the_shared_fragment() -> None:
    with_fact_id = {c for c in _dynamic_items() if "fact_id" in _template(c).groupindex}
    # By name: the e2e tests reload the extensions, which makes new classes of the same name.
    assert set(map(_name, with_fact_id)) == set(map(_name, BUILDERS))  # a new one is tested too
    for cls in with_fact_id:
        assert f"(?P<fact_id>{FACT_ID})" in _template(cls).pattern, cls
    assert f"^{FACT_ID}$" == FACT_ID_PATTERN


def _round_trip(fact_id: str) -> None:
    make_fact(fact_id)  # the model accepts it
    for cls, build in BUILDERS.items():
        custom_id = build(fact_id).custom_id
        assert len(custom_id) <= CUSTOM_ID_LIMIT, (cls, custom_id)
        match = _template(cls).fullmatch(custom_id)
        assert match is not None and match["fact_id"] == fact_id, (cls, custom_id)


@pytest.mark.parametrize("fact_id", EDGES)
def test_edge_ids_round_trip(fact_id: str) -> None:
    _round_trip(fact_id)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(FACT_ID, fullmatch=True))
def test_every_id_the_model_accepts_round_trips(fact_id: str) -> None:
    _round_trip(fact_id)


@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_what_the_model_refuses_no_template_takes(not_an_id: str) -> None:
    with pytest.raises(ValueError):
        make_fact(not_an_id)
    for cls, build in BUILDERS.items():
        custom_id = build("placeholder-id").custom_id.replace("placeholder-id", not_an_id)
        assert _template(cls).fullmatch(custom_id) is None, (cls, custom_id)


@pytest.mark.parametrize("fact_id", EDGES)
async def test_a_click_rebuilds_the_same_item(fact_id: str) -> None:
    for cls, build in BUILDERS.items():
        item = build(fact_id)
        match = _template(cls).fullmatch(item.custom_id)
        assert match is not None
        again = await cls.from_custom_id(None, item.item, match)  # type: ignore[arg-type]
        assert again.custom_id == item.custom_id, cls
