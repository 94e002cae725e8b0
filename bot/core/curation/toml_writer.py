"""Just enough TOML writing for fact packs: strings, booleans, integers, arrays, inline tables.

Strings are written with :func:`json.dumps`: a JSON string is a valid TOML basic string
(same quotes, same ``\\"`` ``\\\\`` ``\\n`` ``\\t`` ``\\uXXXX`` escapes), once DEL, which
JSON leaves raw and TOML forbids, is escaped too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    """A table or value key: bare when it can be, quoted otherwise."""
    return name if _BARE_KEY.fullmatch(name) else string(name)


def string(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def value(item: object) -> str:
    """A TOML value on one line."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        pairs = ", ".join(f"{key(str(k))} = {value(v)}" for k, v in item.items())
        return f"{{ {pairs} }}" if pairs else "{}"
    if isinstance(item, Sequence):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def assignment(name: str, item: object) -> str:
    """``name = value``; an array of strings gets one element per line, for diffs."""
    if isinstance(item, list | tuple) and len(item) > 1 and all(isinstance(v, str) for v in item):
        lines = "".join(f"  {value(v)},\n" for v in item)
        return f"{key(name)} = [\n{lines}]"
    return f"{key(name)} = {value(item)}"


def labelled_array(name: str, items: Sequence[tuple[str, str]]) -> str:
    """``name = [...]`` of strings, one per line, each followed by a comment: its label."""
    lines = "".join(f"  {string(item)},  {comment(label)}\n" for item, label in items)
    return f"{key(name)} = [\n{lines}]\n"


def table(header: str, items: Mapping[str, object]) -> str:
    """``[header]`` (or ``[[header]]`` when given with double brackets) and its values."""
    body = "\n".join(assignment(k, v) for k, v in items.items() if v is not None)
    return f"{header}\n{body}\n"


def comment(text: str) -> str:
    """``text`` as one comment line (line breaks and control characters become spaces)."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    return f"# {clean}".rstrip()
