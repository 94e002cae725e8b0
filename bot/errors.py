"""Command errors become a short ephemeral message for the user and a log line for the host."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)


class NotAModerator(app_commands.CheckFailure):
    """The user may not curate facts in this server."""


class CommandErrorHandler:
    """Turns an app-command error into what the user sees (never a traceback)."""

    @staticmethod
    async def handle(
        interaction: discord.Interaction[FanBot], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
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
