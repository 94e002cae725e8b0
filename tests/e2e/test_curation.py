"""/fact end to end: moderators curate a server's facts through the fake Discord."""

from __future__ import annotations

import tomllib
from typing import Any

import discord

from bot.checks import NOT_A_MODERATOR
from bot.client import FanBot
from bot.core.curation.packfile import IMPORT_MAX_BYTES
from bot.core.pack import parse_pack
from bot.settings import Settings
from tests.core.factories import make_fact
from tests.e2e import helpers
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan, guild_spec, moderator, role_moderator
from tests.fakediscord import FakeDiscord, SentInteraction, payloads, run_bot

EPHEMERAL = 1 << 6
NO_MENTIONS = {"parse": []}
MOD_ID = 601
S3_QUESTION = "Is there a trailer for Season 3?"
S3_ANSWER = "Yes: Netflix released the Season 3 trailer in March."


# --- helpers ---------------------------------------------------------------------------


async def body_of(sent: SentInteraction) -> dict[str, Any]:
    """The bot's answer: the callback body, or the follow-up after a deferral."""
    body = await sent.response()
    if body["type"] == 5:
        followup = await sent.followup()
        return {"type": 4, "data": followup.json}
    return body


async def said(sent: SentInteraction) -> dict[str, Any]:
    """An ephemeral message answer (type 4) that can ping no one; its data."""
    body = await body_of(sent)
    assert body["type"] == 4, body
    data: dict[str, Any] = body["data"]
    assert data["flags"] & EPHEMERAL, data
    assert data["allowed_mentions"] == NO_MENTIONS, data
    return data


async def fact(
    fake: FakeDiscord,
    sub: str,
    options: dict[str, Any] | list[dict[str, Any]] | None = None,
    *,
    member: dict[str, Any] | None = None,
    guild: int = GUILD,
    resolved: dict[str, Any] | None = None,
) -> SentInteraction:
    return await fake.slash(
        f"fact {sub}",
        options,
        guild_id=guild,
        member=member or moderator(),
        resolved=resolved,
    )


async def ask(
    fake: FakeDiscord, question: str, *, guild: int = GUILD, spoilers: bool = False
) -> str:
    options = {"question": question, "spoilers": spoilers}
    sent = await fake.slash("ask", options, guild_id=guild, member=fan())
    return str((await body_of(sent))["data"]["content"])


def inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The modal's text inputs by custom id."""
    found = {}
    for top in modal["components"]:
        for comp in top.get("components", []) + ([top["component"]] if "component" in top else []):
            found[comp["custom_id"]] = comp
    return found


