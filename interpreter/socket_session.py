"""Django's session for WebSocket connections, without a wrapper around every send.

Channels' ``SessionMiddleware`` wraps ``send`` so that a session changed while handling an
HTTP request is saved before the response starts. A WebSocket never sends an HTTP response,
and the live socket never changes the session, yet the wrapper ran for every frame sent to
the page (50 a second per page): about 3 % of daphne's CPU per relayed frame in
``bench/bridge.py`` (see docs/benchmarks.md). This middleware puts the same session in the
scope, loaded lazily by the same engine, and passes ``send`` through untouched.
"""

from __future__ import annotations

from importlib import import_module

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings


class SocketSessionMiddleware:
    """Puts ``scope["session"]`` (read from the session cookie) in a WebSocket's scope."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope: dict, receive, send) -> None:
        if "cookies" not in scope:
            raise ValueError("SocketSessionMiddleware must run inside CookieMiddleware.")
        store = import_module(settings.SESSION_ENGINE).SessionStore
        key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        return await self.inner(dict(scope, session=store(key)), receive, send)


def socket_auth_stack(inner):
    """Channels' ``AuthMiddlewareStack`` with :class:`SocketSessionMiddleware` for its
    session middleware: ``scope["user"]`` and ``scope["session"]`` as before."""
    return CookieMiddleware(SocketSessionMiddleware(AuthMiddleware(inner)))
