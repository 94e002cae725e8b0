"""Command errors become a short ephemeral message for the user and a log line for the host."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.store import (
    AlreadyRemoved,
    Attempt,
    CorruptFact,
    DuplicateFactId,
    FactError,
    NotRemoved,
    StaleRevision,
    StorageFull,
    StorageUnwritable,
    Taken,
    UnknownFact,
)
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)


STORAGE_FULL = (
    "I can't save changes right now (the bot's storage is full); nothing was changed. "
    "Please tell the bot's host."
)
STORAGE_FAILING = (
    "I can't save changes right now (the bot's storage is failing); nothing was changed. "
    "Please tell the bot's host."
)


_TAKEN = {
    Taken.PACK: "belongs to the pack; edit it to override it here",
    Taken.HERE: "already exists here",
    Taken.REMOVED_HERE: "already exists here (removed; restore it instead)",
    Taken.TWICE_IN_IMPORT: "appears twice in the import",
}
_REMOVED = {
    Attempt.EDIT: "is removed here; restore it to edit it",
    Attempt.REMOVE: "is already removed here",
    Attempt.IMPORT: "is removed here; restore it before importing it",
}


def fact_problem(error: FactError) -> str:
    """The store's refusal ``error`` (data only) as one sentence for a moderator."""
    fact = f"Fact {error.fact_id!r}"
    match error:
        case DuplicateFactId():
            return f"Fact id {error.fact_id!r} {_TAKEN[error.taken]}."
        case AlreadyRemoved():
            return f"{fact} {_REMOVED[error.attempt]}."
        case StaleRevision():
            return (
                f"{fact} changed meanwhile (you edited revision {error.expected}, it is now at "
                f"{error.actual}); reload it and try again."
            )
        case NotRemoved():
            return f"{fact} is not removed in this server."
        case UnknownFact():
            return f"No fact {error.fact_id!r} in this server or in the pack."
        case CorruptFact():
            return f"{fact} is stored in a form this version cannot read; tell the bot's host."
    return f"{fact} cannot be changed that way."


class NotAModerator(app_commands.CheckFailure):
    """The user may not curate facts in this server."""


def storage_trouble(error: BaseException) -> StorageUnwritable | None:
    """The storage failure behind ``error`` (a command error wraps it), if that is what it is."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error if isinstance(error, StorageUnwritable) else None


def storage_message(error: StorageUnwritable) -> str:
    """What the user is told; logs the trouble for the host once per episode."""
    if error.first_in_episode:
        free = "unknown" if error.free_bytes is None else f"{error.free_bytes / 1e6:.1f} MB"
        log.error(
            "Cannot write the database %s (%s); free space on its disk: %s. Writes are "
            "refused until there is room again (logged once, not for every refused write)",
            error.path,
            error.detail,
            free,
        )
    return STORAGE_FULL if isinstance(error, StorageFull) else STORAGE_FAILING


async def report_storage_trouble(
    interaction: discord.Interaction[Any], error: BaseException
) -> bool:
    """If ``error`` is a storage failure, tell the user (ephemerally) and return True.

    For the ``on_error`` of modals and views and for item callbacks, which the command
    tree's handler does not see.
    """
    trouble = storage_trouble(error)
    if trouble is None:
        return False
    await reply(interaction, content=storage_message(trouble), ephemeral=True)
    return True


class CommandErrorHandler:
    """Turns an app-command error into what the user sees (never a traceback)."""

    @staticmethod
    async def handle(
        interaction: discord.Interaction[FanBot], error: app_commands.AppCommandError
    ) -> None:
        trouble = storage_trouble(error)
        if trouble is not None:
            message = storage_message(trouble)
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = f"Easy there! Try again in {error.retry_after:.0f} s."
        elif isinstance(error, NotAModerator):
            message = str(error)
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = "This command works in a server, not in direct messages."
        elif isinstance(error, app_commands.CheckFailure):
            message = "You can't use this command here."
        elif isinstance(error, app_commands.TransformerError):
            message = f"I couldn't understand {error.value!r} for that option."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "Command /%s failed (guild %s, user %s)",
                command,
                interaction.guild_id,
                interaction.user.id,
                exc_info=error,
            )
            message = "Something went wrong on my side. The bot's host can find it in the logs."
        await reply(interaction, content=message, ephemeral=True)
