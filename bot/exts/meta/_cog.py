"""/about: what the bot knows, where it comes from, and how to ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import user_cooldown
from bot.constants import EMBED_FIELD_VALUE_LIMIT
from bot.core.answers import TOPIC_LABELS
from bot.core.policy import clip
from bot.core.tense import age
from bot.embeds import COLOUR
from bot.responses import reply

if TYPE_CHECKING:
    from bot.client import FanBot

COMMANDS = (
    ("/ask question", "any question; add `spoilers: True` for finale answers"),
    ("/premise", "what the show is about, spoiler-free"),
    ("/cast [name]", "the cast, or one actor or character"),
    ("/premiere [season]", "premiere dates, in your time zone"),
    ("/recap [season] [spoilers]", "catch up on a season"),
    ("@FanBot question", "mention me in any channel and I reply (no spoilers)"),
    ("Apps \u203a Answer with FanBot", "on any message: I reply to it with the answer"),
    ("/fact …", "moderators: add, correct or hide facts, and make premiere events, here"),
)


class MetaCog(commands.Cog, name="Meta"):
    """The bot describing itself."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What this bot knows and how to ask it")
    @user_cooldown()
    async def about(self, interaction: discord.Interaction[FanBot]) -> None:
        pack = self.bot.pack
        catalog = await self.bot.answers.lookup(interaction.guild_id, spoilers=False)
        topics = catalog.topic_counts()
        known = ", ".join(f"{TOPIC_LABELS[t]} ({n})" for t, n in sorted(topics.items()))
        embed = discord.Embed(
            title=f"{pack.show.name} fact bot",
            description=(
                f"I answer fans' questions about {pack.show.name} ({pack.show.network}) from "
                f"{topics.total()} curated facts, and I never spoil the finale for "
                f"anyone who didn't ask.\n\n**I know about:** {known}"
            ),
            colour=COLOUR,
        )
        embed.add_field(
            name="Commands",
            value="\n".join(f"`{name}`: {what}" for name, what in COMMANDS),
            inline=False,
        )
        today = self.bot.answers.clock().date()
        embed.add_field(
            name="Sources",
            value=clip(
                "\n".join(
                    f"{source.cite()}: {age(source.published, today)}"
                    for source in pack.sources.values()
                ),
                EMBED_FIELD_VALUE_LIMIT,
            ),
            inline=False,
        )
        shard, count = self.bot.shard_for(interaction.guild_id)
        embed.set_footer(text=shard_line(shard, count, here=interaction.guild_id is not None))
        await reply(interaction, embed=embed, ephemeral=True)


def shard_line(shard: int, count: int, *, here: bool) -> str:
    """Which of the bot's shards (its connections to Discord) answered, e.g. "Shard 1
    answered this server (2 shards, ids 0-1)"."""
    where = "this server" if here else "direct messages"
    shards = "1 shard" if count == 1 else f"{count} shards, ids 0-{count - 1}"
    return f"Shard {shard} answered {where} ({shards})"
