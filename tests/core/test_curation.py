"""Moderator curation without Discord: the fact form, duplicate questions, pack files."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.curation import (
    Draft,
    DraftError,
    edited_fact,
    export_pack,
    fact_choices,
    fact_label,
    fact_stem,
    find_duplicates,
    moderator_source,
    new_fact,
    read_import,
    with_id,
)
from bot.core.curation import toml_writer as toml
from bot.core.curation.duplicates import DUPLICATE_COVERAGE, DUPLICATE_SCORE
from bot.core.curation.packfile import IMPORT_MAX_BYTES, MODERATOR_PUBLISHER
from bot.core.curation.toml_comments import line_comments
from bot.core.matcher import FactIndex, pack_index
from bot.core.models import Fact, Topic
from bot.core.pack import Pack, PackError, parse_pack
from bot.core.store import DuplicateFactId, FactStore, StoredFact, UnknownFact
from tests.conftest import BOTH_ENGINES, REPO
from tests.core.factories import make_fact

ENGINES = BOTH_ENGINES

SOURCE = "Added by the moderators of Diplomat Fans"
WHEN = dt.datetime(2025, 3, 4, 12, 30, tzinfo=dt.UTC)


def draft_problems(questions: str, answer: str, *, spoiler: bool = False) -> tuple[str, ...]:
    with pytest.raises(DraftError) as caught:
        new_fact(
            Draft(questions, answer),
            topic=Topic.TRAILER,
            season=3,
            spoiler=spoiler,
            source=SOURCE,
        )
    return caught.value.problems


# --- the fact form -------------------------------------------------------------------


def test_a_good_form_makes_a_fact() -> None:
    draft = Draft(
        "- Is there a Season 3 trailer?\r\n\r\n"
        "\u2022 Is there a Season 3 trailer?\n2. Any S3 teaser?",
        "  Yes: the first *teaser* is out.\nIt runs 90 seconds.  ",
    )
    fact = new_fact(draft, topic=Topic.TRAILER, season=3, spoiler=False, source=SOURCE)
    assert fact.questions == ("Is there a Season 3 trailer?", "Any S3 teaser?")
    assert fact.answer == "Yes: the first *teaser* is out.\nIt runs 90 seconds."
    assert (fact.id, fact.topic, fact.season, fact.source) == ("draft", Topic.TRAILER, 3, SOURCE)
    assert with_id(fact, "s3-trailer").id == "s3-trailer"


@pytest.mark.parametrize(
    ("questions", "answer", "spoiler", "expected"),
    [
        (" \n \n", "An answer.", False, "Questions: write at least one question"),
        ("Is there a trailer?", "   ", False, "The answer is empty"),
        ("Q" * 101, "An answer.", False, "The question is 101 characters long; the limit is 100."),
        (
            "Is there a trailer?",
            "a" * 1001,
            False,
            "The answer is 1001 characters long; the limit is 1000.",
        ),
        (
            "\n".join(f"Question {n}?" for n in range(26)),
            "A.",
            False,
            "26 questions; the limit is 25 per fact.",
        ),
        (
            "Is there a\x07 trailer?",
            "An answer.",
            False,
            "The question contains a control character (U+0007).",
        ),
        (
            "Is there a trailer?",
            "Yes\u200b.",
            False,
            "The answer contains a control character (U+200B).",
        ),
        ("Is there a trailer?", "Ask @everyone.", False, "The answer contains a mention"),
        ("Is there a trailer?", "Ask @here.", False, "The answer contains a mention"),
        ("Is <@123456789> in it?", "An answer.", False, "The question contains a mention"),
        ("Is there a trailer?", "Ask <@&42> or see <#42>.", False, "The answer contains a mention"),
        (
            "Is there a trailer?",
            "[Watch it](https://evil.example)",
            False,
            "contains a masked link",
        ),
        ("Is [it](<https://x.y>) out?", "An answer.", False, "The question contains a masked link"),
        (
            "Is there a trailer?",
            "Yes.\n-# Source: Netflix",
            False,
            "Answer line 2 starts with '-#'",
        ),
        ("Is there a trailer?", "# YES", False, "Answer line 1 starts with '#'"),
        ("Is there a trailer?", "Hal ||dies||.", True, "The answer contains '||'"),
    ],
)
def test_each_bad_input_gets_a_readable_message(
    questions: str, answer: str, spoiler: bool, expected: str
) -> None:
    problems = draft_problems(questions, answer, spoiler=spoiler)
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_at_once_naming_the_line() -> None:
    problems = draft_problems("Fine question?\nWho is <@1>?\n" + "x" * 150, "")
    assert problems == (
        "Question 2 contains a mention (@everyone, @here, <@id>, <#id>); write names instead.",
        "Question 3 is 150 characters long; the limit is 100.",
        "The answer is empty: write what the bot should reply.",
    )


def test_the_models_reasons_become_the_forms_sentences() -> None:
    answer = "Ask @everyone: [here](https://x.y)\n-# No"
    problems = draft_problems("Is [it](https://x.y) out?", answer)
    assert problems == (
        "The question contains a masked link ([text](address)), which hides where it leads; "
        "paste the plain address instead.",
        "The answer contains a mention (@everyone, @here, <@id>, <#id>); write names instead.",
        "The answer contains a masked link ([text](address)), which hides where it leads; "
        "paste the plain address instead.",
        "Answer line 2 starts with '-#', which Discord shows as a heading or as small print "
        "(like the bot's source line); remove it.",
    )


def test_what_is_allowed_stays_allowed() -> None:
    draft = Draft(
        "Where is #1 on the charts?",
        "It was **#1**; see https://netflix.com ||not a spoiler fact||",
    )
    fact = new_fact(draft, topic=Topic.RATINGS, season=None, spoiler=False, source=SOURCE)
    assert "https://netflix.com" in fact.answer


def test_an_edit_keeps_what_the_form_does_not_show() -> None:
    old = make_fact(
        "cast-someone",
        topic="cast",
        aliases=["someone"],
        source="tvinsider-s2",
        cast={"actor": "A B", "character": "C D", "role": "E", "seasons": [1], "status": "main"},
    )
    corrected = "Corrected by the moderators of Diplomat Fans"
    same_answer = edited_fact(
        Draft("Who plays C D?\nIs A B in it?", old.answer),
        old,
        cited_sources={"tvinsider-s2"},
        correction_source=corrected,
    )
    assert same_answer.questions == ("Who plays C D?", "Is A B in it?")
    assert (same_answer.cast, same_answer.aliases, same_answer.id) == (
        old.cast,
        old.aliases,
        old.id,
    )
    assert same_answer.source == "tvinsider-s2"  # the source still vouches for the answer

    new_answer = edited_fact(
        Draft("Who plays C D?", "Someone else now."),
        old,
        cited_sources={"tvinsider-s2"},
        correction_source=corrected,
    )
    assert new_answer.source == corrected
    own = make_fact(source=SOURCE)
    kept = edited_fact(
        Draft("Trailer?", "New."), own, cited_sources={"tvinsider-s2"}, correction_source=corrected
    )
    assert kept.source == SOURCE


def test_sources_and_stems() -> None:
    assert moderator_source("Diplomat Fans") == SOURCE
    assert moderator_source("@everyone lounge") == "Added by this server's moderators"
    assert (  # the source line every answer ends with must not hide a link
        moderator_source("[Official](https://evil.example)", verb="Corrected")
        == "Corrected by this server's moderators"
    )
    assert moderator_source(None, verb="Corrected") == "Corrected by this server's moderators"
    assert (
        fact_stem(Topic.TRAILER, 3, ["Is there a Season 3 trailer?"], spoiler=False) == "s3-trailer"
    )
    assert (
        fact_stem(Topic.GENERAL, None, ["What music plays in the opening credits?"], spoiler=False)
        == "general-music-plays-opening-credits"
    )
    # A spoiler fact's id must not give it away where ids are listed.
    assert fact_stem(Topic.RECAP, 2, ["Does Hal die?"], spoiler=True) == "s2-recap-spoiler"


def test_choices_label_spoilers_without_their_content(pack: Pack) -> None:
    stored = [StoredFact(f, None, "pack", 1, False, None, None) for f in pack.facts]
    choices = fact_choices(stored, "finale")
    labels = dict((v, n) for n, v in choices)
    assert "s1-finale" in labels
    assert labels["s1-finale"] == "s1-finale: The Season 1 finale (spoilers)"
    assert all(len(name) <= 100 for name, _ in fact_choices(stored, ""))
    assert len(fact_choices(stored, "")) <= 25
    assert fact_choices(stored, "kate wyler")[0][1] in {"cast-keri-russell", "premise"}
    long = StoredFact(make_fact("x" * 60, questions=["y" * 100]), 1, "guild", 2, True, None, None)
    assert len(fact_label(long)) == 100 and fact_label(long).endswith("[removed]")


# --- duplicate questions ---------------------------------------------------------------


@pytest.fixture(scope="module")
def index(pack: Pack) -> FactIndex:
    return pack_index(pack)


def fan_questions() -> list[dict[str, Any]]:
    with (REPO / "tests" / "data" / "fan_questions.toml").open("rb") as file:
        return list(tomllib.load(file)["question"])


def duplicates_of(index: FactIndex, question: str, **fields: Any) -> list[str]:
    fact = make_fact("new-fact", topic="general", questions=[question[:100]], **fields)
    return [d.other.id for d in find_duplicates(index, fact)]


def test_thresholds_catch_fans_paraphrases_and_nothing_off_topic(index: FactIndex) -> None:
    """Pins DUPLICATE_SCORE / DUPLICATE_COVERAGE: fans' real ways of asking what a fact
    answers are caught (as the fact they ask about), questions the pack cannot answer are not."""
    assert (DUPLICATE_SCORE, DUPLICATE_COVERAGE) == (80.0, 0.8)
    answered = [q for q in fan_questions() if q["expect"] != "decline"]
    caught = [
        q
        for q in answered
        if set(duplicates_of(index, q["text"])) & {q["expect"], *q.get("also", [])}
    ]
    assert len(caught) / len(answered) >= 0.85
    declined = [q["text"] for q in fan_questions() if q["expect"] == "decline"]
    assert [q for q in declined if duplicates_of(index, q)] == []


@pytest.mark.parametrize(
    "question",
    [
        "Is there going to be a season 3?",
        "Who directed season 2?",
        "Where was season 2 filmed?",
        "What music plays in the trailer?",
        "Who wrote the theme song?",
        "What did Keri Russell say about season 3?",
        "Is Season 2 on Netflix in Canada?",
    ],
)
def test_new_questions_are_not_duplicates(index: FactIndex, question: str) -> None:
    assert duplicates_of(index, question) == []


def test_a_duplicate_names_the_other_fact(index: FactIndex) -> None:
    fact = make_fact("new-fact", topic="cast", questions=["Fine?", "who plays kate wyler"])
    [duplicate] = find_duplicates(index, fact)
    assert duplicate.question == "who plays kate wyler"
    assert duplicate.other.id == "cast-keri-russell"
    assert "already answered by fact `cast-keri-russell` (Who plays Kate Wyler?)" in str(duplicate)
    spoiler = find_duplicates(index, make_fact("x", questions=["How did season 1 end?"]))
    assert "The Season 1 finale (spoilers)" in str(spoiler[0])  # not the finale's own question


def test_seasons_keep_facts_apart(index: FactIndex) -> None:
    assert duplicates_of(index, "Is there a Season 2 trailer?") == ["s2-trailer"]
    assert duplicates_of(index, "Is there a Season 2 trailer?", season=3) == []
    assert duplicates_of(index, "Where can I watch The Diplomat?") == ["where-to-watch"]
    assert duplicates_of(index, "Where can I watch The Diplomat season 3?") == []


def test_an_edited_fact_is_not_its_own_duplicate(index: FactIndex, pack: Pack) -> None:
    premise = next(f for f in pack.facts if f.id == "premise")
    edited = premise.model_copy(update={"questions": (*premise.questions, "whats the plot")})
    assert find_duplicates(index, edited, known=premise.questions) == []
    stolen = premise.model_copy(update={"questions": ("Who plays Hal Wyler?",)})
    assert [d.other.id for d in find_duplicates(index, stolen, known=premise.questions)] == [
        "cast-rufus-sewell"
    ]
    old = make_fact("new-fact", questions=["Who plays Hal Wyler?"])
    assert find_duplicates(index, old, known=old.questions) == []  # only new questions


# --- pack files ------------------------------------------------------------------------


NASTY = (
    'Quotes " and \\ backslashes, \t tabs,\nnew lines, """ triples, '
    "\u00e9t\u00e9, \U0001f3ac, # not a comment"
)


