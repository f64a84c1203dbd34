"""A service that accepts every connection and drops it again right after ready.

Each reconnect "succeeds" (ready arrives), so a stream that counted only failed attempts
would cycle "reconnecting" / "live" for as long as the service kept doing it, and the
session would never fail nor end. Since commit 5227d56 the stream counts a reconnect that
did not stay up for ``stable_seconds`` against the same budget, so the page sees a
bounded number of reconnects, then one fatal error it can act on; what was final is kept.
"""

from __future__ import annotations

import asyncio

import pytest

from krisp import KrispConnectionError
from tests.fakekrisp import Connection, transcript, translation

from . import conftest as faults
from .conftest import kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def ready_then_drop():
    served: list[Connection] = []

    async def behaviour(conn: Connection) -> None:
        served.append(conn)
        await conn.ready()
        if len(served) == 1:
            await conn.send_json(transcript("Before the flapping", "a1"))
            await conn.send_json(translation("Antes del vaivén", "a1"))
        await asyncio.sleep(0.05)
        conn.ws.transport.abort()

    return behaviour


async def test_a_service_that_drops_after_every_ready_fails_the_session_in_bounded_time(
    fake, leaks, short_timeouts, open_browser, alice_cookie
):
    fake.behaviour = ready_then_drop()
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    seen = await browser.until_closed(seconds=8)

    message = KrispConnectionError.user_message
    assert seen[-2] == faults.page_error("service_unavailable", message, fatal=True)
    assert seen[-1]["status"] == "failed"
    attempts = short_timeouts.reconnect_attempts
    assert kinds(seen).count("status:reconnecting") <= attempts
    assert len(fake.connections) <= 1 + attempts
    await faults.session_ended(session_id, "failed", message)
    assert await utterances(session_id) == [("a1", "Before the flapping", "Antes del vaivén")]
    await browser.leave()
    await leaks.check(fake)
