"""Packs load whole or not at all, and the shipped pack is curated from its source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.models import Topic
from bot.core.pack import Pack, PackError, load_pack
from tests.conftest import REPO

GOOD_HEAD = """
[show]
name = "Show"
network = "Net"

[sources.article]
title = "Article"
publisher = "Paper"
published = "2024"
"""
GOOD_FACT = """
[[facts]]
id = "{id}"
topic = "premise"
questions = ["What is it about?"]
answer = "{answer}"
source = "{source}"
"""


def write(tmp_path: Path, *facts: str, head: str = GOOD_HEAD) -> Path:
    path = tmp_path / "pack.toml"
    path.write_text(head + "".join(facts), encoding="utf-8")
    return path


def fact(id: str = "premise", answer: str = "A story.", source: str = "article") -> str:
    return GOOD_FACT.format(id=id, answer=answer, source=source)


def problems(path: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_pack(path)
    return [str(problem) for problem in caught.value.problems]


def test_examples_must_belong_to_a_fact_of_the_pack(tmp_path: Path) -> None:
    examples = '\n[examples]\npremise = ["so whats it about lol"]\nfinale = ["how did it end"]\n'
    (problem,) = problems(write(tmp_path, fact(), examples))
    assert "examples for facts not in this pack: finale" in problem


def test_examples_are_one_line_each_and_not_too_many(tmp_path: Path) -> None:
    many = ", ".join(f'"question {n}"' for n in range(51))
    examples = f'\n[examples]\npremise = ["two\\nlines", {many}]\n'
    found = "\n".join(problems(write(tmp_path, fact(), examples)))
    assert "examples.premise.0" in found
    assert "more than 50 examples for: premise" in found or "examples.premise" in found


def test_a_good_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, fact()))
    assert [f.id for f in pack.facts] == ["premise"]


def test_errors_name_file_fact_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, fact(), fact(id="empty", answer=" "))
    [problem] = problems(path)
    assert problem.startswith(f"{path}: fact 'empty': field 'answer': ")


def test_a_single_bad_fact_is_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path, fact(id="empty", answer=" "))
    assert problems(path) == [f"{path}: fact 'empty': field 'answer': must not be empty"]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, fact(), fact(), fact(id="x-1", source="blog"))
    found = problems(path)
    assert any("fact 'premise': field 'id'" in p and "unique" in p for p in found)
    assert any("fact 'x-1': field 'source'" in p and "unknown source 'blog'" in p for p in found)


def test_unreadable_files(tmp_path: Path) -> None:
    assert "no such file" in problems(tmp_path / "missing.toml")[0]
    assert "not valid TOML" in problems(write(tmp_path, "[[facts]\n"))[0]


@pytest.mark.parametrize(
    ("title", "publisher", "field", "words"),
    [
        ("[Official](https://evil.example)", "Paper", "sources.article.title", "masked link"),
        ("Article", "[Paper](https://evil.example)", "sources.article.publisher", "masked link"),
        # A masked link made of two fields, in the citation every answer ends with.
        ("[Read", "x](https://evil.example)", "sources.article", "citation"),
    ],
)
def test_source_texts_hold_no_markdown_tricks(
    tmp_path: Path, title: str, publisher: str, field: str, words: str
) -> None:
    head = GOOD_HEAD.replace('"Article"', f'"{title}"').replace('"Paper"', f'"{publisher}"')
    found = problems(write(tmp_path, fact(), head=head))
    assert any(f"field '{field}': " in p and words in p for p in found), found


@pytest.mark.parametrize("nested", ["a = " + "[" * 10_000, "a = " + "{b = " * 10_000])
def test_a_deeply_nested_file_is_refused_not_a_crash(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(nested, encoding="utf-8")
    assert problems(path) == [f"{path}: is nested too deeply (arrays or tables inside each other)"]


def test_a_fact_without_an_id_is_located_by_position(tmp_path: Path) -> None:
    path = write(tmp_path, fact(), '[[facts]]\ntopic = "premise"\n')
    assert any("fact '#2'" in p for p in problems(path))


# --- the shipped pack ---------------------------------------------------------------

ARTICLE = REPO.parent / "shared" / "sources" / "the-diplomat-season-2-article.txt"


def article_text() -> str:
    if not ARTICLE.exists():
        pytest.skip("shared/sources is not beside this checkout")
    return ARTICLE.read_text(encoding="utf-8").replace("\u2019", "'").replace("\u2018", "'")


def test_shipped_pack_has_what_fans_ask(pack: Pack) -> None:
    topics = {f.topic for f in pack.facts}
    assert {Topic.PREMISE, Topic.RECAP, Topic.CAST, Topic.PREMIERE} <= topics
    assert [f.id for f in pack.facts if f.spoiler] == ["s1-finale"]
    assert all(f.source in pack.sources for f in pack.facts)


def test_cast_names_are_the_sources(pack: Pack) -> None:
    article = article_text()
    for f in pack.facts:
        if f.cast is None:
            continue
        actor = f.cast.actor.replace("\u2019", "'")
        assert actor in article or actor.split()[-1] in article, actor
        surname = f.cast.character.split()[-1]
        assert surname in article, f.cast.character


def test_dates_and_numbers_are_the_sources(pack: Pack) -> None:
    article = article_text()
    for f in pack.facts:
        if f.date is not None:
            assert str(f.date.year) in article
        for number in re.findall(r"\d[\d,.]*", f.answer):
            assert number.rstrip(".,") in article, (f.id, number)
