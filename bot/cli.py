"""``python -m bot``: run the bot, sync its commands, ask offline, check fact packs, import
one into a server, back up, restore, copy and check the database, check the running bot's
health."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.core.answers import Answer, AnswerService
from bot.core.pack import Pack, PackError, load_pack
from bot.core.store import (
    DatabaseUnreachable,
    DatabaseUnusable,
    FactStore,
    ImportReport,
    SchemaTooNew,
    StoreError,
    Unusable,
)
from bot.core.store.backup import BackupError, Copied
from bot.core.store.copy import CopyMismatch, TargetNotEmpty
from bot.core.store.engine import BadDatabaseUrl, described, is_postgres, parse_url
from bot.logs import setup_logging
from bot.metrics import MetricsError, check_available
from bot.settings import Settings

log = logging.getLogger("bot")

DISCORD_ID_MAX = 2**63 - 1
"""Discord ids (snowflakes) are positive and fit SQLite's signed 64-bit INTEGER."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(f"Invalid settings (environment or .env): {_first_error(error)}")
    setup_logging(settings.log_level, settings.log_format)
    try:
        code: int = args.handler(args, settings)
    except PathProblem as error:
        return _fail(str(error))
    except PackError as error:
        return _fail(f"The fact pack has problems:\n{error}")
    except DatabaseUnusable as error:
        return _fail(database_problem(error))
    except DatabaseUnreachable as error:
        return _fail(unreachable_problem(error, settings))
    except TargetNotEmpty as error:
        held = ", ".join(f"{table} {count}" for table, count in error.counts.items())
        return _fail(
            f"{error.where} is not empty ({held}): db copy only fills an empty database "
            "(it never merges); point TARGET_URL at a new database"
        )
    except CopyMismatch as error:
        return _fail(
            f"{error.where}: the copy wrote {error.copied} rows per table but "
            f"{error.found} are there; do not use it, and report this"
        )
    except SchemaTooNew as error:
        return _fail(schema_problem(error, settings.database_setting))
    except StoreError as error:
        return _fail(f"Database error: {error}")
    except (BackupError, MetricsError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    return code


class PathProblem(Exception):
    """A path given on the command line or in the settings cannot be used; the message
    says which and why, in one line."""


_WRITABLE = "point it at a writable location such as data/fanbot.db"
_UNUSABLE = {
    Unusable.CANNOT_OPEN: "cannot be opened or created",
    Unusable.READ_ONLY: "is read-only",
    Unusable.NOT_A_DATABASE: "is not an SQLite database",
    Unusable.CORRUPT: "is corrupt",
    Unusable.FOREIGN: "holds another program's data",
}
_UNTOUCHED = "it was left untouched: point DATABASE_PATH at another file or restore a backup"


def database_problem(error: DatabaseUnusable) -> str:
    """One line for the host: the setting, the file, what is wrong and what to do."""
    where = f"DATABASE_PATH {error.path}"
    detail = f" ({error.detail})" if error.detail else ""
    match error.problem:
        case Unusable.DIRECTORY:
            return f"{where} is a directory; point it at a file such as data/fanbot.db"
        case Unusable.NO_FOLDER:
            return f"{where}: its folder {error.path.parent} cannot be created{detail}; {_WRITABLE}"
        case Unusable.CANNOT_OPEN | Unusable.READ_ONLY:
            return f"{where} {_UNUSABLE[error.problem]}{detail}; {_WRITABLE}"
        case _:  # not a database, corrupt, another program's
            return f"{where} {_UNUSABLE[error.problem]}{detail}; {_UNTOUCHED}"


def unreachable_problem(error: DatabaseUnreachable, settings: Settings) -> str:
    """One line for the host: which database cannot be reached (no password), the driver's
    words, what to check."""
    named = error.where == described(settings.database)
    where = f"{settings.database_setting} {error.where}" if named else error.where
    return (
        f"{where} cannot be reached ({error.detail}): check that the server runs and the "
        "user, password and database name"
    )


def schema_problem(error: SchemaTooNew, setting: str = "DATABASE_PATH") -> str:
    """One line for the host: the database is newer than this bot, and what to do."""
    return (
        f"{setting} {error.where}: schema version {error.found} is newer than this bot "
        f"knows (up to {error.known}); upgrade the bot or restore a backup made by this version"
    )


def pack_file(path: Path, setting: str | None = "FACT_PACK") -> Path:
    """``path`` if it can be a pack file; else :class:`PathProblem` naming ``setting``."""
    if path.is_dir():
        if setting is None:
            raise PathProblem(f"{path} is a directory, not a fact pack file")
        raise PathProblem(
            f"{setting} {path} is a directory; point it at a pack file such as "
            "facts/the-diplomat.toml"
        )
    return path


def writable_database(path: Path, setting: str = "DATABASE_PATH") -> Path:
    """``path`` if this process may create or write the database there; else
    :class:`PathProblem` naming the user id and what to ``chown`` (in Docker the bot runs
    as uid 10001, and a bind-mounted folder usually belongs to root).

    Other problems (a directory, a folder that cannot exist) are left to the store."""
    uid = os.geteuid()
    where = Path.cwd() / path
    if where.is_file() and not os.access(where, os.W_OK):
        raise PathProblem(
            f"{setting} {path} is not writable by uid {uid}: `chown {uid} {where}`, "
            "or point it at a file this user may write"
        )
    folder = where.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        docker = " (for a Docker bind mount, on the host)" if folder == where.parent else ""
        raise PathProblem(
            f"{setting} {path}: {folder} is not writable by uid {uid}: "
            f"`chown {uid} {folder}`{docker}, or point {setting} at a folder this user may "
            "write (the Docker image's default is /data/fanbot.db, on its volume)"
        )
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Discord and answer fans")
    run.set_defaults(handler=_run)

    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=guild_id, help="sync to this guild only (instant)")
    sync.set_defaults(handler=_sync)

    ask = commands.add_parser("ask", help="answer questions offline, as the bot would")
    ask.add_argument("questions", nargs="+", metavar="QUESTION")
    ask.add_argument("--spoilers", action="store_true", help="show spoiler answers")
    ask.add_argument("--guild", type=guild_id, help="include this guild's own facts")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.set_defaults(handler=_ask)

    db = commands.add_parser(
        "db", help="back up, restore, copy or check the database (DATABASE_URL or DATABASE_PATH)"
    )
    db_commands = db.add_subparsers(required=True, metavar="COMMAND")
    backup = db_commands.add_parser(
        "backup", help="copy the database to a new file PATH; safe while the bot runs"
    )
    backup.add_argument("path", type=Path, metavar="PATH")
    backup.set_defaults(handler=_backup)
    restore = db_commands.add_parser(
        "restore", help="replace the database with the backup PATH (stop the bot first)"
    )
    restore.add_argument("path", type=Path, metavar="PATH")
    restore.set_defaults(handler=_restore)
    copy = db_commands.add_parser(
        "copy",
        help="copy everything from SOURCE_URL into the empty TARGET_URL (e.g. SQLite to "
        "PostgreSQL); stop the bot first",
    )
    copy.add_argument("source", type=database_url, metavar="SOURCE_URL")
    copy.add_argument("target", type=database_url, metavar="TARGET_URL")
    copy.set_defaults(handler=_copy)
    check_db = db_commands.add_parser(
        "check", help="print the schema version, rows per table and integrity (exit 1: problems)"
    )
    check_db.add_argument(
        "url", nargs="?", type=database_url, metavar="URL", help="default: the bot's database"
    )
    check_db.set_defaults(handler=_check_database)

    invite = commands.add_parser(
        "invite", help="print the link that adds the bot to a server, with its permissions"
    )
    invite.add_argument(
        "--client-id",
        type=application_id,
        help="the application's id (default: from DISCORD_TOKEN)",
    )
    invite.set_defaults(handler=_invite)

    health = commands.add_parser(
        "health", help="exit 0 if the running bot is connected and its store answers"
    )
    health.set_defaults(handler=_health)

    facts = commands.add_parser("facts", help="work with fact packs")
    facts_commands = facts.add_subparsers(required=True, metavar="COMMAND")
    check = facts_commands.add_parser("check", help="validate a fact pack")
    check.add_argument("path", nargs="?", type=Path, help="default: FACT_PACK")
    check.set_defaults(handler=_check)
    apply = facts_commands.add_parser(
        "import",
        help="apply a pack file to one server, as /fact import does (audited as cli)",
        description=(
            "Add, change and hide one server's facts from a pack-format file (as /fact export "
            "makes it), exactly as /fact import does: the file is checked whole and applied "
            "all or nothing, and the audit history names the author cli."
        ),
    )
    apply.add_argument(
        "--guild", type=guild_id, required=True, help="the server's id (a Discord server id)"
    )
    apply.add_argument("file", type=Path, metavar="FILE", help="a .toml pack file")
    apply.set_defaults(handler=_import)
    return parser


