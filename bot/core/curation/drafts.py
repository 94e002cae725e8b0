"""What a moderator typed into the fact form, turned into a :class:`Fact` or readable errors.

The form has two boxes: the questions fans would ask (one per line) and the answer. The
rules are :class:`~bot.core.models.Fact`'s, the same for every way a fact comes in (no empty
text, no control characters, no mentions, no masked links, no heading or subtext line in
an answer, length limits, no ``||`` in a spoiler answer); here each problem the model finds
becomes a sentence that names the box and the line.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot import constants
from bot.core.models import Fact, OneLine, Paragraph, TextError, TextRule, Topic
from bot.core.text import STOPWORDS, fold

DRAFT_ID = "draft"
"""Placeholder id while validating a new fact, before a free id is chosen."""
STEM_WORDS = 4
"""Words of the first question that go into a new fact's id."""

_BULLET = re.compile(r"^(?:[-*\u2022]|\d{1,2}[.)])\s+")
_QUESTION_WORDS = {"who", "whom", "whose", "when", "where", "which", "what", "why", "how"}
_ONE_LINE: TypeAdapter[str] = TypeAdapter(OneLine)
_PARAGRAPH: TypeAdapter[str] = TypeAdapter(Paragraph)


class DraftError(ValueError):
    """The form's input cannot make a fact; ``problems`` are sentences for the moderator."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Draft:
    """The two boxes of the fact form, exactly as typed."""

    questions: str
    answer: str


def new_fact(draft: Draft, *, topic: Topic, season: int | None, spoiler: bool, source: str) -> Fact:
    """A new fact from the form, with the placeholder id :data:`DRAFT_ID`.

    Raises :class:`DraftError` listing every problem found.
    """
    base = {"id": DRAFT_ID, "topic": topic, "season": season, "spoiler": spoiler}
    return _build(draft, {**base, "source": source})


def edited_fact(
    draft: Draft, old: Fact, *, cited_sources: Container[str], correction_source: str
) -> Fact:
    """``old`` with the form's questions and answer; everything else is kept.

    When the answer changes and ``old`` cites one of ``cited_sources`` (the pack's
    sources, which vouch for the pack's wording only), it cites ``correction_source``
    instead. Raises :class:`DraftError`.
    """
    base = old.model_dump(exclude={"questions", "answer"})
    fact = _build(draft, base)
    if fact.answer != old.answer and old.source in cited_sources:
        fact = Fact.model_validate({**fact.model_dump(), "source": correction_source})
    return fact


def with_id(fact: Fact, fact_id: str) -> Fact:
    """``fact`` under another id (validated)."""
    return Fact.model_validate({**fact.model_dump(), "id": fact_id})


def moderator_source(guild_name: str | None, *, verb: str = "Added") -> str:
    """The source text of a moderator's fact: "Added by the moderators of <server>"."""
    fallback = f"{verb} by this server's moderators"
    if not guild_name:
        return fallback
    text = f"{verb} by the moderators of {guild_name}"[: constants.SOURCE_MAX_CHARS]
    try:
        return _ONE_LINE.validate_python(text)
    except ValidationError:  # a server name with a mention, a masked link or odd characters
        return fallback


def fact_stem(topic: Topic, season: int | None, questions: Iterable[str], *, spoiler: bool) -> str:
    """What a new fact's id is made from: ``s2-trailer-teaser-music`` style.

    A spoiler fact's id says only topic and season: its questions could give it away
    wherever ids are shown (autocomplete, lists).
    """
    parts = [f"s{season}"] if season else []
    parts.append(topic.value)
    if spoiler:
        return "-".join([*parts, "spoiler"])
    first = next(iter(questions), "")
    skip = {*STOPWORDS, *_QUESTION_WORDS, *topic.value.split("-"), str(season or ""), "season"}
    words = [word for word in fold(first).split() if word not in skip]
    return "-".join(parts + words[:STEM_WORDS])


def parse_questions(text: str) -> tuple[list[str], list[str]]:
    """The questions box: one question per line. Returns (questions, problems).

    Blank lines and list bullets are dropped, and a question typed twice counts once.
    """
    questions: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    lines = [_BULLET.sub("", line.strip()) for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    for n, line in enumerate(lines, start=1):
        where = f"Question {n}" if len(lines) > 1 else "The question"
        line_problems = question_problems(line, where)
        if line_problems:
            problems += line_problems
        elif line.casefold() not in seen:
            seen.add(line.casefold())
            questions.append(line)
    if not lines:
        problems.append("Questions: write at least one question fans would ask, one per line.")
    elif len(questions) > constants.QUESTIONS_PER_FACT_MAX:
        problems.append(
            f"Questions: {len(questions)} questions; the limit is "
            f"{constants.QUESTIONS_PER_FACT_MAX} per fact."
        )
    return questions, problems


def parse_answer(text: str, *, spoiler: bool) -> tuple[str, list[str]]:
    """The answer box. Returns (answer, problems)."""
    answer = text.replace("\r\n", "\n").strip()
    if not answer:
        return answer, ["The answer is empty: write what the bot should reply."]
    limit = constants.ANSWER_MAX_CHARS
    if len(answer) > limit:
        return answer, [f"The answer is {len(answer)} characters long; the limit is {limit}."]
    problems = []
    try:
        answer = _PARAGRAPH.validate_python(answer)
    except ValidationError as error:
        problems += _sentences(error, "The answer", lines="Answer")
    if spoiler and "||" in answer:
        problems.append(
            "The answer contains '||' (Discord spoiler tags). A spoiler fact is already "
            "shown inside spoiler tags, so remove them."
        )
    return answer, problems


def _build(draft: Draft, base: Mapping[str, Any]) -> Fact:
    questions, problems = parse_questions(draft.questions)
    answer, answer_problems = parse_answer(draft.answer, spoiler=bool(base.get("spoiler")))
    problems += answer_problems
    if problems:
        raise DraftError(problems)
    try:
        return Fact.model_validate({**base, "questions": questions, "answer": answer})
    except ValidationError as error:
        raise DraftError(_field_problems(error)) from None


def question_problems(line: str, where: str = "The question") -> list[str]:
    """Why ``line`` cannot be a fact's question (too long, a mention, a masked link...),
    one sentence each about ``where``; empty when it can."""
    limit = constants.QUESTION_MAX_CHARS
    if len(line) > limit:
        return [f"{where} is {len(line)} characters long; the limit is {limit}."]
    try:
        _ONE_LINE.validate_python(line)
    except ValidationError as error:
        return _sentences(error, where)
    return []


def _sentences(error: ValidationError, where: str, *, lines: str | None = None) -> list[str]:
    """The model's reasons as sentences about ``where`` ("The answer contains ...");
    a problem on a numbered line is about ``lines`` ("Answer line 2 starts ...")."""
    sentences = []
    for detail in error.errors(include_url=False):
        cause = detail.get("ctx", {}).get("error")
        if not isinstance(cause, TextError):
            message = str(detail["msg"]).removeprefix("Value error, ")
            sentences.append(f"{where} {message[:1].lower()}{message[1:]}.")
            continue
        for problem in cause.problems:
            numbered = lines is not None and problem.rule is TextRule.LAYOUT
            sentences.append(f"{lines if numbered else where} {problem.message}.")
    return sentences


def _field_problems(error: ValidationError) -> list[str]:
    problems = []
    for detail in error.errors(include_url=False):
        field = ".".join(str(part) for part in detail["loc"]) or "fact"
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(f"{field.capitalize()}: {message}.")
    return problems
