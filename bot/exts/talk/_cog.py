"""Mentions ("@FanBot who plays the VP?") answered with a reply, and the message command
"Answer with FanBot". Parse, ask the core, render: the answer is exactly ``/ask``'s with
spoilers off, "Show me" buttons included, and no reply ever pings.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.constants import ASK_MAX_CHARS, MESSAGE_CONTENT_LIMIT
from bot.core.answers import asks_something
from bot.core.policy import clip
from bot.exts.answers._suggestions import answer_view
from bot.interactions import Interaction
from bot.responses import reply, reply_to, with_view

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

ANSWER_WITH = "Answer with FanBot"
# Mentions of anyone, roles and channels, and @everyone/@here: not part of the question.
_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>|@(?:everyone|here)\b")
_WORD = re.compile(r"\w")
_ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def question_in(content: str) -> str:
    """The question in a message: without mentions, on one line, at most ASK_MAX_CHARS."""
    return " ".join(_MENTION.sub(" ", content).split())[:ASK_MAX_CHARS]


class _Cooldown:
    """One answer per ``seconds`` per user or channel (``bucket``); 0 turns it off."""

    def __init__(self, seconds: float, bucket: commands.BucketType) -> None:
        cooldown = commands.Cooldown(1, seconds)
        self._mapping = commands.CooldownMapping(cooldown, bucket) if seconds > 0 else None

    def too_soon(self, message: discord.Message) -> bool:
        return bool(self._mapping and self._mapping.update_rate_limit(message))


class TalkCog(commands.Cog, name="Talk"):
    """Answers in the conversation itself."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot
        settings = bot.settings
        self._per_user = _Cooldown(settings.command_cooldown_seconds, commands.BucketType.user)
        self._per_channel = _Cooldown(
            settings.mention_channel_cooldown_seconds, commands.BucketType.channel
        )
        self._menu = app_commands.ContextMenu(name=ANSWER_WITH, callback=self.answer_with)
        self._menu.guild_only = True
        bot.tree.add_command(self._menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self._menu.name, type=self._menu.type)

    def _hint(self) -> str:
        name = self.bot.user.display_name if self.bot.user else "FanBot"
        return (
            f"Ask me about {self.bot.pack.show.name} in the same message, like "
            f"\u201c@{name} when does the new season come out?\u201d, or use `/ask`."
        )

    # ------------------------------------------------------------------ mentions

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if (
            not self.bot.settings.allow_mention_answers
            or me is None
            or message.guild is None
            or message.author.bot
            or message.webhook_id is not None
            or message.author.id == me.id
            or message.type not in _ANSWERED_TYPES
            or not any(user.id == me.id for user in message.mentions)  # not @everyone, roles
        ):
            return
        if self._per_user.too_soon(message) or self._per_channel.too_soon(message):
            return  # answered here a moment ago: stay quiet rather than flood the channel
        question = question_in(message.content)
        in_text = me.id in message.raw_mentions  # else: pinged by a reply to the bot
        if not _WORD.search(question) or (not in_text and not asks_something(question)):
            await self._send(message, content=self._hint())
            return
        answer = await self.bot.answers.answer(message.guild.id, question, spoilers=False)
        # A question offered suggestions is recorded first: its buttons carry its id.
        gap_id = await self.bot.gaps.note_suggested(message.guild.id, answer)
        view = answer_view(answer, spoilers=False, gap_id=gap_id)
        await self._send(message, content=answer.text, **with_view(view))
        if gap_id is None:
            self.bot.gaps.note_later(message.guild.id, answer)  # after the reply

    async def _send(self, message: discord.Message, **kwargs: object) -> None:
        try:
            await reply_to(message, **kwargs)
        except discord.HTTPException as error:  # no permission to post here, message gone
            log.info("Could not answer message %s: %s", message.id, error)

    # ------------------------------------------------------------------ Answer with FanBot

    async def answer_with(self, interaction: Interaction, message: discord.Message) -> None:
        """Reply to ``message`` with the answer to its text, saying who asked for it."""
        question = question_in(message.content)
        if not _WORD.search(question):
            text = "That message has no question in words for me to answer."
            await reply(interaction, content=text, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self.bot.answers.answer(interaction.guild_id, question, spoilers=False)
        credit = (
            f"\n-# Answered for {message.author.mention} "
            f"at the request of {interaction.user.mention}"
        )
        content = clip(answer.text, MESSAGE_CONTENT_LIMIT - len(credit)) + credit
        try:
            sent = await reply_to(
                message, content=content, **with_view(answer_view(answer, spoilers=False))
            )
        except discord.Forbidden:
            text = "I can't reply in this channel: I need Send Messages and Read Message History."
            await reply(interaction, content=text, ephemeral=True)
            return
        await reply(interaction, content=f"Answered: {sent.jump_url}", ephemeral=True)