def guild_id(text: str) -> int:
    """``--guild``: a Discord server id, i.e. a snowflake (a positive 64-bit signed number)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= DISCORD_ID_MAX:
        # argparse shows this as "argument --guild: ..." under the usage line, exit code 2
        raise argparse.ArgumentTypeError(
            f"must be a Discord server id (a positive number), not {text!r}"
        )
    return value


def database_url(text: str) -> Path | str:
    """A database on the command line: ``sqlite:///path.db``, ``postgresql://...``, or a
    file path (SQLite)."""
    if "://" not in text:
        return Path(text)
    try:
        return parse_url(text)
    except BadDatabaseUrl as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def application_id(text: str) -> int:
    """``--client-id``: an application id (a snowflake, like a server id)."""
    try:
        return guild_id(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be a Discord application id (a positive number), not {text!r}"
        ) from None


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot  # imports discord; the offline commands do not need it

    pack_file(settings.fact_pack)
    _writable_store(settings)
    if settings.metrics_port is not None:
        check_available()
    return run_bot(settings)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import sync_commands

    pack_file(settings.fact_pack)
    _writable_store(settings)
    return sync_commands(settings, guild_id=args.guild)


def _writable_store(settings: Settings) -> None:
    """The SQLite file's folder must be writable (PostgreSQL: the server's business)."""
    if not is_postgres(settings.database):
        writable_database(settings.database_path, settings.database_setting)


def _sqlite_only(settings: Settings, verb: str) -> None:
    if is_postgres(settings.database):
        raise PathProblem(
            f"db {verb} works on an SQLite file, and DATABASE_URL names a PostgreSQL "
            "database: use pg_dump / pg_restore there (or db copy to an SQLite file)"
        )


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.store.backup import backup

    _sqlite_only(settings, "backup")
    copied = backup(settings.database_path, args.path)
    print(f"Backed up DATABASE_PATH {settings.database_path} to {_described(copied)}")
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.store.backup import restore
    from bot.health import STALE_AFTER_SECONDS, heartbeat_paths, read_heartbeat

    _sqlite_only(settings, "restore")
    target = settings.database_path
    ages = []
    for path in heartbeat_paths(target):  # of every process on it (shards: one each)
        try:
            ages.append(time.time() - read_heartbeat(path).written_at)
        except (OSError, ValueError, TypeError):
            continue
    age = min(ages, default=None)
    if age is not None and age < STALE_AFTER_SECONDS:
        raise PathProblem(
            f"DATABASE_PATH {target} belongs to a running bot (heartbeat {age:.0f} s ago); "
            "stop the bot first (docker stop fanbot), then restore"
        )
    writable_database(target)
    copied, kept = restore(args.path, target)
    before = f"; the database it replaced is in {kept}" if kept else ""
    print(f"Restored {args.path} to DATABASE_PATH {_described(copied)}{before}")
    return 0


def _copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.store.copy import copy_database

    _existing(args.source, "SOURCE_URL")
    report = asyncio.run(copy_database(args.source, args.target))
    total = sum(report.rows.values())
    print(f"Copied {total} rows from {report.source} to {report.target} (schema {report.schema}):")
    for table, count in sorted(report.rows.items()):
        print(f"  {table:<18} {count:>9}")
    return 0


def _check_database(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.store.copy import check_database

    target = args.url if args.url is not None else settings.database
    _existing(target, "URL" if args.url is not None else settings.database_setting)
    report = asyncio.run(check_database(target))
    verdict = "integrity ok" if not report.problems else f"{len(report.problems)} problems"
    print(f"{report.where}: {report.engine}, schema {report.schema}, {verdict}")
    for table, count in sorted(report.rows.items()):
        print(f"  {table:<18} {count:>9}")
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 0 if not report.problems else 1


def _existing(target: Path | str, setting: str) -> None:
    """An SQLite file to read from must exist (opening would create an empty one)."""
    if isinstance(target, Path) and not target.is_file():
        raise PathProblem(f"{setting} {described(target)} does not exist")


def _described(copied: Copied) -> str:
    return (
        f"{copied.path} ({copied.size / 1e3:.0f} kB, {copied.facts} fact rows, "
        f"{copied.audit} audit entries, schema {copied.schema}, integrity ok)"
    )


def _invite(args: argparse.Namespace, settings: Settings) -> int:
    from bot.invite import client_id_from_token, invite_url

    client_id = args.client_id
    if client_id is None and settings.discord_token is not None:
        client_id = client_id_from_token(settings.discord_token.get_secret_value())
    if client_id is None:
        return _fail(
            "Give --client-id (the Application ID on your application's page in the Discord "
            "developer portal), or set DISCORD_TOKEN in .env"
        )
    print(invite_url(client_id))
    return 0


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.health import check, heartbeat_path

    healthy, line = check(heartbeat_path(settings.database_path, settings.shard_ids))
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def _check(args: argparse.Namespace, settings: Settings) -> int:
    path = pack_file(args.path, None) if args.path else pack_file(settings.fact_pack)
    pack = load_pack(path)
    spoilers = sum(fact.spoiler for fact in pack.facts)
    print(f"{path}: OK, {len(pack.facts)} facts ({spoilers} spoiler), {pack.show.name}")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.store import FactError

    path: Path = args.file
    name = str(path)  # problems name the file as given
    try:
        data = _import_file(path, name)
        pack = load_pack(pack_file(settings.fact_pack))
        database = settings.database
        if isinstance(database, Path):  # a PostgreSQL database is the server's business
            existing_database(database)
        report = asyncio.run(_apply_import(database, pack, args.guild, data, name))
    except PackError as error:
        return _fail(f"Could not import {path}, nothing was changed:\n{error}")
    except FactError as error:
        return _fail(
            f"Could not import {path} into server {args.guild}, nothing was changed: {error}"
        )
    counts = [
        f"{len(ids)} {label}"
        for label, ids in (
            ("added", report.added),
            ("changed", report.changed),
            ("hidden", report.hidden),
            ("unchanged", report.unchanged),
        )
    ]
    if report.skipped:
        counts.append(f"{len(report.skipped)} not in this server, so not hidden")
    print(f"Imported {path} into server {args.guild}: {', '.join(counts)} (audited as cli)")
    return 0


def _import_file(path: Path, name: str) -> bytes:
    """The bytes of an import file, or :class:`PathProblem` saying why not (a
    :class:`PackError` for one over the size ``/fact import`` takes, before reading it)."""
    from bot.core.curation.packfile import check_upload_size

    try:
        if path.is_file():
            check_upload_size(name, path.stat().st_size)
        return path.read_bytes()
    except FileNotFoundError:
        raise PathProblem(f"{path} does not exist; give the path of a .toml pack file") from None
    except IsADirectoryError:
        raise PathProblem(f"{path} is a directory, not a fact pack file") from None
    except OSError as error:
        raise PathProblem(f"{path} cannot be read ({error.strerror})") from None


def existing_database(path: Path) -> Path:
    """``path`` if a database is there to change; else :class:`PathProblem` (a command that
    changes one server's facts never creates a new, empty database by mistake)."""
    if not path.exists():
        raise PathProblem(
            f"DATABASE_PATH {path} does not exist: point DATABASE_PATH at the bot's database "
            "(the bot creates it when it first starts)"
        )
    return writable_database(path)


async def _apply_import(
    path: Path | str, pack: Pack, guild: int, data: bytes, name: str
) -> ImportReport:
    """``/fact import``'s own step (:meth:`CurationService.import_pack`), with the author
    :data:`~bot.core.curation.CLI_ACTOR_ID`."""
    from bot.core.curation import CLI_ACTOR_ID, CurationService

    async with await FactStore.open(path) as store:
        curation = CurationService(store, AnswerService(store, pack), pack)
        return await curation.import_pack(guild, data, name, actor_id=CLI_ACTOR_ID)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    answers = asyncio.run(_answer_all(settings, args.questions, args.guild, args.spoilers))
    for answer in answers:
        print(json.dumps(answer_json(answer), ensure_ascii=False) if args.json else answer.text)
        if not args.json and len(answers) > 1:
            print()
    return 0


async def _answer_all(
    settings: Settings, questions: Sequence[str], guild_id: int | None, spoilers: bool
) -> list[Answer]:
    pack = load_pack(pack_file(settings.fact_pack))
    database = settings.database
    if guild_id is not None and isinstance(database, Path) and not database.exists():
        log.warning("DATABASE_PATH %s does not exist: no server's own facts to include", database)
    # A copy in memory: answering never writes the database, whatever pack is loaded.
    guilds = [] if guild_id is None else [guild_id]
    async with await FactStore.snapshot(database, guild_ids=guilds) as store:
        await store.sync_pack(pack)  # the copy only: stored servers' rows meet this pack
        service = AnswerService(store, pack)
        return [await service.answer(guild_id, q, spoilers=spoilers) for q in questions]


def answer_json(answer: Answer) -> dict[str, object]:
    """The ``ask --json`` contract: one object per argument. ``text`` is the whole reply;
    ``answers`` has each question the message asked (several for "when's s2 and who plays
    the vp"), with its fact, its text and whether it is a spoiler."""
    fact = answer.fact
    return {
        "question": answer.question,
        "matched": answer.matched,
        "text": answer.text,
        "fact_id": fact.id if fact else None,
        "topic": fact.topic.value if fact else None,
        "score": answer.score,
        "spoiler": answer.spoiler,
        "withheld": answer.withheld,
        "declined": answer.declined.value if answer.declined else None,
        "suggestions": [s.fact_id for s in answer.suggestions],
        "answers": [
            {
                "fact_id": part.fact.id if part.fact else None,
                "text": part.text,
                "spoiler": part.spoiler,
                "withheld": part.withheld,
            }
            for part in answer.parts
        ],
    }


def _first_error(error: ValidationError) -> str:
    detail = error.errors(include_url=False)[0]
    name = ".".join(str(part) for part in detail["loc"]).upper()
    message = detail["msg"].removeprefix("Value error, ")
    return f"{name}: {message}" if name else message  # a rule across settings names them


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2
