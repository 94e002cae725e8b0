"""The link a server owner follows to add the bot: its scopes and exactly the permissions
it uses (``python -m bot invite``, and a log line at start)."""

from __future__ import annotations

import base64
import binascii
from typing import Final

import discord

SCOPES: Final = ("bot", "applications.commands")

USED_PERMISSIONS: Final = {
    # Slash-command replies go through the interaction's webhook (a response or a
    # follow-up), which needs neither View Channels nor Send Messages; what a reply carries
    # still follows the bot's own permissions in the channel. Answers to mentions and
    # "Answer with FanBot" are ordinary messages in the channel, replying to a message.
    "view_channel": "answers to mentions and 'Answer with FanBot' are posted in the channel",
    "send_messages": "answers to mentions and 'Answer with FanBot' are posted in the channel",
    "read_message_history": "those answers reply to the message they answer",
    "embed_links": "answers to /premise, /cast, /premiere, /recap, /about and /fact are embeds",
    "attach_files": "/fact export sends a file, and so does a refused /fact form (the text typed)",
    "manage_events": "/fact event makes and moves the server's premiere events",
}
"""What the bot needs in a server's channels, and why. Nothing else: no message content,
no reactions, no pings (every reply sends ``AllowedMentions.none()``)."""


def permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(USED_PERMISSIONS, True))


def invite_url(client_id: int) -> str:
    """The OAuth2 URL adding the application ``client_id`` with :data:`SCOPES` and
    :func:`permissions`."""
    return discord.utils.oauth_url(client_id, permissions=permissions(), scopes=SCOPES)


def permission_names() -> str:
    """The permissions as Discord shows them: "View Channel, Send Messages, ..."."""
    return ", ".join(name.replace("_", " ").title() for name in USED_PERMISSIONS)


def client_id_from_token(token: str) -> int | None:
    """The bot's user id, which a bot token starts with (base64), and which is its
    application's id; None if ``token`` does not look like a bot token."""
    head = token.strip().split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None
