"""Imported at start-up by the CLI subprocesses of the tests (via ``PYTHONPATH``): no name
resolution except the loopback, so a test can never reach Discord or anything else on the
internet. A blocked lookup fails the way an offline machine does."""

import socket

_LOCAL = {"localhost", "127.0.0.1", "::1", None}
_getaddrinfo = socket.getaddrinfo


def _offline_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in _LOCAL:
        raise socket.gaierror(socket.EAI_NONAME, f"offline test: no lookup of {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _offline_getaddrinfo
