"""The fact model: what the bot knows, validated so that Discord can always show it.

A :class:`Fact` is one answer to one kind of fan question. Facts come from a curated
pack (``facts/*.toml``, read-only at run time) or from a server's moderators (stored
per guild). Both go through the same validation, so whatever reaches a channel is
non-empty, free of control characters and mention tricks, and short enough for an
embed field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot import constants

FACT_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_MENTION_TRICK = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
# What a spoiler fact may say it spoils. Fans who asked for no spoilers read it (in the
# warning, a recap heading, a "did you mean" button), so it names a part of the show and
# can say nothing of what happens there.
_SPOILS_LABEL = re.compile(
    r"^(?:the\s+)?(?:(?:season\s+\d{1,2}|s\d{1,2})(?:\s+(?:finale|premiere|ending|trailer|"
    r"mid-?season\s+finale|episode\s+\d{1,2}))?|finale|premiere|ending|show|series|trailer|"
    r"last\s+episode|mid-?season\s+finale|episode\s+\d{1,2})$",
    re.IGNORECASE,
)
SPOILS_EXAMPLES = "'the Season 1 finale', 'Season 2', 'the Season 2 premiere' or 'the show'"


class Topic(StrEnum):
    """What a fact is about. The first four have their own slash commands."""

    PREMISE = "premise"
    RECAP = "recap"
    CAST = "cast"
    PREMIERE = "premiere"
    RENEWAL = "renewal"
    RATINGS = "ratings"
    PRODUCTION = "production"
    TRAILER = "trailer"
    WHERE_TO_WATCH = "where-to-watch"
    GENERAL = "general"


class CastStatus(StrEnum):
    """Where an actor stands for the newest season."""

    MAIN = "main"
    GUEST = "guest"
    RETURNING = "returning"
    UNCONFIRMED = "not yet confirmed"


def _check_text(value: str, *, multiline: bool) -> str:
    """Normalise to NFC, strip, and refuse what Discord would render badly or dangerously."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be empty")
    if value.isprintable():  # fast path (C speed): no control or format characters
        return _no_mention_tricks(value)
    for char in value:
        if char in "\n\t" and multiline:
            continue
        if unicodedata.category(char) in ("Cc", "Cf") and char != "\u200d":
            raise ValueError(f"contains a control character (U+{ord(char):04X})")
    return _no_mention_tricks(value)


def _no_mention_tricks(value: str) -> str:
    if _MENTION_TRICK.search(value):
        raise ValueError("contains a mention (@everyone, @here, <@id>, <#id>); write names instead")
    return value


def _one_line(value: str) -> str:
    return _check_text(value, multiline=False)


def _paragraph(value: str) -> str:
    return _check_text(value, multiline=True)


def _spoils_label(value: str) -> str:
    if not _SPOILS_LABEL.match(value):
        raise ValueError(
            f"must only name the part of the show that is spoiled, such as {SPOILS_EXAMPLES}: "
            "fans who asked for no spoilers read it"
        )
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
Paragraph = Annotated[str, AfterValidator(_paragraph)]
Question = Annotated[OneLine, Field(max_length=constants.QUESTION_MAX_CHARS)]
Alias = Annotated[OneLine, Field(max_length=constants.ALIAS_MAX_CHARS)]
Season = Annotated[int, Field(ge=1, le=99)]


class PartialDate(BaseModel):
    """A date known to the day, or only to the month ("April 2023")."""

    model_config = ConfigDict(frozen=True)

    year: int = Field(ge=1900, le=2200)
    month: int = Field(ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PARTIAL_DATE.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a date as YYYY-MM-DD or YYYY-MM")
        year, month, day = match.groups()
        return cls(year=int(year), month=int(month), day=int(day) if day else None)

    @model_validator(mode="after")
    def _real_day(self) -> Self:
        if self.day is not None:
            dt.date(self.year, self.month, self.day)  # raises ValueError on 2024-02-30
        return self

    @property
    def exact(self) -> dt.date | None:
        """The calendar date when the day is known."""
        return dt.date(self.year, self.month, self.day) if self.day else None

    def __str__(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class CastRole(BaseModel):
    """One actor's part in the show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Annotated[OneLine, Field(max_length=80)]
    character: Annotated[OneLine, Field(max_length=80)]
    role: Annotated[OneLine, Field(max_length=200)]
    seasons: tuple[Season, ...] = Field(min_length=1)
    status: CastStatus


class Fact(BaseModel):
    """One curated answer, with the ways fans ask for it and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=FACT_ID_PATTERN)
    topic: Topic
    season: Season | None = None
    questions: tuple[Question, ...] = Field(
        min_length=1, max_length=constants.QUESTIONS_PER_FACT_MAX
    )
    aliases: tuple[Alias, ...] = Field(default=(), max_length=50)
    answer: Annotated[Paragraph, Field(max_length=constants.ANSWER_MAX_CHARS)]
    spoiler: bool = False
    spoils: Annotated[OneLine, Field(max_length=40), AfterValidator(_spoils_label)] | None = None
    source: Annotated[OneLine, Field(max_length=constants.SOURCE_MAX_CHARS)]
    cast: CastRole | None = None
    date: PartialDate | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_date(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("date"), str | dt.date):
            data = dict(data)
            data["date"] = PartialDate.parse(str(data["date"]))
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.spoils and not self.spoiler:
            raise ValueError("spoils: only a spoiler fact says what it spoils")
        if self.spoiler and "||" in self.answer:
            raise ValueError(
                "answer: a spoiler answer must not contain '||' (Discord spoiler tags)"
            )
        if self.cast is not None and self.topic is not Topic.CAST:
            raise ValueError("cast: only facts with topic 'cast' may describe a cast role")
        if self.date is not None and self.topic is not Topic.PREMIERE:
            raise ValueError("date: only facts with topic 'premiere' may carry a date")
        return self

    @property
    def spoiler_scope(self) -> str:
        """What a spoiler fact would spoil, for the warning shown instead of it."""
        if self.spoils:
            return self.spoils
        return f"Season {self.season}" if self.season else "the show"

    @property
    def title(self) -> str:
        """A short human label: the first question, as fans would ask it."""
        return self.questions[0]
