"""Each of the service's refusals reaches the page as its own message, and is saved."""

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
)
from tests import fakekrisp
from tests.fakekrisp import transcript, translation

from .conftest import START, utterances

pytestmark = pytest.mark.django_db(transaction=True)

FATAL = [
    (400, "bad_request", KrispBadRequest.user_message),
    (401, "unauthorized", KrispUnauthorized.user_message),
    (402, "payment_required", KrispPaymentRequired.user_message),
    (429, "rate_limited", KrispRateLimited.user_message),
    (500, "service_unavailable", KrispServerError.user_message),
]


def test_every_service_error_has_its_own_message():
    assert len({message for _, _, message in FATAL}) == len(FATAL)


@pytest.mark.parametrize(("status", "code", "message"), FATAL)
async def test_an_error_before_ready_fails_the_session_with_its_message(
    fake, open_browser, alice_cookie, status, code, message
):
    fake.behaviour = fakekrisp.scripted({"error": {"code": status, "description": "scripted"}})
    browser = await open_browser(alice_cookie)

    await browser.send(START)
    seen = await browser.until_closed()

    session = await TranslationSession.objects.aget()
    assert [m["type"] for m in seen] == ["status", "error", "ended"]
    assert seen[1] == {"type": "error", "code": code, "message": message, "fatal": True}
    assert seen[2]["status"] == "failed"
    assert (session.status, session.error) == ("failed", message)
    assert session.ended_at is not None


@pytest.mark.parametrize(
    ("status", "code", "message"), [e for e in FATAL if e[0] in (400, 402, 429)]
)
async def test_an_error_after_ready_fails_the_session_and_keeps_its_utterances(
    fake, open_browser, alice_cookie, status, code, message
):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        transcript("Good morning", "u1"),
        translation("Buenos días", "u1"),
        0.3,
        {"error": {"code": status, "description": "scripted"}},
    )
    browser = await open_browser(alice_cookie)

    await browser.send(START)
    seen = await browser.until_closed()

    assert seen[-2] == {"type": "error", "code": code, "message": message, "fatal": True}
    await _failed_with(message, seen)


async def test_credentials_revoked_mid_session_fail_it_as_unauthorized(
    fake, open_browser, alice_cookie
):
    async def revoke_after_ready(conn):
        await conn.ready()
        await conn.send_json(transcript("Good morning", "u1"))
        await conn.send_json(translation("Buenos días", "u1"))
        fake.expire_all_session_keys()
        fake.token_status = 401
        await conn.error(401, "Unauthorized", "key revoked")
        async for _ in conn.frames_in():
            pass

    fake.behaviour = revoke_after_ready
    browser = await open_browser(alice_cookie)

    await browser.send(START)
    seen = await browser.until_closed(seconds=15)

    message = KrispUnauthorized.user_message
    assert seen[-2] == {"type": "error", "code": "unauthorized", "message": message, "fatal": True}
    await _failed_with(message, seen)


async def test_a_500_the_service_survives_is_reported_and_the_session_goes_on(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        {"error": {"code": 500, "description": "hiccup"}},
        0.1,
        transcript("Still here", "u1"),
    )
    browser = await open_browser(alice_cookie)
    await browser.start()

    error = await browser.expect("error")
    live_again = await browser.next()
    await browser.expect("transcript", text="Still here")

    assert error == {
        "type": "error",
        "code": "service_unavailable",
        "message": ENGINE_FAULT,
        "fatal": False,
    }
    assert live_again == {"type": "status", "state": "live", "message": "Live again."}
    session = await TranslationSession.objects.aget()
    assert session.status == "running"
    await browser.send({"type": "stop"})
    await browser.expect("ended")
    session = await TranslationSession.objects.aget()
    (fault,) = session.faults
    assert 0 <= fault < 5000


async def _failed_with(message: str, seen: list[dict]) -> None:
    session = await TranslationSession.objects.aget()
    assert seen[-1] == {
        "type": "ended",
        "status": "failed",
        "session_id": session.pk,
        "history_url": f"/history/{session.pk}/",
    }
    assert (session.status, session.error) == ("failed", message)
    assert await utterances(session.pk) == [("u1", "Good morning", "Buenos días")]
    assert session.ended_at is not None
