"""The comment lines of a TOML document, which ``tomllib`` drops.

Only for reading exports made before hidden facts were a ``hide`` array: they listed them
as ``# hide: <fact id>`` comment lines. A line inside a multi-line string is text, not a
comment, so the document is scanned the way TOML reads it: strings (basic ``"..."`` with
escapes, literal ``'...'``, and their multi-line ``\"\"\"`` / ``'''`` forms, which may end
with up to two extra quotes) are skipped whole, and a ``#`` outside them starts a comment.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[#\"']")
_STOPS = {'"': re.compile(r'[\\"]'), "'": re.compile("'")}


def line_comments(text: str) -> list[str]:
    """Every comment that starts at the beginning of a line, from ``#`` to the line's end.

    ``text`` must be a valid TOML document (parse it with ``tomllib`` first): the scan
    relies on every string being closed.
    """
    found = []
    i = 0
    while (match := _SPECIAL.search(text, i)) is not None:
        i = match.start()
        if text[i] == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            if i == 0 or text[i - 1] == "\n":
                found.append(text[i:end].rstrip("\r"))
            i = end
        else:
            i = _string_end(text, i)
    return found


def _string_end(text: str, start: int) -> int:
    """The index just after the string (or quoted key) that starts at ``start``."""
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    i = start + len(delimiter)
    while (match := _STOPS[quote].search(text, i)) is not None:
        i = match.start()
        if text[i] == "\\":  # an escape, in a basic string: skip the escaped character
            i += 2
        elif text.startswith(delimiter, i):
            end = i + len(delimiter)
            while len(delimiter) == 3 and end < len(text) and text[end] == quote:
                end += 1  # quotes of the content just before the closing three
            return end
        else:
            i += 1
    return len(text)
