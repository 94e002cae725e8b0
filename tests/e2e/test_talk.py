"""Answers where fans talk: mentions answered with a reply, and "Answer with FanBot"."""

from __future__ import annotations

from typing import Any

from bot.client import FanBot
from bot.settings import Settings
from tests.e2e.conftest import GUILD, MOD_ROLE, fan
from tests.fakediscord import FakeDiscord, payloads, run_bot
from tests.fakediscord.server import GUILD_MESSAGES_INTENT, RecordedRequest

CHANNEL = GUILD + 1
EPHEMERAL = 1 << 6
NO_PINGS = {"parse": [], "replied_user": False}
FAN = payloads.user(501, "fan")
OTHER_FAN = payloads.user(502, "otherfan")


def me(fake: FakeDiscord) -> str:
    return f"<@{fake.bot_user['id']}>"


async def mention(
    fake: FakeDiscord, text: str, author: dict[str, Any] = FAN, **kwargs: Any
) -> dict[str, Any]:
    kwargs.setdefault("mentions", [fake.bot_user])
    return await fake.post_message(text, author=author, guild_id=GUILD, **kwargs)


def replied(request: RecordedRequest) -> str | None:
    """The id of the message ``request`` replies to."""
    reference = (request.json or {}).get("message_reference") or {}
    return str(reference["message_id"]) if "message_id" in reference else None


async def reply_to(fake: FakeDiscord, message: dict[str, Any]) -> RecordedRequest:
    """The bot's reply to ``message``, checked: a reply that pings no one, within limits."""

    def found() -> RecordedRequest | None:
        return next(
            (
                r
                for r in fake.channel_messages(int(message["channel_id"]))
                if replied(r) == message["id"]
            ),
            None,
        )

    sent = await fake.wait_until(found)
    assert sent.status == 200, sent.json
    assert sent.json["allowed_mentions"] == NO_PINGS
    return sent


async def no_reply(fake: FakeDiscord, *messages: dict[str, Any]) -> None:
    """Nothing answered ``messages``: a later mention is answered, and it alone."""
    before = len(fake.channel_messages(CHANNEL))
    await fake.flush()
    marker = await mention(fake, f"{me(fake)} who plays the vp", author=payloads.user(999, "x"))
    await reply_to(fake, marker)
    answered = fake.channel_messages(CHANNEL)[before:]
    assert [replied(r) for r in answered] == [marker["id"]]
    assert not {replied(r) for r in answered} & {m["id"] for m in messages}


async def test_a_mention_is_answered_as_ask_would(fake: FakeDiscord, talk: FanBot) -> None:
    asked = await mention(fake, f"{me(fake)} who plays the VP?")
    sent = await reply_to(fake, asked)
    assert "Allison Janney" in sent.json["content"]
    slash = await fake.slash("ask", {"question": "who plays the VP?"}, guild_id=GUILD, member=fan())
    assert (await slash.response())["data"]["content"] == sent.json["content"]
    assert fake.intents is not None and fake.intents & GUILD_MESSAGES_INTENT


async def test_a_mention_never_spoils_and_offers_show_me(fake: FakeDiscord, talk: FanBot) -> None:
    asked = await mention(fake, f"@everyone {me(fake)} how did season 1 end??")
    sent = await reply_to(fake, asked)
    assert "holds spoilers" in sent.json["content"]
    assert "Trowbridge" not in str(sent.json)
    [[button]] = [row["components"] for row in sent.json["components"]]
    assert button["label"] == "Show me"
    message = fake.messages[max(fake.messages)]
    click = await fake.click(message, button["custom_id"], guild_id=GUILD, member=fan(503))
    revealed = await click.response()
    assert revealed["data"]["flags"] & EPHEMERAL and "||" in revealed["data"]["content"]
    assert "Trowbridge" in revealed["data"]["content"]


async def test_bots_webhooks_itself_everyone_and_roles_are_ignored(
    fake: FakeDiscord, talk: FanBot
) -> None:
    question = f"{me(fake)} who plays the vp"
    ignored = [
        await mention(fake, question, author=payloads.user(777, "otherbot", bot=True)),
        await mention(fake, question, author=payloads.user(778, "hook"), webhook_id=778),
        await mention(fake, question, author=fake.bot_user),
        await mention(fake, "@everyone who plays the vp", mentions=[], mention_everyone=True),
        await mention(
            fake, f"<@&{MOD_ROLE}> who plays the vp", mentions=[], mention_roles=[MOD_ROLE]
        ),
        await mention(fake, "who plays the vp", mentions=[]),  # an ordinary message
    ]
    await no_reply(fake, *ignored)


