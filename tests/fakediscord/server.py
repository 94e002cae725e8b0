"""A fake Discord (REST ``/api/v10`` + gateway websocket) for end-to-end tests of discord.py bots.

The real discord.py client talks to it over 127.0.0.1: run :meth:`FakeDiscord.patched` (or the
harness) so ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` point at it.  Every REST call
is recorded as a :class:`RecordedRequest`; unknown routes answer a Discord-style 404 and are
logged, so a missing route is obvious (see :attr:`FakeDiscord.unhandled_requests`).

Sharding is modelled as Discord does it: ``GET /gateway/bot`` recommends ``shards`` connections;
each IDENTIFY names its ``shard: [id, count]`` (none: ``[0, 1]``) and gets a session of its
own; a guild belongs to shard ``(guild_id >> 22) % count``, and its events (GUILD_CREATE after
READY, INTERACTION_CREATE, MESSAGE_CREATE, ...) go only to that shard's connection; direct
messages go to shard 0. The connections may come from one process or several.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self, TypeVar, Unpack

import yarl
from aiohttp import BodyPartReader, WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from . import limits, payloads
from .payloads import InteractionContext, Payload

__all__ = [
    "DEFAULT_GUILD_ID",
    "FakeDiscord",
    "GuildSpec",
    "RecordedFile",
    "RecordedRequest",
    "SentInteraction",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_GUILD_ID = 1200000000000000001
_FILE_FIELD = re.compile(r"files\[(\d+)\]")
_LOADING = 1 << 7  # MessageFlags.loading
_EPHEMERAL = 1 << 6
GUILD_MESSAGES_INTENT = 1 << 9
MANAGE_EVENTS = 1 << 33


@dataclass
class RecordedFile:
    """A file part of a multipart request (``files[n]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def index(self) -> int | None:
        """The ``n`` of ``files[n]``, which attachment payloads refer to as ``id``."""
        m = _FILE_FIELD.fullmatch(self.field)
        return int(m.group(1)) if m else None


@dataclass
class RecordedRequest:
    """One REST request received by the fake; ``path`` is relative to ``/api/v10``."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    headers: dict[str, str]
    time: float
    body: bytes = b""
    status: int = 0
    handled: bool = True


@dataclass(frozen=True)
class GuildSpec:
    """A guild sent as GUILD_CREATE after READY; its text channel defaults to ``id + 1``."""

    id: int
    name: str = "Test Guild"
    channel_id: int | None = None
    member_count: int = 2
    extra: Mapping[str, Any] | None = None

    @property
    def default_channel_id(self) -> int:
        """The id of the guild's single text channel."""
        return self.channel_id if self.channel_id is not None else self.id + 1


@dataclass(frozen=True)
class SentInteraction:
    """An interaction dispatched to the client, with helpers to await what the bot answered."""

    fake: FakeDiscord
    payload: Payload

    @property
    def id(self) -> int:
        """The interaction id."""
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        """The interaction token (keys follow-ups and ``@original`` edits)."""
        return str(self.payload["token"])

    @property
    def message(self) -> Payload | None:
        """The current ``@original`` response message, if one exists."""
        return self.fake.original_message(self.token)

    async def callback(self) -> RecordedRequest:
        """The recorded ``POST /interactions/{id}/{token}/callback`` request."""
        return await self.fake.wait_for_callback(self.id)

    async def response(self) -> Payload:
        """The callback body, e.g. ``{"type": 4, "data": {"content": ...}}``."""
        return await self.fake.wait_for_interaction_response(self.id)

    async def followup(self, index: int = 0) -> RecordedRequest:
        """The ``index``-th follow-up webhook message request."""
        return await self.fake.wait_for_followup(self.token, index=index)

    async def edit(self, message: str = "@original") -> RecordedRequest:
        """The first ``PATCH`` of the given webhook message (default ``@original``)."""
        return await self.fake.wait_for_edit(self.token, message=message)


@dataclass
class _InteractionState:
    payload: Payload
    acked: bool = False
    response_type: int | None = None
    original_id: int | None = None
    message_ids: list[int] = field(default_factory=list)


class _Encoder:
    """Gateway transport compression requested via the ``compress`` query parameter."""

    def __init__(self, mode: str | None) -> None:
        self.mode = mode
        self._flush: Callable[[], bytes] | None = None
        if mode == "zlib-stream":
            obj = zlib.compressobj()
            self._compress: Callable[[bytes], bytes] = obj.compress
            self._flush = lambda: obj.flush(zlib.Z_SYNC_FLUSH)
        elif mode == "zstd-stream":
            self._compress = _zstd_stream()
        elif mode is not None:
            raise ValueError(f"unsupported gateway compression {mode!r}")

    def encode(self, text: str) -> str | bytes:
        """One websocket message: the text itself, or its compressed, flushed bytes."""
        if self.mode is None:
            return text
        data = self._compress(text.encode())
        return data + self._flush() if self._flush else data


def _zstd_stream() -> Callable[[bytes], bytes]:
    """A streaming zstd compressor flushing a block per call (as discord.py expects)."""
    try:
        from compression import zstd  # type: ignore[import-not-found,unused-ignore]

        comp = zstd.ZstdCompressor()
        return lambda data: bytes(comp.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK))
    except ImportError:
        import zstandard  # type: ignore[import-not-found,unused-ignore]

        obj = zstandard.ZstdCompressor().compressobj()
        return lambda data: bytes(obj.compress(data) + obj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK))


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    request: web.Request
    encoder: _Encoder
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    live: bool = False
    shard: int = 0
    beat_waiters: list[asyncio.Future[None]] = field(default_factory=list)
    flushes: deque[float] = field(default_factory=lambda: deque(maxlen=100))

    async def send(self, frame: Payload) -> None:
        async with self.lock:
            if self.ws.closed:
                return
            data = self.encoder.encode(json.dumps(frame, separators=(",", ":")))
            if isinstance(data, str):
                await self.ws.send_str(data)
            else:
                await self.ws.send_bytes(data)


