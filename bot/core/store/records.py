"""The values the fact store hands out: stored facts, audit entries, sync and import
reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import ValidationError

from bot.core.models import Fact

Origin = Literal["pack", "guild", "override"]


@dataclass(frozen=True, slots=True)
class StoredFact:
    """A fact as one server sees it, with where it comes from and its audit state."""

    fact: Fact
    guild_id: int | None  # None for a pack fact
    origin: Origin
    revision: int  # pass back as ``expected_revision`` to detect concurrent edits
    removed: bool  # soft-deleted guild fact, or pack fact hidden in this server
    updated_at: datetime | None
    updated_by: int | None  # None for pack facts

    @property
    def fact_id(self) -> str:
        """The fact's id."""
        return self.fact.id


class AuditAction(StrEnum):
    """What a moderator did to a fact."""

    ADD = "add"
    EDIT = "edit"
    REMOVE = "remove"
    RESTORE = "restore"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change to one fact in one server.

    ``before``/``after`` are the fact JSON the server saw before and after the change;
    ``None`` means the fact was absent or removed/hidden at that moment.
    """

    id: int
    guild_id: int
    fact_id: str
    action: AuditAction
    actor_id: int
    at: datetime
    before: str | None
    after: str | None

    @property
    def before_fact(self) -> Fact | None:
        """``before`` parsed; None if absent, or saved under rules it no longer meets."""
        return _fact_or_none(self.before)

    @property
    def after_fact(self) -> Fact | None:
        """``after`` parsed; None if absent, or saved under rules it no longer meets."""
        return _fact_or_none(self.after)


def _fact_or_none(body: str | None) -> Fact | None:
    if body is None:
        return None
    try:
        return Fact.model_validate_json(body)
    except ValidationError:  # e.g. a masked link an older version let in: history still shows
        return None


GuildFactRef = tuple[int, str]
"""(guild_id, fact_id)"""


@dataclass(frozen=True, slots=True)
class PackSync:
    """What :meth:`FactStore.sync_pack` changed.

    ``kept``: servers' overrides (corrections and hides) of facts the pack does not have,
    left exactly as they are so that they apply again when the fact returns to the pack.
    Meanwhile a correction answers as the server's own fact, and a bare hide is dormant.
    ``claimed``: live guild facts whose id the pack now uses; they are now overrides.
    ``dropped``: removed guild facts whose id the pack now uses, deleted so the pack
    fact shows (their history stays in the audit log).
    ``spoiled``: servers' corrections of pack facts this sync made (or kept) spoilers,
    which are served as spoilers of what the pack fact spoils from now on (nothing is
    written for them: the store applies the pack's spoiler flag whenever it reads).
    """

    added: int
    updated: int
    removed: int
    unchanged: int
    kept: tuple[GuildFactRef, ...] = ()
    claimed: tuple[GuildFactRef, ...] = ()
    dropped: tuple[GuildFactRef, ...] = ()
    spoiled: tuple[GuildFactRef, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything at all was written."""
        return bool(self.added or self.updated or self.removed or self.claimed or self.dropped)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Fact ids of an import, by what happened to them."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    hidden: tuple[str, ...] = ()  # ``hide`` ids newly removed/hidden (already hidden: unchanged)
    skipped: tuple[str, ...] = ()  # ``hide`` ids the server does not know (``skip_unknown``)


@dataclass(frozen=True, slots=True)
class PremiereEvent:
    """The Discord scheduled event made for a premiere fact in one server.

    ``premiere``: the fact's date the event was last scheduled for (it needs moving when
    the fact's date differs); ``updated_by``/``updated_at``: who created or last moved it.
    """

    guild_id: int
    fact_id: str
    event_id: int
    premiere: date
    updated_by: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A question fans asked in a server that the bot declined or answered unsure.

    ``key``: the question folded (the row's identity); ``question``: as last asked, for
    showing (it may hold anything a fan typed: render it harmlessly). Never who asked.
    """

    id: int
    guild_id: int
    key: str
    question: str
    asked: int
    first_asked: datetime
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class SuggestionPick:
    """How often fans who asked a recorded unanswered question (``key``, ``question`` as
    last asked) picked the suggested fact ``fact_id`` in a server. Never who clicked."""

    id: int
    guild_id: int
    key: str
    question: str
    fact_id: str
    picks: int
    last_picked: datetime


ProposalStatus = Literal["open", "approved", "rejected"]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A fact a member proposed with ``/suggest``, as typed (render it harmlessly).

    ``proposer_id`` is kept only to tell them the outcome; nothing else about them.
    ``decided_by``: the moderator who approved or rejected it (None while open).
    """

    id: int
    guild_id: int
    proposer_id: int
    question: str
    answer: str
    note: str
    status: ProposalStatus
    reason: str | None
    filed_at: datetime
    decided_by: int | None = None


@dataclass(frozen=True, slots=True)
class FactCount:
    """How many answers the fact ``fact_id`` gave in a server over some days, and how many
    of them were fans' picks among "did you mean" suggestions. Never who asked."""

    fact_id: str
    answers: int
    picks: int


@dataclass(frozen=True, slots=True)
class AnswerCounts:
    """A server's counts over some days: per fact (the most answered first) and the
    questions it declined."""

    facts: tuple[FactCount, ...]
    declines: int
