"""Embeds that Discord always accepts, whatever the store holds.

Discord rejects a whole message when one embed part is over its limit, and the fan sees an
error instead of an answer. Every embed the bot sends is built here, so each part is
clipped to its own limit and the total stays within :data:`EMBED_TOTAL_LIMIT`. Clipping
never cuts a spoiler tag open (:func:`bot.core.policy.clip`).
"""

from __future__ import annotations

import discord

from bot.constants import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
)
from bot.core.policy import clip

COLOUR = discord.Colour.from_rgb(31, 58, 96)  # a diplomatic navy


def embed(title: str, description: str | None = None) -> discord.Embed:
    """An embed in the bot's colour with its title and description clipped to their limits."""
    text = clip(description, EMBED_DESCRIPTION_LIMIT) if description else None
    return discord.Embed(title=clip(title, EMBED_TITLE_LIMIT), description=text, colour=COLOUR)


def room(embed: discord.Embed) -> int:
    """Characters still free in ``embed`` before Discord's total limit."""
    return EMBED_TOTAL_LIMIT - len(embed)


def add_field(embed: discord.Embed, name: str, value: str, *, inline: bool = True) -> bool:
    """Add a field if there is room for it (clipped to the limits); whether it was added."""
    name = clip(name, EMBED_FIELD_NAME_LIMIT)
    value = clip(value, min(EMBED_FIELD_VALUE_LIMIT, room(embed) - len(name)))
    if len(embed.fields) >= EMBED_FIELDS_LIMIT or not value.strip("\u2026"):
        return False
    embed.add_field(name=name, value=value, inline=inline)
    return True


def set_footer(embed: discord.Embed, text: str) -> None:
    """A footer of what fits (set last, so it takes what is left)."""
    text = clip(text, min(EMBED_FOOTER_LIMIT, room(embed)))
    if text.strip("\u2026"):
        embed.set_footer(text=text)
