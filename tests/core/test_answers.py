"""The answer service: matching, declining, per-guild facts, and the spoiler policy."""

from __future__ import annotations

import asyncio
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import answers as answers_module
from bot.core.answers import AnswerService, Decline
from bot.core.pack import Pack
from bot.core.policy import escape_spoiler, spoiler_tagged
from bot.core.store import FactStore
from tests.core.factories import make_fact
from tests.fakediscord import spoilers as discord_spoilers

GUILD, OTHER_GUILD, MOD = 1111, 2222, 42


def finale_fragments(pack: Pack) -> list[str]:
    """Every run of five words of every spoiler answer: none may show without tags."""
    fragments = []
    for fact in pack.facts:
        if fact.spoiler:
            words = fact.answer.split()
            fragments += [" ".join(words[i : i + 5]) for i in range(len(words) - 4)]
    return fragments


def outside_tags(text: str) -> str:
    return discord_spoilers.visible(text)


async def test_answers_the_three_classic_questions(service: AnswerService) -> None:
    premiere = await service.answer(None, "when does season 2 come out", spoilers=False)
    assert premiere.fact is not None and premiere.fact.id == "s2-premiere"
    assert "October 31, 2024" in premiere.text and "TV Insider" in premiere.text

    vp = await service.answer(None, "who plays the vice president", spoilers=False)
    assert vp.fact is not None and "Allison Janney" in vp.text


async def test_spoilers_off_withholds_and_says_how_to_ask(
    service: AnswerService, pack: Pack
) -> None:
    answer = await service.answer(None, "how did season 1 end", spoilers=False)
    assert answer.spoiler and answer.withheld
    assert "Season 1 finale" in answer.text and "spoilers: True" in answer.text
    assert not any(fragment in answer.text for fragment in finale_fragments(pack))


async def test_spoilers_on_keeps_the_finale_inside_tags(service: AnswerService, pack: Pack) -> None:
    answer = await service.answer(None, "how did season 1 end", spoilers=True)
    assert answer.spoiler and not answer.withheld
    [tagged] = discord_spoilers.split(answer.text)[1]
    assert "Trowbridge" in tagged
    assert not any(f in outside_tags(answer.text) for f in finale_fragments(pack))


@settings(max_examples=500)
@given(st.text(alphabet="|\\ a`*_~>#\n", min_size=1, max_size=30))
def test_escaping_keeps_everything_inside_one_tag(text: str) -> None:
    tagged = spoiler_tagged(text)
    for model in discord_spoilers.MODELS:
        shown, hidden = discord_spoilers.split(tagged, model)
        assert shown == "" and len(hidden) == 1, (model, tagged)
    if "||" not in text:  # as in every spoiler fact: the message budget holds
        assert len(escape_spoiler(text)) <= len(text) + 2


QUESTION_WORDS = [
    "how",
    "did",
    "season",
    "1",
    "end",
    "finale",
    "hal",
    "die",
    "trowbridge",
    "car",
    "bomb",
    "carrier",
    "who",
    "behind",
    "attack",
    "spoiler",
    "||",
    "|",
    "recap",
    "kate",
    "s1",
    "ending",
    "survive",
    "cliffhanger",
    "what",
    "happened",
    "the",
    "pm",
    "villain",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from(QUESTION_WORDS), min_size=1, max_size=8),
    noise=st.text(max_size=20),
)
async def test_no_question_leaks_the_finale(
    service: AnswerService, pack: Pack, words: list[str], noise: str
) -> None:
    question = " ".join(words) + noise
    fragments = finale_fragments(pack)
    hidden = await service.answer(None, question, spoilers=False)
    assert not any(f in hidden.text for f in fragments), hidden.text
    shown = await service.answer(None, question, spoilers=True)
    assert not any(f in outside_tags(shown.text) for f in fragments), shown.text
    if shown.spoiler:
        assert discord_spoilers.split(shown.text)[1]


async def test_suggestions_never_name_spoiler_questions(service: AnswerService) -> None:
    answer = await service.answer(None, "hal", spoilers=False)
    for suggestion in answer.suggestions:
        assert "survive" not in suggestion.label.lower() and "die" not in suggestion.label


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("what's the weather in london", Decline.NO_MATCH),
        ("how do I bake sourdough bread", Decline.NO_MATCH),
        ("when does season 3 come out", Decline.UNKNOWN_SEASON),
        ("when does stranger things season 5 come out", Decline.OTHER_SHOW),
        ("how old is keri russell", Decline.NO_MATCH),
        ("is rufus sewell married in real life", Decline.NO_MATCH),
        ("???", Decline.EMPTY),
    ],
)
async def test_declines_politely(service: AnswerService, question: str, reason: Decline) -> None:
    answer = await service.answer(None, question, spoilers=False)
    assert not answer.matched and answer.declined is reason
    assert "Try `/about`" in answer.text or "Did you mean" in answer.text
    if reason is Decline.OTHER_SHOW:
        assert "another show" in answer.text and "Season 5" not in answer.text
    if reason is Decline.UNKNOWN_SEASON:
        assert "Season 3" in answer.text and "October 31" not in answer.text