@dataclass
class _Session:
    id: str
    buffer: deque[Payload]
    seq: int = 0
    shard: int = 0


def _error(code: int, message: str) -> Payload:
    return {"message": message, "code": code}


def _iter_components(components: Iterable[Payload]) -> Iterator[Payload]:
    for comp in components:
        yield comp
        yield from _iter_components(comp.get("components", []))
        if "component" in comp:
            yield from _iter_components([comp["component"]])
        if "accessory" in comp:
            yield from _iter_components([comp["accessory"]])


Handler = Callable[[RecordedRequest, re.Match[str]], tuple[int, Any]]


class FakeDiscord:
    """Fake Discord REST + gateway server on 127.0.0.1 with an ephemeral port.

    Use as ``async with FakeDiscord(...) as fake, ...`` or call :meth:`start`/:meth:`close`.
    ``guilds`` are sent as GUILD_CREATE after READY (ints are shorthand for ``GuildSpec(id)``).
    ``timeout`` (seconds, attribute :attr:`timeout`) bounds every ``wait_*`` helper; wrap a
    call in ``asyncio.timeout()`` for a shorter one. ``shards`` is the number of shards
    ``GET /gateway/bot`` recommends; the clients choose theirs in IDENTIFY.
    """

    def __init__(
        self,
        *,
        application_id: int = payloads.DEFAULT_APPLICATION_ID,
        bot_user_id: int | None = None,
        bot_name: str = "FakeBot",
        guilds: Iterable[GuildSpec | int] = (DEFAULT_GUILD_ID,),
        heartbeat_interval_ms: int = 41250,
        replay_buffer: int = 256,
        timeout: float = 5.0,
        shards: int = 1,
    ) -> None:
        self.application_id = application_id
        self.bot_user: Payload = payloads.user(bot_user_id or application_id, bot_name, bot=True)
        self.guilds: list[GuildSpec] = [
            g if isinstance(g, GuildSpec) else GuildSpec(g) for g in guilds
        ]
        self.default_member: Payload = payloads.member(payloads.user(1300000000000000001, "tester"))
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.timeout = timeout
        self.recommended_shards = shards
        # The shard count the clients identified with (the last IDENTIFY's).
        self.shard_count = 1
        self.allow_resume = True
        self.requests: list[RecordedRequest] = []
        # Called with each request as it is recorded (benchmarks use it instead of polling).
        self.request_listeners: list[Callable[[RecordedRequest], None]] = []
        self.messages: dict[int, Payload] = {}
        self.modals: dict[str, Payload] = {}
        self.attachment_data: dict[int, bytes] = {}
        # Guild scheduled events by id, and the bot's permissions per guild (default: all).
        self.scheduled_events: dict[int, Payload] = {}
        self.bot_permissions: dict[int, int] = {}
        self.identify_payloads: list[Payload] = []
        self.connection_count = 0
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        self._replay_buffer = replay_buffer
        self._commands: dict[int | None, list[Payload]] = {}
        self._interactions: dict[str, _InteractionState] = {}
        self._sessions: dict[int, _Session] = {}  # by shard id
        self._conns: dict[int, _Connection] = {}  # the live connection of each shard
        self._connections: set[_Connection] = set()
        self._gw_lock = asyncio.Lock()
        self._changed = asyncio.Condition()
        self._ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/users/@me"), self._get_me),
            ("GET", re.compile(r"/gateway(?:/bot)?"), self._get_gateway),
            ("GET", re.compile(r"(?:/oauth2)?/applications/@me"), self._get_application),
            (
                "POST",
                re.compile(r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback"),
                self._interaction_callback,
            ),
            ("POST", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"), self._followup),
            (
                "GET|PATCH|DELETE",
                re.compile(
                    r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)"
                ),
                self._webhook_message,
            ),
            (
                "GET|PUT|POST",
                re.compile(r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands"),
                self._app_commands,
            ),
            ("POST", re.compile(r"/channels/(?P<channel>\d+)/messages"), self._channel_message),
            (
                "POST",
                re.compile(r"/guilds/(?P<guild>\d+)/scheduled-events"),
                self._create_scheduled_event,
            ),
            (
                "GET|PATCH",
                re.compile(r"/guilds/(?P<guild>\d+)/scheduled-events/(?P<event>\d+)"),
                self._scheduled_event,
            ),
        ]

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        """The bound TCP port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """REST base, e.g. ``http://127.0.0.1:PORT/api/v10``."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def cdn_url(self) -> str:
        """Base of attachment URLs: ``GET {cdn_url}/attachments/{id}/{filename}``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        """Websocket gateway URL (also sent as ``resume_gateway_url``)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Bind 127.0.0.1 on an ephemeral port and start serving."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment_bytes)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        log.debug("FakeDiscord listening on %s", self.base_url)

    async def close(self) -> None:
        """Close gateway connections (code 1001) and stop the server."""
        for conn in list(self._connections):
            conn.live = False
            await conn.ws.close(code=1001, message=b"FakeDiscord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @contextlib.contextmanager
    def patched(self) -> Iterator[Self]:
        """Point discord.py's ``Route.BASE`` and default gateway at this fake; restore on exit."""
        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway

    # ------------------------------------------------------------------ waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, condition: Callable[[], T | None]) -> T:
        """Wait until ``condition()`` is truthy (re-checked on every request/gateway change)."""
        async with self._changed:
            try:
                waiting = self._changed.wait_for(condition)
                result: T = await asyncio.wait_for(waiting, self.timeout)  # type: ignore[arg-type]
                return result
            except TimeoutError:
                recent = "\n  ".join(f"{r.status} {r.method} {r.path}" for r in self.requests[-10:])
                raise TimeoutError(
                    f"condition not met within {self.timeout}s; "
                    f"last requests:\n  {recent or '(none)'}"
                ) from None

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool]
    ) -> RecordedRequest:
        """The first recorded request (past or future) matching ``predicate``."""
        return await self.wait_until(lambda: next((r for r in self.requests if predicate(r)), None))

    async def wait_for_callback(self, interaction_id: int) -> RecordedRequest:
        """The interaction callback request for ``interaction_id``."""
        prefix = f"/interactions/{interaction_id}/"
        return await self.wait_for_request(
            lambda r: (
                r.method == "POST" and r.path.startswith(prefix) and r.path.endswith("/callback")
            )
        )

    async def wait_for_interaction_response(self, interaction_id: int) -> Payload:
        """The JSON body of the interaction callback (``{"type": ..., "data": ...}``).

        Raises :class:`AssertionError` if the fake refused it as Discord would (a limit).
        """
        callback = await self.wait_for_callback(interaction_id)
        if callback.status == 400:
            raise AssertionError(f"Discord would refuse this response: {callback.json}")
        body: Payload = callback.json
        return body

    async def wait_for_followup(self, token: str, index: int = 0) -> RecordedRequest:
        """The ``index``-th follow-up (``POST /webhooks/{app}/{token}``) for an interaction."""

        def found() -> RecordedRequest | None:
            hits = [
                r
                for r in self.requests
                if r.method == "POST"
                and r.path.startswith("/webhooks/")
                and r.path.endswith(f"/{token}")
            ]
            return hits[index] if len(hits) > index else None

        return await self.wait_until(found)

    async def wait_for_edit(self, token: str, message: str | int = "@original") -> RecordedRequest:
        """The first ``PATCH /webhooks/{app}/{token}/messages/{message}``."""
        suffix = f"/{token}/messages/{message}"
        return await self.wait_for_request(
            lambda r: r.method == "PATCH" and r.path.endswith(suffix)
        )

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Requests that hit no known route (answered 404)."""
        return [r for r in self.requests if not r.handled]

    # ------------------------------------------------------------------ state accessors

    def commands(self, guild_id: int | None = None) -> list[Payload]:
        """Commands stored by the last sync (global when ``guild_id`` is None)."""
        return list(self._commands.get(guild_id, []))

    def original_message(self, token: str) -> Payload | None:
        """The ``@original`` response message of the interaction with ``token``."""
        state = self._interactions.get(token)
        if state is None or state.original_id is None:
            return None
        return self.messages.get(state.original_id)

    def upload(
        self, filename: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> Payload:
        """Register a user's upload; return its ``Attachment`` payload (URL served by the fake).

        Put it in a command's ``resolved`` map: ``{"attachments": {payload["id"]: payload}}``.
        """
        aid = payloads.snowflake()
        self.attachment_data[aid] = data
        attachment = payloads.attachment(filename, len(data), id=aid, base_url=self.cdn_url)
        return {**attachment, "content_type": content_type}

    def scheduled_events_in(self, guild_id: int) -> list[Payload]:
        """The guild's scheduled events, oldest first."""
        return [e for e in self.scheduled_events.values() if e["guild_id"] == str(guild_id)]

    def delete_scheduled_event(self, event_id: int) -> None:
        """A member deletes the event in Discord."""
        del self.scheduled_events[event_id]

    def set_bot_permissions(self, guild_id: int, permissions: int) -> None:
        """The bot's permissions in ``guild_id`` from now on: sent as ``app_permissions``
        with interactions there, and what its REST requests there are allowed to do."""
        self.bot_permissions[guild_id] = permissions

    def bot_can(self, guild_id: int, permission: int) -> bool:
        """Whether the bot holds ``permission`` in ``guild_id``."""
        held = self.bot_permissions.get(guild_id, payloads.ALL_PERMISSIONS)
        return held & permission == permission

    def guild_spec(self, guild_id: int) -> GuildSpec | None:
        """The configured guild with ``guild_id``."""
        return next((g for g in self.guilds if g.id == guild_id), None)

    # ------------------------------------------------------------------ gateway API

    async def wait_until_ready(self) -> None:
        """Wait until every shard (of :attr:`shard_count`) has a connection that finished
        READY + its GUILD_CREATEs, or RESUMED."""
        await asyncio.wait_for(self._ready.wait(), self.timeout)

    async def wait_until_shard_ready(self, shard: int) -> None:
        """Wait until ``shard`` has a connection that finished READY (or RESUMED)."""
        await self.wait_until(lambda: shard in self.live_shards)

    @property
    def live_shards(self) -> list[int]:
        """The shards with a live connection (READY or RESUMED), in order."""
        return sorted(shard for shard, conn in self._conns.items() if conn.live)

    def shard_of(self, guild_id: int | None) -> int:
        """The shard that receives ``guild_id``'s events (direct messages: shard 0)."""
        return 0 if guild_id is None else (guild_id >> 22) % self.shard_count

    def guilds_of(self, shard: int) -> list[GuildSpec]:
        """The configured guilds that ``shard`` owns (at the current :attr:`shard_count`)."""
        return [g for g in self.guilds if self.shard_of(g.id) == shard]

    def _update_ready(self) -> None:
        if set(self.live_shards) >= set(range(self.shard_count)):
            self._ready.set()
        else:
            self._ready.clear()

    def _event_shard(self, data: Any) -> int:
        """Which shard an event is for: its guild's, or 0 (direct messages, no guild)."""
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        return self.shard_of(int(guild_id) if guild_id is not None else None)

    @property
    def intents(self) -> int | None:
        """Intents of the last IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    async def dispatch(self, event: str, data: Any, *, shard: int | None = None) -> int:
        """Send a DISPATCH (op 0) event to the shard that owns it (its ``guild_id``'s, or
        shard 0), or to ``shard``; returns its sequence number in that shard's session.

        While that shard is disconnected the event is only buffered and replayed on RESUME.
        """
        if event == "INTERACTION_CREATE":
            self._interactions.setdefault(data["token"], _InteractionState(data))
        target = self._event_shard(data) if shard is None else shard
        async with self._gw_lock:
            session = self._sessions.get(target)
            if session is None:
                raise RuntimeError(
                    f"no gateway session for shard {target}: no client identified as it yet"
                )
            conn = self._conns.get(target)
            return await self._emit(session, event, data, conn if conn and conn.live else None)

    async def flush(self, shard: int = 0) -> None:
        """Round-trip a server-requested heartbeat (op 1) through the client's gateway reader
        of ``shard``.

        Once it returns, the client has parsed everything sent before, and HTTP responses the
        fake wrote earlier have had several event-loop turns to be consumed by the client.
        """
        conn = self._conns.get(shard)
        if conn is None or not conn.live:
            raise RuntimeError(f"no live gateway connection of shard {shard} to flush")
        now = time.monotonic()
        if len(conn.flushes) == conn.flushes.maxlen and now - conn.flushes[0] < 60:
            # discord.py rate-limits its own sends to 110/min; don't get stuck behind it.
            log.warning("flush budget exhausted on this connection; yielding instead")
            await asyncio.sleep(0.01)
            return
        conn.flushes.append(now)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        conn.beat_waiters.append(fut)
        await conn.send({"op": 1, "d": None, "s": None, "t": None})
        await asyncio.wait_for(fut, self.timeout)

    async def drop_connection(
        self, code: int = 4000, *, abrupt: bool = False, shard: int = 0
    ) -> None:
        """Close ``shard``'s gateway socket server-side (``abrupt``: no close frame)."""
        async with self._gw_lock:
            conn = self._conns.pop(shard, None)
            if conn is None:
                raise RuntimeError(f"no active gateway connection of shard {shard}")
            conn.live = False
            self._update_ready()
        if abrupt and conn.request.transport is not None:
            conn.request.transport.abort()
        else:
            await conn.ws.close(code=code, message=b"dropped by FakeDiscord")
        log.info("dropped gateway connection (code=%s, abrupt=%s)", code, abrupt)

    # ------------------------------------------------------------------ interactions API

    def _context(self, ctx: InteractionContext) -> InteractionContext:
        """Fill guild/channel/member/application defaults; ``user`` without guild is a DM."""
        out: InteractionContext = {"application_id": self.application_id, **ctx}
        if "user" in out and "guild_id" not in out:
            out["guild_id"] = None
        if out.get("guild_id", 0) is not None:
            gid = out.get("guild_id") or self.guilds[0].id
            out["guild_id"] = gid
            spec = self.guild_spec(gid)
            out.setdefault("channel_id", spec.default_channel_id if spec else gid + 1)
            user = out.get("user")
            out.setdefault("member", payloads.member(user) if user else self.default_member)
            if gid in self.bot_permissions:
                out.setdefault("app_permissions", self.bot_permissions[gid])
        else:
            out.setdefault("user", self.default_member["user"])
        return out

    def _command_ids(
        self, name: str, guild_id: int | None, kind: int = 1
    ) -> tuple[int | None, int | None]:
        """(command id, command guild id) of a synced command named ``name`` of type ``kind``."""
        root = name.split()[0] if kind == 1 else name
        for gid in (guild_id, None) if guild_id else (None,):
            for cmd in self._commands.get(gid, []):
                if cmd["name"] == root and cmd.get("type", 1) == kind:
                    return int(cmd["id"]), gid
        return None, None

    async def send_interaction(
        self, payload: Payload, *, flush: bool | None = None
    ) -> SentInteraction:
        """Dispatch INTERACTION_CREATE with ``payload``.

        ``flush`` (default: for component and modal-submit interactions) first runs
        :meth:`flush` if connected, so views/modals the bot registered after its previous
        response exist.
        """
        shard = self._event_shard(payload)
        conn = self._conns.get(shard)
        live = conn is not None and conn.live
        if live and (flush if flush is not None else payload["type"] in (3, 5)):
            await self.flush(shard)
        await self.dispatch("INTERACTION_CREATE", payload)
        return SentInteraction(self, payload)

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Payload] | None = None,
        *,
        command_guild_id: int | None = None,
        resolved: Payload | None = None,
        **ctx: Unpack[InteractionContext],
    ) -> SentInteraction:
        """Invoke slash command ``name`` (qualified names select subcommands).

        Defaults: first guild, its channel, :attr:`default_member`.  Command id and
        ``command_guild_id`` come from synced commands when not given.
        """
        full = self._context(ctx)
        command_id, synced_gid = self._command_ids(name, full.get("guild_id"))
        payload = payloads.slash_command(
            name,
            options,
            command_id=command_id,
            command_guild_id=command_guild_id or synced_gid,
            resolved=resolved,
            **full,
        )
        return await self.send_interaction(payload)

    async def message_command(
        self,
        name: str,
        target: Payload,
        *,
        command_guild_id: int | None = None,
        **ctx: Unpack[InteractionContext],
    ) -> SentInteraction:
        """Invoke the message context-menu command ``name`` (Apps → name) on ``target``."""
        ctx.setdefault("channel_id", int(target["channel_id"]))
        if "guild_id" in target:
            ctx.setdefault("guild_id", int(target["guild_id"]))
        full = self._context(ctx)
        command_id, synced_gid = self._command_ids(name, full.get("guild_id"), kind=3)
        payload = payloads.message_command(
            name,
            target,
            command_id=command_id,
            command_guild_id=command_guild_id or synced_gid,
            **full,
        )
        return await self.send_interaction(payload)

    async def post_message(
        self,
        content: str,
        *,
        author: Payload,
        guild_id: int | None = None,
        channel_id: int | None = None,
        mentions: Sequence[Payload] = (),
        mention_everyone: bool = False,
        mention_roles: Sequence[int] = (),
        reply_to: Payload | None = None,
        webhook_id: int | None = None,
        member: Payload | None = None,
    ) -> Payload:
        """A user (or bot, or webhook) posts a message: stored, and sent to the client as
        MESSAGE_CREATE, as Discord does, only if it identified with the GUILD_MESSAGES intent.

        ``author`` is a user payload; ``mentions`` the users it mentions (a reply that pings
        has its target's author there); ``reply_to`` makes it a reply to that message.
        """
        guild = guild_id if guild_id is not None else self.guilds[0].id
        spec = self.guild_spec(guild)
        channel = channel_id or (spec.default_channel_id if spec else guild + 1)
        reference = None
        if reply_to is not None:
            reference = {
                "type": 0,
                "message_id": str(reply_to["id"]),
                "channel_id": str(reply_to["channel_id"]),
                "guild_id": str(guild),
            }
        msg = payloads.message(
            channel_id=channel,
            guild_id=guild,
            author=author,
            content=content,
            mentions=mentions,
            mention_everyone=mention_everyone,
            mention_roles=mention_roles,
            message_reference=reference,
            referenced_message=reply_to,
            webhook_id=webhook_id,
            member=None if webhook_id else (member or payloads.member(author)),
        )
        self.messages[int(msg["id"])] = msg
        if (self.intents or 0) & GUILD_MESSAGES_INTENT:
            await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    def channel_messages(self, channel_id: int, *, after: int = 0) -> list[RecordedRequest]:
        """The bot's ``POST /channels/{channel_id}/messages`` requests (from ``after``)."""
        path = f"/channels/{channel_id}/messages"
        return [r for r in self.requests[after:] if r.method == "POST" and r.path == path]

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Payload] | None = None,
        *,
        focused: str,
        command_guild_id: int | None = None,
        **ctx: Unpack[InteractionContext],
    ) -> SentInteraction:
        """Send an autocomplete interaction for option ``focused`` of command ``name``."""
        full = self._context(ctx)
        command_id, synced_gid = self._command_ids(name, full.get("guild_id"))
        payload = payloads.autocomplete(
            name,
            options,
            focused=focused,
            command_id=command_id,
            command_guild_id=command_guild_id or synced_gid,
            **full,
        )
        return await self.send_interaction(payload)

    async def click(
        self,
        target: Payload | int,
        custom_id: str,
        *,
        values: Sequence[str] | None = None,
        **ctx: Unpack[InteractionContext],
    ) -> SentInteraction:
        """Click a button / pick select ``values`` on message ``target`` (payload or stored id)."""
        msg = self.messages[target] if isinstance(target, int) else target
        comp = next(
            (
                c
                for c in _iter_components(msg.get("components", []))
                if c.get("custom_id") == custom_id
            ),
            None,
        )
        if comp is None:
            log.warning("component %r not found on message %s", custom_id, msg["id"])
        ctx.setdefault("channel_id", int(msg["channel_id"]))
        ctx.setdefault("guild_id", int(msg["guild_id"]) if "guild_id" in msg else None)
        ctx["message"] = msg
        full = self._context(ctx)
        kind = comp["type"] if comp else 2
        return await self.send_interaction(
            payloads.component(custom_id, kind, values=values, **full)
        )

    async def submit_modal(
        self, modal: Payload | str, fields: Mapping[str, Any], **ctx: Unpack[InteractionContext]
    ) -> SentInteraction:
        """Submit a modal the bot sent (its callback ``data`` or its ``custom_id``).

        The submitted components mirror the modal's layout (action rows or labels).
        """
        data = self.modals.get(modal) if isinstance(modal, str) else modal
        custom_id = modal if isinstance(modal, str) else str(modal["custom_id"])
        layout = data.get("components") if data else None
        payload = payloads.modal_submit(custom_id, fields, layout=layout, **self._context(ctx))
        return await self.send_interaction(payload)

    # ------------------------------------------------------------------ gateway internals

    async def _emit(
        self,
        session: _Session,
        event: str,
        data: Any,
        conn: _Connection | None,
        *,
        replayable: bool = True,
    ) -> int:
        """Assign the next sequence number, buffer for RESUME replay, send on ``conn``.

        The READY burst is not buffered: a client resuming from inside it gets
        INVALID_SESSION and re-identifies, and 1,000 guild payloads stay out of memory.
        """
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        if replayable:
            session.buffer.append(frame)
        if conn is not None:
            await conn.send(frame)
        return session.seq

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(timeout=2.0, max_msg_size=0, compress=False)
        await ws.prepare(request)
        if request.query.get("encoding", "json") != "json" or request.query.get("v") != "10":
            log.warning("unexpected gateway query %s", dict(request.query))
        try:
            encoder = _Encoder(request.query.get("compress"))
        except (ValueError, ImportError):
            log.exception("cannot serve gateway compression %r", request.query.get("compress"))
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        conn = _Connection(ws, request, encoder)
        self._connections.add(conn)
        self.connection_count += 1
        try:
            await conn.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await self._on_gateway_message(conn, json.loads(msg.data))
        finally:
            self._connections.discard(conn)
            conn.live = False
            for fut in conn.beat_waiters:
                fut.cancel()
            if self._conns.get(conn.shard) is conn:
                del self._conns[conn.shard]
                self._update_ready()
            log.debug("gateway connection closed (code=%s)", ws.close_code)
            await self._notify()
        return ws

    async def _on_gateway_message(self, conn: _Connection, msg: Payload) -> None:
        op, data = msg.get("op"), msg.get("d") or {}
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
            waiters, conn.beat_waiters = conn.beat_waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)
        else:
            log.debug("ignoring gateway op %s: %s", op, data)
        await self._notify()

    async def _take_over(self, conn: _Connection, shard: int) -> None:
        """Make ``conn`` the active connection of ``shard``, closing any other one."""
        conn.shard = shard
        old, self._conns[shard] = self._conns.get(shard), conn
        if old is not None and old is not conn:
            old.live = False
            await old.ws.close(code=4000, message=b"superseded")

    async def _identify(self, conn: _Connection, data: Payload) -> None:
        self.identify_payloads.append(data)
        self.identify_count += 1
        shard, count = data.get("shard") or (0, 1)
        if not (isinstance(shard, int) and isinstance(count, int) and 0 <= shard < count):
            log.warning("IDENTIFY with an invalid shard %r", data.get("shard"))
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        self.shard_count = count
        session = _Session(secrets.token_hex(16), deque(maxlen=self._replay_buffer), shard=shard)
        owned = self.guilds_of(shard)
        ready: Payload = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in owned],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "session_type": "normal",
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        async with self._gw_lock:
            await self._take_over(conn, shard)
            self._sessions[shard] = session
            await self._emit(session, "READY", ready, conn, replayable=False)
            for spec in owned:
                guild = payloads.guild(
                    spec.id,
                    spec.name,
                    channel_id=spec.default_channel_id,
                    bot_user=self.bot_user,
                    member_count=spec.member_count,
                    extra=spec.extra,
                )
                await self._emit(session, "GUILD_CREATE", guild, conn, replayable=False)
            conn.live = True
            self._update_ready()
        log.debug(
            "identified shard %d of %d: intents=%s, %d guilds sent",
            shard,
            count,
            data.get("intents"),
            len(owned),
        )

    async def _resume(self, conn: _Connection, data: Payload) -> None:
        async with self._gw_lock:
            session_id, seq = data.get("session_id"), data.get("seq") or 0
            session = next((s for s in self._sessions.values() if s.id == session_id), None)
            replayable = session is not None and (
                seq == session.seq or (session.buffer and session.buffer[0]["s"] <= seq + 1)
            )
            if not (self.allow_resume and session and replayable):
                self.invalid_session_count += 1
                await conn.send({"op": 9, "d": False, "s": None, "t": None})
                return
            await self._take_over(conn, session.shard)
            missed = [f for f in session.buffer if f["s"] > seq]
            for frame in missed:
                await conn.send(frame)
            await self._emit(session, "RESUMED", {}, conn)  # discord.py writes into d
            self.resume_count += 1
            conn.live = True
            self._update_ready()
        log.debug("resumed session from seq %s, replayed %d events", seq, len(missed))

    async def _request_members(self, conn: _Connection, data: Payload) -> None:
        """Answer REQUEST_MEMBERS (op 8) with one chunk: the bot and :attr:`default_member`."""
        members = [payloads.member(self.bot_user), dict(self.default_member)]
        for m in members:
            m.pop("permissions", None)  # gateway members carry no resolved permissions
        chunk: Payload = {
            "guild_id": str(data["guild_id"]),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "presences": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ REST internals

    async def _attachment_bytes(self, request: web.Request) -> web.StreamResponse:
        """``GET /attachments/{id}/{filename}``: the bytes of an upload or of a bot's file."""
        raw = request.match_info["id"]
        data = self.attachment_data.get(int(raw)) if raw.isdigit() else None
        if data is None:
            return web.Response(status=404, text="404: Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        status, body = 404, _error(0, "404: Not Found")
        for methods, pattern, handler in self._routes:
            match = pattern.fullmatch(rec.path)
            if match and rec.method in methods.split("|"):
                problems = self._limit_problems(rec, handler)
                if problems:  # refused whole, as Discord does
                    status, body = 400, limits.invalid_form_body(problems)
                    log.warning("FakeDiscord: %s %s refused: %s", rec.method, rec.path, problems)
                else:
                    status, body = handler(rec, match)
                break
        else:
            rec.handled = False
            log.warning("FakeDiscord: unhandled route %s %s", rec.method, rec.path)
        rec.status = status
        # discord.py only decodes JSON when Content-Type is exactly "application/json" (no charset).
        response = (
            web.Response(status=204)
            if body is None
            else web.Response(
                status=status,
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
        )
        await response.prepare(request)
        await response.write_eof()
        self.requests.append(rec)
        for listener in self.request_listeners:
            listener(rec)
        await self._notify()
        return response

    def _limit_problems(self, rec: RecordedRequest, handler: Handler) -> list[str]:
        """What in ``rec`` is over one of Discord's limits (see :mod:`.limits`)."""
        if not isinstance(rec.json, dict):
            return []
        if handler == self._interaction_callback:
            return limits.callback_problems(rec.json)
        if rec.method in ("POST", "PATCH") and handler in (
            self._followup,
            self._webhook_message,
            self._channel_message,
        ):
            return limits.message_problems(rec.json)
        return []

    async def _record(self, request: web.Request) -> RecordedRequest:
        body, parsed, files = b"", None, []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                raw = bytes(await part.read(decode=True))
                if part.name == "payload_json":
                    parsed = json.loads(raw)
                else:
                    content_type = part.headers.get("Content-Type")
                    files.append(RecordedFile(part.name or "", part.filename, content_type, raw))
        else:
            body = await request.read()
            if body and request.content_type == "application/json":
                parsed = json.loads(body)
        return RecordedRequest(
            method=request.method,
            path="/" + request.match_info["tail"],
            query=dict(request.query),
            json=parsed,
            files=files,
            headers=dict(request.headers),
            time=time.monotonic(),
            body=body,
        )

    def _get_me(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        return 200, self.bot_user

    def _get_gateway(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": limit,
        }

    def _get_application(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": payloads.user(1300000000000000002, "owner"),
            "team": None,
            "flags": 0,
            "verify_key": "0" * 64,
            "rpc_origins": [],
            "bot": self.bot_user,
            "interactions_endpoint_url": None,
            "redirect_uris": [],
        }

    def _app_commands(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        guild_id = int(m["guild"]) if m["guild"] else None
        current = self._commands.get(guild_id, [])
        if rec.method == "GET":
            return 200, current
        incoming = rec.json if rec.method == "PUT" else [*current, rec.json]
        stored: list[Payload] = []
        for cmd in incoming:
            key = (cmd["name"], cmd.get("type", 1))
            old = next((c for c in current if (c["name"], c.get("type", 1)) == key), None)
            stored = [c for c in stored if (c["name"], c.get("type", 1)) != key]
            stored.append(
                {
                    "type": 1,
                    "description": "",
                    "default_member_permissions": None,
                    "nsfw": False,
                    **cmd,
                    "id": old["id"] if old else str(payloads.snowflake()),
                    "application_id": str(self.application_id),
                    "version": str(payloads.snowflake()),
                    **({"guild_id": str(guild_id)} if guild_id else {}),
                }
            )
        self._commands[guild_id] = stored
        return 200, (stored if rec.method == "PUT" else stored[-1])

    # -- messages

    def _attachments(
        self, data: Payload, files: list[RecordedFile], existing: list[Payload]
    ) -> list[Payload]:
        by_index = {f.index: f for f in files}
        new = {}
        for i, f in by_index.items():
            aid = payloads.snowflake()
            self.attachment_data[aid] = f.data  # the bot's files can be downloaded back
            new[str(i)] = payloads.attachment(
                f.filename or f"file{i}", len(f.data), id=aid, base_url=self.cdn_url
            )
        if "attachments" not in data:
            return existing + list(new.values())
        out = []
        for item in data["attachments"]:
            aid = str(item.get("id"))
            old = next((a for a in existing if a["id"] == aid), None)
            if old is not None:
                out.append(old)
            elif aid in new:
                out.append(
                    {
                        **new[aid],
                        **({"description": item["description"]} if item.get("description") else {}),
                    }
                )
        return out

    def _create_message(
        self,
        channel_id: int,
        guild_id: int | None,
        data: Payload,
        files: list[RecordedFile],
        webhook: bool,
    ) -> Payload:
        msg = payloads.message(
            channel_id=channel_id,
            guild_id=guild_id,
            author=self.bot_user,
            content=data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            flags=data.get("flags") or 0,
            attachments=self._attachments(data, files, []),
            application_id=self.application_id if webhook else None,
            webhook_id=self.application_id if webhook else None,
        )
        self.messages[int(msg["id"])] = msg
        return msg

    def _edit_message(self, msg: Payload, data: Payload, files: list[RecordedFile]) -> Payload:
        for key in ("content", "embeds", "components"):
            if key in data:
                msg[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
        if "flags" in data and data["flags"] is not None:
            msg["flags"] = data["flags"]
        msg["flags"] = msg.get("flags", 0) & ~_LOADING
        msg["attachments"] = self._attachments(data, files, msg.get("attachments", []))
        msg["edited_timestamp"] = datetime.now(UTC).isoformat()
        return msg

    def _interaction_message(
        self, state: _InteractionState, data: Payload, files: list[RecordedFile]
    ) -> Payload:
        p = state.payload
        msg = self._create_message(
            int(p["channel_id"]),
            int(p["guild_id"]) if p.get("guild_id") else None,
            data,
            files,
            webhook=True,
        )
        state.message_ids.append(int(msg["id"]))
        return msg

    def _interaction_callback(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        state = self._interactions.get(m["token"])
        if state is None or int(state.payload["id"]) != int(m["id"]):
            return 404, _error(10062, "Unknown interaction")
        if state.acked:
            return 400, _error(40060, "Interaction has already been acknowledged.")
        body: Payload = rec.json or {}
        rtype, data = int(body.get("type", 0)), body.get("data") or {}
        state.acked, state.response_type = True, rtype
        msg: Payload | None = None
        if rtype == 4:
            msg = self._interaction_message(state, data, rec.files)
        elif rtype == 5:
            msg = self._interaction_message(
                state, {"flags": (data.get("flags") or 0) | _LOADING}, []
            )
        elif rtype in (6, 7) and "message" in state.payload:
            msg = self.messages.setdefault(
                int(state.payload["message"]["id"]), state.payload["message"]
            )
            if rtype == 7:
                self._edit_message(msg, data, rec.files)
        elif rtype == 9:
            self.modals[str(data.get("custom_id"))] = data
        if msg is not None:
            state.original_id = int(msg["id"])
        if rec.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        info: Payload = {"id": str(state.payload["id"]), "type": state.payload["type"]}
        result: Payload = {"interaction": info}
        if msg is not None:
            info.update(
                response_message_id=msg["id"],
                response_message_loading=rtype == 5,
                response_message_ephemeral=bool(msg.get("flags", 0) & _EPHEMERAL),
            )
            if rtype in (4, 5, 7):
                result["resource"] = {"type": rtype, "message": msg}
        return 200, result

    def _followup(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        state = self._interactions.get(m["token"])
        if state is None or not state.acked:
            return 404, _error(10015, "Unknown Webhook")
        msg = self._interaction_message(state, rec.json or {}, rec.files)
        wait = rec.query.get("wait", "").lower() in ("1", "true")
        return (200, msg) if wait else (204, None)

    def _webhook_message(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        state = self._interactions.get(m["token"])
        if state is None or not state.acked:
            return 404, _error(10015, "Unknown Webhook")
        mid = state.original_id if m["mid"] == "@original" else int(m["mid"])
        owned = mid == state.original_id or mid in state.message_ids
        if mid is None or not owned or mid not in self.messages:
            return 404, _error(10008, "Unknown Message")
        msg = self.messages[mid]
        if rec.method == "PATCH":
            return 200, self._edit_message(msg, rec.json or {}, rec.files)
        if rec.method == "DELETE":
            del self.messages[mid]
            if state.original_id == mid:
                state.original_id = None
            return 204, None
        return 200, msg

    def _channel_message(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        channel_id = int(m["channel"])
        spec = next((g for g in self.guilds if g.default_channel_id == channel_id), None)
        data: Payload = rec.json or {}
        reference = data.get("message_reference")
        referenced = None
        if reference is not None:
            target = reference.get("message_id")
            referenced = self.messages.get(int(target)) if target is not None else None
            if referenced is None and reference.get("fail_if_not_exists", True):
                unknown = {
                    "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "message": "Unknown message",
                }
                errors = {"message_reference": {"_errors": [unknown]}}
                return 400, {"code": 50035, "message": "Invalid Form Body", "errors": errors}
        msg = self._create_message(
            channel_id, spec.id if spec else None, data, rec.files, webhook=False
        )
        if reference is not None:
            msg["type"] = 19
            msg["message_reference"] = {"type": 0, **reference}
            msg["referenced_message"] = referenced
        return 200, msg

    # -- guild scheduled events

    def _create_scheduled_event(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        guild_id = int(m["guild"])
        if self.guild_spec(guild_id) is None:
            return 404, _error(10004, "Unknown Guild")
        if not self.bot_can(guild_id, MANAGE_EVENTS):
            return 403, _error(50013, "Missing Permissions")
        data: Payload = rec.json or {}
        event: Payload = {
            "id": str(payloads.snowflake()),
            "guild_id": str(guild_id),
            "channel_id": None,
            "creator_id": self.bot_user["id"],
            "creator": self.bot_user,
            "name": None,
            "description": None,
            "scheduled_start_time": None,
            "scheduled_end_time": None,
            "privacy_level": None,
            "status": 1,  # SCHEDULED
            "entity_type": None,
            "entity_id": None,
            "entity_metadata": None,
            "user_count": 0,
            "image": None,
        }
        event.update({k: v for k, v in data.items() if k in _EVENT_FIELDS})
        problems = limits.scheduled_event_problems(event, data, now=datetime.now(UTC))
        if problems:
            return 400, limits.form_errors(problems)
        self.scheduled_events[int(event["id"])] = event
        return 200, event

    def _scheduled_event(self, rec: RecordedRequest, m: re.Match[str]) -> tuple[int, Any]:
        guild_id = int(m["guild"])
        event = self.scheduled_events.get(int(m["event"]))
        if event is None or event["guild_id"] != str(guild_id):
            return 404, _error(10070, "Unknown Guild Scheduled Event")
        if rec.method == "GET":
            return 200, event
        if not self.bot_can(guild_id, MANAGE_EVENTS):
            return 403, _error(50013, "Missing Permissions")
        data: Payload = rec.json or {}
        edited = {**event, **{k: v for k, v in data.items() if k in _EVENT_FIELDS}}
        problems = limits.scheduled_event_problems(edited, data, now=datetime.now(UTC))
        if problems:
            return 400, limits.form_errors(problems)
        event.update(edited)
        return 200, event


_EVENT_FIELDS = frozenset(
    {
        "channel_id",
        "entity_metadata",
        "name",
        "privacy_level",
        "scheduled_start_time",
        "scheduled_end_time",
        "description",
        "entity_type",
        "status",
    }
)