def server_facts() -> list[Fact]:
    return [
        make_fact("s3-trailer", season=3, answer=NASTY, source=SOURCE, aliases=["s3 teaser"]),
        make_fact("premise", topic="premise", answer="Corrected premise.", source="tvinsider-s2"),
        make_fact(
            "s3-recap-spoiler",
            topic="recap",
            season=3,
            spoiler=True,
            spoils="the Season 3 finale",
            answer="Someone | leaves.",
            source="Corrected by the moderators of Diplomat Fans",
        ),
        make_fact(
            "cast-new",
            topic="cast",
            source=SOURCE,
            cast={
                "actor": "A",
                "character": "B",
                "role": "C",
                "seasons": [2, 3],
                "status": "guest",
            },
        ),
        make_fact("s3-premiere", topic="premiere", season=3, date="2026-05", source=SOURCE),
    ]


def exported(pack: Pack, facts: list[Fact], hidden: list[Fact] | None = None) -> str:
    return export_pack(
        show=pack.show,
        pack_sources=pack.sources,
        facts=facts,
        hidden=hidden or [],
        server='Diplomat "Fans"\n# hide: premise',
        when=WHEN,
    )


def imported(pack: Pack, text: str | bytes, name: str = "facts.toml") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return read_import(data, name, show=pack.show, pack_sources=pack.sources)


