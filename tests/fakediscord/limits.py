"""Discord's size limits on what a bot sends, as the real API enforces them.

The fake answers a request that breaks one with Discord's own error (HTTP 400, code 50035
"Invalid Form Body"), so the bot under test fails exactly where it would fail for real. The
property tests call :func:`message_problems` directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

Payload = dict[str, Any]

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
ACTION_ROWS = 5
ROW_ITEMS = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
EVENT_NAME = 100
EVENT_DESCRIPTION = 1000
EVENT_LOCATION = 100
GUILD_ONLY = 2
EXTERNAL = 3


def _over(problems: list[str], what: str, text: object, limit: int) -> None:
    if isinstance(text, str) and len(text) > limit:
        problems.append(f"{what}: {len(text)} characters, limit {limit}")


def embed_length(embed: Payload) -> int:
    """The characters Discord counts towards the 6,000 of a message's embeds."""
    parts = [embed.get("title"), embed.get("description")]
    parts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
    for field in embed.get("fields") or []:
        parts += [field.get("name"), field.get("value")]
    return sum(len(p) for p in parts if isinstance(p, str))


def _embed_problems(embed: Payload, where: str) -> list[str]:
    problems: list[str] = []
    _over(problems, f"{where}.title", embed.get("title"), EMBED_TITLE)
    _over(problems, f"{where}.description", embed.get("description"), EMBED_DESCRIPTION)
    _over(problems, f"{where}.footer", (embed.get("footer") or {}).get("text"), FOOTER)
    _over(problems, f"{where}.author", (embed.get("author") or {}).get("name"), AUTHOR)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append(f"{where}.fields: {len(fields)} fields, limit {EMBED_FIELDS}")
    for n, field in enumerate(fields):
        _over(problems, f"{where}.fields[{n}].name", field.get("name"), FIELD_NAME)
        _over(problems, f"{where}.fields[{n}].value", field.get("value"), FIELD_VALUE)
        if not field.get("name") or not field.get("value"):
            problems.append(f"{where}.fields[{n}]: name and value must not be empty")
    return problems


def _component_problems(rows: Iterable[Payload]) -> list[str]:
    rows = list(rows)
    problems: list[str] = []
    if len(rows) > ACTION_ROWS:
        problems.append(f"components: {len(rows)} action rows, limit {ACTION_ROWS}")
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_ITEMS:
            problems.append(f"components[{r}]: {len(items)} items, limit {ROW_ITEMS}")
        for i, item in enumerate(items):
            where = f"components[{r}][{i}]"
            _over(problems, f"{where}.label", item.get("label"), BUTTON_LABEL)
            _over(problems, f"{where}.custom_id", item.get("custom_id"), CUSTOM_ID)
            _over(
                problems,
                f"{where}.label",
                item.get("label") if item.get("type") == 4 else None,
                TEXT_INPUT_LABEL,
            )
            _over(problems, f"{where}.value", item.get("value"), TEXT_INPUT_VALUE)
    return problems


