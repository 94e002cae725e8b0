"""Checks shared by commands: per-user cooldowns and the moderator check."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.errors import NotAModerator

if TYPE_CHECKING:
    from bot.client import FanBot

T = TypeVar("T")


def user_cooldown() -> Callable[[T], T]:
    """One use per user per ``COMMAND_COOLDOWN_SECONDS`` (0 turns cooldowns off)."""

    def factory(interaction: discord.Interaction[FanBot]) -> app_commands.Cooldown | None:
        seconds = interaction.client.settings.command_cooldown_seconds
        return app_commands.Cooldown(1, seconds) if seconds > 0 else None

    return app_commands.checks.dynamic_cooldown(factory, key=lambda i: i.user.id)


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Messages in this channel, or one of the configured moderator roles.

    ``default_member_permissions`` only hides a command, and server admins can change who
    sees it; this run-time check is what protects the facts.
    """
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_messages:
        return True
    roles = getattr(interaction.user, "roles", ())
    allowed: frozenset[int] = interaction.client.settings.moderator_role_ids
    return any(role.id in allowed for role in roles)


NOT_A_MODERATOR = (
    "Only this server's moderators (Manage Messages, or a moderator role) "
    "can change the bot's facts."
)


def moderator_only() -> Callable[[T], T]:
    """The run-time check of every ``/fact`` command: :class:`~app_commands.NoPrivateMessage`
    outside a server (``guild_only`` only asks clients to hide a command in DMs), else
    :class:`NotAModerator` unless :func:`is_moderator`."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not is_moderator(interaction):
            raise NotAModerator(NOT_A_MODERATOR)
        return True

    return app_commands.check(predicate)