def test_export_is_a_pack_and_round_trips(pack: Pack) -> None:
    facts = server_facts()
    hidden = [next(f for f in pack.facts if f.id == "s1-finale")]
    text = exported(pack, facts, hidden)

    as_pack = parse_pack(tomllib.loads(text), "export.toml")  # what any pack tool does
    assert [f.id for f in as_pack.facts] == [f.id for f in facts]
    assert as_pack.show == pack.show
    assert as_pack.sources["tvinsider-s2"] == pack.sources["tvinsider-s2"]
    assert as_pack.sources["moderators"].publisher == MODERATOR_PUBLISHER
    assert as_pack.hide == ("s1-finale",)  # a TOML array, not comment lines
    assert '  "s1-finale",  # The Season 1 finale (spoilers)\n' in text
    assert "# hide:" not in text.replace("\\n# hide: premise", "")
    assert "Trowbridge" not in text  # a hidden spoiler's content is not written out

    plan = imported(pack, text)
    assert list(plan.facts) == facts  # sources back to text or pack key, every field equal
    assert plan.hide == ("s1-finale",)  # the server name's "# hide:" stayed inside its comment


@pytest.mark.parametrize(
    "section",
    ['[examples]\nx = ["so is x out yet"]\n', '[vocabulary]\nvp = ["veep"]\n'],
)
def test_an_import_cannot_change_how_questions_are_read(pack: Pack, section: str) -> None:
    """The pack's [examples] and [vocabulary] are the bot's: an import holding them is
    refused with the reason, not loaded without them."""
    text = GOOD_HEAD + a_fact('"Out now."') + "\n" + section
    with pytest.raises(PackError) as caught:
        imported(pack, text)
    table = section.split("]")[0].strip("[")
    assert f"field '{table}': belongs to the bot's own pack" in str(caught.value)
    assert imported(pack, GOOD_HEAD + a_fact('"Out now."')).facts  # without it: fine


