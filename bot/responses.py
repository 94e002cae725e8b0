"""Sending replies the same way everywhere: no mentions, and follow-ups once deferred."""

from __future__ import annotations

from typing import Any

import discord

NO_MENTIONS = discord.AllowedMentions.none()


async def reply(interaction: discord.Interaction[Any], **kwargs: Any) -> None:
    """Answer the interaction, or follow up if it was already answered or deferred.

    Every message goes out with ``AllowedMentions.none()``: text from fans or moderators
    can hold ``@everyone`` and must never ping.
    """
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
