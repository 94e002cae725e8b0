"""The spoiler policy: the one place where a fact becomes what a fan may see.

Every renderer (answers, embeds, embed fields and footers, autocomplete choices, "did you
mean" labels, moderators' previews) works from a :class:`ShownFact`, never from a
:class:`~bot.core.models.Fact`, so no command can show a spoiler by forgetting a rule:

- a fan who did not ask for spoilers gets a notice instead of a spoiler fact's answer, and
  none of its questions, cast details or date;
- a fan who asked gets the answer inside Discord spoiler tags ``||...||``, escaped so that
  nothing in it can close the tag early;
- a spoiler fact is named only by what it spoils (:attr:`Fact.spoiler_scope`, a label the
  model checks), never by its own questions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core import tense
from bot.core.models import CastRole, Fact, PartialDate, Topic

_PIPE_RUN = re.compile(r"\|{2,}")


def escape_spoiler(text: str) -> str:
    """``text`` made safe inside ``||...||``, growing by at most two characters for text
    without ``||``.

    Discord ends a spoiler at the first ``||`` after it opens, and a backslash escapes the
    character after it. So no two pipes may touch (inside the text, or the text's edge with a
    tag), and the text may not end in a backslash that would escape the closing tag.
    """
    text = _without_tags(text)
    if text.startswith("|"):
        text = "\\" + text
    if text.endswith(("|", "\\")):
        text += " "
    return text


def _without_tags(text: str) -> str:
    """``text`` with every run of pipes escaped: it can neither open nor close a tag."""
    return _PIPE_RUN.sub(lambda run: "\\|" * len(run[0]), text)


def spoiler_tagged(text: str) -> str:
    return f"||{escape_spoiler(text)}||"


def spoiler_notice(fact: Fact) -> str:
    """What a fan who did not ask for spoilers sees instead of a spoiler fact."""
    return (
        f"\u26a0\ufe0f This answer holds spoilers for {fact.spoiler_scope}. "
        "To see it, ask again with `spoilers: True` "
        "(for example `/recap spoilers: True` or `/ask spoilers: True`)."
    )


def suggestion_label(fact: Fact) -> str:
    """A short name for ``fact`` that gives nothing away: its first question, or for a
    spoiler fact what it spoils ("The Season 1 finale (spoilers)")."""
    if fact.spoiler:
        scope = fact.spoiler_scope
        return f"{scope[:1].upper()}{scope[1:]} (spoilers)"
    return fact.title


@dataclass(frozen=True)
class ShownFact:
    """A fact as one fan may see it: everything a renderer may put in a message.

    ``cast`` and ``date`` (shown in embed fields and timestamps, outside any spoiler tag)
    are only ever set for facts that are not spoilers.
    """

    id: str
    topic: Topic
    season: int | None
    label: str
    text: str
    source: str | None  # None when withheld: the notice stands alone
    spoiler: bool
    withheld: bool
    cast: CastRole | None = None
    date: PartialDate | None = None
    as_of: str | None = None  # when a time-bound fact was true ("October 2024")

    @property
    def scope(self) -> str | None:
        """For a spoiler fact, a heading naming what it spoils ("The Season 1 finale")."""
        return self.label.removesuffix(" (spoilers)") if self.spoiler else None

    def message(self) -> str:
        """The whole reply: the text, then the source (and its date) as small print."""
        if self.source is None:
            return self.text
        as_of = f"As of {self.as_of} \u00b7 " if self.as_of else ""
        return f"{self.text}\n-# {as_of}Source: {self.source}"


def show(
    fact: Fact,
    *,
    spoilers: bool,
    cite: Callable[[Fact], str],
    now: dt.datetime | None = None,
    network: str | None = None,
    published: Callable[[Fact], str | None] | None = None,
) -> ShownFact:
    """``fact`` as seen by a fan who did (``spoilers=True``) or did not ask for spoilers,
    told for ``now`` (default: this moment).

    A premiere fact with a date is told in the tense of ``now``, from its date (see
    :func:`bot.core.tense.retell_premiere`); a time-bound fact (a renewal, ratings, ...)
    says when it was true: ``published(fact)``, its source's date, when it has one.
    """
    withheld = fact.spoiler and not spoilers
    answer = told(fact, now=now or dt.datetime.now(dt.UTC), network=network)
    if not fact.spoiler:
        text = answer
    elif spoilers:
        text = spoiler_tagged(answer)
    else:
        text = spoiler_notice(fact)
    dated = published(fact) if published and fact.topic in tense.TIME_BOUND else None
    return ShownFact(
        id=fact.id,
        topic=fact.topic,
        season=fact.season,
        label=suggestion_label(fact),
        text=text,
        source=None if withheld else _without_tags(cite(fact)),
        spoiler=fact.spoiler,
        withheld=withheld,
        cast=None if fact.spoiler else fact.cast,
        date=None if fact.spoiler else fact.date,
        as_of=None if withheld or not dated else tense.published_date(dated),
    )


def told(fact: Fact, *, now: dt.datetime, network: str | None) -> str:
    """The fact's answer as true at ``now``: a dated premiere in the right tense."""
    if fact.topic is not Topic.PREMIERE or fact.date is None:
        return fact.answer
    subject = f"Season {fact.season}" if fact.season else "The show"
    return tense.retell_premiere(fact.answer, fact.date, subject=subject, network=network, now=now)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ending in "…" when cut, and never cut
    inside a spoiler tag (a tag cut open would show the rest of the spoiler)."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = text[: limit - 1]
    if cut.count("||") % 2:
        cut = cut[: cut.rindex("||")]
    return cut.rstrip() + "\u2026"
