"""The matcher finds the fact asked for, across typos, seasons and scale, or nothing."""

from __future__ import annotations

import random

import pytest

from bot.core.matcher import FactIndex, Lexicon, pack_index
from bot.core.pack import Pack
from tests.core.factories import cast_fact, make_fact


@pytest.fixture(scope="module")
def index(pack: Pack) -> FactIndex:
    return pack_index(pack)


def best(index: FactIndex, question: str) -> tuple[str, float, float]:
    [top, *_] = index.search(index.analyse(question))
    return top.fact.id, top.score, top.coverage


def test_lexicon_corrects_one_edit_and_prefers_common_words() -> None:
    lexicon = Lexicon({"premiere": 3, "janney": 1, "kinnear": 1, "premier": 1})
    assert lexicon.correct("premeire") == "premiere"  # transposition
    assert lexicon.correct("janey") == "janney"  # deletion
    assert lexicon.correct("kinear") == "kinnear"
    assert lexicon.correct("weather") == "weather"  # nothing close: left alone
    assert lexicon.correct("vp") == "vp"  # too short to judge


def test_a_word_that_rules_a_question_out_is_never_a_guess() -> None:
    """ "colin firth" must not become "colin birth", a question about someone's age."""
    lexicon = Lexicon({"birth": 1, "premiere": 1}, never_guessed={"birth"})
    assert lexicon.correct("firth") == "firth"
    assert lexicon.correct("birth") == "birth"  # still known as typed
    assert lexicon.correct("premere") == "premiere"


def test_a_name_nobody_here_knows_is_not_read_as_fan_speech(pack: Pack) -> None:
    """ "stuart" is one letter from "start" (a premiere word), but no fact says "start"."""
    lexicon = pack_index(pack).lexicon
    assert lexicon.correct("stuart") == "stuart"
    assert lexicon.correct("premeire") == "premiere"  # a word the facts use is still guessed


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("who plays the VP", "cast-allison-janney"),
        ("alison janey", "cast-allison-janney"),
        ("when does s2 premeire", "s2-premiere"),
        ("when did season 1 come out", "s1-premiere"),
        ("who plays dennison", "cast-david-gyasi"),
        ("who plays dennisons sister", "cast-tnia-miller"),
    ],
)
def test_finds_the_fact(index: FactIndex, question: str, fact_id: str) -> None:
    assert best(index, question)[0] == fact_id


def test_season_is_respected(index: FactIndex) -> None:
    assert index.search(index.analyse("when does season 3 come out")) == [] or all(
        m.fact.season in (None, 3) for m in index.search(index.analyse("season 3 premiere"))
    )
    assert 3 not in index.seasons


def test_unknown_words_lower_coverage(index: FactIndex) -> None:
    _, _, known = best(index, "who plays the president")
    _, _, unknown = best(index, "who plays the president in the west wing")
    assert unknown < 0.6 <= known


def test_search_scales_with_matches_not_facts() -> None:
    rng = random.Random(7)
    words = [f"w{n}x" for n in range(3000)]
    facts = [
        make_fact(f"f-{n}", questions=[" ".join(rng.choices(words, k=6))]) for n in range(5000)
    ]
    facts.append(make_fact("target", questions=["Who plays Grace Penn?"], aliases=["Janney"]))
    index = FactIndex(facts)
    assert best(index, "who plays grace pen")[0] == "target"
    assert best(index, "janney")[0] == "target"


