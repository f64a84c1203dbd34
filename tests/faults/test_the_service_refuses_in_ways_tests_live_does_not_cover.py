"""Service refusals beyond tests/live/test_service_errors.py (which covers each error
frame before ready, 400/402/429 and a revoked key after ready, and a surviving 500).

Here: the WebSocket handshake itself refused with each HTTP status; a 401 after ready
that a fresh session key cures; codes the reference does not list; a code sent as a
string; and a run of 500s the service survives. Each says what the page saw and what
the session row kept.
"""

from __future__ import annotations

import pytest

from interpreter.live.protocol import ENGINE_FAULT
from interpreter.models import TranslationSession
from krisp import (
    KrispBadRequest,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispServerError,
    KrispUnauthorized,
    StreamOptions,
)
from tests.fakekrisp import Connection, echo, scripted, transcript, translation

from . import conftest as faults
from .conftest import START, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, "bad_request", KrispBadRequest.user_message),
        (401, "unauthorized", KrispUnauthorized.user_message),
        (402, "payment_required", KrispPaymentRequired.user_message),
        (429, "rate_limited", KrispRateLimited.user_message),
        (500, "service_unavailable", KrispServerError.user_message),
        (503, "service_unavailable", KrispServerError.user_message),
    ],
)
async def test_a_refused_handshake_fails_the_session_with_its_message(
    fake, leaks, open_browser, alice_cookie, status, code, message
):
    fake.ws_handshake_status = status
    browser = await open_browser(alice_cookie)

    await browser.send(START)
    seen = await browser.until_closed()

    assert kinds(seen) == ["status:connecting", "error", "ended"]
    assert seen[1] == faults.page_error(code, message, fatal=True)
    assert seen[2]["status"] == "failed"
    session = await TranslationSession.objects.aget()
    assert (session.status, session.error) == ("failed", message)
    assert session.ended_at is not None
    ws_attempts = [r for r in fake.http_requests if r.path.startswith("/vt")]
    # A refused key is retried once with a fresh one; a busy engine (429) or a balancer
    # with none free (503) is tried again through the same URL, a bounded number of times.
    tries = {401: 2, 429: 1 + StreamOptions().busy_retries, 503: 1 + StreamOptions().busy_retries}
    assert len(ws_attempts) == tries.get(status, 1)
    await browser.leave()
    await leaks.check(fake)


async def test_a_401_after_ready_is_cured_by_a_fresh_key_and_the_session_goes_on(
    fake, leaks, open_browser, alice_cookie
):
    async def key_expires_mid_session(conn: Connection) -> None:
        await conn.ready()
        await conn.send_json(transcript("Before the key expired", "a1"))
        await conn.send_json(translation("Antes de caducar", "a1"))
        fake.expire_all_session_keys()
        await conn.error(401, "Unauthorized", "session key expired")
        async for _ in conn.frames_in():
            pass

    fake.behaviour = faults.first_connection_then(
        key_expires_mid_session, echo(frames_per_utterance=5)
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    await faults.expect_a_reconnect_then_an_echoed_utterance(browser)
    seen = await faults.stop_and_read_to_the_close(browser)

    assert not [m for m in browser.messages if m["type"] == "error"]
    assert seen[-1]["status"] == "completed"
    assert fake.connections[0].session_key != fake.connections[1].session_key
    assert await utterances(session_id) == [
        ("a1", "Before the key expired", "Antes de caducar"),
        ("u1", "utterance 1", "enunciado 1"),
    ]
    await browser.leave()
    await leaks.check(fake)


@pytest.mark.parametrize(
    ("error", "code", "message", "fatal"),
    [
        # An unknown 4xx is a permanent refusal; an unknown 5xx is a hiccup.
        ({"code": 418, "reason": "Teapot"}, "bad_request", KrispBadRequest.user_message, True),
        ({"code": 503}, "service_unavailable", ENGINE_FAULT, False),
        ({"code": "429"}, "rate_limited", KrispRateLimited.user_message, True),
        ({"code": None}, "service_unavailable", ENGINE_FAULT, False),
        ({}, "service_unavailable", ENGINE_FAULT, False),
    ],
    ids=["418", "503", "429-as-string", "null-code", "no-code"],
)
async def test_an_odd_error_code_after_ready_is_mapped_onto_a_documented_one(
    fake, leaks, open_browser, alice_cookie, error, code, message, fatal
):
    fake.behaviour = scripted(
        {"type": "ready"},
        transcript("Kept", "u1"),
        translation("Guardado", "u1"),
        0.2,
        {"error": error},
        0.2,
        transcript("After", "u2"),
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    got = await browser.expect("error")
    if not fatal:
        await browser.expect("transcript", text="After")
        await browser.send({"type": "stop"})
    seen = await browser.until_closed()

    assert got == faults.page_error(code, message, fatal=fatal)
    if fatal:
        await faults.session_ended(session_id, "failed", message)
        assert seen[-1]["status"] == "failed"
        assert await utterances(session_id) == [("u1", "Kept", "Guardado")]
    else:
        await faults.session_ended(session_id)
        assert await utterances(session_id) == [("u1", "Kept", "Guardado"), ("u2", "After", "")]
    await browser.leave()
    await leaks.check(fake)


async def test_a_run_of_500s_the_service_survives_is_reported_each_time_and_kept_going(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = scripted(
        {"type": "ready"},
        {"error": {"code": 500, "description": "one"}},
        transcript("One", "u1"),
        {"error": {"code": 500, "description": "two"}},
        translation("Uno", "u1"),
        {"error": {"code": 500, "description": "three"}},
        transcript("Two", "u2"),
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    await browser.expect("transcript", text="Two")
    await faults.stop_and_read_to_the_close(browser)

    errors = [m for m in browser.messages if m["type"] == "error"]
    assert len(errors) == 3
    assert {(e["code"], e["fatal"]) for e in errors} == {("service_unavailable", False)}
    await faults.session_ended(session_id)
    assert await utterances(session_id) == [("u1", "One", "Uno"), ("u2", "Two", "")]
    await browser.leave()
    await leaks.check(fake)
