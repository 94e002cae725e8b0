"""Builders for Discord API v10 payloads that discord.py 2.7 parses without errors.

All ids are emitted as strings (as Discord does); builders accept ints.  Interaction
builders accept the shared keyword arguments described by :class:`InteractionContext`.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, TypedDict, Unpack

import discord

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_APPLICATION_ID",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DISCORD_EPOCH",
    "InteractionContext",
    "OptionType",
    "attachment",
    "autocomplete",
    "component",
    "guild",
    "interaction",
    "member",
    "message",
    "message_command",
    "modal_components",
    "modal_submit",
    "option",
    "role",
    "slash_command",
    "snowflake",
    "text_channel",
    "user",
]

Payload = dict[str, Any]

DISCORD_EPOCH = 1420070400000
DEFAULT_APPLICATION_ID = 1100000000000000001
ALL_PERMISSIONS: int = discord.Permissions.all().value
DEFAULT_MEMBER_PERMISSIONS: int = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
).value

_counter = itertools.count(1)


class OptionType(IntEnum):
    """Application command option types (``ApplicationCommandOptionType``)."""

    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class InteractionContext(TypedDict, total=False):
    """Keyword arguments shared by all interaction builders.

    Give ``member`` (guild) or ``user`` (DM); ``guild_id=None`` means a DM interaction.
    """

    id: int
    token: str
    application_id: int
    guild_id: int | None
    channel_id: int
    member: Payload
    user: Payload
    app_permissions: int
    message: Payload
    locale: str
    guild_locale: str


def snowflake() -> int:
    """Return a new, process-unique snowflake based on the current time."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(id: int | None = None, name: str = "user", *, bot: bool = False) -> Payload:
    """A ``User`` object."""
    return {
        "id": str(id if id is not None else snowflake()),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(
    user: Payload,
    roles: Sequence[int] = (),
    permissions: int = DEFAULT_MEMBER_PERMISSIONS,
    *,
    nick: str | None = None,
) -> Payload:
    """A guild ``Member`` with ``user``; ``permissions`` is the interaction-style string."""
    return {
        "user": user,
        "roles": [str(r) for r in roles],
        "permissions": str(permissions),
        "nick": nick,
        "avatar": None,
        "joined_at": _now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }


def role(id: int, name: str, permissions: int = 0, *, position: int = 0) -> Payload:
    """A guild ``Role``; the ``@everyone`` role has the guild's id."""
    return {
        "id": str(id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def text_channel(id: int, guild_id: int, name: str = "general", *, position: int = 0) -> Payload:
    """A guild text channel (type 0)."""
    return {
        "id": str(id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def guild(
    id: int,
    name: str = "Test Guild",
    *,
    channel_id: int | None = None,
    bot_user: Payload | None = None,
    owner_id: int | None = None,
    member_count: int = 2,
    extra: Mapping[str, Any] | None = None,
) -> Payload:
    """A GUILD_CREATE payload: ``@everyone`` role, one text channel and the bot's member."""
    channel = channel_id if channel_id is not None else id + 1
    payload: Payload = {
        "id": str(id),
        "name": name,
        "icon": None,
        "owner_id": str(owner_id if owner_id is not None else id + 2),
        "unavailable": False,
        "member_count": member_count,
        "large": member_count >= 250,
        "joined_at": _now_iso(),
        "features": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "roles": [role(id, "@everyone", DEFAULT_MEMBER_PERMISSIONS)],
        "emojis": [],
        "stickers": [],
        "channels": [text_channel(channel, id)],
        "threads": [],
        "members": [member(bot_user, permissions=ALL_PERMISSIONS)] if bot_user else [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }
    payload.update(extra or {})
    return payload


def attachment(
    filename: str, size: int, *, id: int | None = None, base_url: str = "http://127.0.0.1"
) -> Payload:
    """An ``Attachment`` object as found in messages and ``resolved``."""
    aid = id if id is not None else snowflake()
    url = f"{base_url}/attachments/{aid}/{filename}"
    return {
        "id": str(aid),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "application/octet-stream",
    }


def message(
    *,
    channel_id: int,
    author: Payload,
    content: str = "",
    id: int | None = None,
    guild_id: int | None = None,
    embeds: Sequence[Payload] = (),
    components: Sequence[Payload] = (),
    attachments: Sequence[Payload] = (),
    flags: int = 0,
    application_id: int | None = None,
    webhook_id: int | None = None,
    mentions: Sequence[Payload] = (),
    mention_everyone: bool = False,
    mention_roles: Sequence[int] = (),
    message_reference: Payload | None = None,
    referenced_message: Payload | None = None,
    member: Payload | None = None,
) -> Payload:
    """A ``Message`` object: type 0, or 19 (a reply) with ``message_reference``.

    ``mentions`` are users (as in Discord's ``mentions`` array); ``member`` is the author's
    partial member in a guild (gateway MESSAGE_CREATE carries it, without ``user``).
    """
    payload: Payload = {
        "id": str(id if id is not None else snowflake()),
        "type": 19 if message_reference else 0,
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": _now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": list(mentions),
        "mention_roles": [str(r) for r in mention_roles],
        "attachments": list(attachments),
        "embeds": list(embeds),
        "components": list(components),
        "pinned": False,
        "flags": flags,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
    if application_id is not None:
        payload["application_id"] = str(application_id)
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
    if message_reference is not None:
        payload["message_reference"] = message_reference
        payload["referenced_message"] = referenced_message
    if member is not None:
        payload["member"] = {k: v for k, v in member.items() if k not in ("user", "permissions")}
    return payload


def interaction(type: int, data: Payload | None, **ctx: Unpack[InteractionContext]) -> Payload:
    """An INTERACTION_CREATE payload of the given interaction ``type``."""
    guild_id = ctx.get("guild_id")
    channel_id = ctx.get("channel_id", (guild_id + 1) if guild_id else snowflake())
    payload: Payload = {
        "id": str(ctx.get("id", snowflake())),
        "token": ctx.get("token", f"itok-{secrets.token_hex(16)}"),
        "application_id": str(ctx.get("application_id", DEFAULT_APPLICATION_ID)),
        "type": type,
        "version": 1,
        "channel_id": str(channel_id),
        "app_permissions": str(ctx.get("app_permissions", ALL_PERMISSIONS)),
        "locale": ctx.get("locale", "en-US"),
        "entitlements": [],
        "attachment_size_limit": 26214400,
    }
    if data is not None:
        payload["data"] = data
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        payload["guild_locale"] = ctx.get("guild_locale", "en-US")
        payload["channel"] = text_channel(channel_id, guild_id)
        payload["member"] = ctx.get("member") or member(user(name="tester"))
        payload["context"] = 0
        payload["authorizing_integration_owners"] = {"0": str(guild_id)}
    else:
        author = ctx.get("user") or user(name="tester")
        payload["user"] = author
        payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [author]}
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"0": "0"}
    if "message" in ctx:
        payload["message"] = ctx["message"]
    return payload


def option(
    name: str, value: Any, type: OptionType | int | None = None, *, focused: bool = False
) -> Payload:
    """One command option; ``type`` is inferred from bool/int/float/str values when omitted.

    Snowflake options (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT) need an explicit
    ``type`` and, to resolve to objects, a matching ``resolved`` map in the command data.
    """
    if type is None:
        if isinstance(value, bool):
            type = OptionType.BOOLEAN
        elif isinstance(value, int):
            type = OptionType.INTEGER
        elif isinstance(value, float):
            type = OptionType.NUMBER
        else:
            type = OptionType.STRING
    if type in (
        OptionType.USER,
        OptionType.CHANNEL,
        OptionType.ROLE,
        OptionType.MENTIONABLE,
        OptionType.ATTACHMENT,
    ):
        value = str(value)
    payload: Payload = {"name": name, "type": int(type), "value": value}
    if focused:
        payload["focused"] = True
    return payload


def _options(options: Mapping[str, Any] | Sequence[Payload] | None) -> list[Payload]:
    if options is None:
        return []
    if isinstance(options, Mapping):
        return [option(k, v) for k, v in options.items()]
    return list(options)


def _command_data(
    name: str,
    options: list[Payload],
    command_id: int | None,
    command_guild_id: int | None,
    resolved: Payload | None,
) -> Payload:
    """Nest ``options`` under the subcommand (group) named by the words of ``name``."""
    root, *subs = name.split()
    if len(subs) > 2:
        raise ValueError(f"invalid qualified command name {name!r}")
    for depth, sub in reversed(list(enumerate(subs))):
        kind = OptionType.SUB_COMMAND if depth == len(subs) - 1 else OptionType.SUB_COMMAND_GROUP
        options = [{"name": sub, "type": int(kind), "options": options}]
    data: Payload = {
        "id": str(command_id if command_id is not None else snowflake()),
        "name": root,
        "type": 1,
        "options": options,
    }
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    if resolved:
        data["resolved"] = resolved
    return data


def slash_command(
    name: str,
    options: Mapping[str, Any] | Sequence[Payload] | None = None,
    *,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    resolved: Payload | None = None,
    **ctx: Unpack[InteractionContext],
) -> Payload:
    """A chat-input command interaction (type 2).

    ``name`` may be qualified: ``"tag create"`` (subcommand) or ``"admin tag create"``
    (group + subcommand).  ``options`` maps option names to values (types inferred) or is a
    list of :func:`option` payloads.  Set ``command_guild_id`` for guild-registered commands:
    discord.py looks guild commands up by ``data.guild_id``.
    """
    data = _command_data(name, _options(options), command_id, command_guild_id, resolved)
    return interaction(2, data, **ctx)


def message_command(
    name: str,
    target: Payload,
    *,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    **ctx: Unpack[InteractionContext],
) -> Payload:
    """A message context-menu command (interaction type 2, command type 3) on ``target``:
    Discord sends the target message in ``data.resolved.messages`` (with its content, whatever
    the bot's intents)."""
    data: Payload = {
        "id": str(command_id if command_id is not None else snowflake()),
        "name": name,
        "type": 3,
        "target_id": str(target["id"]),
        "resolved": {"messages": {str(target["id"]): target}},
    }
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    return interaction(2, data, **ctx)


def autocomplete(
    name: str,
    options: Mapping[str, Any] | Sequence[Payload] | None = None,
    *,
    focused: str,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    **ctx: Unpack[InteractionContext],
) -> Payload:
    """An autocomplete interaction (type 4) with option ``focused`` marked as focused.

    Discord sends the focused value as the raw typed string; it defaults to ``""``.
    """
    opts = _options(options)
    for opt in opts:
        if opt["name"] == focused:
            opt["focused"] = True
            opt["value"] = str(opt["value"])
            break
    else:
        opts.append(option(focused, "", OptionType.STRING, focused=True))
    data = _command_data(name, opts, command_id, command_guild_id, None)
    return interaction(4, data, **ctx)


def component(
    custom_id: str,
    component_type: int = 2,
    *,
    values: Sequence[str] | None = None,
    **ctx: Unpack[InteractionContext],
) -> Payload:
    """A message component interaction (type 3): button (2) or select (3, 5-8) with ``values``.

    Pass the clicked ``message`` payload in ``ctx``; discord.py routes the click to the view
    stored for that message id.
    """
    data: Payload = {"custom_id": custom_id, "component_type": component_type}
    if values is not None or component_type != 2:
        data["values"] = list(values or [])
    return interaction(3, data, **ctx)


def _submitted(comp: Payload, fields: Mapping[str, Any]) -> Payload | None:
    """The submitted form of one modal input component, or None for non-inputs."""
    custom_id = comp.get("custom_id")
    if custom_id is None:
        return None
    value = fields.get(custom_id, comp.get("value", ""))
    out: Payload = {"type": comp["type"], "custom_id": custom_id}
    if "id" in comp:
        out["id"] = comp["id"]
    if isinstance(value, list | tuple):
        out["values"] = [str(v) for v in value]
    else:
        out["value"] = value
    return out


def modal_components(
    fields: Mapping[str, Any], layout: Sequence[Payload] | None = None
) -> list[Payload]:
    """The ``data.components`` of a modal submit.

    With ``layout`` (the ``components`` of the modal the bot sent) the structure is mirrored:
    action rows (type 1) stay rows, labels (type 18) keep their single ``component``.  Without
    it every field becomes a text input (type 4) in its own action row.  List values become
    ``values`` (selects, checkbox groups), other values become ``value``.
    """
    if layout is None:
        layout = [{"type": 1, "components": [{"type": 4, "custom_id": k}]} for k in fields]
    result: list[Payload] = []
    for top in layout:
        if top["type"] == 1:
            inner = [s for c in top.get("components", []) if (s := _submitted(c, fields))]
            result.append({"type": 1, "components": inner})
        elif top["type"] == 18:
            sub = _submitted(top["component"], fields)
            if sub is not None:
                label: Payload = {"type": 18, "component": sub}
                if "id" in top:
                    label["id"] = top["id"]
                result.append(label)
        elif (sub := _submitted(top, fields)) is not None:
            result.append(sub)
    return result


def modal_submit(
    custom_id: str,
    fields: Mapping[str, Any],
    *,
    layout: Sequence[Payload] | None = None,
    **ctx: Unpack[InteractionContext],
) -> Payload:
    """A modal submit interaction (type 5); see :func:`modal_components` for ``layout``."""
    data: Payload = {"custom_id": custom_id, "components": modal_components(fields, layout)}
    return interaction(5, data, **ctx)
