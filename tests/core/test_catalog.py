"""Facts by topic and season: what /premise, /cast, /premiere and /recap show."""

from __future__ import annotations

import pytest

from bot.constants import AUTOCOMPLETE_CHOICES_LIMIT
from bot.core.catalog import Catalog
from bot.core.pack import Pack


@pytest.fixture(scope="module")
def catalog(pack: Pack) -> Catalog:
    return Catalog(pack.facts)


def test_premiere_defaults_to_the_newest_season(catalog: Catalog) -> None:
    newest = catalog.premiere(None)
    assert newest is not None and newest.season == 2
    first = catalog.premiere(1)
    assert first is not None and first.date is not None and first.date.exact is None
    assert catalog.premiere(3) is None


def test_recap_splits_spoilers(catalog: Catalog) -> None:
    recap = catalog.recap(None)
    assert recap is not None and recap.season == 1
    assert [f.id for f in recap.spoiler_free] == ["s1-recap"]
    assert [f.id for f in recap.spoilers] == ["s1-finale"]
    assert catalog.recap(2) is None


@pytest.mark.parametrize(
    ("typed", "fact_id"),
    [
        ("cast-ali-ahn", "cast-ali-ahn"),
        ("alison jany", "cast-allison-janney"),
        ("GRACE PENN", "cast-allison-janney"),
        ("rory kinear", "cast-rory-kinnear"),
        ("T'Nia Miller", "cast-tnia-miller"),
    ],
)
def test_find_cast_by_id_or_name(catalog: Catalog, typed: str, fact_id: str) -> None:
    found = catalog.find_cast(typed)
    assert found is not None and found.id == fact_id


def test_find_cast_refuses_strangers(catalog: Catalog) -> None:
    assert catalog.find_cast("Bryan Cranston") is None
    assert catalog.find_cast("premise") is None  # an id, but not a cast fact


def test_cast_choices_fit_discord(catalog: Catalog) -> None:
    everyone = catalog.cast_choices("")
    assert len(everyone) == len(catalog.cast) <= AUTOCOMPLETE_CHOICES_LIMIT
    assert all(len(label) <= 100 for label, _ in everyone)
    assert catalog.cast_choices("mckean")[0][1] == "cast-michael-mckean"
