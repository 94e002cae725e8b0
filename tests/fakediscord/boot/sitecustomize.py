"""Imported at start-up by a bot process that the tests (or ``scripts/image-smoke``, inside
the image) start with this folder on ``PYTHONPATH``; the bot's own code is run unchanged.

* No name resolution except the loopback: the process can never reach Discord or anything
  else on the internet.
* With ``FAKE_DISCORD_URL`` (``http://127.0.0.1:PORT``, a :class:`FakeDiscord`), discord.py's
  REST base and gateway point at that fake, as :meth:`FakeDiscord.patched` does in-process,
  and READY comes without discord.py's 2 s wait for more guilds.

Standalone on purpose (no import from ``tests``): the image smoke test mounts this one file.
"""

import os
import socket

_LOCAL = {"localhost", "127.0.0.1", "::1", None}
_getaddrinfo = socket.getaddrinfo


def _offline_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in _LOCAL:
        raise socket.gaierror(socket.EAI_NONAME, f"offline test: no lookup of {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _offline_getaddrinfo


def _point_discord_at(url: str) -> None:
    import discord.http
    import discord.state
    import yarl
    from discord.gateway import DiscordWebSocket

    discord.http.Route.BASE = f"{url}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url.replace("http", "ws", 1) + "/gateway")
    init = discord.state.ConnectionState.__init__

    def quick_ready(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, *args, **kwargs)
        self.guild_ready_timeout = 0.05

    discord.state.ConnectionState.__init__ = quick_ready  # type: ignore[method-assign]


if os.environ.get("FAKE_DISCORD_URL"):
    _point_discord_at(os.environ["FAKE_DISCORD_URL"].rstrip("/"))
