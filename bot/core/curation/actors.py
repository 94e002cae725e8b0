"""Who made a change, as the audit trail keeps it: a Discord user's id, or the host.

Moderators' changes are stored under their Discord user id (always positive). Changes made
on the host with ``python -m bot`` (``facts import``) are stored under
:data:`CLI_ACTOR_ID`, 0, which no Discord user has; ``/fact history`` and ``/fact show``
name it "cli".
"""

from __future__ import annotations

CLI_ACTOR_ID = 0
"""The audit actor of changes made from the command line."""

CLI_ACTOR_NAME = "cli"


def actor_name(actor_id: int) -> str | None:
    """The name of an actor that is not a Discord user ("cli"), or None for a user id."""
    return CLI_ACTOR_NAME if actor_id == CLI_ACTOR_ID else None
