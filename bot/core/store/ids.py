"""Ids: the pack's guild id, checking a server's id, and fact ids made from text."""

from __future__ import annotations

import re
import unicodedata

from bot.core.models import FACT_ID_PATTERN

PACK_GUILD_ID = 0
"""``guild_id`` of pack rows; Discord snowflakes are never 0."""
FACT_ID_MAX_CHARS = 64
ID_CANDIDATES_PER_QUERY = 50


def slugify(stem: str) -> str:
    """A fact-id-shaped slug of ``stem`` (ASCII letters, digits, hyphens), or ``fact``."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:FACT_ID_MAX_CHARS].rstrip("-") or "fact"


def numbered(base: str, n: int) -> str:
    """``base`` for n = 1, else ``base-n``, shortened to stay a valid id."""
    if n == 1:
        candidate = base
    else:
        suffix = f"-{n}"
        candidate = base[: FACT_ID_MAX_CHARS - len(suffix)].rstrip("-") + suffix
    if not re.fullmatch(FACT_ID_PATTERN, candidate):
        raise ValueError(f"cannot make a fact id from {base!r}")
    return candidate


def checked_guild(guild_id: int) -> int:
    """``guild_id`` if it can name a server (0 is reserved for the pack)."""
    if isinstance(guild_id, bool) or not isinstance(guild_id, int) or guild_id <= 0:
        raise ValueError(f"guild_id must be a positive int, not {guild_id!r}")
    return guild_id
