"""A server's facts as a fact-pack TOML file: ``/fact export`` writes it, ``/fact import``
reads it back.

The file is a fact pack (:mod:`bot.core.pack`: ``[show]``, ``[sources.<key>]``,
``[[facts]]``), so ``parse_pack`` and ``python -m bot facts check`` accept it, holding the
server's own facts and its corrections of pack facts. Facts removed or hidden in the server
are listed in the top-level array ``hide = ["<fact id>", ...]``; import removes/hides them
again. A file that only hides has no ``[[facts]]``; import accepts it. Exports made before
that array listed hidden facts as comment lines ``# hide: <fact id>``; import still reads
those, from real comments only (:mod:`.toml_comments`), never from lines of a string.

Sources: a pack fact cites a source by key, a moderator's fact carries its own text
("Added by the moderators of ..."). Export copies the pack sources that facts cite and
turns each distinct text into a source whose title is the text and whose publisher is
:data:`MODERATOR_PUBLISHER`; import turns such a source back into the text, keeps a key
that names the same source in the bot's pack, and cites any other source as text
(``"title" (publisher, published) <url>``). So export then import changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.core.curation import toml_comments
from bot.core.curation import toml_writer as toml
from bot.core.models import FACT_ID_PATTERN, Fact
from bot.core.pack import FactId, PackError, Problem, Show, Source, parse_pack, read_toml
from bot.core.policy import suggestion_label

IMPORT_MAX_BYTES = 512 * 1024
MODERATOR_PUBLISHER = "Discord server moderators"
_OLD_HIDE = re.compile(r"#[ \t]*hide:[ \t]*(\S+)")
_FACT_KEYS = (
    "id",
    "topic",
    "season",
    "spoiler",
    "spoils",
    "date",
    "questions",
    "aliases",
    "answer",
    "source",
    "cast",
)


@dataclass(frozen=True)
class ImportPlan:
    """A checked import file: the facts to add or change, and the ids to remove/hide."""

    facts: tuple[Fact, ...]
    hide: tuple[str, ...]


def export_pack(
    *,
    show: Show,
    pack_sources: Mapping[str, Source],
    facts: Sequence[Fact],
    hidden: Sequence[Fact] = (),
    server: str,
    when: dt.datetime,
) -> str:
    """The TOML text of a server's ``facts``, with ``hidden`` ones in ``hide``."""
    sources, keys = _sources_for(facts, pack_sources, published=when.date().isoformat())
    parts = [_header(server, when, len(facts))]
    if hidden:  # a top-level key: before the first table
        parts.append(toml.comment("Removed or hidden in the server (import hides them again):"))
        parts.append(toml.labelled_array("hide", [(f.id, suggestion_label(f)) for f in hidden]))
    parts.append(
        toml.table(
            "[show]", {"name": show.name, "network": show.network, "aliases": list(show.aliases)}
        )
    )
    for name, source in sources.items():
        fields = source.model_dump(exclude_none=True)
        parts.append(toml.table(f"[sources.{toml.key(name)}]", fields))
    for fact in facts:
        parts.append(toml.table("[[facts]]", _fact_table(fact, keys[fact.source])))
    return "\n".join(parts)


def check_upload_size(name: str, size: int) -> None:
    """Refuse (:class:`PackError`) an import file said to be over :data:`IMPORT_MAX_BYTES`,
    before downloading it."""
    if size > IMPORT_MAX_BYTES:
        limit = f"{IMPORT_MAX_BYTES // 1024} KiB"
        raise PackError([Problem(name, None, None, f"is larger than {limit}")])


_PACK_ONLY = (
    "belongs to the bot's own pack (how questions are read in every server); a server's "
    "import cannot change it: remove it and import again"
)