async def test_a_guild_fact_answers_in_that_guild_only(
    service: AnswerService, store: FactStore
) -> None:
    question = "is the season 3 trailer out"
    assert not (await service.answer(GUILD, question, spoilers=False)).matched
    fact = make_fact("s3-trailer", season=3, questions=["Is the Season 3 trailer out?"])
    await store.add(GUILD, fact, MOD)

    here = await service.answer(GUILD, question, spoilers=False)
    assert here.fact == fact and "Added by the moderators" in here.text
    assert not (await service.answer(OTHER_GUILD, question, spoilers=False)).matched
    assert not (await service.answer(None, question, spoilers=False)).matched


async def test_a_guild_correction_of_a_pack_fact_wins_there(
    service: AnswerService, store: FactStore, pack: Pack
) -> None:
    original = next(f for f in pack.facts if f.id == "s2-trailer")
    corrected = original.model_copy(update={"answer": "The official trailer is out now."})
    await store.edit(GUILD, corrected, MOD)
    question = "is there a season 2 trailer"
    assert (await service.answer(GUILD, question, spoilers=False)).fact == corrected
    assert (await service.answer(OTHER_GUILD, question, spoilers=False)).fact == original

    await store.remove(GUILD, "s2-trailer", MOD)
    hidden = await service.answer(GUILD, question, spoilers=False)
    assert hidden.fact is None or hidden.fact.id != "s2-trailer"


async def test_a_change_made_while_indexing_is_not_hidden_by_the_cache(
    service: AnswerService, store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fact = make_fact("s3-trailer", season=3, questions=["Is the Season 3 trailer out?"])
    await store.add(GUILD, fact, MOD)
    question = "is the season 3 trailer out"
    assert (await service.answer(GUILD, question, spoilers=False)).fact == fact

    started, release = threading.Event(), threading.Event()
    build = answers_module._index_and_catalog

    def held_build(*args: object) -> object:  # the index of the edit, held until released
        started.set()
        release.wait(5)
        return build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(answers_module, "_index_and_catalog", held_build)
    await store.edit(GUILD, fact.model_copy(update={"answer": "Not yet."}), MOD)
    pending = asyncio.create_task(service.answer(GUILD, question, spoilers=False))
    await asyncio.to_thread(started.wait, 5)
    await store.remove(GUILD, "s3-trailer", MOD)  # while the edit is being indexed
    release.set()
    assert (await pending).text.startswith("Not yet.")  # asked before the removal

    again = await service.answer(GUILD, question, spoilers=False)
    assert again.fact is None or again.fact.id != "s3-trailer"


async def test_a_relation_in_the_show_is_not_the_actors_life(service: AnswerService) -> None:
    """A part in the show (Kate's husband) is not the actor's life (is Rufus Sewell married)."""
    show = await service.answer(None, "who plays kate's husband", spoilers=False)
    assert show.fact is not None and show.fact.id == "cast-rufus-sewell"
    life = await service.answer(None, "is rufus sewell married", spoilers=False)
    assert not life.matched


@pytest.mark.parametrize(
    "question",
    [
        "what's rory kinnear working on next",
        "did ali ahn go to drama school",
        "where did celia imrie grow up",
        "did miguel sandoval win any awards",
        "does nana mensah sing",
    ],
)
async def test_an_actors_life_and_work_beyond_the_show_are_not_their_part(
    service: AnswerService, question: str
) -> None:
    """The actor's name matches their cast fact, but the question asks what no fact says."""
    assert not (await service.answer(None, question, spoilers=False)).matched


async def test_another_show_that_says_who_someone_is_asks_about_this_cast(
    service: AnswerService,
) -> None:
    """ "the guy from <other show>" describes a person in this show; of a named actor, it
    asks about their other roles, which no fact here knows."""
    role = await service.answer(
        None, "is the us president the guy from better call saul?", spoilers=False
    )
    assert role.fact is not None and role.fact.id == "cast-michael-mckean"
    career = await service.answer(
        None, "is michael mckean the guy from better call saul", spoilers=False
    )
    assert not career.matched
    other = await service.answer(
        None, "is anyone from the west wing in better call saul", spoilers=False
    )
    assert not other.matched


async def test_a_recap_that_refuses_the_ending_is_not_the_finale(service: AnswerService) -> None:
    for question in (
        "what happens in season 1 roughly? NO ending spoilers pls",
        "need a refresher on s1 before the new season, just the gist not the last ep",
    ):
        answer = await service.answer(None, question, spoilers=False)
        assert answer.fact is not None and answer.fact.id == "s1-recap", question


async def test_a_question_leaning_on_the_part_before_is_read_with_it(
    service: AnswerService,
) -> None:
    answer = await service.answer(
        None,
        "Excuse me, the actress who play Cecilia, what is her name? In my country the show "
        "has only subtitles",
        spoilers=False,
    )
    assert answer.fact is not None and answer.fact.id == "cast-tnia-miller"


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("The character Cecilia, which actress plays her?", "cast-tnia-miller"),
        ("Meg Roylin 👀 actress?", "cast-celia-imrie"),
        ("the vice president 👀 actress?", "cast-allison-janney"),
    ],
)
async def test_a_subject_named_before_a_question_is_what_it_asks_about(
    service: AnswerService, question: str, fact_id: str
) -> None:
    answer = await service.answer(None, question, spoilers=False)
    assert [part.fact.id for part in answer.parts if part.fact] == [fact_id]


