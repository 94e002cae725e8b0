"""The Discord layer words the store's refusals (which carry data only), one sentence each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import database_problem, schema_problem
from bot.core.store import (
    AlreadyRemoved,
    Attempt,
    CorruptFact,
    DatabaseUnusable,
    DuplicateFactId,
    FactError,
    NotRemoved,
    SchemaTooNew,
    StaleRevision,
    Taken,
    UnknownFact,
    Unusable,
)
from bot.errors import fact_problem


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (UnknownFact("x"), "No fact 'x' in this server or in the pack."),
        (
            StaleRevision("x", 2, 3),
            "Fact 'x' changed meanwhile (you edited revision 2, it is now at 3); "
            "reload it and try again.",
        ),
        (
            DuplicateFactId("x", Taken.PACK),
            "Fact id 'x' belongs to the pack; edit it to override it here.",
        ),
        (DuplicateFactId("x", Taken.HERE), "Fact id 'x' already exists here."),
        (
            DuplicateFactId("x", Taken.REMOVED_HERE),
            "Fact id 'x' already exists here (removed; restore it instead).",
        ),
        (DuplicateFactId("x", Taken.TWICE_IN_IMPORT), "Fact id 'x' appears twice in the import."),
        (
            AlreadyRemoved("x", Attempt.EDIT),
            "Fact 'x' is removed here; restore it to edit it.",
        ),
        (AlreadyRemoved("x", Attempt.REMOVE), "Fact 'x' is already removed here."),
        (
            AlreadyRemoved("x", Attempt.IMPORT),
            "Fact 'x' is removed here; restore it before importing it.",
        ),
        (NotRemoved("x"), "Fact 'x' is not removed in this server."),
        (
            CorruptFact("x", 7, "bad"),
            "Fact 'x' is stored in a form this version cannot read; tell the bot's host.",
        ),
    ],
)
def test_each_refusal_is_one_sentence(error: FactError, sentence: str) -> None:
    assert fact_problem(error) == sentence


def test_the_cli_words_database_problems() -> None:
    path = Path("/data/fanbot.db")
    assert database_problem(DatabaseUnusable(path, Unusable.CORRUPT, "page 3")) == (
        f"DATABASE_PATH {path} is corrupt (page 3); it was left untouched: point "
        "DATABASE_PATH at another file or restore a backup"
    )
    assert schema_problem(SchemaTooNew(str(path), 9, 6)) == (
        f"DATABASE_PATH {path}: schema version 9 is newer than this bot knows (up to 6); "
        "upgrade the bot or restore a backup made by this version"
    )