def read_import(
    data: bytes, name: str, *, show: Show, pack_sources: Mapping[str, Source]
) -> ImportPlan:
    """Check an import file completely; raise :class:`PackError` naming every problem."""
    if len(data) > IMPORT_MAX_BYTES:
        size = f"{-(-len(data) // 1024)} KiB"  # rounded up: never "512 KiB; the limit is 512"
        limit = f"{IMPORT_MAX_BYTES // 1024} KiB"
        raise PackError([Problem(name, None, None, f"is {size}; the limit is {limit}")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start})"
        raise PackError([Problem(name, None, None, message)]) from None
    raw = read_toml(text, name)
    old_hides = _old_hides(text) if "hide:" in text else []
    problems = [
        Problem(name, fact_id, None, "'# hide:' needs a fact id")
        for fact_id in old_hides
        if not re.fullmatch(FACT_ID_PATTERN, fact_id)
    ]
    facts: tuple[Fact, ...] = ()
    if "facts" in raw or not (raw.get("hide") or old_hides):
        try:
            pack = parse_pack(raw, name)
        except PackError as error:
            raise PackError([*error.problems, *problems]) from None
        facts = tuple(_with_source_texts(pack.facts, pack.sources, pack_sources, name, problems))
        file_show, hide = pack.show, pack.hide
    else:
        file_show, hide = _show_and_hide(raw, name)
    problems += [
        Problem(name, None, section, _PACK_ONLY)
        for section in ("vocabulary", "examples")
        if raw.get(section)
    ]
    if file_show.name.casefold() != show.name.casefold():
        problems.append(
            Problem(name, None, "show.name", f"is about {file_show.name!r}, not {show.name!r}")
        )
    hide = (*hide, *old_hides)
    ids = {fact.id for fact in facts}
    problems += [
        Problem(name, fact_id, None, "is both a fact in the file and listed to hide")
        for fact_id in dict.fromkeys(hide)
        if fact_id in ids
    ]
    if problems:
        raise PackError(problems)
    return ImportPlan(facts, tuple(dict.fromkeys(hide)))


def _old_hides(text: str) -> list[str]:
    """The ids of an old export's ``# hide: <id>`` comment lines."""
    return [
        match[1]
        for comment in toml_comments.line_comments(text)
        if (match := _OLD_HIDE.match(comment))
    ]


def _header(server: str, when: dt.datetime, count: int) -> str:
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        toml.comment(f"Facts of the Discord server {server!r}, exported {stamp}."),
        toml.comment(f"{count} facts: the server's own facts and its corrections of pack facts."),
        toml.comment("Edit and load back with /fact import: new ids are added, others updated."),
    ]
    return "\n".join(lines) + "\n"


def _sources_for(
    facts: Sequence[Fact], pack_sources: Mapping[str, Source], *, published: str
) -> tuple[dict[str, Source], dict[str, str]]:
    """The ``[sources]`` the facts need, and each fact ``source`` value's key among them."""
    sources: dict[str, Source] = {}
    keys: dict[str, str] = {}
    texts = 0
    for fact in facts:
        if fact.source in keys:
            continue
        if fact.source in pack_sources:
            keys[fact.source] = fact.source
            sources[fact.source] = pack_sources[fact.source]
            continue
        texts += 1
        name = "moderators" if texts == 1 else f"moderators-{texts}"
        while name in pack_sources:
            name += "-text"
        keys[fact.source] = name
        sources[name] = Source(
            title=fact.source, publisher=MODERATOR_PUBLISHER, published=published
        )
    return sources, keys


def _fact_table(fact: Fact, source_key: str) -> dict[str, Any]:
    data = fact.model_dump(mode="json", exclude_none=True)
    data["source"] = source_key
    if fact.date is not None:
        data["date"] = str(fact.date)
    if not fact.spoiler:
        data.pop("spoiler")
    if not fact.aliases:
        data.pop("aliases")
    return {k: data[k] for k in _FACT_KEYS if k in data}


def _with_source_texts(
    facts: Sequence[Fact],
    file_sources: Mapping[str, Source],
    pack_sources: Mapping[str, Source],
    name: str,
    problems: list[Problem],
) -> list[Fact]:
    """The facts citing as the bot stores them: a pack key, or the source's text."""
    out = []
    for fact in facts:
        source = file_sources[fact.source]
        if source.publisher == MODERATOR_PUBLISHER:
            text = source.title
        elif pack_sources.get(fact.source) == source:
            out.append(fact)
            continue
        else:
            text = source.cite()
        try:
            out.append(Fact.model_validate({**fact.model_dump(), "source": text}))
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                message = str(detail["msg"]).removeprefix("Value error, ")
                problems.append(Problem(name, fact.id, "source", message))
    return out


class _HideOnly(BaseModel):
    """A file that only hides facts: its show, and what to hide (other tables unused)."""

    show: Show
    hide: tuple[FactId, ...] = ()


def _show_and_hide(raw: Mapping[str, Any], name: str) -> tuple[Show, tuple[str, ...]]:
    try:
        only = _HideOnly.model_validate({"show": raw.get("show"), "hide": raw.get("hide", ())})
    except ValidationError as error:
        raise PackError(
            [
                Problem(
                    name,
                    None,
                    ".".join(map(str, detail["loc"])),
                    str(detail["msg"]).removeprefix("Value error, "),
                )
                for detail in error.errors(include_url=False)
            ]
        ) from None
    return only.show, only.hide
