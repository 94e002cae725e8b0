"""A new fact pack meets servers' own facts: the bot restarted with it, over the fake Discord."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.client import FanBot
from bot.settings import Settings
from tests.conftest import PACK_PATH
from tests.e2e.conftest import GUILD, OTHER_GUILD, fan
from tests.fakediscord import FakeDiscord, run_bot

MOD_ID = 601
CORRECTION = "Our server's correction: the date moved to November."
SPOILS = "the Season 2 premiere"


def pack_with_a_spoiler(path: Path) -> Path:
    """The shipped pack, with the Season 2 premiere fact now marked a spoiler."""
    text = PACK_PATH.read_text(encoding="utf-8")
    marked = text.replace(
        'id = "s2-premiere"\n', f'id = "s2-premiere"\nspoiler = true\nspoils = "{SPOILS}"\n'
    )
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    return path


async def ask(fake: FakeDiscord, guild: int, *, spoilers: bool) -> str:
    options: dict[str, Any] = {"question": "when does season 2 come out", "spoilers": spoilers}
    sent = await fake.slash("ask", options, guild_id=guild, member=fan())
    body = await sent.response()
    assert body["type"] == 4, body
    return str(body["data"]["content"])


async def test_a_pack_spoiler_hides_a_servers_correction_of_it(
    fake: FakeDiscord, settings: Settings, tmp_path: Path
) -> None:
    async with run_bot(FanBot(settings), fake) as bot:
        premiere = await bot.store.get(GUILD, "s2-premiere")
        assert premiere is not None and not premiere.fact.spoiler
        corrected = premiere.fact.model_copy(update={"answer": CORRECTION})
        await bot.store.edit(GUILD, corrected, MOD_ID)
        assert CORRECTION in await ask(fake, GUILD, spoilers=False)

    updated = settings.model_copy(update={"fact_pack": pack_with_a_spoiler(tmp_path / "p.toml")})
    async with run_bot(FanBot(updated), fake):
        withheld = await ask(fake, GUILD, spoilers=False)
        assert "correction" not in withheld and "November" not in withheld
        assert f"This answer holds spoilers for {SPOILS}." in withheld

        shown = await ask(fake, GUILD, spoilers=True)
        assert shown.startswith(f"||{CORRECTION}||")

        elsewhere = await ask(fake, OTHER_GUILD, spoilers=False)
        assert f"holds spoilers for {SPOILS}" in elsewhere and "October" not in elsewhere
