"""Every kind of response, rendered from random facts at the validation limits, fits
Discord's limits and keeps spoiler tags whole (a property test).

What Discord accepts is modelled once, in ``tests/fakediscord/limits.py`` (the fake Discord
refuses the same things); how it shows spoilers, in ``tests/fakediscord/spoilers.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.constants import (
    ANSWER_MAX_CHARS,
    QUESTION_MAX_CHARS,
    QUESTIONS_PER_FACT_MAX,
    SOURCE_MAX_CHARS,
)
from bot.core.answers import Answer, Suggestion
from bot.core.catalog import Catalog, ShownCatalog
from bot.core.curation import Draft, NotAdded, QuestionsAdded, WhyNotAdded, fact_choices
from bot.core.models import Fact, Topic
from bot.core.pack import PackError, Problem
from bot.core.policy import ShownFact, show, suggestion_label
from bot.core.stats import FactStat, FactStats
from bot.core.store import AuditAction, AuditEntry, ImportReport, StoredFact
from bot.exts.answers import _render as answers
from bot.exts.answers._suggestions import answer_view
from bot.exts.curation import _render as curation
from tests.fakediscord import limits, spoilers

SECRET = "Zq9"  # starts every spoiler answer and question: must never show untagged
NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
SHOW = "A Show With A Rather Long Name For A Title, Part Two"
# Markdown and escaping characters, but none the fact model refuses at a line start.
ALPHABET = st.sampled_from([*"abcXYZ019 .,'|\\*_~`>()\n", "\u00e9", "\U0001f600"])


def text(max_size: int, *, one_line: bool = False) -> st.SearchStrategy[str]:
    alphabet = ALPHABET.filter(lambda c: c != "\n") if one_line else ALPHABET
    # At the limit: a random stretch repeated (cheap to generate, and as long as allowed).
    longest = st.text(alphabet, min_size=1, max_size=40).map(
        lambda stretch: (stretch * (max_size // len(stretch) + 1))[:max_size]
    )
    return st.one_of(longest, st.text(alphabet, min_size=1, max_size=20))


@st.composite
def facts(draw: st.DrawFn, *, topic: Topic | None = None) -> Fact:
    topic = topic or draw(st.sampled_from(list(Topic)))
    spoiler = draw(st.booleans())
    prefix = f"{SECRET} " if spoiler else ""
    data: dict[str, Any] = {
        "id": f"f-{draw(st.integers(0, 10**9))}",
        "topic": topic,
        "season": draw(st.integers(1, 99)),
        "spoiler": spoiler,
        "questions": draw(
            st.lists(
                text(QUESTION_MAX_CHARS - len(prefix), one_line=True).map(prefix.__add__),
                min_size=1,
                max_size=QUESTIONS_PER_FACT_MAX,
            )
        ),
        "answer": prefix + draw(text(ANSWER_MAX_CHARS - len(prefix))),
        "source": draw(text(SOURCE_MAX_CHARS, one_line=True)),
    }
    if spoiler:
        data["spoils"] = draw(st.sampled_from([None, "the Season 12 mid-season finale"]))
    if topic is Topic.CAST:
        name = text(80, one_line=True)
        data["cast"] = {
            "actor": draw(name),
            "character": draw(name),
            "role": draw(text(200, one_line=True)),
            "seasons": draw(st.lists(st.integers(1, 99), min_size=1, max_size=99)),
            "status": "guest",
        }
    if topic is Topic.PREMIERE:
        data["date"] = draw(st.sampled_from(["2031-03-14", "2023-04"]))
    try:
        return Fact.model_validate(data)
    except ValidationError:
        assume(False)
        raise


def check_message(**data: Any) -> None:
    problems = limits.message_problems(data)
    assert not problems, problems


def check_embed(embed: discord.Embed, *, spoilers_on: bool) -> None:
    payload = embed.to_dict()
    check_message(embeds=[payload])
    for value in _strings(payload):
        shown, hidden = spoilers.split(value)
        assert SECRET not in shown, value
        assert spoilers_on or not hidden or SECRET not in "".join(hidden), value
        for model in spoilers.MODELS:
            assert len(spoilers.split(value, model)[1]) == len(hidden), value  # same tags


def _strings(payload: Any) -> list[str]:
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [s for value in payload.values() for s in _strings(value)]
    if isinstance(payload, list):
        return [s for value in payload for s in _strings(value)]
    return []


def shown(fact: Fact, *, spoilers_on: bool = False) -> ShownFact:
    return show(fact, spoilers=spoilers_on, cite=lambda f: f.source)


def stored(fact: Fact) -> StoredFact:
    return StoredFact(fact, 1, "override", 10**9, True, NOW, 10**18)


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(PROPERTY, max_examples=150)
@given(fact=facts(), spoilers_on=st.booleans())
def test_one_fact_answers(fact: Fact, spoilers_on: bool) -> None:
    message = shown(fact, spoilers_on=spoilers_on).message()
    check_message(content=message)
    for model in spoilers.MODELS:
        outside, hidden = spoilers.split(message, model)
        assert SECRET not in outside
        if "||" not in fact.answer:  # a non-spoiler answer may hold its own tags
            assert len(hidden) == int(fact.spoiler and spoilers_on)
    check_embed(answers.premise_embed(SHOW, shown(fact)), spoilers_on=False)
    check_embed(answers.premiere_embed(SHOW, shown(fact)), spoilers_on=False)
    check_embed(answers.cast_member_embed(shown(fact)), spoilers_on=False)
    check_embed(_details(fact), spoilers_on=True)
    content, embeds = curation.saved(_Service(), stored(fact), verb="Saved")
    check_message(content=content, embeds=[e.to_dict() for e in embeds])
    check_message(content=curation.removal_prompt(stored(fact)))


def _details(fact: Fact) -> discord.Embed:
    return curation.fact_details(_Service(), stored(fact))  # type: ignore[arg-type]


class _Service:
    """The one method of the answer service that moderators' renderers use."""

    def show(self, fact: Fact, *, spoilers: bool) -> ShownFact:
        return shown(fact, spoilers_on=spoilers)