def a_fact(answer: str) -> str:
    return (
        f'[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = {answer}\n'
        'source = "moderators"\n'
    )


@pytest.mark.parametrize("quotes", ['"""', "'''"])
def test_a_hide_line_inside_a_string_hides_nothing(pack: Pack, quotes: str) -> None:
    answer = f"{quotes}\nWatch the trailer.\n#hide: premise\n# hide: s2-trailer{quotes}"
    text = GOOD_HEAD + a_fact(answer)
    with pytest.raises(PackError) as caught:  # "# " starts a heading: refused for that
        imported(pack, text)
    assert "fact 'x': field 'answer': line 3 starts with '#'" in str(caught.value)
    assert "hide" not in str(caught.value).replace("# hide: s2-trailer", "")

    plan = imported(pack, text.replace("# hide: s2-trailer", "Out now."))
    assert plan.hide == ()
    assert plan.facts[0].answer == "Watch the trailer.\n#hide: premise\nOut now."


def test_old_exports_hide_comment_lines_still_hide(pack: Pack) -> None:
    """Exports before the ``hide`` array listed hidden facts as ``# hide: <id>`` comments;
    only real comments count, not lines of a string."""
    old = (
        "# Facts of the Discord server 'X', exported 2025-03-04 12:30 UTC.\n"
        "# hide: s1-finale  (The Season 1 finale (spoilers))\n"
        + GOOD_HEAD
        + a_fact('"""\n#hide: premise\nA \\"""\n#hide: s2-trailer\n"""  # hide: x')
        + "# hide: cast-keri-russell\n"
    )
    plan = imported(pack, old)
    assert plan.hide == ("s1-finale", "cast-keri-russell")
    assert plan.facts[0].answer == '#hide: premise\nA """\n#hide: s2-trailer'


