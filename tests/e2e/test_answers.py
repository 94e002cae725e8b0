"""Fans' commands end to end: the real bot, its cogs and database, over the fake Discord."""

from __future__ import annotations

import re
from typing import Any

from bot.client import FanBot
from bot.core.models import Topic
from tests.core.factories import make_fact
from tests.e2e.conftest import GUILD, fan
from tests.fakediscord import FakeDiscord

EPHEMERAL = 1 << 6
NO_MENTIONS = {"parse": []}


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body["type"] == 4, body
    data: dict[str, Any] = body["data"]
    assert data.get("allowed_mentions") == NO_MENTIONS, data
    return data


async def ask(fake: FakeDiscord, command: str, **options: Any) -> dict[str, Any]:
    sent = await fake.slash(command, options or None, guild_id=GUILD, member=fan())
    return data_of(await sent.response())


async def test_ask_answers_with_the_source(fake: FakeDiscord, bot: FanBot) -> None:
    data = await ask(fake, "ask", question="when does s2 drop??")
    assert "TV Insider" in data["content"]
    # Told for today from the fact's date, not as the source wrote it before the premiere.
    assert data["content"].startswith(
        "Season 2 premiered on Netflix on Thursday, October 31, 2024 (<t:1730376000:R>)."
    )
    assert not data.get("flags", 0) & EPHEMERAL


async def test_ask_keeps_the_finale_behind_spoilers(fake: FakeDiscord, bot: FanBot) -> None:
    hidden = await ask(fake, "ask", question="how did season 1 end")
    assert "Trowbridge" not in hidden["content"] and "spoilers: True" in hidden["content"]

    shown = await ask(fake, "ask", question="how did season 1 end", spoilers=True)
    assert re.fullmatch(r"\|\|[^|]*Trowbridge[^|]*\|\|\n-# Source: .*", shown["content"])


async def test_a_mention_in_a_question_never_pings(fake: FakeDiscord, bot: FanBot) -> None:
    data = await ask(fake, "ask", question="@everyone who plays the vp")
    assert "Allison Janney" in data["content"]  # answered, and allowed_mentions was none


async def test_unsure_offers_buttons_that_answer(fake: FakeDiscord, bot: FanBot) -> None:
    question = {"question": "the dennison sibling"}
    sent = await fake.slash("ask", question, guild_id=GUILD, member=fan())
    data = data_of(await sent.response())
    assert "Did you mean" in data["content"]
    buttons = [c for row in data["components"] for c in row["components"]]
    assert 1 <= len(buttons) <= 3
    cecilia = next(b for b in buttons if "Cecilia" in b["label"])

    click = await fake.click(sent.message, cecilia["custom_id"], guild_id=GUILD, member=fan())
    answer = data_of(await click.response())
    assert "Miller plays Cecilia" in answer["content"]


async def test_out_of_scope_is_declined_politely(fake: FakeDiscord, bot: FanBot) -> None:
    data = await ask(fake, "ask", question="how do I bake sourdough bread")
    assert data["content"].startswith("I don't have an answer")
    assert "/about" in data["content"]


def embed_of(data: dict[str, Any]) -> dict[str, Any]:
    [embed] = data["embeds"]
    assert len(embed.get("description", "")) <= 4096
    assert all(len(field["value"]) <= 1024 for field in embed.get("fields", []))
    return embed  # type: ignore[no-any-return]


async def test_premise_is_an_embed(fake: FakeDiscord, bot: FanBot) -> None:
    embed = embed_of(await ask(fake, "premise"))
    assert "Kate Wyler" in embed["description"] and "TV Insider" in embed["footer"]["text"]


async def test_cast_lists_everyone_grouped_by_season(fake: FakeDiscord, bot: FanBot) -> None:
    embed = embed_of(await ask(fake, "cast"))
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert list(fields) == ["Season 1", "New in Season 2"]
    assert "**Keri Russell** as Kate Wyler" in fields["Season 1"]
    assert fields["Season 1"].count("\n") == 9  # the ten Season 1 actors the source names
    assert "Allison Janney" in fields["New in Season 2"]


async def test_cast_by_name_typo_and_autocomplete(fake: FakeDiscord, bot: FanBot) -> None:
    embed = embed_of(await ask(fake, "cast", name="alison jany"))
    assert embed["title"] == "Allison Janney as Vice President Grace Penn"
    values = {field["name"]: field["value"] for field in embed["fields"]}
    assert values["Seasons"] == "2" and values["Status"] == "Guest star"

    sent = await fake.autocomplete(
        "cast", {"name": "dennis"}, focused="name", guild_id=GUILD, member=fan()
    )
    body = await sent.response()
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0] == {"name": "David Gyasi \u2014 Austin Dennison", "value": "cast-david-gyasi"}

    missing = await ask(fake, "cast", name="Bryan Cranston")
    assert missing["flags"] & EPHEMERAL and "No one in the cast" in missing["content"]


