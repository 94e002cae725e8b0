"""How Discord shows spoiler tags, as two models of its markdown parser.

Discord's clients end a spoiler at the first ``||`` after the opening one; a backslash
before a punctuation character outside a spoiler makes it literal. Whether a backslash
*inside* a spoiler also protects a ``|`` is a detail that differs between renderers, so
both readings are modelled and text the bot sends must be safe under each.
"""

from __future__ import annotations

import re

_LAZY_SPOILER = re.compile(r"\|\|([\s\S]+?)\|\|")
_ESCAPING_SPOILER = re.compile(r"\|\|((?:\\[\s\S]|[^\\])+?)\|\|")
_ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")
MODELS = {"lazy": _LAZY_SPOILER, "escaping": _ESCAPING_SPOILER}


def split(text: str, model: str = "lazy") -> tuple[str, list[str]]:
    """(what anyone sees, [hidden spoiler contents]) of ``text`` under ``model``."""
    spoiler = MODELS[model]
    visible: list[str] = []
    hidden: list[str] = []
    i = 0
    while i < len(text):
        escape = _ESCAPE.match(text, i)
        if escape:
            visible.append(escape[1])
            i = escape.end()
            continue
        tag = spoiler.match(text, i)
        if tag:
            hidden.append(tag[1])
            i = tag.end()
            continue
        visible.append(text[i])
        i += 1
    return "".join(visible), hidden


def visible(text: str) -> str:
    """What is shown without clicking, under either model (both readings joined)."""
    return "\n".join(split(text, model)[0] for model in MODELS)
