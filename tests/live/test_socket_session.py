"""The live socket's session middleware: the user's session in the scope, ``send`` untouched.

Who may connect at all is tested through the whole stack in test_who_may_connect.
"""

from __future__ import annotations

from django.conf import settings

from interpreter.socket_session import SocketSessionMiddleware


async def test_the_session_is_the_cookies_and_send_is_passed_through_as_it_is():
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope=scope, send=send)

    async def send(message):
        raise AssertionError("nothing is sent here")

    scope = {"type": "websocket", "cookies": {settings.SESSION_COOKIE_NAME: "k" * 32}}
    await SocketSessionMiddleware(inner)(scope, None, send)

    assert seen["send"] is send
    assert seen["scope"]["session"].session_key == "k" * 32
    assert "session" not in scope  # the caller's scope is left as it was


async def test_without_a_cookie_the_session_is_empty_and_new():
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope=scope)

    await SocketSessionMiddleware(inner)({"type": "websocket", "cookies": {}}, None, None)

    assert seen["scope"]["session"].session_key is None