async def test_a_bare_mention_or_a_thankful_reply_gets_a_hint(
    fake: FakeDiscord, talk: FanBot
) -> None:
    bare = await reply_to(fake, await mention(fake, f"{me(fake)}"))
    assert bare.json["content"].startswith("Ask me about The Diplomat in the same message")
    assert "\n" not in bare.json["content"] and not bare.json.get("components")

    answered = await mention(fake, f"{me(fake)} who plays the vp", author=OTHER_FAN)
    await reply_to(fake, answered)
    bot_answer = fake.messages[max(fake.messages)]
    # A reply to the bot pings it (Discord lists it in mentions, not in the content).
    thanks = await mention(fake, "thanks!!", author=OTHER_FAN, reply_to=bot_answer)
    assert (await reply_to(fake, thanks)).json["content"] == bare.json["content"]
    more = await mention(fake, "and who plays the pm?", author=OTHER_FAN, reply_to=bot_answer)
    assert "Rory Kinnear" in (await reply_to(fake, more)).json["content"]


async def test_cooldowns_per_user_and_per_channel(fake: FakeDiscord, settings: Settings) -> None:
    slow = settings.model_copy(
        update={"command_cooldown_seconds": 60, "mention_channel_cooldown_seconds": 60}
    )
    async with run_bot(FanBot(slow), fake):
        first = await mention(fake, f"{me(fake)} who plays the vp")
        await reply_to(fake, first)
        again = await mention(fake, f"{me(fake)} who plays the pm")  # same user: too soon
        other = await mention(fake, f"{me(fake)} who plays the pm", author=OTHER_FAN)  # channel
        elsewhere = await mention(
            fake,
            f"{me(fake)} who plays the pm",
            author=payloads.user(503, "third"),
            channel_id=CHANNEL + 7,
        )
        await reply_to(fake, elsewhere)  # another channel, another user: answered
        answered = {replied(r) for r in fake.requests}
        assert again["id"] not in answered and other["id"] not in answered


async def test_mention_answers_can_be_turned_off(fake: FakeDiscord, settings: Settings) -> None:
    off = settings.model_copy(update={"allow_mention_answers": False})
    async with run_bot(FanBot(off), fake):
        assert fake.intents is not None and not fake.intents & GUILD_MESSAGES_INTENT
        await mention(fake, f"{me(fake)} who plays the vp")
        await fake.flush()
        sent = await fake.slash(
            "ask", {"question": "who plays the vp"}, guild_id=GUILD, member=fan()
        )
        await sent.response()
        assert fake.channel_messages(CHANNEL) == []


async def test_answer_with_fanbot_replies_to_the_target(fake: FakeDiscord, talk: FanBot) -> None:
    newcomer = payloads.user(801, "newcomer")
    question = await fake.post_message(
        "hi all! when does season 2 come out?", author=newcomer, guild_id=GUILD, mentions=[]
    )
    regular = fan(502, "regular")
    sent = await fake.message_command(
        "Answer with FanBot", question, guild_id=GUILD, member=regular
    )
    reply = await reply_to(fake, question)
    content = reply.json["content"]
    assert content.startswith("Season 2 premiered on Netflix on Thursday, October 31, 2024")
    assert content.endswith("\n-# Answered for <@801> at the request of <@502>")
    deferred = await sent.response()
    assert deferred["type"] == 5 and deferred["data"]["flags"] & EPHEMERAL
    done = (await sent.followup()).json
    assert done["flags"] & EPHEMERAL and done["content"].startswith("Answered: https://")


async def test_answer_with_fanbot_on_a_message_without_words(
    fake: FakeDiscord, talk: FanBot
) -> None:
    target = await fake.post_message("\U0001f62d\U0001f62d", author=FAN, guild_id=GUILD)
    sent = await fake.message_command("Answer with FanBot", target, guild_id=GUILD, member=fan(502))
    body = await sent.response()
    assert body["data"]["flags"] & EPHEMERAL and "no question" in body["data"]["content"]
    assert fake.channel_messages(CHANNEL) == []