async def test_premiere_uses_discord_timestamps(fake: FakeDiscord, bot: FanBot) -> None:
    embed = embed_of(await ask(fake, "premiere"))
    assert embed["title"].endswith("Season 2: premiere")
    # Thursday, October 31, 2024, 12:00 UTC: the same date in (almost) every time zone.
    assert embed["description"].startswith(
        "Season 2 premiered on Netflix on Thursday, October 31, 2024 (<t:1730376000:R>)."
    )  # that date is in the past: told in the past tense, not as the source wrote it

    month_only = embed_of(await ask(fake, "premiere", season=1))
    assert month_only["description"] == "Season 1 premiered on Netflix in April 2023."

    unknown = await ask(fake, "premiere", season=3)
    assert "No premiere date for Season 3" in unknown["content"]


async def test_recap_spoilers_off_and_on(fake: FakeDiscord, bot: FanBot) -> None:
    safe = embed_of(await ask(fake, "recap"))
    assert "Kate Wyler" in safe["description"] and "Trowbridge" not in safe["description"]
    assert "spoilers: True" in safe["description"]

    spoiled = embed_of(await ask(fake, "recap", spoilers=True))
    [tagged] = re.findall(r"\|\|[^|]+\|\|", spoiled["description"])
    assert "Trowbridge" in tagged
    assert "Trowbridge" not in spoiled["description"].replace(tagged, "")


async def test_about_is_ephemeral_and_cites_sources(fake: FakeDiscord, bot: FanBot) -> None:
    data = await ask(fake, "about")
    assert data["flags"] & EPHEMERAL
    embed = embed_of(data)
    assert "23 curated facts" in embed["description"]
    [sources] = [field["value"] for field in embed["fields"] if field["name"] == "Sources"]
    assert re.search(r"\(TV Insider, 2024\): at least \d+ years? old", sources)  # its age


async def test_no_privileged_intents_and_no_caches(fake: FakeDiscord, bot: FanBot) -> None:
    privileged = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
    assert fake.intents is not None and not fake.intents & privileged
    assert bot._connection.max_messages is None
    assert not bot._connection.member_cache_flags.value


async def test_answers_after_a_gateway_reconnect(fake: FakeDiscord, bot: FanBot) -> None:
    connections = fake.connection_count
    await fake.drop_connection()
    await fake.wait_until(lambda: fake.connection_count > connections)
    await fake.wait_until_ready()
    data = await ask(fake, "ask", question="who plays the vp")
    assert "Allison Janney" in data["content"]
    assert fake.resume_count + fake.identify_count >= 2


async def test_several_questions_get_one_reply(fake: FakeDiscord, bot: FanBot) -> None:
    both = (await ask(fake, "ask", question="whens s2 out and who plays the vp"))["content"]
    assert "October 31, 2024" in both and "Allison Janney" in both

    withheld = await ask(fake, "ask", question="when does s2 come out? and how did s1 end")
    content = withheld["content"]
    assert "October 31, 2024" in content and "holds spoilers for the Season 1 finale" in content
    assert "Trowbridge" not in content


async def test_a_question_in_chatter_is_answered(fake: FakeDiscord, bot: FanBot) -> None:
    data = await ask(fake, "ask", question="omg just finished ep 8 😭 anyway whens the next season")
    assert "October 31, 2024" in data["content"]


async def test_recap_without_one_and_a_recap_of_no_season_read_well(
    fake: FakeDiscord, bot: FanBot
) -> None:
    missing = await ask(fake, "recap", season=3)
    assert missing["content"] == "I have no recap of Season 3. Recapped seasons: 1."

    for stored in await bot.store.effective_facts(GUILD):
        if stored.fact.topic is Topic.RECAP:
            await bot.store.remove(GUILD, stored.fact_id, 601)
    none = await ask(fake, "recap")
    assert none["content"] == "I have no recap yet. Recapped seasons: none yet."

    whole_show = make_fact(
        "show-recap", topic="recap", questions=["What happened so far?"], answer="Lots."
    )
    await bot.store.add(GUILD, whole_show, 601)
    titled = await ask(fake, "recap")
    assert titled["embeds"][0]["title"] == "The Diplomat: recap"
    assert "None" not in str(titled["embeds"])
