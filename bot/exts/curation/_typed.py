"""What a moderator typed into the fact form, read back from the refusal that quotes it.

The draft of a refused form is not kept anywhere but in that refusal (a button's custom id
holds 100 characters), so "Edit and try again" reads it from there, also after a restart:
the inverse of :func:`._render.refused_input`, which quotes both boxes in code blocks
(after every backtick a zero-width space, so the text cannot close the block), or, when
that would be too long, attaches them as :data:`._render.TYPED_FILENAME`.
"""

from __future__ import annotations

import re

from bot.core.curation import Draft

_ZWSP = "\u200b"
_BLOCK = r"\n```\n((?:[^`]|`\u200b)*)\n```"  # a quoted box: no bare backtick inside
_QUOTED = re.compile(rf"\*\*Questions\*\*{_BLOCK}\n\*\*Answer\*\*{_BLOCK}\Z")
_EMPTY = "(empty)"
_FILE_HEAD, _FILE_SPLIT = "Questions:\n", "\n\nAnswer:\n"


def from_message(content: str) -> Draft | None:
    """The draft quoted at the end of a refusal's text, if it is there."""
    match = _QUOTED.search(content)
    if match is None:
        return None
    return Draft(_unquoted(match[1]), _unquoted(match[2]))


def from_file(text: str) -> Draft | None:
    """The draft in a refusal's attached file (``Questions:`` ... ``Answer:`` ...).

    Split at the first ``Answer:`` heading: a questions box holding a blank line and then
    a line ``Answer:`` would be split there (the rest lands in the answer box, not lost).
    """
    if not text.startswith(_FILE_HEAD) or _FILE_SPLIT not in text:
        return None
    questions, _, answer = text.removeprefix(_FILE_HEAD).partition(_FILE_SPLIT)
    return Draft(questions, answer.removesuffix("\n"))


def _unquoted(body: str) -> str:
    return "" if body == _EMPTY else body.replace("`" + _ZWSP, "`")