def message_problems(data: Payload) -> list[str]:
    """Why Discord would refuse ``data`` as a message (create or edit); empty if it fits."""
    problems: list[str] = []
    _over(problems, "content", data.get("content"), CONTENT)
    embeds = data.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"embeds: {len(embeds)} embeds, limit {EMBEDS}")
    for n, embed in enumerate(embeds):
        problems += _embed_problems(embed, f"embeds[{n}]")
    total = sum(embed_length(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in all, limit {EMBED_TOTAL}")
    problems += _component_problems(data.get("components") or [])
    return problems


def choices_problems(data: Payload) -> list[str]:
    """Why Discord would refuse an autocomplete result."""
    choices = data.get("choices") or []
    problems = [f"choices: {len(choices)}, limit {CHOICES}"] if len(choices) > CHOICES else []
    for n, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= CHOICE_NAME:
            problems.append(f"choices[{n}].name: {len(name)} characters, 1 to {CHOICE_NAME}")
        _over(problems, f"choices[{n}].value", choice.get("value"), CHOICE_VALUE)
    return problems


def modal_problems(data: Payload) -> list[str]:
    problems: list[str] = []
    _over(problems, "title", data.get("title"), MODAL_TITLE)
    _over(problems, "custom_id", data.get("custom_id"), CUSTOM_ID)
    return problems + _component_problems(data.get("components") or [])


def callback_problems(body: Payload) -> list[str]:
    """Why Discord would refuse an interaction callback (by its type)."""
    data = body.get("data") or {}
    kind = int(body.get("type", 0))
    if kind in (4, 7):
        return message_problems(data)
    if kind == 8:
        return choices_problems(data)
    if kind == 9:
        return modal_problems(data)
    return []


def invalid_form_body(problems: list[str]) -> Payload:
    """Discord's error for a request over a limit, shaped as Discord shapes it."""
    errors: Payload = {}
    for problem in problems:
        where, _, detail = problem.partition(": ")
        entry = {"code": "BASE_TYPE_MAX_LENGTH", "message": detail}
        errors.setdefault(where, {"_errors": []})["_errors"].append(entry)
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def scheduled_event_problems(
    event: Payload, sent: Payload, *, now: datetime
) -> list[tuple[str, str, str]]:
    """Why Discord would refuse to create (or edit into) ``event``: ``(field, code,
    message)`` each. ``sent`` is the request's own fields: a start time is checked against
    ``now`` only when it is being set, as Discord lets an event that has started be edited.
    """
    problems: list[tuple[str, str, str]] = []

    def length(where: str, text: object, low: int, high: int) -> None:
        if not isinstance(text, str) or not low <= len(text) <= high:
            size = len(text) if isinstance(text, str) else 0
            code = "BASE_TYPE_REQUIRED" if not size else "BASE_TYPE_BAD_LENGTH"
            problems.append((where, code, f"Must be between {low} and {high} in length."))

    length("name", event.get("name"), 1, EVENT_NAME)
    if event.get("description") is not None:
        length("description", event["description"], 0, EVENT_DESCRIPTION)
    if event.get("privacy_level") != GUILD_ONLY:
        problems.append(("privacy_level", "ENUM_TYPE_COERCE", "Value must be one of (2,)."))
    if event.get("entity_type") not in (1, 2, EXTERNAL):
        problems.append(("entity_type", "ENUM_TYPE_COERCE", "Value must be one of (1, 2, 3)."))
    start = _moment(event.get("scheduled_start_time"))
    end = _moment(event.get("scheduled_end_time"))
    if start is None:
        problems.append(("scheduled_start_time", "DATE_TIME_TYPE_COERCE", "Invalid date."))
    elif "scheduled_start_time" in sent and start <= now:
        problems.append(
            (
                "scheduled_start_time",
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        )
    if event.get("entity_type") == EXTERNAL:
        metadata = event.get("entity_metadata") or {}
        length("entity_metadata.location", metadata.get("location"), 1, EVENT_LOCATION)
        if end is None:
            problems.append(
                ("scheduled_end_time", "BASE_TYPE_REQUIRED", "External events need an end time.")
            )
        if event.get("channel_id") is not None:
            problems.append(("channel_id", "BASE_TYPE_BAD", "External events have no channel."))
    elif event.get("channel_id") is None:
        problems.append(("channel_id", "BASE_TYPE_REQUIRED", "This field is required."))
    if start is not None and end is not None and end <= start:
        problems.append(
            (
                "scheduled_end_time",
                "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                "The end time must be after the start time.",
            )
        )
    return problems


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def form_errors(problems: Iterable[tuple[str, str, str]]) -> Payload:
    """Discord's "Invalid Form Body" for ``(field, code, message)`` problems."""
    errors: Payload = {}
    for where, code, message in problems:
        entry = {"code": code, "message": message}
        errors.setdefault(where, {"_errors": []})["_errors"].append(entry)
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