@given(st.text(st.sampled_from(list("#\"'\\\n h:"))), st.sampled_from(["'", '"', "raw"]))
def test_only_real_comments_are_comment_lines(text: str, quotes: str) -> None:
    """Whatever a multi-line string holds, its lines are never comments."""
    closing = {"'": "'''", "raw": '"""'}.get(quotes)  # escaped: the text cannot close it
    assume(closing is None or closing not in text)  # else the text may end the string early
    if quotes == '"':
        value = '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'
    else:  # literal, or basic with the text's own escapes (line-ending backslashes...)
        value = f"{quotes * 3}{text}{quotes * 3}" if quotes != "raw" else f'"""{text}"""'
    doc = f'# one\n"#k" = \'# no\'\nk = {value}  # not a line\n# two\nj = "#\\"" # x\n#three'
    try:
        parsed = tomllib.loads(doc)
    except tomllib.TOMLDecodeError:
        assume(False)
    if quotes != "raw":
        assert parsed["k"] == text.removeprefix("\n")
    found = line_comments(doc)
    assert found == ["# one", "# two", "#three"]
    kept = "\n".join(line for line in doc.split("\n") if line not in found)
    assert tomllib.loads(kept) == parsed  # they were comments: without them, the same


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_any_string_is_written_as_valid_toml(text: str) -> None:
    assert tomllib.loads(f"k = {toml.string(text)}\n") == {"k": text}
    assert tomllib.loads(f"{toml.key(text)} = 1\n") == {text: 1}
    assert tomllib.loads(toml.comment(text) + "\n") == {}


def test_a_foreign_source_becomes_a_citation(pack: Pack) -> None:
    text = """
[show]
name = "the diplomat"
network = "Netflix"

[sources.variety]
title = "Season 3 news"
publisher = "Variety"
published = "2025-01"
url = "https://variety.com/x"

[[facts]]
id = "s3-news"
topic = "renewal"
questions = ["Is there a season 3?"]
answer = "Yes."
source = "variety"
"""
    [fact] = imported(pack, text).facts
    assert fact.source == "\u201cSeason 3 news\u201d (Variety, 2025-01) <https://variety.com/x>"


def test_a_file_with_only_hidden_facts_is_accepted(pack: Pack) -> None:
    text = exported(pack, [], [next(f for f in pack.facts if f.id == "s2-trailer")])
    plan = imported(pack, text)
    assert (plan.facts, plan.hide) == ((), ("s2-trailer",))


def problems_of(pack: Pack, data: str | bytes) -> list[str]:
    with pytest.raises(PackError) as caught:
        imported(pack, data, "bad.toml")
    return [str(problem) for problem in caught.value.problems]