@pytest.mark.parametrize("large", [False, True])
def test_meaning_finds_what_shares_no_words(
    pack: Pack, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """Both ways of keeping vectors (every phrasing; one short vector per fact, as for a
    very large server) bring up the finale for a question that never names it."""
    from bot.core import matcher
    from bot.core.semantic import default_embedder

    if large:
        monkeypatch.setattr(matcher, "_SEMANTIC_ROWS_MAX", 0)
    index = pack_index(pack, embedder=default_embedder())
    question = "did hal make it out alive"
    found = index.search(index.analyse(question), question)
    assert "s1-finale" in [m.fact.id for m in found]
    similarity = index.similarity(question)
    assert similarity is not None and similarity.shape == (len(pack.facts),)


def test_an_example_lends_its_meaning_and_none_of_its_words(pack: Pack) -> None:
    """The pack's examples are fans' own messages: a question that means what one of them
    means comes near its fact, but the example's words are not the fact's words."""
    from bot.core.semantic import default_embedder

    example = "kate's fella with the moustache, who's that actor again"
    with_example = pack.model_copy(update={"examples": {"cast-rufus-sewell": (example,)}})
    without = pack.model_copy(update={"examples": {}})
    embedder = default_embedder()
    taught = pack_index(with_example, embedder=embedder)
    plain = pack_index(without, embedder=embedder)
    row = [f.id for f in pack.facts].index("cast-rufus-sewell")
    taught_similarity, plain_similarity = taught.similarity(example), plain.similarity(example)
    assert taught_similarity is not None and plain_similarity is not None
    assert taught_similarity[row] > 0.99 > plain_similarity[row]
    assert "moustache" not in taught.lexicon  # its words stay out of the lexical index


def test_lexicon_reads_a_letter_held_for_emphasis() -> None:
    lexicon = Lexicon({"back": 2, "cool": 1, "premiere": 1})
    assert lexicon.correct("baaaack") == "back"
    assert lexicon.correct("cooool") == "cool"
    assert lexicon.correct("premiereeee") == "premiere"
    assert lexicon.correct("zzzz") == "zzzz"  # nothing known: left alone


def test_what_a_question_asks_beside_a_name_is_weighed_apart(pack: Pack) -> None:
    """Naming an actor or a character is not asking who plays them: the rest of the
    question, without the name, is compared with the fact on its own."""
    from bot.core.semantic import default_embedder

    index = pack_index(pack, embedder=default_embedder())

    def beside_name(question: str, fact_id: str) -> float | None:
        found = index.search(index.analyse(question), question)
        return next(m.beside_name for m in found if m.fact.id == fact_id)

    asks_the_part = beside_name("who plays Hal Wyler", "cast-rufus-sewell")
    asks_else = beside_name("did Rufus Sewell do his own stunts", "cast-rufus-sewell")
    assert asks_the_part is not None and asks_else is not None
    assert asks_the_part > asks_else + 0.2
    assert beside_name("when does season 2 come out", "s2-premiere") is None  # no name


def test_what_a_fact_leaves_unexplained_beside_a_name_is_measured(pack: Pack) -> None:
    """Beside the name, "who plays" is what a cast fact's phrasings say; "from ghana" is
    nothing they say: it asks something else about the person."""
    index = pack_index(pack)

    def unexplained(question: str, fact_id: str) -> float:
        found = index.search(index.analyse(question), question)
        return next(m.unexplained for m in found if m.fact.id == fact_id)

    assert unexplained("who plays Nana Mensah", "cast-nana-mensah") == 0.0
    assert unexplained("is Nana Mensah from Ghana", "cast-nana-mensah") == 1.0
    assert unexplained("Nana Mensah?", "cast-nana-mensah") == 0.0  # the name alone
    assert unexplained("when does season 2 come out", "s2-premiere") == 0.0  # no name


def test_a_part_told_through_another_is_named_through_its_titles_too() -> None:
    """ "Nell Quarry's brother" is also "the harbourmaster's brother": the index takes the
    other part's role and titles from its own fact, for any show."""
    nell = cast_fact(
        "cast-nell", "Mara Oyelaran", "Nell Quarry", "the harbourmaster", aliases=["harbour master"]
    )
    brother = cast_fact("cast-brother", "Idris Penhale", "Jory", "Nell Quarry's brother")
    index = FactIndex([nell, brother])
    for question in ("who plays the harbourmaster's brother", "the harbour master's brother?"):
        found = index.search(index.analyse(question))
        assert found[0].fact.id == "cast-brother", question
