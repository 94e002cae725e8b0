"""Prometheus metrics, optional: ``METRICS_PORT`` serves them (on ``METRICS_HOST``,
127.0.0.1 unless set), with ``prometheus_client`` installed (``pip install 'fanbot[metrics]'``;
the Docker image has it).

What is counted, and only this (no question text, no user or server id, in any metric):

* ``fanbot_answers_total{command, outcome}``: replies by command; ``/ask``'s outcome is what
  the answer service decided (``answered``, ``suggested``, ``declined``,
  ``withheld_spoiler``), every other command that replied counts as ``answered``;
* ``fanbot_command_seconds{command}``: how long commands took (histogram);
* ``fanbot_command_errors_total{command, kind}``: ``cooldown``, ``refused`` (a check such as
  moderators-only), ``failed`` (anything else);
* ``fanbot_guilds``: servers the bot is in;
* ``fanbot_store_write_seconds{operation}``: how long the database took to save a change.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    from bot.core.answers import Answer, AnswerService
    from bot.core.store import FactStore

STORE_WRITES: Final = (
    "add",
    "add_approved",
    "edit",
    "remove",
    "restore",
    "import_facts",
    "bulk_insert_guild_facts",
    "sync_pack",
)
EXTRAS_KEY: Final = "fanbot_metrics"
LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

T = TypeVar("T")


class MetricsError(Exception):
    """Metrics cannot be served as set; the message says why and what to do, in one line."""


def check_available() -> None:
    """Raise :class:`MetricsError` if ``prometheus_client`` is not installed."""
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        raise MetricsError(
            "METRICS_PORT is set but prometheus_client is not installed: "
            "pip install 'fanbot[metrics]' (the Docker image has it), or unset METRICS_PORT"
        ) from None


@dataclass
class Measure:
    """One command being handled: when it started, and ``/ask``'s outcome once known."""

    started: float
    outcome: str | None = None


_measure: contextvars.ContextVar[Measure | None] = contextvars.ContextVar(
    "fanbot_metrics_measure", default=None
)


def begin(extras: dict[Any, Any]) -> None:
    """Start measuring the interaction whose ``extras`` these are (in its own task)."""
    measure = Measure(time.perf_counter())
    extras[EXTRAS_KEY] = measure
    _measure.set(measure)


def outcome_of(answer: Answer) -> str:
    if answer.withheld or any(part.withheld for part in answer.parts):
        return "withheld_spoiler"
    if answer.matched:
        return "answered"
    return "suggested" if answer.suggestions else "declined"


class Metrics:
    """The bot's metrics in a registry of their own, and the HTTP server serving them."""

    def __init__(self, guilds: Callable[[], int]) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.answers = Counter(
            "fanbot_answers",
            "Replies by command and outcome",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fanbot_command_seconds",
            "Time to handle a command",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "fanbot_command_errors",
            "Commands that ended in an error, by kind",
            ["command", "kind"],
            registry=self.registry,
        )
        self.store_writes = Histogram(
            "fanbot_store_write_seconds",
            "Time the database took to save a change",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.guilds = Gauge("fanbot_guilds", "Servers the bot is in", registry=self.registry)
        self.guilds.set_function(lambda: float(guilds()))
        self._server: Any = None
        self._thread: Any = None

    def serve(self, host: str, port: int) -> int:
        """Serve ``/metrics`` on ``host:port`` (a thread); returns the port bound."""
        from prometheus_client import start_http_server

        try:
            self._server, self._thread = start_http_server(port, host, registry=self.registry)
        except OSError as error:
            raise MetricsError(
                f"METRICS_PORT {port}: cannot listen on {host}:{port} "
                f"({error.strerror or error}); choose another port or METRICS_HOST"
            ) from None
        return int(self._server.server_port)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- what the bot reports ---

    def completed(self, command: str, extras: dict[Any, Any]) -> None:
        measure = extras.get(EXTRAS_KEY)
        if isinstance(measure, Measure):
            self.latency.labels(command).observe(time.perf_counter() - measure.started)
            self.answers.labels(command, measure.outcome or "answered").inc()

    def failed(self, command: str, kind: str, extras: dict[Any, Any]) -> None:
        measure = extras.get(EXTRAS_KEY)
        if isinstance(measure, Measure):
            self.latency.labels(command).observe(time.perf_counter() - measure.started)
        self.errors.labels(command, kind).inc()

    def watch_answers(self, service: AnswerService) -> None:
        """Note ``/ask``'s outcome on the measure of the command being handled."""
        answer = service.answer

        @functools.wraps(answer)
        async def answered(*args: Any, **kwargs: Any) -> Answer:
            result = await answer(*args, **kwargs)
            measure = _measure.get()
            if measure is not None:
                measure.outcome = outcome_of(result)
            return result

        service.answer = answered  # type: ignore[method-assign]

    def watch_store(self, store: FactStore) -> None:
        """Time every write of ``store``."""
        for name in STORE_WRITES:
            setattr(store, name, self._timed(name, getattr(store, name)))

    def _timed(self, name: str, call: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        histogram = self.store_writes.labels(name)

        @functools.wraps(call)
        async def timed(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return await call(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - started)

        return timed
