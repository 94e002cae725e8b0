"""What :class:`~bot.core.store.FactStore` needs from a database engine, and which engine
a ``DATABASE_URL`` names.

The store's SQL is written once, with ``?`` placeholders and SQL both engines run
(``ON CONFLICT ... DO UPDATE``, ``RETURNING``, no ``INSERT OR ...``, no ``json_each``).
An engine (:mod:`.sqlite`, :mod:`.postgres`) gives it:

* :meth:`Engine.read`: a connection for reads (one statement sees one committed state);
* :meth:`Engine.transaction`: a connection inside a write transaction that commits when
  the block ends and rolls back on any exception, serialised against every other
  transaction that names one of the same servers (see each engine for how);
* :meth:`Engine.publish` and :meth:`Engine.others_committed`: how a change committed by
  another process reaches this one's caches (see :meth:`FactStore.fresh_generation`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

Params = Sequence[Any]

SQLITE_SCHEME = "sqlite"
POSTGRES_SCHEMES = ("postgresql", "postgres")

GENERATIONS_CHANNEL = "fanbot_generations"
"""PostgreSQL ``NOTIFY`` channel: payload ``"<scope>:<generation>"`` on each commit."""


class Connection(Protocol):
    """One engine connection, as the store's SQL uses it (``?`` placeholders)."""

    async def fetch(self, sql: str, params: Params = (), *, batch: int = 0) -> list[Sequence[Any]]:
        """The rows ``sql`` returns; with ``batch``, read that many at a time, letting other
        tasks run in between (a large server's facts would hold the event loop for tens of
        milliseconds: the drivers build all the rows of one read at once)."""

    async def run(self, sql: str, params: Params = ()) -> int:
        """Execute one statement; the number of rows it changed."""

    async def run_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Execute ``sql`` once per parameter row; the number of rows given."""


class Engine(ABC):
    """A database the fact store runs on."""

    kind: Literal["sqlite", "postgresql"]
    where: str
    """The database for messages and logs (a PostgreSQL URL without its password)."""
    tables_sql: str
    """Lists the store's tables by name (not the engine's own bookkeeping)."""
    columns_sql: str
    """Lists the columns of the table ``?``, in order."""

    @abstractmethod
    def read(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Connection]:
        """A connection for reads; ``consistent``: all of them see one snapshot."""

    @abstractmethod
    def transaction(
        self, guilds: Sequence[int] = (), *, everything: bool = False
    ) -> AbstractAsyncContextManager[Connection]:
        """A write transaction, serialised against any other naming one of ``guilds``
        (``everything``: against every other transaction, e.g. a pack sync)."""

    async def publish(self, connection: Connection, scope: int, generation: int) -> None:  # noqa: B027
        """Tell other processes, on commit, that ``scope`` is at ``generation``."""

    @abstractmethod
    async def others_committed(self) -> bool:
        """Whether another process may have committed since this was last asked (then
        the store re-reads the persisted generations)."""

    async def listen(  # noqa: B027
        self, on_change: Callable[[int, int], None], on_reconnect: Callable[[], Awaitable[None]]
    ) -> None:
        """Start hearing other processes' commits, if the engine can."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The schema version the database is at."""

    @abstractmethod
    async def integrity_problems(self) -> list[str]:
        """What the engine's own integrity check reports (empty: none)."""

    async def after_copy(self, connection: Connection) -> None:  # noqa: B027
        """Inside the transaction that copied rows in with their ids: make new ids follow
        them."""

    @abstractmethod
    async def close(self) -> None:
        """Close every connection, after the calls in progress."""


def marks(count: int) -> str:
    """``?, ?, ...``: ``count`` placeholders, for ``IN (...)``."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("?" * count)


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?")


@lru_cache(maxsize=1024)
def numbered_placeholders(sql: str) -> str:
    """``sql`` with each ``?`` outside quotes as ``$1``, ``$2``, ... (PostgreSQL's)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() != "?":
            return match.group()
        count += 1
        return f"${count}"

    return _TOKENS.sub(number, sql)


# --- DATABASE_URL ---------------------------------------------------------------------


class BadDatabaseUrl(ValueError):
    """``DATABASE_URL`` names no engine this bot has; the message says what works."""


def is_postgres(target: Path | str) -> bool:
    """Whether ``target`` (a path, or a URL) names a PostgreSQL database."""
    return isinstance(target, str) and urlsplit(target).scheme in POSTGRES_SCHEMES


def sqlite_path(url: str) -> Path:
    """The file of ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``."""
    if not url.startswith(f"{SQLITE_SCHEME}:///") or url == f"{SQLITE_SCHEME}:///":
        raise BadDatabaseUrl(
            f"{url!r} is no SQLite URL: write sqlite:///data/fanbot.db (relative) or "
            "sqlite:////srv/fanbot.db (absolute)"
        )
    return Path(url.removeprefix(f"{SQLITE_SCHEME}:///"))


def parse_url(url: str) -> Path | str:
    """``url`` as the store opens it: a :class:`Path` for SQLite, the URL for PostgreSQL."""
    scheme = urlsplit(url).scheme
    if scheme == SQLITE_SCHEME:
        return sqlite_path(url)
    if scheme in POSTGRES_SCHEMES:
        return url
    raise BadDatabaseUrl(
        f"{redacted(url)!r} names no engine this bot has: use sqlite:///path/to/file.db or "
        "postgresql://user:password@host:5432/database"
    )


def redacted(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def described(target: Path | str) -> str:
    """``target`` for messages: the path, or the URL without its password."""
    return redacted(target) if isinstance(target, str) else str(target)