async def open_form(
    fake: FakeDiscord, sub: str, options: dict[str, Any], *, member: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = await (await fact(fake, sub, options, member=member)).response()
    assert body["type"] == 9, body
    modal: dict[str, Any] = body["data"]
    assert set(inputs(modal)) == {"question", "answer"}
    return modal


async def submit(
    fake: FakeDiscord,
    modal: dict[str, Any],
    questions: str,
    answer: str,
    *,
    member: dict[str, Any] | None = None,
) -> dict[str, Any]:
    sent = await fake.submit_modal(
        modal,
        {"question": questions, "answer": answer},
        guild_id=GUILD,
        member=member or moderator(),
    )
    return await said(sent)


def buttons(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in data.get("components", []) for c in row["components"]}


async def add_s3_trailer(fake: FakeDiscord) -> dict[str, Any]:
    modal = await open_form(fake, "add", {"topic": "trailer", "season": 3})
    return await submit(fake, modal, S3_QUESTION, S3_ANSWER)


async def upload(
    fake: FakeDiscord,
    data: bytes,
    *,
    guild: int = GUILD,
    member: dict[str, Any] | None = None,
    **extra: Any,
) -> SentInteraction:
    """``/fact import`` of ``data`` (see :func:`tests.e2e.helpers.import_file`)."""
    return await helpers.import_file(fake, data, guild=guild, member=member, **extra)


# --- who may ---------------------------------------------------------------------------


async def test_fans_are_refused_by_the_run_time_check(fake: FakeDiscord, bot: FanBot) -> None:
    group = bot.tree.get_command("fact")
    assert isinstance(group, discord.app_commands.Group)
    assert group.default_permissions == discord.Permissions(manage_messages=True)
    assert group.guild_only

    # A fan who can see the commands anyway (server admins can change who sees them).
    for sub, options in [
        ("add", {"topic": "trailer"}),
        ("edit", {"id": "premise"}),
        ("remove", {"id": "premise"}),
        ("restore", {"id": "premise"}),
        ("list", None),
        ("show", {"id": "premise"}),
        ("history", {"id": "premise"}),
        ("export", None),
        ("event", {"id": "s2-premiere"}),
    ]:
        data = await said(await fact(fake, sub, options, member=fan()))
        assert data["content"] == NOT_A_MODERATOR, sub
    refused = await upload(fake, b"[show]\n", member=fan())
    assert (await said(refused))["content"] == NOT_A_MODERATOR
    assert fake.modals == {}
    # A form is checked again when submitted (the member may have lost the role meanwhile).
    modal = await open_form(fake, "add", {"topic": "trailer"})
    late = await submit(fake, modal, S3_QUESTION, S3_ANSWER, member=fan(MOD_ID, "mod"))
    assert late["content"] == NOT_A_MODERATOR
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []

    sent = await fake.autocomplete(
        "fact edit", {"id": "kate"}, focused="id", guild_id=GUILD, member=fan()
    )
    assert (await sent.response())["data"]["choices"] == []


async def test_in_direct_messages_fact_says_it_works_in_a_server(
    fake: FakeDiscord, bot: FanBot
) -> None:
    """``guild_only`` only asks clients to hide /fact in DMs; the run-time check says why."""
    for sub, options in [
        ("add", {"topic": "trailer"}),
        ("edit", {"id": "premise"}),
        ("list", None),
        ("event", {"id": "s2-premiere"}),
    ]:
        sent = await fake.slash(f"fact {sub}", options, user=payloads.user(MOD_ID, "mod"))
        data = await said(sent)
        assert data["content"] == "This command works in a server, not in direct messages.", sub
    assert fake.modals == {}


async def test_a_moderator_role_is_enough(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "add", {"topic": "general"}, member=role_moderator())
    data = await submit(
        fake, modal, "Who composed the score?", "Someone great.", member=role_moderator()
    )
    assert data["content"].startswith("Added fact `general-composed-score`")


# --- add -------------------------------------------------------------------------------


async def test_add_answers_at_once_in_that_server_only(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "add", {"topic": "trailer", "season": 3})
    boxes = inputs(modal)
    assert boxes["question"]["style"] == boxes["answer"]["style"] == 2  # paragraphs
    assert boxes["answer"]["max_length"] == 1000

    data = await submit(fake, modal, S3_QUESTION + "\nAny S3 teaser yet?", S3_ANSWER)
    expected = f"{S3_ANSWER}\n-# Source: Added by the moderators of Diplomat Fans"
    assert data["content"] == (
        f"Added fact `s3-trailer` (revision 1) in this server.\n\nFans who ask see:\n{expected}"
    )
    stored = await bot.store.get(GUILD, "s3-trailer")
    assert stored is not None and stored.updated_by == MOD_ID
    assert stored.fact.questions == (S3_QUESTION, "Any S3 teaser yet?")
    assert data["content"].endswith(bot.answers.show(stored.fact, spoilers=False).message())

    assert await ask(fake, "is there a season 3 trailer yet") == expected
    assert S3_ANSWER not in await ask(fake, "is there a season 3 trailer yet", guild=OTHER_GUILD)


async def test_a_spoiler_fact_previews_both_ways(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "add", {"topic": "recap", "season": 2, "spoiler": True})
    data = await submit(fake, modal, "How did season 2 end?", "Kate | Hal make up.")
    content = data["content"]
    assert content.startswith("Added fact `s2-recap-spoiler`")  # the id gives nothing away
    assert "holds spoilers for Season 2" in content
    assert "||Kate | Hal make up.||\n-# Source:" in content
    assert content.count("Kate") == 1  # only inside the spoiler tags

    assert "Kate" not in await ask(fake, "how did season 2 end")
    assert "||Kate" in await ask(fake, "how did season 2 end", spoilers=True)


async def test_bad_input_is_refused_quoting_what_was_typed(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "add", {"topic": "general"})
    questions = "Who is <@123456789>?\nIs ```this``` fine?"
    answer = "Ask @everyone: [here](https://evil.example)"
    sent = await fake.submit_modal(
        modal, {"question": questions, "answer": answer}, guild_id=GUILD, member=moderator()
    )
    content = (await said(sent))["content"]
    assert content.startswith("I couldn't save this fact, nothing was changed:")
    assert "Question 1 contains a mention" in content
    assert "The answer contains a mention" in content
    assert (
        "```\nWho is <@123456789>?\nIs `\u200b`\u200b`\u200bthis`\u200b`\u200b`\u200b fine?\n```"
        in content
    )
    assert f"```\n{answer}\n```" in content
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []

    # The button brings the form back with everything typed in it.
    assert sent.message is not None
    retry = buttons(sent.message)["Edit and try again"]
    again = await (
        await fake.click(sent.message, retry["custom_id"], guild_id=GUILD, member=moderator())
    ).response()
    assert again["type"] == 9
    assert {k: v.get("value") for k, v in inputs(again["data"]).items()} == {
        "question": questions,
        "answer": answer,
    }
    fixed = await submit(fake, again["data"], "Who composed the score?", "Someone great.")
    assert fixed["content"].startswith("Added fact")


async def test_overlong_and_duplicate_input_is_refused(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "add", {"topic": "cast"})
    data = await submit(fake, modal, "Who plays Kate Wyler?", "Keri Russell.")
    assert "already answered by fact `cast-keri-russell` (Who plays Kate Wyler?)" in data["content"]

    modal = await open_form(fake, "add", {"topic": "cast"})
    data = await submit(fake, modal, "Who plays the new guy?", "x" * 1001)
    assert "The answer is 1001 characters long; the limit is 1000." in data["content"]

    modal = await open_form(fake, "add", {"topic": "cast"})
    many = "\n".join(f"Question {n}: " + "y" * 120 for n in range(1, 26))
    sent = await fake.submit_modal(
        modal, {"question": many, "answer": "ok"}, guild_id=GUILD, member=moderator()
    )
    data = await said(sent)
    assert "Question 1 is 132 characters long; the limit is 100." in data["content"]
    assert "attached as `your-fact.txt`" in data["content"] and len(data["content"]) <= 2000
    [typed] = (await sent.callback()).files
    assert typed.filename == "your-fact.txt" and many.encode() in typed.data
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []


# --- edit, remove, restore --------------------------------------------------------------


async def test_edit_opens_the_fact_and_corrects_it_here_only(
    fake: FakeDiscord, bot: FanBot
) -> None:
    premise = await bot.store.get(GUILD, "premise")
    assert premise is not None
    modal = await open_form(fake, "edit", {"id": "premise"})
    boxes = inputs(modal)
    assert boxes["question"]["value"] == "\n".join(premise.fact.questions)
    assert boxes["answer"]["value"] == premise.fact.answer

    data = await submit(
        fake, modal, boxes["question"]["value"], "A corrected premise about Kate Wyler."
    )
    assert data["content"].startswith("Saved fact `premise` (revision 2) in this server.")
    assert "-# Source: Corrected by the moderators of Diplomat Fans" in data["content"]
    assert (await ask(fake, "what is the diplomat about")).startswith("A corrected premise")
    assert (await ask(fake, "what is the diplomat about", guild=OTHER_GUILD)).startswith(
        "The Diplomat is"
    )
    assert (await bot.store.get(GUILD, "premise")).origin == "override"  # type: ignore[union-attr]


async def test_a_concurrent_edit_is_reported_not_lost(fake: FakeDiscord, bot: FanBot) -> None:
    modal = await open_form(fake, "edit", {"id": "s2-trailer"})
    current = await bot.store.get(GUILD, "s2-trailer")
    assert current is not None
    changed = current.fact.model_copy(update={"answer": "Another moderator's answer."})
    await bot.store.edit(GUILD, changed, 602)

    data = await submit(fake, modal, inputs(modal)["question"]["value"], "My answer.")
    assert "changed meanwhile" in data["content"] and "```\nMy answer.\n```" in data["content"]
    kept = await bot.store.get(GUILD, "s2-trailer")
    assert kept is not None and kept.fact.answer == "Another moderator's answer."


async def test_unknown_ids_are_refused(fake: FakeDiscord, bot: FanBot) -> None:
    for sub in ("edit", "remove", "restore", "show", "history"):
        data = await said(await fact(fake, sub, {"id": "no-such-fact"}))
        assert "no-such-fact" in data["content"], sub
        assert "no fact" in data["content"].lower(), sub
    restore = await said(await fact(fake, "restore", {"id": "premise"}))
    assert restore["content"] == "Fact 'premise' is not removed in this server."


async def test_remove_asks_first_and_restore_brings_it_back(fake: FakeDiscord, bot: FanBot) -> None:
    sent = await fact(fake, "remove", {"id": "s2-trailer"})
    prompt = await said(sent)
    assert "Hide the pack fact" in prompt["content"]
    choice = buttons(prompt)
    assert set(choice) == {"Remove", "Cancel"}

    async def click(label: str, member: dict[str, Any]) -> dict[str, Any]:
        assert sent.message is not None
        clicked = await fake.click(
            sent.message, choice[label]["custom_id"], guild_id=GUILD, member=member
        )
        return await clicked.response()

    other_mod = await click("Remove", moderator(602, "othermod"))
    assert other_mod["data"]["content"].startswith("Only the moderator who ran this command")
    demoted = await click("Remove", fan(MOD_ID, "mod"))  # lost Manage Messages since
    assert demoted["data"]["content"] == NOT_A_MODERATOR
    assert (await bot.store.get(GUILD, "s2-trailer")) is not None

    cancelled = await click("Cancel", moderator())
    assert cancelled["type"] == 7 and cancelled["data"]["content"].startswith("Kept it")
    assert cancelled["data"]["components"] == []
    assert "first-look" in await ask(fake, "is there a season 2 trailer")

    sent = await fact(fake, "remove", {"id": "s2-trailer"})
    choice = buttons(await said(sent))
    confirmed = await click("Remove", moderator())
    assert confirmed["type"] == 7 and confirmed["data"]["components"] == []
    assert confirmed["data"]["content"].startswith(
        "Hid the pack fact `s2-trailer` in this server only."
    )
    assert "first-look" not in await ask(fake, "is there a season 2 trailer")
    assert "trailer" in (await ask(fake, "is there a season 2 trailer", guild=OTHER_GUILD)).lower()

    again = await said(await fact(fake, "remove", {"id": "s2-trailer"}))
    assert "is removed here" in again["content"]
    restored = await said(await fact(fake, "restore", {"id": "s2-trailer"}))
    assert restored["content"].startswith("Restored `s2-trailer`")
    assert "first-look" in await ask(fake, "is there a season 2 trailer")


async def test_autocomplete_offers_this_servers_facts(fake: FakeDiscord, bot: FanBot) -> None:
    await add_s3_trailer(fake)

    async def choices(sub: str, typed: str, guild: int = GUILD) -> list[dict[str, str]]:
        sent = await fake.autocomplete(
            f"fact {sub}", {"id": typed}, focused="id", guild_id=guild, member=moderator()
        )
        body = await sent.response()
        assert body["type"] == 8
        found: list[dict[str, str]] = body["data"]["choices"]
        assert len(found) <= 25 and all(len(c["name"]) <= 100 for c in found)
        return found

    assert any(c["value"] == "s3-trailer" for c in await choices("edit", "s3 trail"))
    assert not any(
        c["value"] == "s3-trailer" for c in await choices("edit", "s3 trail", OTHER_GUILD)
    )
    assert (await choices("edit", "keri"))[0]["value"] in {
        "cast-keri-russell",
        "keri-russell-on-kate",
    }
    finale = next(c for c in await choices("show", "finale") if c["value"] == "s1-finale")
    assert finale["name"] == "s1-finale: The Season 1 finale (spoilers)"
    assert len(await choices("edit", "")) == 24  # the 23 pack facts and s3-trailer
    assert await choices("restore", "") == []


# --- reading ---------------------------------------------------------------------------


async def test_list_pages_through_own_corrected_and_hidden_facts(
    fake: FakeDiscord, bot: FanBot
) -> None:
    for n in range(11):
        await bot.store.add(
            GUILD, make_fact(f"own-{n:02d}", questions=[f"Custom question {n}?"]), MOD_ID
        )
    await bot.store.remove(GUILD, "s1-finale", MOD_ID)

    sent = await fact(fake, "list")
    first = await said(sent)
    [embed] = first["embeds"]
    assert embed["footer"]["text"].startswith(
        "Page 1 of 2 \u00b7 11 own, 0 corrected pack facts, 1 removed"
    )
    assert "own-00: Is there a trailer" not in embed["description"]  # titles are the questions
    assert "own-00: Custom question 0? [this server]" in embed["description"]
    nav = buttons(first)
    assert nav["Previous"]["disabled"] and not nav["Next"].get("disabled")

    assert sent.message is not None
    click = await fake.click(
        sent.message, nav["Next"]["custom_id"], guild_id=GUILD, member=moderator()
    )
    second = (await click.response())["data"]
    [embed] = second["embeds"]
    assert embed["footer"]["text"].startswith("Page 2 of 2")
    assert "s1-finale: The Season 1 finale (spoilers) [hidden here]" in embed["description"]
    assert "Trowbridge" not in embed["description"]

    stranger = await fake.click(
        sent.message, nav["Next"]["custom_id"], guild_id=GUILD, member=moderator(602)
    )
    assert (await said(stranger))["content"].startswith("Only the moderator who ran this command")

    empty = await said(await fact(fake, "list", guild=OTHER_GUILD))
    assert "None yet" in empty["embeds"][0]["description"]


async def test_show_and_history_tell_who_changed_what(fake: FakeDiscord, bot: FanBot) -> None:
    await add_s3_trailer(fake)
    modal = await open_form(fake, "edit", {"id": "s3-trailer"})
    await submit(fake, modal, S3_QUESTION + "\nIs the S3 trailer out?", "It is out now.")

    [embed] = (await said(await fact(fake, "show", {"id": "s3-trailer"})))["embeds"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["description"].startswith("It is out now.\n-# Source: Added by the moderators")
    assert fields["Origin"] == "this server's own fact"
    assert fields["Revision"] == "2"
    assert fields["Status"] == "Answers fans in this server"
    assert fields["Last change"].startswith(f"<@{MOD_ID}>, <t:") and fields["Last change"].endswith(
        ":f>"
    )
    assert fields["Questions"] == f"1. {S3_QUESTION}\n2. Is the S3 trailer out?"

    [embed] = (await said(await fact(fake, "history", {"id": "s3-trailer"})))["embeds"]
    lines = embed["description"].split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("<t:") and lines[0].endswith(f":f> <@{MOD_ID}> added")
    assert lines[1].endswith(f"<@{MOD_ID}> edited: 1 question added; answer changed")

    [pack_fact] = (await said(await fact(fake, "history", {"id": "premise"})))["embeds"]
    assert "it is the pack's, as shipped" in pack_fact["description"]
    [finale] = (await said(await fact(fake, "show", {"id": "s1-finale"})))["embeds"]
    assert finale["title"] == "s1-finale: The Season 1 finale (spoilers)"
    assert finale["description"].startswith("||") and "Trowbridge" not in finale["title"]


# --- export and import -------------------------------------------------------------------


async def test_export_then_import_elsewhere_and_back(fake: FakeDiscord, bot: FanBot) -> None:
    await add_s3_trailer(fake)
    modal = await open_form(fake, "edit", {"id": "premise"})
    await submit(fake, modal, inputs(modal)["question"]["value"], "A corrected premise about Kate.")
    await bot.store.remove(GUILD, "s1-finale", MOD_ID)

    sent = await fact(fake, "export")
    data = await said(sent)
    assert data["content"].startswith("This server's facts: 2 facts and 1 removed or hidden.")
    [file] = (await sent.callback()).files
    assert file.filename == f"facts-{GUILD}.toml"
    text = file.data.decode()
    pack = parse_pack(tomllib.loads(text), file.filename)  # a pack any pack tool loads
    assert {f.id for f in pack.facts} == {"s3-trailer", "premise"}
    assert pack.hide == ("s1-finale",)
    assert sent.message is not None and sent.message["attachments"][0]["filename"] == file.filename

    report = await said(await upload(fake, file.data, guild=OTHER_GUILD))
    assert report["content"] == (
        "Imported `facts.toml`:\n\u2022 1 added: `s3-trailer`\n\u2022 1 changed: `premise`\n"
        "\u2022 1 hidden: `s1-finale`\n\u2022 0 unchanged: none"
    )
    assert (await ask(fake, "is there a season 3 trailer", guild=OTHER_GUILD)).startswith(S3_ANSWER)
    assert (await ask(fake, "what is the diplomat about", guild=OTHER_GUILD)).startswith(
        "A corrected"
    )
    assert "Trowbridge" not in await ask(
        fake, "how did season 1 end", guild=OTHER_GUILD, spoilers=True
    )

    back = await said(await upload(fake, file.data))
    assert back["content"] == (
        "Imported `facts.toml`:\n\u2022 0 added: none\n\u2022 0 changed: none\n"
        "\u2022 0 hidden: none\n\u2022 3 unchanged: `premise`, `s3-trailer`, `s1-finale`"
    )


async def test_a_bad_file_changes_nothing(fake: FakeDiscord, bot: FanBot) -> None:
    good_fact = (
        '[[facts]]\nid = "{id}"\ntopic = "trailer"\nquestions = ["{q}"]\nanswer = "{a}"\n'
        'source = "moderators"\n'
    )
    head = (
        '[show]\nname = "The Diplomat"\nnetwork = "Netflix"\n\n[sources.moderators]\n'
        'title = "Added by the moderators of X"\npublisher = "Discord server moderators"\n'
        'published = "2025-03-04"\n'
    )
    cases = [
        (b"\xff\xfe\x00", "facts.toml: is not UTF-8 text"),
        (b"[[facts]\n", "facts.toml: is not valid TOML"),
        (b"a = " + b"[" * 10_000, "facts.toml: is nested too deeply"),
        (
            (
                head
                + good_fact.format(id="fine", q="A fine new question?", a="Fine.")
                + good_fact.format(id="broken", q="Another question?", a="")
            ).encode(),
            "facts.toml: fact 'broken': field 'answer': must not be empty",
        ),
    ]
    for data, expected in cases:
        content = (await said(await upload(fake, data)))["content"]
        assert content.startswith("I couldn't import that file, nothing was changed:"), content
        assert expected in content, content
    too_big = await upload(fake, b"[show]\n", size=IMPORT_MAX_BYTES + 1)
    assert "facts.toml: is larger than 512 KiB" in (await said(too_big))["content"]
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []

    # A fact that is removed here must be restored first: all or nothing, so "fine" is not added.
    await bot.store.add(GUILD, make_fact("gone", questions=["Where did it go?"]), MOD_ID)
    await bot.store.remove(GUILD, "gone", MOD_ID)
    text = (
        head
        + good_fact.format(id="fine", q="A fine new question?", a="Fine.")
        + good_fact.format(id="gone", q="Where did it go?", a="Back.")
    )
    content = (await said(await upload(fake, text.encode())))["content"]
    assert "nothing was changed" in content and "restore it before importing it" in content
    assert await bot.store.get(GUILD, "fine") is None


async def test_an_import_file_obeys_the_forms_markdown_rules(
    fake: FakeDiscord, bot: FanBot
) -> None:
    def pack_file(answer: str, title: str = "Added by the moderators of X") -> bytes:
        return (
            '[show]\nname = "The Diplomat"\nnetwork = "Netflix"\n\n[sources.moderators]\n'
            f'title = "{title}"\npublisher = "Discord server moderators"\n'
            'published = "2025-03-04"\n\n[[facts]]\nid = "s3-trailer"\ntopic = "trailer"\n'
            f'season = 3\nquestions = ["{S3_QUESTION}"]\nanswer = """{answer}"""\n'
            'source = "moderators"\n'
        ).encode()

    cases = [
        (pack_file("[Watch it](https://evil.example)"), "'answer': contains a masked link"),
        (pack_file("Yes.\n-# Source: Netflix"), "'answer': line 2 starts with '-#'"),
        (pack_file("# YES, IT IS OUT"), "'answer': line 1 starts with '#'"),
        (
            pack_file(S3_ANSWER, title="[Netflix](https://evil.example)"),
            "'sources.moderators.title': contains a masked link",
        ),
    ]
    for data, expected in cases:
        content = (await said(await upload(fake, data)))["content"]
        assert content.startswith("I couldn't import that file, nothing was changed:"), content
        assert expected in content, content
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []
    answer = await ask(fake, "is there a season 3 trailer")
    assert "evil" not in answer and "Source: Netflix" not in answer and S3_ANSWER not in answer


async def test_a_hide_line_inside_an_answer_hides_nothing(fake: FakeDiscord, bot: FanBot) -> None:
    data = (
        '[show]\nname = "The Diplomat"\nnetwork = "Netflix"\n\n[sources.moderators]\n'
        'title = "Added by the moderators of X"\npublisher = "Discord server moderators"\n'
        'published = "2025-03-04"\n\n[[facts]]\nid = "s3-trailer"\ntopic = "trailer"\n'
        f'season = 3\nquestions = ["{S3_QUESTION}"]\n'
        'answer = """\nThe trailer shows a list:\n#hide: premise\n"""\nsource = "moderators"\n'
    ).encode()
    report = await said(await upload(fake, data))
    assert report["content"].startswith("Imported `facts.toml`:\n\u2022 1 added: `s3-trailer`")
    assert "\u2022 0 hidden: none" in report["content"]
    assert (await ask(fake, "what is the diplomat about")).startswith("The Diplomat is")
    premise = await bot.store.get(GUILD, "premise")
    assert premise is not None and premise.origin == "pack"


async def test_a_server_name_cannot_put_a_link_in_the_source_line(settings: Settings) -> None:
    guilds = [guild_spec(GUILD, "[Official](https://evil.example)")]
    async with FakeDiscord(guilds=guilds) as fake, run_bot(FanBot(settings), fake):
        data = await add_s3_trailer(fake)
        source = "\n-# Source: Added by this server's moderators"
        assert data["content"].endswith(S3_ANSWER + source)
        assert await ask(fake, "is there a season 3 trailer") == S3_ANSWER + source


# --- isolation and durability ------------------------------------------------------------


async def test_servers_never_change_each_others_answers(fake: FakeDiscord, bot: FanBot) -> None:
    await add_s3_trailer(fake)
    sent = await fact(fake, "remove", {"id": "s2-trailer"}, guild=OTHER_GUILD)
    confirm = buttons(await said(sent))["Remove"]
    assert sent.message is not None
    done = await fake.click(
        sent.message, confirm["custom_id"], guild_id=OTHER_GUILD, member=moderator()
    )
    assert (await done.response())["type"] == 7

    assert "first-look" in await ask(fake, "is there a season 2 trailer")
    assert "first-look" not in await ask(fake, "is there a season 2 trailer", guild=OTHER_GUILD)
    assert (await ask(fake, "is there a season 3 trailer")).startswith(S3_ANSWER)
    assert S3_ANSWER not in await ask(fake, "is there a season 3 trailer", guild=OTHER_GUILD)
    assert [s.fact_id for s in await bot.store.guild_facts(GUILD, include_removed=True)] == [
        "s3-trailer"
    ]


async def test_facts_survive_a_restart(fake: FakeDiscord, settings: Settings) -> None:
    async with run_bot(FanBot(settings), fake):
        await add_s3_trailer(fake)
        sent = await fact(fake, "remove", {"id": "s2-trailer"})
        prompt = await said(sent)
    # The confirmation outlives the bot: its button carries what it needs.
    async with run_bot(FanBot(settings), fake):
        assert (await ask(fake, "is there a season 3 trailer")).startswith(S3_ANSWER)
        assert sent.message is not None
        confirm = buttons(prompt)["Remove"]["custom_id"]
        done = await fake.click(sent.message, confirm, guild_id=GUILD, member=moderator())
        assert (await done.response())["data"]["content"].startswith("Hid the pack fact")
        assert "first-look" not in await ask(fake, "is there a season 2 trailer")


async def test_a_form_opened_before_a_restart_is_saved_after_it(
    fake: FakeDiscord, settings: Settings
) -> None:
    async with run_bot(FanBot(settings), fake):
        new = await open_form(fake, "add", {"topic": "trailer", "season": 3})
        spoiler = await open_form(fake, "add", {"topic": "recap", "season": 2, "spoiler": True})
        edit = await open_form(fake, "edit", {"id": "premise"})
    async with run_bot(FanBot(settings), fake):
        added = await submit(fake, new, S3_QUESTION, S3_ANSWER)
        assert added["content"].startswith("Added fact `s3-trailer` (revision 1) in this server.")
        secret = await submit(fake, spoiler, "How did season 2 end?", "Kate stays.")
        assert secret["content"].startswith("Added fact `s2-recap-spoiler` (revision 1)")
        saved = await submit(fake, edit, inputs(edit)["question"]["value"], "A new premise.")
        assert saved["content"].startswith("Saved fact `premise` (revision 2) in this server.")
        assert (await ask(fake, "is there a season 3 trailer")).startswith(S3_ANSWER)
        assert (await ask(fake, "what is the diplomat about")).startswith("A new premise.")
        assert "Kate stays" in await ask(fake, "how did season 2 end", spoilers=True)

        # The form still knows which revision it showed: a change since then is not overwritten.
        late = await submit(fake, edit, inputs(edit)["question"]["value"], "An older idea.")
        assert "changed meanwhile" in late["content"] and "An older idea." in late["content"]
        assert (await ask(fake, "what is the diplomat about")).startswith("A new premise.")


async def test_a_form_of_an_older_bot_gives_the_text_back(fake: FakeDiscord, bot: FanBot) -> None:
    old_form = "fanbot:fact-form:0123456789abcdef"  # its purpose was kept in memory
    sent = await fake.submit_modal(
        old_form, {"question": S3_QUESTION, "answer": S3_ANSWER}, guild_id=GUILD, member=moderator()
    )
    content = (await said(sent))["content"]
    assert "This form is out of date. Run `/fact add` or `/fact edit` again." in content
    assert f"```\n{S3_QUESTION}\n```" in content and f"```\n{S3_ANSWER}\n```" in content
    assert await bot.store.guild_facts(GUILD, include_removed=True) == []


async def test_edit_and_try_again_works_after_a_restart(
    fake: FakeDiscord, settings: Settings
) -> None:
    answer = "An answer, `quoted`.\n  Two."
    short = "Who is <@123>?\nIs ```this``` fine?"
    long = "\n".join(f"Question {n}: " + "y" * 110 for n in range(1, 16))
    refusals = {}
    async with run_bot(FanBot(settings), fake):
        for sub, options, questions in [
            ("add", {"topic": "general"}, short),
            ("edit", {"id": "premise"}, long),
        ]:
            modal = await open_form(fake, sub, options)
            refusals[questions] = sent = await fake.submit_modal(
                modal, {"question": questions, "answer": answer}, guild_id=GUILD, member=moderator()
            )
            assert (await said(sent))["content"].startswith("I couldn't save this fact")
        assert "attached as `your-fact.txt`" in (await said(refusals[long]))["content"]
    async with run_bot(FanBot(settings), fake):
        reopened = {}
        for questions, sent in refusals.items():
            assert sent.message is not None
            retry = buttons(sent.message)["Edit and try again"]["custom_id"]
            other = moderator(602, "othermod")
            stranger = await fake.click(sent.message, retry, guild_id=GUILD, member=other)
            assert (await said(stranger))["content"].startswith("Only the moderator who ran")

            clicked = await fake.click(sent.message, retry, guild_id=GUILD, member=moderator())
            again = await clicked.response()
            assert again["type"] == 9, again
            boxes = inputs(again["data"])
            assert (boxes["question"]["value"], boxes["answer"]["value"]) == (questions, answer)
            reopened[questions] = again["data"]

        fixed = await submit(fake, reopened[short], "Who composed the score?", "Someone.")
        assert fixed["content"].startswith("Added fact `general-composed-score`")
        edited = await submit(fake, reopened[long], "What is The Diplomat about?", "New.")
        assert edited["content"].startswith("Saved fact `premise` (revision 2)")
