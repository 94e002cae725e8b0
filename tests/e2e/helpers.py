"""Steps that several end-to-end tests take through the fake Discord."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import GUILD, moderator
from tests.fakediscord import FakeDiscord, SentInteraction, payloads


async def import_file(
    fake: FakeDiscord,
    data: bytes,
    *,
    guild: int = GUILD,
    member: dict[str, Any] | None = None,
    **attachment: Any,
) -> SentInteraction:
    """``/fact import`` of ``data`` uploaded as ``facts.toml`` (``attachment`` overrides the
    attachment payload, e.g. its ``size``), by a moderator unless ``member`` says otherwise."""
    file = {**fake.upload("facts.toml", data), **attachment}
    option = payloads.option("file", file["id"], payloads.OptionType.ATTACHMENT)
    return await fake.slash(
        "fact import",
        [option],
        guild_id=guild,
        member=member or moderator(),
        resolved={"attachments": {file["id"]: file}},
    )
