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

    def __init__(
        self, path: Path | str, free_bytes: int | None, detail: str, *, first_in_episode: bool
    ) -> None:
        self.path = path
        self.free_bytes = free_bytes
        self.detail = detail
        self.first_in_episode = first_in_episode
        super().__init__(path, free_bytes, detail)


class StorageFull(StorageUnwritable):
    """SQLITE_FULL (PostgreSQL: disk_full): the disk (or the database's size limit) is
    full."""


class StorageFailing(StorageUnwritable):
    """SQLITE_IOERR (PostgreSQL: io_error, insufficient_resources): the operating system
    failed to write (or read) the database."""


class Unusable(StrEnum):
    """Why a file cannot be the bot's database (worded by :func:`bot.cli.database_problem`)."""

    DIRECTORY = "directory"
    NO_FOLDER = "no-folder"
    CANNOT_OPEN = "cannot-open"
    READ_ONLY = "read-only"
    NOT_A_DATABASE = "not-a-database"
    CORRUPT = "corrupt"
    FOREIGN = "foreign"


class DatabaseUnusable(StoreError):
    """The file at ``path`` cannot be the bot's database, for ``problem``; nothing in it
    was changed. ``detail`` is the operating system's or SQLite's own words (for
    :attr:`Unusable.FOREIGN`: the tables found)."""

    def __init__(self, path: Path, problem: Unusable, detail: str = "") -> None:
        self.path = path
        self.problem = problem
        self.detail = detail
        super().__init__(path, problem, detail)


class DatabaseUnreachable(StoreError):
    """The PostgreSQL database ``where`` (its URL without the password) cannot be reached
    or logged into; ``detail`` is the driver's or server's own words."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(where, detail)


class SchemaTooNew(StoreError):
    """The database at ``where`` has schema version ``found``, written by a newer version of
    the bot, which knows versions up to ``known``."""

    def __init__(self, where: str, found: int, known: int) -> None:
        self.where = where
        self.found = found
        self.known = known
        super().__init__(where, found, known)


class ProposalNotOpen(StoreError):
    """The proposal ``proposal_id`` is not open in this server (decided or withdrawn
    meanwhile, unknown, or another server's)."""

    def __init__(self, proposal_id: int) -> None:
        self.proposal_id = proposal_id
        super().__init__(proposal_id)


class FactError(StoreError):
    """A refusal about one fact; ``fact_id`` names it. Subclasses carry what else there is
    to say, as data; :func:`bot.errors.fact_problem` words them."""

    def __init__(self, fact_id: str, *data: object) -> None:
        self.fact_id = fact_id
        super().__init__(fact_id, *data)


class Taken(StrEnum):
    """Where a fact id is already used."""

    PACK = "pack"  # by a pack fact (edit it to override it)
    HERE = "here"  # by one of the server's facts
    REMOVED_HERE = "removed-here"  # by one of the server's removed facts (restore it)
    TWICE_IN_IMPORT = "twice-in-import"  # by another fact of the same import


class DuplicateFactId(FactError):
    """The id is already taken (``taken`` says where)."""

    def __init__(self, fact_id: str, taken: Taken) -> None:
        self.taken = taken
        super().__init__(fact_id, taken)


class UnknownFact(FactError):
    """No such fact in this server or in the pack."""


class StaleRevision(FactError):
    """The fact changed since the caller read it: ``expected`` was read, it is at ``actual``."""

    def __init__(self, fact_id: str, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(fact_id, expected, actual)


class Attempt(StrEnum):
    """What was asked of a fact that turned out removed."""

    EDIT = "edit"
    REMOVE = "remove"
    IMPORT = "import"


class AlreadyRemoved(FactError):
    """The fact is removed (or hidden) in this server; ``attempt`` was refused."""

    def __init__(self, fact_id: str, attempt: Attempt) -> None:
        self.attempt = attempt
        super().__init__(fact_id, attempt)


class NotRemoved(FactError):
    """Restore was asked for a fact that is visible."""


class CorruptFact(FactError):
    """A stored row (of ``guild_id``, 0 for the pack) that no longer makes a valid
    :class:`Fact`; ``detail``: the validation error, or None for a row without a body."""

    def __init__(self, fact_id: str, guild_id: int, detail: str | None) -> None:
        self.guild_id = guild_id
        self.detail = detail
        super().__init__(fact_id, guild_id, detail)