@PROPERTY
@given(
    recap=st.lists(facts(topic=Topic.RECAP), min_size=1, max_size=12),
    cast=st.lists(facts(topic=Topic.CAST), max_size=30),
    spoilers_on=st.booleans(),
    copies=st.integers(1, 12),
)
def test_many_facts(recap: list[Fact], cast: list[Fact], spoilers_on: bool, copies: int) -> None:
    catalog = ShownCatalog(Catalog([*recap, *cast]), lambda f: shown(f, spoilers_on=spoilers_on))
    shown_recap = catalog.recap(recap[0].season)
    assert shown_recap is not None
    check_embed(answers.recap_embed(SHOW, shown_recap), spoilers_on=spoilers_on)
    cast_shown = [shown(f) for f in cast if not f.spoiler]
    many = (cast_shown * (400 // max(len(cast_shown), 1) + 1))[: copies * 40]  # up to 480
    check_embed(answers.cast_list_embed(SHOW, many), spoilers_on=False)
    for typed in ("", "a", "Zq9"):
        choices = [{"name": n[:100], "value": v} for n, v in catalog.cast_choices(typed)]
        assert not limits.choices_problems({"choices": choices})
    listed = [stored(f) for f in [*recap, *cast] * copies]
    labels = [{"name": n, "value": v} for n, v in fact_choices(listed, "a")]
    assert not limits.choices_problems({"choices": labels})
    for page in (0, 1, 99):
        embed, _ = curation.fact_list(listed, page, topic=None)
        check_embed(embed, spoilers_on=False)
    suggestions = tuple(Suggestion(f.id, suggestion_label(f)) for f in recap[:3])
    view = answer_view(Answer("q", "text", suggestions=suggestions), spoilers=spoilers_on)
    assert view is not None
    check_message(components=view.to_components())
    for label in (s.label for s in suggestions):
        assert SECRET not in label


@PROPERTY
@given(
    questions=text(3000),
    answer=text(ANSWER_MAX_CHARS + 500),
    problems=st.lists(text(400, one_line=True), max_size=40),
    ids=st.lists(st.from_regex(r"[a-z0-9]{1,64}", fullmatch=True), max_size=300),
    fact=facts(),
)
def test_moderators_replies(
    questions: str, answer: str, problems: list[str], ids: list[str], fact: Fact
) -> None:
    content, _file = curation.refused_input(problems or ["Too long."], Draft(questions, answer))
    check_message(content=content)
    pack_problems = [
        Problem("facts.toml", i, "answer", p) for i, p in zip(ids, problems, strict=False)
    ]
    check_message(
        content=curation.pack_problems(
            PackError(pack_problems or [Problem("f", None, None, "bad")])
        )
    )
    report = ImportReport(tuple(ids), tuple(ids), tuple(ids), tuple(ids), tuple(ids))
    check_message(content=curation.import_report("facts.toml", report))
    body = fact.model_dump_json()
    entries = [
        AuditEntry(n, 1, fact.id, AuditAction.EDIT, 10**18, NOW, body, body) for n in range(40)
    ]
    check_embed(curation.fact_history(fact.id, entries), spoilers_on=False)


@PROPERTY
@given(
    ids=st.lists(st.from_regex(r"[a-z0-9-]{1,100}", fullmatch=True), max_size=400),
    label=text(400, one_line=True),
    count=st.integers(0, 10**12),
    recording=st.booleans(),
)
def test_fact_stats(ids: list[str], label: str, count: int, recording: bool) -> None:
    rows = tuple(FactStat(fact_id, label, count, count) for fact_id in ids)
    stats = FactStats(30, recording, rows, rows, rows, count)
    check_embed(curation.fact_stats(stats), spoilers_on=False)


@PROPERTY
@given(
    fact=facts(),
    other=facts(),
    questions=st.lists(text(QUESTION_MAX_CHARS + 200, one_line=True), max_size=60),
    problems=st.lists(text(400, one_line=True), max_size=5),
    forgotten=st.integers(0, 60),
)
def test_a_gap_answered_with_a_fact(
    fact: Fact, other: Fact, questions: list[str], problems: list[str], forgotten: int
) -> None:
    whys = list(WhyNotAdded)
    not_added = tuple(
        NotAdded(q, whys[n % len(whys)], tuple(problems), other) for n, q in enumerate(questions)
    )
    third = len(questions) // 3
    result = QuestionsAdded(
        stored(fact), tuple(questions[:third]), tuple(questions[third:]), not_added
    )
    content = curation.gap_answered(result, forgotten=forgotten)
    check_message(content=content)
    assert SECRET not in content  # facts are named by id and safe label ("q" is not typed)


def test_a_fact_list_escapes_what_moderators_typed() -> None:
    """A title of pipes and backslashes, cut to fit, opens no spoiler tag in /fact list
    (hypothesis found it: the list showed fact titles unescaped)."""
    title = "||\\" * 33 + "|"
    fact = Fact(id="f-0", topic=Topic.RECAP, season=1, questions=(title,), answer="0", source="a")
    embed, _ = curation.fact_list([stored(fact)], 0, topic=None)
    check_embed(embed, spoilers_on=False)
