"""Show me: a withheld spoiler revealed to each one who clicks, ephemerally, after a restart too."""

from __future__ import annotations

import re
from typing import Any

from bot.client import FanBot
from bot.settings import Settings
from tests.e2e.conftest import GUILD, fan
from tests.fakediscord import FakeDiscord, SentInteraction, payloads, run_bot

EPHEMERAL = 1 << 6
NO_MENTIONS = {"parse": []}
FINALE = "Trowbridge"  # in the Season 1 finale, a spoiler


def buttons(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in data.get("components", []) for c in row["components"]}


async def public(sent: SentInteraction) -> dict[str, Any]:
    body = await sent.response()
    assert body["type"] == 4 and not body["data"].get("flags", 0) & EPHEMERAL, body
    data: dict[str, Any] = body["data"]
    assert data["allowed_mentions"] == NO_MENTIONS
    return data


async def reveal(fake: FakeDiscord, message: dict[str, Any], custom_id: str, user: int) -> str:
    """Click "Show me" as ``user``; what they alone see."""
    member = fan(user, f"fan{user}")
    click = await fake.click(message, custom_id, guild_id=GUILD, member=member)
    body = await click.response()
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL, body  # only the clicker
    assert body["data"]["allowed_mentions"] == NO_MENTIONS
    return str(body["data"]["content"])


def assert_revealed(content: str) -> None:
    assert re.fullmatch(rf"\|\|[^|]*{FINALE}[^|]*\|\|\n-# Source: .*", content), content


async def test_show_me_reveals_to_each_clicker_and_survives_a_restart(
    fake: FakeDiscord, settings: Settings
) -> None:
    async with run_bot(FanBot(settings), fake):
        sent = await fake.slash(
            "ask", {"question": "how did season 1 end"}, guild_id=GUILD, member=fan()
        )
        notice = await public(sent)
        assert FINALE not in str(notice) and "holds spoilers" in notice["content"]
        show_me = buttons(notice)["Show me"]["custom_id"]
        message = sent.message
        assert message is not None
        assert_revealed(await reveal(fake, message, show_me, 501))
        assert_revealed(await reveal(fake, message, show_me, 502))  # anyone, their own copy
    async with run_bot(FanBot(settings), fake):  # a new process would see the same
        assert_revealed(await reveal(fake, message, show_me, 503))
    # The public message never changed: no edit, no update response.
    assert FINALE not in str(fake.messages[int(message["id"])])
    assert not [r for r in fake.requests if r.method == "PATCH"]


async def test_recap_offers_show_me_for_the_finale(fake: FakeDiscord, bot: FanBot) -> None:
    sent = await fake.slash("recap", {"season": 1}, guild_id=GUILD, member=fan())
    recap = await public(sent)
    assert FINALE not in str(recap)
    assert sent.message is not None
    assert_revealed(await reveal(fake, sent.message, buttons(recap)["Show me"]["custom_id"], 501))

    spoiled = await public(
        await fake.slash("recap", {"season": 1, "spoilers": True}, guild_id=GUILD, member=fan())
    )
    assert not spoiled.get("components")  # nothing withheld: nothing to show


async def test_a_clicked_suggestion_that_withholds_offers_show_me(
    fake: FakeDiscord, bot: FanBot
) -> None:
    # A "did you mean" message whose suggestion is the finale (as the bot sends them).
    suggestion = {"type": 2, "style": 2, "label": "The Season 1 finale (spoilers)"}
    suggestion["custom_id"] = "fanbot:suggest:0:s1-finale"
    message = payloads.message(
        channel_id=GUILD + 1,
        guild_id=GUILD,
        author=fake.bot_user,
        content="Did you mean:",
        components=[{"type": 1, "components": [suggestion]}],
    )
    click = await fake.click(message, suggestion["custom_id"], guild_id=GUILD, member=fan())
    answered = await public(click)
    assert "holds spoilers for the Season 1 finale" in answered["content"]
    assert FINALE not in str(answered)
    [(label, show_me)] = buttons(answered).items()
    assert label == "Show me"
    assert click.message is not None
    assert_revealed(await reveal(fake, click.message, show_me["custom_id"], 504))


async def test_one_withheld_among_several_answers_gets_show_me(
    fake: FakeDiscord, bot: FanBot
) -> None:
    sent = await fake.slash(
        "ask",
        {"question": "when does s2 come out? and how did s1 end"},
        guild_id=GUILD,
        member=fan(),
    )
    data = await public(sent)
    assert list(buttons(data)) == ["Show me"]  # one withheld among the answers: plain label
