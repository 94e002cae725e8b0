"""The fact model refuses what Discord cannot show or should not show."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot import constants
from bot.core.models import CastStatus, PartialDate
from tests.core.factories import make_fact

ROLE = {"actor": "A", "character": "B", "role": "C", "seasons": [1], "status": "guest"}


def errors_of(**fields: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        make_fact(**fields)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]


def test_valid_fact_is_normalised() -> None:
    fact = make_fact(answer="  Cafe\u0301 opens.  ", questions=["  When?  "])
    assert fact.answer == "Caf\u00e9 opens."
    assert fact.questions == ("When?",)
    assert fact.title == "When?"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"answer": "   "}, "answer", "empty"),
        ({"answer": "x" * (constants.ANSWER_MAX_CHARS + 1)}, "answer", "at most"),
        ({"answer": "bell\x07"}, "answer", "control character"),
        ({"answer": "hidden\u202eevil"}, "answer", "control character"),
        ({"questions": ["line\nbreak"]}, "questions.0", "control character"),
        ({"questions": []}, "questions", "at least 1"),
        ({"answer": "ping @everyone now"}, "answer", "mention"),
        ({"answer": "hi <@123456789>"}, "answer", "mention"),
        ({"answer": "see <#123456789>"}, "answer", "mention"),
        ({"source": ""}, "source", "empty"),
        ({"answer": "[Watch it](https://evil.example)"}, "answer", "masked link"),
        ({"questions": ["Is [it](<https://x.y>) out?"]}, "questions.0", "masked link"),
        ({"aliases": ["[s3](https://x.y)"]}, "aliases.0", "masked link"),
        ({"source": "[Netflix](https://evil.example)"}, "source", "masked link"),
        ({"answer": "Yes.\n-# Source: Netflix"}, "answer", "line 2 starts with '-#'"),
        ({"answer": "# YES"}, "answer", "line 1 starts with '#'"),
        ({"answer": "Yes.\n  ### Small"}, "answer", "line 2 starts with '###'"),
        (
            {"topic": "cast", "cast": {**ROLE, "actor": "[A](https://x.y)"}},
            "cast.actor",
            "masked link",
        ),
        ({"topic": "cast", "cast": {**ROLE, "role": "-# Source: X"}}, "cast.role", "starts with"),
        ({"id": "Bad Id"}, "id", "pattern"),
        ({"season": 0}, "season", "greater than"),
    ],
)
def test_bad_text_is_refused_naming_the_field(
    fields: dict[str, object], field: str, words: str
) -> None:
    found = errors_of(**fields)
    assert any(loc == field and words in msg for loc, msg in found), found


def test_multiline_answers_are_allowed() -> None:
    assert make_fact(answer="One.\nTwo.").answer == "One.\nTwo."


def test_other_markdown_is_allowed() -> None:
    answer = "It was **#1**, see https://netflix.com or [this] (not a link).\n- a list\n#2 too"
    assert make_fact(answer=answer).answer == answer
    # A question is never shown at the start of a line: "#" there is just a number sign.
    assert make_fact(questions=["# of episodes in Season 2?"]).questions[0].startswith("# of")


def test_every_text_problem_is_named_at_once() -> None:
    [(field, message)] = errors_of(answer="Ask @everyone: [here](https://x.y)\n# Now")
    assert field == "answer"
    assert "mention" in message and "masked link" in message and "line 2 starts with" in message


def test_spoiler_answer_cannot_hold_spoiler_tags() -> None:
    [(_, message)] = errors_of(spoiler=True, answer="It ends || like this")
    assert "'||'" in message


def test_spoils_only_on_spoilers_and_scope_defaults() -> None:
    errors_of(spoils="the finale")
    assert make_fact(spoiler=True, season=3).spoiler_scope == "Season 3"
    assert make_fact(spoiler=True, spoils="the finale").spoiler_scope == "the finale"


def test_cast_role_only_on_cast_facts() -> None:
    role = {"actor": "A", "character": "B", "role": "C", "seasons": [1], "status": "guest"}
    errors_of(cast=role)
    fact = make_fact(topic="cast", cast=role)
    assert fact.cast is not None and fact.cast.status is CastStatus.GUEST


def test_dates_known_to_the_day_or_the_month() -> None:
    assert make_fact(topic="premiere", date="2023-04").date == PartialDate(year=2023, month=4)
    exact = make_fact(topic="premiere", date="2024-10-31").date
    assert exact is not None and exact.exact is not None and exact.exact.isoweekday() == 4
    errors_of(topic="premiere", date="2024-02-30")
    errors_of(topic="premiere", date="October")
    errors_of(date="2024-10-31")  # only premiere facts carry dates
