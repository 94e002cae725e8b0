"""Fact packs: one TOML file per show, curated by hand, read with ``tomllib``.

Loading never half-succeeds: either every fact in the file is valid, or
:class:`PackError` lists every problem, each naming the file, the fact id and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from bot.constants import ASK_MAX_CHARS, EXAMPLES_PER_FACT_MAX
from bot.core.models import FACT_ID_PATTERN, Fact, OneLine, TextError, check_text
from bot.core.text import fold


class Source(BaseModel):
    """Where facts come from; every fact in a pack names one of these by key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: OneLine
    publisher: OneLine
    published: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    url: OneLine | None = None
    file: OneLine | None = None

    @model_validator(mode="after")
    def _citable(self) -> Self:
        """Each field is one clean line; so must be the citation made of them, which
        every answer from this source ends with."""
        try:
            check_text(self.cite(), multiline=False)
        except TextError as error:
            raise ValueError(f"its citation {error}") from None
        return self

    def cite(self) -> str:
        """A one-line citation, e.g. ``"The Diplomat Season 2: ..." (TV Insider, 2024)``."""
        where = f" <{self.url}>" if self.url else ""
        return f"\u201c{self.title}\u201d ({self.publisher}, {self.published}){where}"


class Show(BaseModel):
    """The show a pack is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: OneLine
    network: OneLine
    aliases: tuple[OneLine, ...] = ()


def _fact_id(value: str) -> str:
    if not re.fullmatch(FACT_ID_PATTERN, value):
        raise ValueError(f"{value!r} is not a fact id (lowercase letters, digits and dashes)")
    return value


FactId = Annotated[str, AfterValidator(_fact_id)]


def _phrase_has_words(value: str) -> str:
    if not fold(value):
        raise ValueError("must contain letters or digits")
    return value


VocabularyWord = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
VocabularyPhrase = Annotated[OneLine, Field(max_length=60), AfterValidator(_phrase_has_words)]
Example = Annotated[OneLine, Field(max_length=ASK_MAX_CHARS), AfterValidator(_phrase_has_words)]


class Pack(BaseModel):
    """A show's curated facts and the sources they cite.

    ``vocabulary``: the show's own words (titles, nicknames, places), each with the
    phrases fans use for it, so that "who plays the vp" finds "Who plays the Vice
    President?". General fan speech ("come out", "s2", "cast") is the bot's, not the pack's.

    ``examples``: more messages fans wrote for a fact, as they wrote them (chatter, slang,
    a wrong guess), by fact id. They are matched by meaning only: unlike a fact's
    ``questions`` they lend the fact none of their words, so "kate's hubby, who's that
    actor" can teach the meaning of a question without making "kate" a word of the
    husband's fact.

    ``hide``: in a server's export (``/fact export``), the facts removed or hidden there,
    which ``/fact import`` removes or hides again. The bot's own pack has none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    show: Show
    sources: dict[str, Source] = Field(min_length=1)
    facts: tuple[Fact, ...] = Field(min_length=1)
    vocabulary: dict[VocabularyWord, tuple[VocabularyPhrase, ...]] = Field(
        default_factory=dict, max_length=500
    )
    examples: dict[FactId, tuple[Example, ...]] = Field(default_factory=dict)
    hide: tuple[FactId, ...] = ()

    @model_validator(mode="after")
    def _examples_of_facts_here(self) -> Self:
        ids = {fact.id for fact in self.facts}
        unknown = sorted(set(self.examples) - ids)
        if unknown:
            raise ValueError(f"examples for facts not in this pack: {', '.join(unknown)}")
        crowded = sorted(i for i, e in self.examples.items() if len(e) > EXAMPLES_PER_FACT_MAX)
        if crowded:
            raise ValueError(
                f"more than {EXAMPLES_PER_FACT_MAX} examples for: {', '.join(crowded)}"
            )
        return self


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, located as precisely as we can."""

    file: str
    fact_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.fact_id:
            where.append(f"fact {self.fact_id!r}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{': '.join(where)}: {self.message}"


class PackError(Exception):
    """A pack that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


def load_pack(path: Path) -> Pack:
    """Read and validate the pack at ``path``; raise :class:`PackError` if anything is off."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError([Problem(name, None, None, "no such file")]) from None
    except UnicodeDecodeError as error:
        raise PackError([Problem(name, None, None, f"is not valid TOML: {error}")]) from None
    return parse_pack(read_toml(text, name), name)


def read_toml(text: str, name: str) -> dict[str, Any]:
    """``text`` parsed as TOML; :class:`PackError` if it is not, or nests too deeply for
    the parser (``a = [[[[...``, which would exhaust the stack)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError([Problem(name, None, None, f"is not valid TOML: {error}")]) from None
    except RecursionError:
        message = "is nested too deeply (arrays or tables inside each other)"
        raise PackError([Problem(name, None, None, message)]) from None


def parse_pack(raw: Mapping[str, Any], name: str) -> Pack:
    """Validate an already-parsed pack document; ``name`` is used in error messages."""
    problems = [*_duplicate_ids(raw, name), *_unknown_sources(raw, name)]
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as error:
        problems = _problems_from(error, raw, name) + problems
    if problems:
        raise PackError(problems)
    return pack


def _problems_from(error: ValidationError, raw: Mapping[str, Any], name: str) -> list[Problem]:
    facts = raw.get("facts")
    if not isinstance(facts, list):
        facts = []
    details = error.errors(include_url=False)
    bad_facts = any(d["loc"][:1] == ("facts",) and len(d["loc"]) > 1 for d in details)
    problems = []
    for detail in details:
        loc = list(detail["loc"])
        if bad_facts and loc == ["facts"] and detail["type"] == "too_short":
            continue  # "at least 1 item after validation": the facts' own problems say why
        fact_id = None
        if len(loc) >= 2 and loc[0] == "facts" and isinstance(loc[1], int):
            entry = facts[loc[1]] if loc[1] < len(facts) else None
            fact_id = entry.get("id") if isinstance(entry, dict) else None
            fact_id = str(fact_id) if fact_id else f"#{loc[1] + 1}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or None
        problems.append(Problem(name, fact_id, field, _message(detail["msg"])))
    return problems


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def _raw_facts(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    facts = raw.get("facts")
    return [f for f in facts if isinstance(f, dict)] if isinstance(facts, list) else []


def _duplicate_ids(raw: Mapping[str, Any], name: str) -> Iterable[Problem]:
    counts = Counter(f["id"] for f in _raw_facts(raw) if isinstance(f.get("id"), str))
    for fact_id, count in counts.items():
        if count > 1:
            yield Problem(name, fact_id, "id", f"used by {count} facts; ids must be unique")


def _unknown_sources(raw: Mapping[str, Any], name: str) -> Iterable[Problem]:
    sources = raw.get("sources")
    known = set(sources) if isinstance(sources, dict) else set()
    for fact in _raw_facts(raw):
        source = fact.get("source")
        if isinstance(source, str) and source not in known:
            listed = ", ".join(sorted(known)) or "none"
            fact_id = str(fact.get("id", "?"))
            yield Problem(name, fact_id, "source", f"unknown source {source!r} (known: {listed})")
