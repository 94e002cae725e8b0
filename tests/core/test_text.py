"""Question analysis folds the ways fans write into the same terms."""

from __future__ import annotations

import pytest

from bot.core.pack import Pack
from bot.core.text import Vocabulary, analyse, fold, split_questions


def test_fold_handles_case_quotes_accents_and_punctuation() -> None:
    assert fold("WHAT\u2019S   Kate\u2019s  Caf\u00e9?!") == "what kate cafe"


@pytest.mark.parametrize(
    ("question", "seasons"),
    [
        ("when does s2 drop", {2}),
        ("Season Two release date", {2}),
        ("the second season", {2}),
        ("series 1 recap", {1}),
        ("seson 3??", {3}),
        ("S01E02 was great", {1}),
        ("is everyone from s1 back for s2", {1, 2}),
        ("who plays the vp", set()),
        ("top 10 on netflix", set()),
    ],
)
def test_seasons(question: str, seasons: set[int]) -> None:
    assert analyse(question).seasons == seasons


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("when does season 2 drop", "When does Season 2 come out?"),
        ("s2 release date??", "season two premiere"),
        ("who's the VP", "who is the vice president"),
        ("who plays the PM", "Who plays the Prime Minister?"),
        ("does hal die", "Does Hal survive?"),
    ],
)
def test_synonyms_meet(pack: Pack, one: str, other: str) -> None:
    vocabulary = Vocabulary(pack.vocabulary)
    assert set(analyse(one, vocabulary=vocabulary).terms) == set(
        analyse(other, vocabulary=vocabulary).terms
    )


def test_a_shows_words_come_from_its_pack(pack: Pack) -> None:
    """Titles and places are the pack's: without it, "vp" is just a word."""
    assert analyse("who's the VP").terms == ("@who", "vp")
    assert analyse("who's the VP", vocabulary=Vocabulary(pack.vocabulary)).terms == (
        "@who",
        "@vp",
    )
    extended = Vocabulary({"spouse": ["other half"]})  # a pack can add to general speech too
    assert analyse("who is kate's other half", vocabulary=extended).terms == (
        "@who",
        "kate",
        "@spouse",
    )


def test_show_name_and_chatter_are_dropped() -> None:
    analysis = analyse("hey guys lol when does the diplomat come out", ignore=["the diplomat"])
    assert analysis.terms == ("@when", "@premiere")


def test_user_text_cannot_forge_a_concept() -> None:
    assert analyse("@vpx @foo").terms == ("vpx", "foo")


def test_who_play_without_the_s_still_asks_for_each_role() -> None:
    assert split_questions("who play eidra and billie? i always mix them up") == [
        ("who plays eidra", True),
        ("who plays billie", True),
        ("i always mix them up", False),
    ]


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        # a dash between thoughts parts them
        ("new to this — what's it about", [("new to this", False), ("what's it about", True)]),
        # a word between "and" and the question does not hide it
        (
            "when did s1 drop and roughly how many watched",
            [("when did s1 drop", True), ("how many watched", True)],
        ),
        # a few words joined to a question ask too, unless they remark on something
        ("s2 date + is there a teaser", [("s2 date", True), ("is there a teaser", True)]),
        (
            "i loved the finale and when is s2",
            [("i loved the finale", False), ("when is s2", True)],
        ),
        # "who plays A + B" asks of each, and so do other ways to list parts
        ("who plays the pm + the vp", [("who plays the pm", True), ("who plays the vp", True)]),
        ("kate and hal actors?", [("who plays kate", True), ("who plays hal", True)]),
        ("who are hal and kate played by", [("who plays hal", True), ("who plays kate", True)]),
        (
            "the pm, the vp, who plays each?",
            [("who plays the pm", True), ("who plays the vp", True)],
        ),
        ("cast for billie + eidra", [("who plays billie", True), ("who plays eidra", True)]),
        ("love the cast", [("love the cast", False)]),
        (
            "hal actress + kate actress pls 🙏",
            [("who plays hal", True), ("who plays kate", True)],
        ),
    ],
)
def test_a_message_parts_into_what_it_asks(message: str, parts: list[tuple[str, bool]]) -> None:
    assert split_questions(message) == parts


def test_what_fans_say_in_passing_is_not_what_they_ask() -> None:
    # "first aired" with no season named is the first season
    assert analyse("what month did it first air").seasons == {1}
    assert analyse("when does s2 first air").seasons == {2}
    # "back in the autumn of 2022" is then, not a return; "putting together" is no couple
    assert "@return" not in analyse("it started back in the autumn of 2022").terms
    assert "@family" not in analyse("putting together a timeline, when did it air").terms
    assert "@family" in analyse("are they together irl").terms


def test_a_season_in_spanish_or_portuguese_is_a_season() -> None:
    assert analyse("cuando salio la primera temporada").seasons == {1}
    assert analyse("temporada 2 quando sai").seasons == {2}
