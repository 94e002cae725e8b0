"""A throwaway PostgreSQL cluster for the tests and the benchmarks.

:func:`start_cluster` runs ``initdb`` and ``pg_ctl`` from Debian's versioned directory
(``/usr/lib/postgresql/<version>/bin``; they are not on ``PATH``) in a new temporary
directory: trust authentication, a free port on 127.0.0.1, the unix socket in that
directory. PostgreSQL refuses to run as root, so as root the directory is given to the
``postgres`` user and the binaries run through ``runuser -u postgres --``.
:meth:`Cluster.stop` stops it (``-m immediate``: nothing in it is kept) and removes the
directory. Each test gets its own database (:meth:`Cluster.create_database`).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

SERVICE_USER = "postgres"
INITDB = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
STOP = ("-m", "immediate", "-w", "stop")
_names = itertools.count(1)


class NoPostgres(Exception):
    """No PostgreSQL binaries on this machine (or no user to run them as)."""


def find_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb``."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name.split(".")[0]),
    )
    if not found:
        raise NoPostgres(
            "no /usr/lib/postgresql/*/bin/initdb: install the postgresql package "
            "(.ci/run does so when run as root)"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster."""

    bindir: Path
    folder: Path
    port: int
    as_user: list[str]
    databases: list[str] = field(default_factory=list)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"test_{os.getpid()}_{next(_names)}"
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        finally:
            await connection.close()
        self.databases.append(name)
        return self.url(name)

    async def drop_database(self, url: str) -> None:
        """Drop the database at ``url`` (made by :meth:`create_database`), whoever is on it."""
        name = url.rsplit("/", 1)[-1]
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *STOP],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(*, durable: bool = False) -> Cluster:
    """Start a cluster in a new temporary folder. ``durable``: PostgreSQL's default
    ``fsync``/``synchronous_commit`` (for benchmarks); else both off (for tests)."""
    bindir = find_bindir()
    folder = Path(tempfile.mkdtemp(prefix="fanbot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            shutil.rmtree(folder)
            raise NoPostgres(f"running as root and there is no {SERVICE_USER!r} user") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", SERVICE_USER, "--"]
    port = _free_port()
    data = folder / "data"
    settings = [f"-p {port}", f"-k {folder}", "-c listen_addresses=127.0.0.1"]
    if not durable:
        settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    try:
        subprocess.run(
            [*as_user, str(bindir / "initdb"), "-D", str(data), *INITDB],
            capture_output=True,
            check=True,
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-o",
                " ".join(settings),
                "-w",
                "-t",
                "60",
                "start",
            ],
            capture_output=True,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        log = folder / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {error.stderr.decode(errors='replace')}{detail}"
        ) from None
    return Cluster(bindir, folder, port, as_user)
