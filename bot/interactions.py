"""What cogs, modals and views share about an interaction: one alias, one guild check, and
the short numbers their custom ids carry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import logs
from bot.constants import SEASON_MAX

if TYPE_CHECKING:
    from bot.client import FanBot

# Items and modals are generic over the client; ``interaction.client`` is the running FanBot.
Interaction = discord.Interaction[Any]

SeasonOption = app_commands.Range[int, 1, SEASON_MAX]
"""A slash command's season option: Discord itself refuses numbers outside the range."""


def guild_id_of(interaction: Interaction) -> int:
    """The server the interaction comes from; :class:`app_commands.NoPrivateMessage` in a
    direct message (server-only commands and forms never get there)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def bot_of(interaction: Interaction) -> FanBot:
    """The bot that got ``interaction``."""
    bot: FanBot = interaction.client
    return bot


def tag_logs(interaction: Interaction) -> None:
    """Tag what handling ``interaction`` logs from here on (the task and any task it
    starts) with its server, command and the shard that received it (:mod:`bot.logs`)."""
    command = interaction.command
    name = command.qualified_name if command is not None else None
    commands = (discord.InteractionType.application_command, discord.InteractionType.autocomplete)
    if name is None and interaction.type in commands and isinstance(interaction.data, dict):
        name = str(interaction.data.get("name") or "") or None
    shard, _ = bot_of(interaction).shard_for(interaction.guild_id)
    logs.interaction_context(guild=interaction.guild_id, command=name, shard=shard)


class LogTagged:
    """For buttons (dynamic items) and forms: what their callbacks log names the server
    and the shard, as for commands. Put it first among the bases."""

    async def interaction_check(self, interaction: Interaction, /) -> bool:
        tag_logs(interaction)
        return True


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(number: int) -> str:
    """``number`` in base 36: keeps ids and revisions short inside a custom id (100 chars)."""
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out
