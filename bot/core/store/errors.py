"""The errors the fact store raises on purpose, all under :class:`StoreError`."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the fact store raises on purpose."""


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
