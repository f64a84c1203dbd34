"""Loopback ports for tests and benchmarks that start real servers, and the command that
starts daphne on one."""

from __future__ import annotations

import socket
import sys

ASGI_APP = "interpreter.asgi:application"


def free_port() -> int:
    """A port nothing listens on right now, for a server about to start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def daphne_command(port: int, app: str = ASGI_APP) -> list[str]:
    """daphne serving ``app`` on 127.0.0.1:``port``, started as production starts it."""
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
