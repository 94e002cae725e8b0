"""No spoiler on any path, and nothing Discord would refuse, whatever the store holds.

The fake Discord refuses any message over one of Discord's limits (``tests/fakediscord/
limits.py``), so every test here also proves that what the bot sent would have been
delivered.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.client import FanBot
from bot.core.models import Fact
from tests.core.factories import make_fact
from tests.e2e import helpers
from tests.e2e.conftest import GUILD, fan, moderator
from tests.fakediscord import FakeDiscord, SentInteraction, spoilers

MOD_ID = 601
SECRET = "Zorblax"  # in every spoiler answer
CAST_SECRETS = ("Vexmund Plort", "Grizelda Fnord", "Quaggle")  # actor, character, role
QUESTION_SECRET = "quixotic"  # in every spoiler question
SECRET_PREMIERE = dt.datetime(2031, 3, 14, 12, tzinfo=dt.UTC)


def spoiler_facts() -> list[Fact]:
    """A spoiler fact of every topic a fan command shows, each keeping its secrets."""
    common: dict[str, Any] = {"spoiler": True, "source": "Added by the moderators"}
    return [
        make_fact(
            "premise-twist",
            topic="premise",
            questions=[f"What is the {QUESTION_SECRET} twist of the premise?"],
            answer=f"The premise hides {SECRET}: the embassy is a front.",
            **common,
        ),
        make_fact(
            "s1-recap-extra",
            topic="recap",
            season=1,
            questions=[f"What {QUESTION_SECRET} thing happens in season 1?"],
            answer=f"{SECRET} turns out to be the mole.",
            spoils="the Season 1 finale",
            **common,
        ),
        make_fact(
            "cast-newcomer",
            topic="cast",
            questions=[f"Who is the {QUESTION_SECRET} newcomer in the cast?"],
            answer=f"{CAST_SECRETS[0]} joins as {CAST_SECRETS[1]}, secretly {SECRET}.",
            cast={
                "actor": CAST_SECRETS[0],
                "character": CAST_SECRETS[1],
                "role": f"{CAST_SECRETS[2]}, the hidden villain",
                "seasons": [2],
                "status": "main",
            },
            **common,
        ),
        make_fact(
            "s3-premiere",
            topic="premiere",
            season=3,
            date=SECRET_PREMIERE.date().isoformat(),
            questions=[f"When does the {QUESTION_SECRET} season 3 premiere?"],
            answer=f"Season 3 premieres on March 14, 2031, with {SECRET}.",
            **common,
        ),
        make_fact(
            "general-secret",
            topic="general",
            questions=[f"Is there a {QUESTION_SECRET} secret about the show?"],
            answer=f"The showrunner said {SECRET} was planned from the start.",
            **common,
        ),
    ]


def secrets_in(text: str, finale: list[str]) -> list[str]:
    timestamp = str(int(SECRET_PREMIERE.timestamp()))
    words = [SECRET, *CAST_SECRETS, QUESTION_SECRET, timestamp, *finale]
    return [word for word in words if word.casefold() in text.casefold()]


async def reply_to(sent: SentInteraction) -> dict[str, Any]:
    body = await sent.response()
    if body["type"] == 5:
        return {"type": 4, "data": (await sent.followup()).json}
    return body


async def test_no_fan_facing_path_shows_a_spoiler(fake: FakeDiscord, bot: FanBot) -> None:
    for fact in spoiler_facts():
        await bot.store.add(GUILD, fact, MOD_ID)
    finale = [f.answer for f in bot.pack.facts if f.spoiler]
    finale_runs = [" ".join(a.split()[i : i + 4]) for a in finale for i in range(len(a.split()))]
    sent_before = len(fake.requests)
    member = fan()

    async def slash(command: str, **options: Any) -> dict[str, Any]:
        sent = await fake.slash(command, options or None, guild_id=GUILD, member=member)
        return await reply_to(sent)

    questions = [q for f in spoiler_facts() for q in f.questions] + [
        "how did season 1 end",
        "who was behind the attack",
        "quixotic",
        "zorblax",
        "who is vexmund plort",
        "who plays grizelda fnord",
        "when does season 3 premiere",
        "newcomer",
        "twist",
        "secret",
        # unsure: "did you mean" buttons, spoiler facts among them
        "the newcomer twist secret",
        "secret newcomer cast",
        "premiere secret twist",
    ]
    asked = [
        await fake.slash("ask", {"question": q}, guild_id=GUILD, member=member) for q in questions
    ]
    for command, options in [
        ("premise", {}),
        ("cast", {}),
        ("cast", {"name": CAST_SECRETS[0]}),
        ("cast", {"name": CAST_SECRETS[1]}),
        ("cast", {"name": "cast-newcomer"}),
        ("premiere", {}),
        ("premiere", {"season": 3}),
        ("recap", {}),
        ("recap", {"season": 1}),
        ("about", {}),
    ]:
        await slash(command, **options)
    for typed in ("", "vex", "griz", "plort", "new"):
        sent = await fake.autocomplete(
            "cast", {"name": typed}, focused="name", guild_id=GUILD, member=member
        )
        await sent.response()
    clicked = offered_show_me = 0
    for question in asked:  # every "did you mean" button, as a fan without spoilers
        await reply_to(question)
        assert question.message is not None
        for row in question.message.get("components", []):
            for button in row["components"]:
                if button["custom_id"].startswith("fanbot:reveal:"):
                    # "Show me" is asking for the spoiler (ephemerally): tests/e2e/test_show_me.py
                    offered_show_me += 1
                    continue
                click = await fake.click(question.message, button["custom_id"], member=member)
                await reply_to(click)
                clicked += 1
    assert clicked, "some question should have offered suggestions"
    assert offered_show_me, "a withheld answer offers to show it"

    sent = [r for r in fake.requests[sent_before:] if r.json is not None]
    assert all(r.status < 400 for r in sent), [r.json for r in sent if r.status >= 400]
    everything = json.dumps([r.json for r in sent], ensure_ascii=False)
    for typed in CAST_SECRETS[:2]:  # "No one in the cast matches 'X'" quotes the fan's own words
        everything = everything.replace(f"matches {typed!r}", "")
    assert secrets_in(everything, finale_runs) == []
    # ...and the fans were told that something was held back.
    assert "holds spoilers" in everything


async def test_premiere_withholds_a_spoiler_premiere(fake: FakeDiscord, bot: FanBot) -> None:
    [premiere] = [f for f in spoiler_facts() if f.id == "s3-premiere"]
    await bot.store.add(GUILD, premiere, MOD_ID)
    for options in ({}, {"season": 3}):
        sent = await fake.slash("premiere", options or None, guild_id=GUILD, member=fan())
        [embed] = (await sent.response())["data"]["embeds"]
        assert SECRET not in json.dumps(embed) and "<t:" not in json.dumps(embed)
        assert "holds spoilers for Season 3" in embed["description"]


async def test_cast_never_lists_or_offers_a_spoiler_cast_member(
    fake: FakeDiscord, bot: FanBot
) -> None:
    [newcomer] = [f for f in spoiler_facts() if f.topic == "cast"]
    await bot.store.add(GUILD, newcomer, MOD_ID)
    listed = await fake.slash("cast", guild_id=GUILD, member=fan())
    by_name = await fake.slash("cast", {"name": "Vexmund"}, guild_id=GUILD, member=fan())
    offered = await fake.autocomplete(
        "cast", {"name": "Vexmund"}, focused="name", guild_id=GUILD, member=fan()
    )
    for sent in (listed, by_name, offered):
        body = json.dumps(await sent.response()).replace("matches 'Vexmund'", "")
        assert "Vexmund" not in body


@pytest.mark.parametrize(
    "spoils", ["Trowbridge ordered the carrier attack", "who dies: Hal", "Season 1 (Hal dies)"]
)
async def test_spoils_cannot_describe_the_spoiler(
    fake: FakeDiscord, bot: FanBot, spoils: str
) -> None:
    """``spoils`` is shown to fans who asked for no spoilers: an import cannot write the
    spoiler there."""
    pack_file = (
        '[show]\nname = "The Diplomat"\nnetwork = "Netflix"\n\n[sources.moderators]\n'
        'title = "Added by the moderators of X"\npublisher = "Discord server moderators"\n'
        'published = "2025-03-04"\n\n[[facts]]\nid = "s1-twist"\ntopic = "recap"\n'
        'season = 1\nspoiler = true\nquestions = ["Who ordered the attack?"]\n'
        f'answer = "Someone did."\nspoils = "{spoils}"\nsource = "moderators"\n'
    ).encode()
    sent = await helpers.import_file(fake, pack_file)
    refusal = (await reply_to(sent))["data"]["content"]
    assert "nothing was changed" in refusal and "spoils" in refusal
    assert await bot.store.get(GUILD, "s1-twist") is None


async def test_a_long_spoiler_answer_with_pipes_fits_one_message(
    fake: FakeDiscord, bot: FanBot
) -> None:
    answer = "\\|" * 500  # 1,000 characters: the most a fact holds
    fact = make_fact(
        "s2-pipes",
        topic="general",
        spoiler=True,
        answer=answer,
        questions=["What do the pipes mean?"],
    )
    await bot.store.add(GUILD, fact, MOD_ID)
    sent = await fake.slash(
        "ask",
        {"question": "what do the pipes mean", "spoilers": True},
        guild_id=GUILD,
        member=fan(),
    )
    content = (await sent.response())["data"]["content"]
    shown, hidden = spoilers.split(content)
    assert [h.strip() for h in hidden] == [answer] and "|" not in shown


async def test_recap_with_many_long_sources_fits(fake: FakeDiscord, bot: FanBot) -> None:
    for n in range(12):
        source = f"Source number {n}: " + "an interview transcript, " * 11
        fact = make_fact(
            f"s1-recap-{n}",
            topic="recap",
            season=1,
            source=source.strip(),
            questions=[f"What happened in part {n} of season 1?"],
            answer=f"Part {n} of the story, told at length. " * 20,
        )
        await bot.store.add(GUILD, fact, MOD_ID)
    for spoilers_on in (False, True):
        sent = await fake.slash("recap", {"spoilers": spoilers_on}, guild_id=GUILD, member=fan())
        [embed] = (await sent.response())["data"]["embeds"]
        assert embed["footer"]["text"].startswith("Source: ")
        shown, _ = spoilers.split(embed["description"])
        assert "Trowbridge" not in shown  # the finale, whole inside its tags, or not at all
        assert "more parts, too long for one message" in shown


@pytest.mark.parametrize("count", [160, 300])
async def test_a_huge_cast_is_summarised(fake: FakeDiscord, bot: FanBot, count: int) -> None:
    facts = [
        make_fact(
            f"cast-extra-{n}",
            topic="cast",
            questions=[f"Who plays extra number {n}?"],
            answer=f"Actor {n} plays extra {n}.",
            cast={
                "actor": f"Actor Number {n}",
                "character": f"Extra {n}",
                "role": "An extra",
                "seasons": [2],
                "status": "guest",
            },
        )
        for n in range(count)
    ]
    await bot.store.import_facts(GUILD, facts, MOD_ID)
    sent = await fake.slash("cast", guild_id=GUILD, member=fan())
    [embed] = (await reply_to(sent))["data"]["embeds"]
    listed = sum(field["value"].count("\n") + 1 for field in embed["fields"])
    total = count + sum(1 for f in bot.pack.facts if f.cast is not None)
    assert f"{total - listed} more not listed here" in embed["description"]
    assert "/cast name:" in embed["description"]


async def test_fact_show_keeps_spoiler_questions_tagged(fake: FakeDiscord, bot: FanBot) -> None:
    questions = [f"Question {n:02d} " + "x" * 85 for n in range(25)]
    fact = make_fact(
        "s1-many-questions",
        topic="recap",
        season=1,
        spoiler=True,
        questions=questions,
        answer="Something happens.",
    )
    await bot.store.add(GUILD, fact, MOD_ID)
    sent = await fake.slash("fact show", {"id": fact.id}, guild_id=GUILD, member=moderator())
    [embed] = (await reply_to(sent))["data"]["embeds"]
    [field] = [f for f in embed["fields"] if f["name"] == "Questions"]
    shown, hidden = spoilers.split(field["value"])
    assert "Question" not in shown and len(hidden) == 1
