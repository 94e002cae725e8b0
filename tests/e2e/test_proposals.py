"""/suggest and /fact review end to end: a member proposes a fact, a moderator approves or
rejects it, and the member is told once, through the fake Discord."""

from __future__ import annotations

from typing import Any

from bot.checks import NOT_A_MODERATOR
from bot.client import FanBot
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, moderator
from tests.e2e.test_curation import NO_MENTIONS, ask, body_of, buttons, fact, inputs, said
from tests.fakediscord import FakeDiscord, SentInteraction

MUSIC = "Who does the music for the show?"
MUSIC_ANSWER = "The score is by Mark Isham."
NOTE = "https://example.com/diplomat-score"


async def suggest(
    fake: FakeDiscord,
    question: str = MUSIC,
    answer: str = MUSIC_ANSWER,
    note: str = NOTE,
    *,
    guild: int = GUILD,
) -> SentInteraction:
    opened = await (await fake.slash("suggest", {}, guild_id=guild, member=fan())).response()
    assert opened["type"] == 9, opened
    assert set(inputs(opened["data"])) == {"question", "answer", "note"}
    fields = {"question": question, "answer": answer, "note": note}
    return await fake.submit_modal(opened["data"], fields, guild_id=guild, member=fan())


async def review(fake: FakeDiscord, *, guild: int = GUILD) -> tuple[SentInteraction, Any]:
    sent = await fact(fake, "review", guild=guild)
    return sent, await said(sent)


async def test_suggest_files_a_proposal_that_review_shows(fake: FakeDiscord, bot: FanBot) -> None:
    filed = await said(await suggest(fake))
    assert "moderators" in filed["content"]
    _, data = await review(fake)
    [embed] = data["embeds"]
    assert MUSIC in embed["description"] and MUSIC_ANSWER in embed["description"]
    assert NOTE in embed["description"]
    assert {"Approve", "Reject"} <= set(buttons(data))
    _, elsewhere = await review(fake, guild=OTHER_GUILD)
    assert MUSIC not in str(elsewhere)


async def test_suggest_refuses_mentions_masked_links_and_a_sixth_open_one(
    fake: FakeDiscord, bot: FanBot
) -> None:
    mention = await said(await suggest(fake, question="Who is <@123>?"))
    assert "mention" in mention["content"]
    link = await said(await suggest(fake, answer="See [this](https://evil.example)"))
    assert "link" in link["content"]
    for _ in range(5):
        await said(await suggest(fake))
    sixth = await said(await suggest(fake))
    assert "5 open proposals" in sixth["content"]
    assert len(await bot.proposals.open(GUILD)) == 5


async def test_approve_makes_the_fact_answer_and_the_proposer_is_told_once(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await said(await suggest(fake))
    sent, data = await review(fake)
    assert sent.message is not None
    approve = buttons(data)["Approve"]["custom_id"]
    for stranger in (fan(), moderator(602, "othermod")):
        refused = await fake.click(sent.message, approve, guild_id=GUILD, member=stranger)
        assert (await said(refused))["content"].startswith("Only the moderator who ran this")
    opened = await (
        await fake.click(sent.message, approve, guild_id=GUILD, member=moderator())
    ).response()
    assert opened["type"] == 9, opened
    assert inputs(opened["data"])["answer"]["value"] == MUSIC_ANSWER
    fields = {"question": MUSIC, "answer": MUSIC_ANSWER}
    saved = await said(
        await fake.submit_modal(opened["data"], fields, guild_id=GUILD, member=moderator())
    )
    assert saved["content"].startswith("Added")
    assert "Suggested by a member, approved by the moderators of Diplomat Fans" in str(saved)

    first = await fake.slash("ask", {"question": MUSIC}, guild_id=GUILD, member=fan())
    assert str((await body_of(first))["data"]["content"]).startswith(MUSIC_ANSWER)
    told = await first.followup()
    assert "approved" in told.json["content"] and MUSIC in told.json["content"]
    assert told.json["flags"] & (1 << 6)
    assert told.json["allowed_mentions"] == {"parse": []}
    assert await bot.proposals.outcomes(GUILD, 501) == []  # told once
    _, after = await review(fake)
    assert MUSIC not in str(after)


async def test_reject_with_a_reason_tells_the_proposer_the_reason_once(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await said(await suggest(fake))
    sent, data = await review(fake)
    assert sent.message is not None
    reject = buttons(data)["Reject"]["custom_id"]
    opened = await (
        await fake.click(sent.message, reject, guild_id=GUILD, member=moderator())
    ).response()
    assert opened["type"] == 9, opened
    submitted = await fake.submit_modal(
        opened["data"], {"reason": "Not confirmed yet."}, guild_id=GUILD, member=moderator()
    )
    assert "Rejected" in (await said(submitted))["content"]
    first = await fake.slash("ask", {"question": "who plays the vp"}, guild_id=GUILD, member=fan())
    await body_of(first)
    told = await first.followup()
    assert "Not confirmed yet." in told.json["content"]
    assert await bot.proposals.outcomes(GUILD, 501) == []
    assert (await ask(fake, MUSIC)).startswith("I don't have an answer")


async def test_a_member_without_manage_messages_cannot_review(
    fake: FakeDiscord, bot: FanBot
) -> None:
    await said(await suggest(fake))
    data = await said(await fact(fake, "review", member=fan()))
    assert data["content"] == NOT_A_MODERATOR
    assert MUSIC not in str(data)


async def test_a_member_withdraws_their_proposal_from_its_confirmation(
    fake: FakeDiscord, bot: FanBot
) -> None:
    sent = await suggest(fake)
    filed = await said(sent)
    assert sent.message is not None
    withdraw = buttons(filed)["Withdraw"]["custom_id"]

    other = await fake.click(sent.message, withdraw, guild_id=GUILD, member=fan(502, "otherfan"))
    assert "no longer open" in (await said(other))["content"]
    assert len(await bot.proposals.open(GUILD)) == 1

    done = await (await fake.click(sent.message, withdraw, guild_id=GUILD, member=fan())).response()
    assert done["type"] == 7, done
    assert "withdrawn" in done["data"]["content"].lower()
    assert done["data"]["components"] == []
    assert done["data"]["allowed_mentions"] == NO_MENTIONS
    assert await bot.proposals.open(GUILD) == []
    _, data = await review(fake)
    assert MUSIC not in str(data)