GOOD_HEAD = """
[show]
name = "The Diplomat"
network = "Netflix"

[sources.moderators]
title = "Added by the moderators of X"
publisher = "Discord server moderators"
published = "2025-03-04"
"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe not text", "bad.toml: is not UTF-8 text (byte 0xff at offset 0)"),
        (b"x" * (IMPORT_MAX_BYTES + 1), "bad.toml: is 513 KiB; the limit is 512 KiB"),
        ("[[facts]\nid = 1", "bad.toml: is not valid TOML: "),
        (
            "a = " + "[" * 10_000,
            "bad.toml: is nested too deeply (arrays or tables inside each other)",
        ),
        (GOOD_HEAD, "bad.toml: field 'facts': Field required"),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = ""\n'
            'source = "moderators"\n',
            "bad.toml: fact 'x': field 'answer': must not be empty",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\n'
            'answer = "Ask @everyone"\nsource = "moderators"\n',
            "bad.toml: fact 'x': field 'answer': contains a mention",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\n'
            'answer = "[Watch](https://evil.example)"\nsource = "moderators"\n',
            "bad.toml: fact 'x': field 'answer': contains a masked link ([text](address))",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\n'
            'answer = """Yes.\n-# Source: Netflix"""\nsource = "moderators"\n',
            "bad.toml: fact 'x': field 'answer': line 2 starts with '-#'",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\n'
            'answer = "## Big news"\nsource = "moderators"\n',
            "bad.toml: fact 'x': field 'answer': line 1 starts with '##'",
        ),
        (
            GOOD_HEAD.replace("Added by the moderators of X", "[Netflix](https://evil.example)")
            + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = "A"\n'
            'source = "moderators"\n',
            "bad.toml: field 'sources.moderators.title': contains a masked link",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "nope"\nquestions = ["Q?"]\nanswer = "A"\n'
            'source = "moderators"\n',
            "bad.toml: fact 'x': field 'topic': Input should be",
        ),
        (
            GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = "A"\n'
            'source = "elsewhere"\n',
            "bad.toml: fact 'x': field 'source': unknown source 'elsewhere'",
        ),
        (
            GOOD_HEAD.replace("The Diplomat", "The Crown")
            + '[[facts]]\nid = "x"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = "A"\n'
            'source = "moderators"\n',
            "bad.toml: field 'show.name': is about 'The Crown', not 'The Diplomat'",
        ),
        (
            "# hide: x\n" + GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\n'
            'questions = ["Q?"]\nanswer = "A"\nsource = "moderators"\n',
            "bad.toml: fact 'x': is both a fact in the file and listed to hide",
        ),
        (
            'hide = ["x"]\n' + GOOD_HEAD + '[[facts]]\nid = "x"\ntopic = "trailer"\n'
            'questions = ["Q?"]\nanswer = "A"\nsource = "moderators"\n',
            "bad.toml: fact 'x': is both a fact in the file and listed to hide",
        ),
        (
            'hide = ["Not_An_Id"]\n' + GOOD_HEAD,
            "bad.toml: field 'hide.0': 'Not_An_Id' is not a fact id",
        ),
        ("# hide: Not_An_Id\n[show]\nname = 'The Diplomat'\nnetwork = 'N'\n", "fact 'Not_An_Id'"),
    ],
)
def test_a_malformed_file_names_file_fact_and_field(
    pack: Pack, data: str | bytes, expected: str
) -> None:
    problems = problems_of(pack, data)
    assert any(problem.startswith(expected) or expected in problem for problem in problems), (
        problems
    )


def test_every_bad_fact_is_reported_not_just_the_first(pack: Pack) -> None:
    fact = (
        '[[facts]]\nid = "{id}"\ntopic = "trailer"\nquestions = ["Q?"]\nanswer = "{answer}"\n'
        'source = "moderators"\n'
    )
    text = (
        GOOD_HEAD
        + fact.format(id="a", answer="")
        + fact.format(id="b", answer="ok")
        + fact.format(id="c", answer="Hi <@1>")
    )
    problems = problems_of(pack, text)
    assert [p.split(":")[1].strip() for p in problems] == ["fact 'a'", "fact 'c'"]


# --- importing hidden facts (the store's side) -------------------------------------------


async def test_an_import_hides_in_the_same_transaction(store: FactStore) -> None:
    guild, mod = 1200000000000000001, 601
    report = await store.import_facts(guild, [make_fact("own")], mod, hide=["s1-finale"])
    assert (report.added, report.hidden, report.unchanged) == (("own",), ("s1-finale",), ())
    hidden = await store.get(guild, "s1-finale", include_removed=True)
    assert hidden is not None and hidden.removed and hidden.origin == "override"
    assert await store.get(1300000000000000001, "s1-finale") is not None  # other servers keep it
    assert [e.action for e in await store.history(guild, "s1-finale")] == ["remove"]

    again = await store.import_facts(guild, [make_fact("own")], mod, hide=["s1-finale"])
    assert (again.hidden, again.unchanged) == ((), ("own", "s1-finale"))

    generation = store.generation(guild)
    for bad, error in [
        (["s2-trailer", "no-such-fact"], UnknownFact),
        (["s2-trailer", "s2-trailer"], DuplicateFactId),
        (["own"], DuplicateFactId),  # both imported and hidden
    ]:
        with pytest.raises(error):
            await store.import_facts(guild, [make_fact("own", answer="New.")], mod, hide=bad)
        visible = await store.get(guild, "s2-trailer")
        own = await store.get(guild, "own")
        assert visible is not None and own is not None and own.fact.answer != "New."
    assert store.generation(guild) == generation
