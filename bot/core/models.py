"""The fact model: what the bot knows, validated so that Discord can always show it.

A :class:`Fact` is one answer to one kind of fan question. Facts come from a curated
pack (``facts/*.toml``, read-only at run time) or from a server's moderators (stored
per guild). Both go through the same validation, so whatever reaches a channel is
non-empty, free of control characters, mention tricks and markdown tricks (masked links,
headings or subtext that would change the bot's layout or forge its source line), and
short enough for an embed field. These rules live here only: the fact form, pack files
and imports all meet them through this model.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot import constants

FACT_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_MENTION_TRICK = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
_MASKED_LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_LAYOUT_LINE = re.compile(r"^[ \t]*(#{1,3}|-#)[ \t]", re.MULTILINE)
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


class TextRule(StrEnum):
    """Which rule a text broke."""

    EMPTY = "empty"
    CONTROL = "control character"
    MENTION = "mention"
    MASKED_LINK = "masked link"
    LAYOUT = "heading or subtext"


@dataclass(frozen=True)
class TextProblem:
    """One rule a text broke; ``line`` (1-based) says where, for a rule about lines."""

    rule: TextRule
    message: str
    line: int | None = None


class TextError(ValueError):
    """A text that Discord would show badly or dangerously, with every problem found in it.

    Pydantic keeps it as the error's ``ctx["error"]``, so callers can word each problem
    their own way (the fact form names the box and the line).
    """

    def __init__(self, problems: Iterable[TextProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


def check_text(value: str, *, multiline: bool, line_start: bool = False) -> str:
    """Normalise to NFC and strip; raise :class:`TextError` naming every rule it breaks.

    Every text: not empty, no control characters (line breaks and tabs only when
    ``multiline``), no mentions, no masked links. A text Discord shows at the start of a
    line (``line_start``: an answer, a cast role) also starts no line with a heading or
    subtext marker (``# ``, ``## ``, ``### ``, ``-# ``).
    """
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise TextError([TextProblem(TextRule.EMPTY, "must not be empty")])
    problems = [
        *_control_characters(value, multiline=multiline),
        *_mention_tricks(value),
        *_masked_links(value),
        *(_layout_lines(value, multiline=multiline) if line_start else ()),
    ]
    if problems:
        raise TextError(problems)
    return value


def _control_characters(value: str, *, multiline: bool) -> list[TextProblem]:
    if value.isprintable():  # fast path (C speed): no control or format characters
        return []
    for char in value:
        if char in "\n\t" and multiline:
            continue
        if unicodedata.category(char) in ("Cc", "Cf") and char != "\u200d":
            message = f"contains a control character (U+{ord(char):04X})"
            return [TextProblem(TextRule.CONTROL, message)]
    return []


def _mention_tricks(value: str) -> list[TextProblem]:
    if _MENTION_TRICK.search(value):
        message = "contains a mention (@everyone, @here, <@id>, <#id>); write names instead"
        return [TextProblem(TextRule.MENTION, message)]
    return []


def _masked_links(value: str) -> list[TextProblem]:
    if "](" in value and _MASKED_LINK.search(value):
        message = (
            "contains a masked link ([text](address)), which hides where it leads; "
            "paste the plain address instead"
        )
        return [TextProblem(TextRule.MASKED_LINK, message)]
    return []


def _layout_lines(value: str, *, multiline: bool) -> list[TextProblem]:
    layout = _LAYOUT_LINE.search(value) if "#" in value else None
    if layout is None:
        return []
    line = value.count("\n", 0, layout.start()) + 1
    message = (
        f"{f'line {line} starts' if multiline else 'starts'} with {layout.group(1)!r}, which "
        "Discord shows as a heading or as small print (like the bot's source line); remove it"
    )
    return [TextProblem(TextRule.LAYOUT, message, line)]


def _one_line(value: str) -> str:
    return check_text(value, multiline=False)


def _leading_line(value: str) -> str:
    return check_text(value, multiline=False, line_start=True)


def _paragraph(value: str) -> str:
    return check_text(value, multiline=True, line_start=True)


def _spoils_label(value: str) -> str:
    if not _SPOILS_LABEL.match(value):
        raise ValueError(
            f"must only name the part of the show that is spoiled, such as {SPOILS_EXAMPLES}: "
            "fans who asked for no spoilers read it"
        )
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
"""One line of text: a question, an alias, a source, a name."""
LeadingLine = Annotated[str, AfterValidator(_leading_line)]
"""One line of text that Discord shows at the start of a line (a cast role, in its field)."""
Paragraph = Annotated[str, AfterValidator(_paragraph)]
"""Lines of text shown as they are (an answer)."""
Question = Annotated[OneLine, Field(max_length=constants.QUESTION_MAX_CHARS)]
Alias = Annotated[OneLine, Field(max_length=constants.ALIAS_MAX_CHARS)]
Season = Annotated[int, Field(ge=1, le=constants.SEASON_MAX)]


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
    role: Annotated[LeadingLine, Field(max_length=200)]
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
