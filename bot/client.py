"""The bot: a :class:`commands.Bot` that owns the fact store and the answer service."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers import AnswerService
from bot.core.pack import Pack, load_pack
from bot.core.store import FactStore
from bot.errors import CommandErrorHandler
from bot.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.exts.answers", "bot.exts.meta", "bot.exts.curation", "bot.exts.talk")

# The bot has no voice features: discord.py's warnings that voice libraries (PyNaCl,
# davey) are missing would only be noise in front of the bot's own start-up messages.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def intents(settings: Settings | None = None) -> discord.Intents:
    """No privileged intent. ``guilds`` lets us name servers in logs; ``guild_messages``
    (unless ``ALLOW_MENTION_ANSWERS`` is off) brings messages, whose content Discord sends
    without the Message Content intent only when they mention the bot."""
    mentions = settings is None or settings.allow_mention_answers
    return discord.Intents(guilds=True, guild_messages=mentions)


class FanBot(commands.Bot):
    """Answers fans' questions about one show from its fact pack and each server's facts."""

    def __init__(self, settings: Settings, *, sync_dev_guild: bool = True) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # no message commands: slash only
            intents=intents(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            help_command=None,
            tree_cls=FanTree,
        )
        self.settings = settings
        self.sync_dev_guild = sync_dev_guild
        self.pack: Pack = load_pack(settings.fact_pack)
        self._store: FactStore | None = None
        self._answers: AnswerService | None = None

    @property
    def store(self) -> FactStore:
        if self._store is None:
            raise RuntimeError("the store opens in setup_hook")
        return self._store

    @property
    def answers(self) -> AnswerService:
        if self._answers is None:
            raise RuntimeError("the answer service starts in setup_hook")
        return self._answers

    async def open_store(self) -> None:
        """Open the database, load the pack into it and warm the answers; once.

        The runner calls this before connecting, so that a database problem
        (:class:`~bot.core.store.StoreError`) stops the bot before it logs in;
        :meth:`setup_hook` calls it too.
        """
        if self._store is not None:
            return
        store = await FactStore.open(self.settings.database_path)
        try:
            synced = await store.sync_pack(self.pack)
        except BaseException:
            await store.close()
            raise
        log.info("Fact pack %s: %s", self.pack.show.name, synced)
        self._store = store
        self._answers = AnswerService(store, self.pack)
        await self._answers.index_for(None)  # warm: the first question is as fast as any

    async def setup_hook(self) -> None:
        await self.open_store()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_dev_guild and self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            commands_synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to dev guild %s", len(commands_synced), guild.id)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are only read for mentions (``bot.exts.talk``)."""

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d guilds", self.user, len(self.guilds))

    async def close(self) -> None:
        await super().close()
        if self._store is not None:
            await self._store.close()
            self._store = None


class FanTree(app_commands.CommandTree["FanBot"]):
    """The command tree; every command error goes through :class:`CommandErrorHandler`."""

    async def on_error(
        self, interaction: discord.Interaction[FanBot], error: app_commands.AppCommandError
    ) -> None:
        await CommandErrorHandler.handle(interaction, error)
