"""The service says ready, then goes silent: it stops reading and stops answering pings.

With short stream options (pings every 0.2 s, 0.3 s to answer), the client notices within
a second, drops the dead connection and reconnects. If the service comes back, the page
hears "reconnecting" then "live" and later finals are saved; if it never answers ready
again, the session fails with a sentence the user can act on, and what was final before
the stall is kept.
"""

from __future__ import annotations

import asyncio

import pytest

from krisp import KrispConnectionError
from tests.fakekrisp import Behaviour, Connection, echo, stall, transcript, translation

from . import conftest as faults
from .conftest import eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def goes_silent_after_ready(then: Behaviour, silent_for: float = 2.0) -> Behaviour:
    """First connection: ready, one final, then no reading and no pongs for ``silent_for``
    seconds (long enough for the client's ping timeout); later connections get ``then``."""

    async def goes_silent(conn: Connection) -> None:
        await conn.ready()
        await conn.send_json(transcript("Before the silence", "a1"))
        await conn.send_json(translation("Antes del silencio", "a1"))
        conn.ws.transport.pause_reading()  # pings pile up unanswered
        await asyncio.sleep(silent_for)
        conn.ws.transport.resume_reading()  # let the socket notice the client has gone
        async for _ in conn.frames_in():
            pass

    return faults.first_connection_then(goes_silent, then)


async def test_a_silent_service_is_noticed_and_the_session_reconnects(
    fake, leaks, short_timeouts, open_browser, alice_cookie
):
    fake.behaviour = goes_silent_after_ready(then=echo(frames_per_utterance=5))
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
    await browser.expect("translation", final=True)

    await faults.expect_a_reconnect_then_an_echoed_utterance(browser, seconds=3)
    seen = await faults.stop_and_read_to_the_close(browser)

    assert kinds(browser.messages)[:6] == [
        "status:connecting",
        "ready",
        "transcript",
        "translation",
        "status:reconnecting",
        "status:live",
    ]
    assert seen[-1]["status"] == "completed"
    await faults.session_ended(session_id)
    assert await utterances(session_id) == [
        ("a1", "Before the silence", "Antes del silencio"),
        ("u1", "utterance 1", "enunciado 1"),
    ]
    await browser.leave()
    await leaks.check(fake)


async def test_a_service_that_never_answers_again_fails_the_session_clearly(
    fake, leaks, short_timeouts, open_browser, alice_cookie
):
    fake.behaviour = goes_silent_after_ready(then=stall())
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    seen = await browser.until_closed(seconds=10)

    message = KrispConnectionError.user_message
    assert kinds(seen) == [
        "transcript",
        "translation",
        # one reconnecting per attempt; each attempt waits ready_timeout and gives up
        *["status:reconnecting"] * short_timeouts.reconnect_attempts,
        "error",
        "ended",
    ]
    assert seen[-2] == faults.page_error("service_unavailable", message, fatal=True)
    assert seen[-1]["status"] == "failed"
    session = await faults.session_ended(session_id, "failed", message)
    assert session.ended_at is not None
    assert await utterances(session_id) == [("a1", "Before the silence", "Antes del silencio")]
    await browser.leave()
    await leaks.check(fake)
    assert len(fake.connections) == 1 + short_timeouts.reconnect_attempts


async def test_the_stall_is_noticed_within_the_ping_bound(
    fake, short_timeouts, open_browser, alice_cookie
):
    """Why short options matter: detection takes about ping_interval + ping_timeout."""
    fake.behaviour = goes_silent_after_ready(then=echo())
    browser = await open_browser(alice_cookie)
    await browser.start()
    await browser.expect("translation", final=True)
    loop = asyncio.get_running_loop()
    silent_since = loop.time()

    await browser.expect("status", state="reconnecting", seconds=3)

    bound = short_timeouts.ping_interval + short_timeouts.ping_timeout + 0.5
    assert loop.time() - silent_since < bound
    assert await eventually(lambda: _connections_at_least(fake, 2))


async def _connections_at_least(fake, count: int) -> bool:
    return len(fake.connections) >= count
