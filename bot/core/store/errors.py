"""The errors the fact store raises on purpose, all under :class:`StoreError`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class StoreError(Exception):
    """Base of every error the fact store raises on purpose."""


class StorageUnwritable(StoreError):
    """A write failed because of the storage under the database; it was rolled back
    whole: nothing changed.

    ``path``: the database file (PostgreSQL: its URL without the password).
    ``free_bytes``: free space on its disk when the write failed (None if unknown).
    ``detail``: the engine's words. ``first_in_episode``: no write
    failed like this since the last one that worked (or since the store opened), so a
    caller can report an episode once rather than every refused write.
    """

    problem = "cannot be written"

    def __init__(
        self, path: Path | str, free_bytes: int | None, detail: str, *, first_in_episode: bool
    ) -> None:
        self.path = path
        self.free_bytes = free_bytes
        self.detail = detail
        self.first_in_episode = first_in_episode
        free = "unknown" if free_bytes is None else f"{free_bytes} bytes"
        super().__init__(f"{path} {self.problem} ({detail}); free space on its disk: {free}")


class StorageFull(StorageUnwritable):
    """SQLITE_FULL (PostgreSQL: disk_full): the disk (or the database's size limit) is
    full."""

    problem = "is full"


class StorageFailing(StorageUnwritable):
    """SQLITE_IOERR (PostgreSQL: io_error, insufficient_resources): the operating system
    failed to write (or read) the database."""

    problem = "cannot be written: I/O error"


class Unusable(StrEnum):
    """Why a file cannot be the bot's database."""

    DIRECTORY = "is a directory"
    NO_FOLDER = "its folder cannot be created"
    CANNOT_OPEN = "cannot be opened or created"
    READ_ONLY = "is read-only"
    NOT_A_DATABASE = "is not an SQLite database"
    CORRUPT = "is corrupt"
    FOREIGN = "holds another program's data"


class DatabaseUnusable(StoreError):
    """The file at ``path`` cannot be the bot's database, for ``problem``; nothing in it
    was changed. ``detail`` is the operating system's or SQLite's own words (for
    :attr:`Unusable.FOREIGN`: the tables found)."""

    def __init__(self, path: Path, problem: Unusable, detail: str = "") -> None:
        self.path = path
        self.problem = problem
        self.detail = detail
        super().__init__(f"{path} {problem.value}" + (f" ({detail})" if detail else ""))


class DatabaseUnreachable(StoreError):
    """The PostgreSQL database ``where`` (its URL without the password) cannot be reached
    or logged into; ``detail`` is the driver's or server's own words."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(f"{where} cannot be reached ({detail})")


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the bot."""

    def __init__(self, where: str, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"{where}: schema version {found} is newer than this bot knows (up to {known}); "
            "upgrade the bot or restore a backup made by this version"
        )


class FactError(StoreError):
    """An error about one fact; ``fact_id`` names it."""

    def __init__(self, fact_id: str, message: str) -> None:
        self.fact_id = fact_id
        super().__init__(message)


class DuplicateFactId(FactError):
    """The id is already taken, in this server or by the pack."""


class UnknownFact(FactError):
    """No such fact in this server or in the pack."""

    def __init__(self, fact_id: str) -> None:
        super().__init__(fact_id, f"no fact {fact_id!r} in this server or in the pack")


class StaleRevision(FactError):
    """The fact changed since the caller read it."""

    def __init__(self, fact_id: str, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            fact_id,
            f"fact {fact_id!r} changed meanwhile (you edited revision {expected}, it is now "
            f"at {actual}); reload it and try again",
        )


class AlreadyRemoved(FactError):
    """The fact is removed (or hidden) in this server."""


class NotRemoved(FactError):
    """Restore was asked for a fact that is visible."""

    def __init__(self, fact_id: str) -> None:
        super().__init__(fact_id, f"fact {fact_id!r} is not removed in this server")


class CorruptFact(FactError):
    """A stored row that no longer makes a valid :class:`Fact`."""