@pytest.mark.parametrize(
    "question", ["season 2 confirmed?", "is s2 official", "season 2 officially announced??"]
)
async def test_whether_a_season_is_confirmed_asks_about_the_renewal(
    service: AnswerService, question: str
) -> None:
    answer = await service.answer(None, question, spoilers=False)
    assert answer.fact is not None and answer.fact.id == "s2-renewal", answer.text


async def test_what_the_askers_people_say_is_chatter(service: AnswerService) -> None:
    answer = await service.answer(
        None, "my sister says the diplomat s2 is coming soon?? when exactly", spoilers=False
    )
    assert answer.fact is not None and answer.fact.id == "s2-premiere"


async def test_a_replaced_large_index_is_released_and_a_shared_one_is_kept(
    service: AnswerService, store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large index is freed a slice at a time once replaced (freeing it at once would
    block the event loop), but never the pack's index that servers share."""
    monkeypatch.setattr(answers_module, "LARGE", 20)  # the pack's 23 facts count as large
    sewell = "who plays hal"
    assert (await service.answer(GUILD, sewell, spoilers=False)).fact is not None
    shared = await service.index_for(GUILD)
    assert shared is await service.index_for(None)  # an unchanged server uses the pack's

    await store.add(GUILD, make_fact("s3-trailer", questions=["Is the S3 trailer out?"]), MOD)
    own = await service.index_for(GUILD)
    await store.add(GUILD, make_fact("s3-date", questions=["When is S3 out?"]), MOD)
    assert (await service.answer(GUILD, "is the s3 trailer out", spoilers=False)).matched
    await asyncio.gather(*service._releasing)

    assert list(own.pieces_released()) == []  # already emptied: nothing left to free
    assert shared.search(shared.analyse(sewell))  # still whole: never handed to the releaser
    assert (await service.answer(OTHER_GUILD, sewell, spoilers=False)).fact is not None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("gm everyone ☀️", []),  # a greeting asks nothing
        ("what time does s2 drop? like midnight PT or later", []),  # sources give dates
        ("what did rufus sewell say about playing hal", []),  # no quote of his is known
        ("where was it filmed? is that really london", []),  # "that" follows the first
        ("is the whole s1 cast coming back?", ["s2-cast-news"]),  # back for the next season
        ("whos in s2", ["s2-cast-news"]),
        ("what day does the new season hit netflix, i need to book the night off", ["s2-premiere"]),
        ("when did s1 come out and how did it do", ["s1-premiere", "s1-ratings"]),
        ("i watched 2 eps of s1 ages ago and forgot it all, quick recap?", ["s1-recap"]),
        ("forgot s1, quick catch up without spoiling the end?", ["s1-recap"]),
        ("ngl i only know keri russell is in it lol whats the premise", ["premise"]),
        ("will s2 come out on dvd/bluray", []),  # no fact is about discs
        ("Has Netflix announced a third season yet?", []),  # no fact is about Season 3
        ("is there a trailer yet + whats the release date", ["s2-trailer", "s2-premiere"]),
        ("Could you please send me a reminder when season two comes out?", []),
        # a person named in one part is who "she" is in the next: one question, not two
        ("Is Ali Ahn in this? which character does she play", ["cast-ali-ahn"]),
        # where a rumour was seen is no question about anyone's socials
        ("saw on tiktok that allison janney is in s2, who does she play", ["cast-allison-janney"]),
        ("is ali ahn on instagram", []),
        ("ok but what's it about tho?", ["premise"]),  # "tho" is chatter
        ("what's the vibe of the show", ["premise"]),
        ("how big was s1", ["s1-ratings"]),
        # another show says who someone is, however it is put
        ("the ambassador lady is the one from the americans, yeah?", ["cast-keri-russell"]),
        ("is rufus sewell in that slow burn spy show too?", []),  # his other work
        ("hal is the most underrated husband on tv, change my mind", []),  # an opinion
        ("is hal wyler played by colin firth?", ["cast-rufus-sewell"]),  # not "birth"
        ("what happens in s1, the broad strokes. no finale pls", ["s1-recap"]),
        ("the british prime minister, who is he irl", ["cast-rory-kinnear"]),
        ("the lead is the actress from the americans right? whats her name", ["cast-keri-russell"]),
        ("who did keri russell play in the americans", []),  # her other work
        ("is rufus sewell british?", []),  # where he is from, not the show's Britain
        ("who plays kate n hal", ["cast-keri-russell", "cast-rufus-sewell"]),
        ("the career diplomat married to kate, who plays him?", ["cast-rufus-sewell"]),
        ("what's keri russell's star sign", []),
        ("does s2 drop weekly or all at once", []),  # the sources give no schedule
        # what becomes of the characters next is in no source
        ("does kate become the vp in s2", []),
        ("does the president get impeached in s2", []),
        ("do kate and hal get a divorce in the new season", []),
        # a part named beside its actor from another show asks who plays the part
        ("the ambassador is keri russell from the americans right?", ["cast-keri-russell"]),
        ("was s1 really a hit or just hyped on tiktok?", ["s1-ratings"]),
        ("what's ali ahn doing next", []),
        ("3 eps in, what's s1 about broadly? no end spoilers", ["s1-recap"]),
        ("when did season one hit the telly?", ["s1-premiere"]),
        ("the foreign secretary's sis, who plays her", ["cast-tnia-miller"]),
        # the ending refused, however it is put
        ("sum up season one for me minus the last episode", ["s1-recap"]),
        ("what happens in s1, skip the end pls", ["s1-recap"]),
        ("my mum swears s2 is out in november, is she right?", ["s2-premiere"]),
        ("is s2 out in 2025? someone on reddit said so", ["s2-premiere"]),
        ("what was nana mensah in before this", []),
        ("where can i rewatch s1", ["where-to-watch"]),
        ("quick rundown of s1 w/o spoiling how it ends?", ["s1-recap"]),
        ("what happened in s1? no spoilers of the ending pls", ["s1-recap"]),
        ("the vp actress is from the west wing, what's her name again", ["cast-allison-janney"]),
        ("can you download s1 for me", []),
        ("is celia imrie in any period drama stuff?", []),  # her other work
        ("does kate finally leave hal in s2", []),
        ("is s2 out on halloween or is that just a rumour going around tiktok", ["s2-premiere"]),
        ("my gf swears it's on hulu and i say it's netflix, who's right", ["where-to-watch"]),
        # who plays whom the part before named is one question with it
        ("grace penn is finally in s2?? who got cast", ["cast-allison-janney"]),
        ("whos the main character", ["premise"]),  # the premise says who she is
        # a date asked of no season beside a part about one
        ("any trailer yet? and when does it drop", ["s2-trailer", "s2-premiere"]),
        ("is janney in season 2 and when does it start?", ["cast-allison-janney", "s2-premiere"]),
        ("i never caught what the show is actually about", ["premise"]),  # not a plot turn
        ("we're having a watch party tonight, who plays the husband?", ["cast-rufus-sewell"]),
        ("is it on netflix or do i need another subscription", ["where-to-watch"]),
        ("what episode does grace penn first show up in", []),
        ("tell me a fun fact about the show", []),
        ("lol this channel is dead today", []),  # chatter, not a death
        ("gonna be late to the watch party, save me a seat", []),
        ("good morning everyone ☕ how's your week going", []),  # a greeting, not the cast
        # whether someone is back in a season is that season's cast news
        ("is keri russell back for season 2?", ["s2-cast-news"]),
        ("is rory kinnear returning for s2 or is trowbridge done", ["s2-cast-news"]),
        ("who does rory kinnear play", ["cast-rory-kinnear"]),
        # beside an actor's name, only words no fact uses: the actor's own life and work
        ("is miguel sandoval from mexico?", []),
        ("celia imrie was in calendar girls right?", []),
        ("is celia imrie in it", ["cast-celia-imrie"]),
        # a terse part that names its season and is answered stands on its own
        ("season 1 was great and when is s2", ["s2-premiere"]),
        ("new to this — what's it about and is it on netflix", ["premise", "where-to-watch"]),
        ("season 2 date + is there a teaser", ["s2-premiere", "s2-trailer"]),
        ("who does the hair and makeup for the cast", []),  # behind the scenes
        ("any video from the new season yet?", ["s2-trailer"]),
        ("remind me what year s1 came out", ["s1-premiere"]),  # asks it, wants no recap
        # a spouse played is the part's, not the actor's own
        ("rufus sewell plays the ambassador's husband, correct?", ["cast-rufus-sewell"]),
        # the main character is the premise's; who plays the main character, the cast's
        ("whose story is it, who's the protagonist?", ["premise"]),
        ("what's the name of the actress playing the main character", ["cast-keri-russell"]),
        ("s2 release date pls, need to clear my schedule", ["s2-premiere"]),  # their diary
        # question words of other languages fans mix in
        ("quien es la actriz de kate?", ["cast-keri-russell"]),
        ("kab aayega season 2?", ["s2-premiere"]),
        ("kailan lalabas ang season 2", ["s2-premiere"]),
        # "what happens next" after a season is the next season
        ("how did s1 end, and when can i see what happens next", ["s1-finale", "s2-premiere"]),
        # a part and its actor named together confirm that casting
        ("kate's keri russell right", ["cast-keri-russell"]),
        ("keri russell is kate, right?", ["cast-keri-russell"]),
        # a part's story is no cast fact's; a guess at who plays it still is
        ("what happens to eidra in season 2", []),
        ("hal is colin firth right?", ["cast-rufus-sewell"]),
        ("meg roylin is maggie smith right?", ["cast-celia-imrie"]),
        # who the sources say an actor is known for is the pack's vocabulary
        ("the west wing actress, who does she play?", ["cast-allison-janney"]),
        ("is the west wing on netflix", []),  # the other show itself
        ("what did allison janney play in the west wing", []),
        # "who does he play" of someone no fact knows is not the season's cast news
        ("that actor from the crown is in it? who does he play", []),
        ("is celia imrie related to anyone famous", []),
        ("is grace penn going to run for president in s2", []),
        ("catch me up on s1 but don't tell me the end", ["s1-recap"]),
        ("season one came out back in 2022 didn't it?", ["s1-premiere"]),  # then, not again
        (
            "I missed most of season one. Without giving away the conclusion, what is the gist"
            " of what happens?",
            ["s1-recap"],
        ),
    ],
)
async def test_what_fans_write_around_a_question(
    service: AnswerService, message: str, expected: list[str]
) -> None:
    answer = await service.answer(None, message, spoilers=False)
    assert sorted(part.fact.id for part in answer.parts if part.fact) == sorted(expected)


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("allison janney is playing the president in s2 right?", "cast-allison-janney"),
        ("is rufus sewell hal", "cast-rufus-sewell"),  # a right premise
    ],
)
async def test_a_wrong_guess_at_who_plays_a_part_is_answered_about_the_part_named_first(
    service: AnswerService, question: str, fact_id: str
) -> None:
    """The fact about the part (or actor) the question is about answers it, and so
    corrects a wrong guess, rather than the fact of the other name in it."""
    answer = await service.answer(None, question, spoilers=False)
    assert answer.fact is not None and answer.fact.id == fact_id


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("Hal is played by Rory Kinnear right?", "cast-rufus-sewell"),
        ("is billie played by T'Nia Miller?", "cast-nana-mensah"),
    ],
)
async def test_a_wrong_guess_never_gives_the_other_names_part(
    service: AnswerService, question: str, fact_id: str
) -> None:
    """Less sure (short, and the meaning of other parts' examples is near), the guess is
    answered with the part named first or declined with it as the first "did you mean",
    never answered with the fact of the actor it names."""
    answer = await service.answer(None, question, spoilers=False)
    offered = [answer.fact.id] if answer.fact else [s.fact_id for s in answer.suggestions]
    assert offered[:1] == [fact_id], answer.text
