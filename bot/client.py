"""The bot: a :class:`commands.Bot` that owns the fact store and the answer service."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.core.answers import AnswerService
from bot.core.curation import CurationService
from bot.core.curation.proposals import ProposalService
from bot.core.gaps import GapService
from bot.core.pack import Pack, load_pack
from bot.core.store import FactStore, StoreError
from bot.errors import CommandErrorHandler
from bot.health import HeartbeatWriter, heartbeat_path
from bot.interactions import tag_logs
from bot.invite import SCOPES, invite_url, permission_names
from bot.metrics import Metrics
from bot.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.exts.answers", "bot.exts.meta", "bot.exts.curation", "bot.exts.talk")

SHUTDOWN_GRACE_SECONDS = 5.0
"""How long a stopping bot waits for the responses it is still working on."""

# The tasks discord.py runs an interaction in: a slash command or autocomplete, a button
# or select of a view, a submitted modal.
_INTERACTION_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
)


def interactions_in_flight() -> set[asyncio.Task[object]]:
    """The interactions this event loop is still handling."""
    return {
        task
        for task in asyncio.all_tasks()
        if not task.done() and task.get_name().startswith(_INTERACTION_TASKS)
    }


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


class FanBot(commands.AutoShardedBot):
    """Answers fans' questions about one show from its fact pack and each server's facts.

    Sharded: ``SHARD_COUNT`` and ``SHARD_IDS`` choose the shards this process runs (the
    others run in other processes); without them, every shard of Discord's recommended
    count, in this process.
    """

    def __init__(
        self, settings: Settings, *, sync_dev_guild: bool = True, serving: bool = True
    ) -> None:
        """``serving``: a bot that answers (a heartbeat, and metrics if METRICS_PORT is
        set), not one that only syncs its commands."""
        # SHARD_COUNT and SHARD_IDS; neither: every shard of Discord's recommended count
        sharding: dict[str, Any] = {"shard_count": settings.shard_count}
        if settings.shard_ids is not None:
            sharding["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,  # no message commands: slash only
            intents=intents(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            max_messages=None,
            chunk_guilds_at_startup=False,
            help_command=None,
            tree_cls=FanTree,
            **sharding,
        )
        self.settings = settings
        self.sync_dev_guild = sync_dev_guild
        self.pack: Pack = load_pack(settings.fact_pack)
        self._store: FactStore | None = None
        self._answers: AnswerService | None = None
        self._curation: CurationService | None = None
        self._gaps: GapService | None = None
        self._proposals: ProposalService | None = None
        self._stopping = False
        self.metrics: Metrics | None = None
        if serving and settings.metrics_port is not None:
            self.metrics = Metrics(guilds=lambda: len(self.guilds))
        self.heartbeat: HeartbeatWriter | None = None
        if serving:
            self.heartbeat = HeartbeatWriter(
                heartbeat_path(settings.database_path, settings.shard_ids),
                connected=self.is_connected,
                latency=lambda: self.latency,
                guilds=lambda: len(self.guilds),
                read_store=lambda: self.store.get(None, "fanbot-health-probe"),
            )

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

    @property
    def curation(self) -> CurationService:
        """Moderators' changes to a server's facts (``/fact``)."""
        if self._curation is None:
            raise RuntimeError("the curation service starts in setup_hook")
        return self._curation

    @property
    def gaps(self) -> GapService:
        """Fans' unanswered questions, per server (``/fact gaps``)."""
        if self._gaps is None:
            raise RuntimeError("the gap service starts in setup_hook")
        return self._gaps

    @property
    def proposals(self) -> ProposalService:
        """Facts members proposed (``/suggest``, ``/fact review``)."""
        if self._proposals is None:
            raise RuntimeError("the proposal service starts in setup_hook")
        return self._proposals

    async def open_store(self) -> None:
        """Open the database, load the pack into it and warm the answers; once.

        The runner calls this before connecting, so that a database problem
        (:class:`~bot.core.store.StoreError`) stops the bot before it logs in;
        :meth:`setup_hook` calls it too.
        """
        if self._store is not None:
            return
        store = await FactStore.open(self.settings.database)
        if self.metrics is not None:
            self.metrics.watch_store(store)
        try:
            synced = await store.sync_pack(self.pack)
        except BaseException:
            await store.close()
            raise
        log.info("Fact pack %s: %s", self.pack.show.name, synced)
        self._store = store
        self._answers = AnswerService(store, self.pack)
        self._curation = CurationService(store, self._answers, self.pack)
        self._proposals = ProposalService(store, self._curation)
        self._gaps = GapService(
            store, self._answers, retention_days=self.settings.unanswered_retention_days
        )
        try:
            purged = await self._gaps.purge()
        except StoreError as error:  # a full disk must not keep the bot from answering
            log.warning("Could not purge old unanswered questions: %s", error)
        else:
            if purged:
                log.info("Purged %d unanswered questions older than the retention", purged)
        if self.metrics is not None:
            self.metrics.watch_answers(self._answers)
            host, port = self.settings.metrics_host, self.settings.metrics_port or 0
            port = self.metrics.serve(host, port)
            log.info("Metrics on http://%s:%d/metrics", host, port)
        await self._answers.index_for(None)  # warm: the first question is as fast as any

    def is_connected(self) -> bool:
        """Every shard of this process connected to the gateway, and READY (not stopping)."""
        shards = self.shards.values()
        return (
            self.is_ready()
            and not self._stopping
            and bool(shards)
            and not any(shard.is_closed() for shard in shards)
        )

    def shard_for(self, guild_id: int | None) -> tuple[int, int]:
        """(the shard that receives ``guild_id``'s events, the number of shards): Discord
        sends a server's events to shard ``(guild_id >> 22) % shard_count`` and direct
        messages to shard 0."""
        count = self.shard_count or 1
        return (0 if guild_id is None else (guild_id >> 22) % count), count

    async def setup_hook(self) -> None:
        await self.open_store()
        if self.heartbeat is not None:
            self.heartbeat.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.application_id is not None:
            log.info(
                "Invite link (scopes %s; permissions %s): %s",
                " ".join(SCOPES),
                permission_names(),
                invite_url(self.application_id),
            )
        if self.sync_dev_guild and self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            commands_synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to dev guild %s", len(commands_synced), guild.id)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are only read for mentions (``bot.exts.talk``)."""

    async def on_ready(self) -> None:
        await self._beat()  # before saying so: once "Ready" is logged, health says healthy
        ids = sorted(self.shards)
        log.info(
            "Ready as %s in %d guilds (%s %s of %d)",
            self.user,
            len(self.guilds),
            "shard" if len(ids) == 1 else "shards",
            ", ".join(map(str, ids)),
            self.shard_count or 1,
        )

    async def on_shard_ready(self, shard_id: int) -> None:
        guilds = sum(1 for guild in self.guilds if guild.shard_id == shard_id)
        log.info(
            "Shard %d of %d connected: %d guild%s",
            shard_id,
            self.shard_count or 1,
            guilds,
            "" if guilds == 1 else "s",
            extra={"shard": shard_id},
        )

    async def on_shard_resumed(self, shard_id: int) -> None:
        log.info("Shard %d resumed", shard_id, extra={"shard": shard_id})

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[FanBot],
        command: app_commands.Command[Any, Any, Any] | app_commands.ContextMenu,
    ) -> None:
        if self.metrics is not None:
            self.metrics.completed(command.qualified_name, interaction.extras)

    async def on_resumed(self) -> None:
        await self._beat()

    async def on_disconnect(self) -> None:
        await self._beat()

    async def _beat(self) -> None:
        if self.heartbeat is not None and not self._stopping:
            await self.heartbeat.beat()

    def is_closed(self) -> bool:
        # True from the start of :meth:`shutdown`: discord.py then ends ``connect()``
        # when the gateway closes, instead of reconnecting.
        return self._stopping or super().is_closed()

    async def shutdown(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop for good: close the gateway (no new interactions arrive), let the
        responses in progress finish for up to ``grace`` seconds (cancelling the rest),
        then close the HTTP session and the store (which checkpoints the WAL)."""
        if not self._stopping:
            self._stopping = True
            for shard in self.shards.values():
                await shard.disconnect()
            pending = interactions_in_flight()
            if pending:
                log.info("Finishing %d response(s) in progress", len(pending))
                _, late = await asyncio.wait(pending, timeout=grace)
                for task in late:
                    task.cancel()
                if late:
                    log.warning("Gave up on %d response(s) after %.0f s", len(late), grace)
                    await asyncio.wait(late, timeout=1.0)
        await self.close()

    async def close(self) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        if self.metrics is not None:
            self.metrics.close()
        # discord.py's AutoShardedClient.close() ends by queueing on a queue it only makes
        # when started: give one to a bot closed before it ever started (a failed start).
        self.__dict__.setdefault("_AutoShardedClient__queue", asyncio.PriorityQueue())
        await super().close()
        if self._gaps is not None:
            await self._gaps.drain()  # questions still being recorded, before the store closes
        if self._store is not None:
            await self._store.close()
            self._store = None


class FanTree(app_commands.CommandTree["FanBot"]):
    """The command tree; every command error goes through :class:`CommandErrorHandler`."""

    async def interaction_check(self, interaction: discord.Interaction[FanBot]) -> bool:
        """Tag what handling this interaction logs with its server, command and shard."""
        tag_logs(interaction)
        if interaction.client.metrics is not None:
            metrics.begin(interaction.extras)
        return True

    async def on_error(
        self, interaction: discord.Interaction[FanBot], error: app_commands.AppCommandError
    ) -> None:
        if interaction.client.metrics is not None:
            command = interaction.command
            name = command.qualified_name if command is not None else "unknown"
            interaction.client.metrics.failed(name, _error_kind(error), interaction.extras)
        await CommandErrorHandler.handle(interaction, error)


def _error_kind(error: app_commands.AppCommandError) -> str:
    if isinstance(error, app_commands.CommandOnCooldown):
        return "cooldown"
    if isinstance(error, app_commands.CheckFailure):
        return "refused"
    return "failed"
