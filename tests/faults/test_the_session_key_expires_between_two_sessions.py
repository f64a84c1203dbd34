"""The cached session key expires between one live session and the next.

The client caches the short-lived session key. Whether the service revokes it early (the
client still thinks it valid) or the client sees it is about to expire, the second
session gets a fresh key and works; the user never sees an error, and the first
session's record is untouched.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from interpreter.models import TranslationSession
from tests.fakekrisp import echo
from voice.client import voice_client

from . import conftest as faults
from .conftest import FRAME, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def token_requests(fake) -> int:
    return sum(1 for r in fake.http_requests if "/session/token" in r.path)


async def one_session(open_browser, cookie) -> tuple[int, list[dict]]:
    browser, session_id = await faults.start_a_session(open_browser, cookie)
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True)
    seen = await faults.stop_and_read_to_the_close(browser)
    await browser.leave()
    return session_id, browser.messages + seen


async def test_a_key_the_service_expired_early_is_replaced_for_the_next_session(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = echo(frames_per_utterance=5)
    first, _ = await one_session(open_browser, alice_cookie)
    old_key = fake.connections[0].session_key

    fake.expire_all_session_keys()  # the service forgets it; the client still trusts it
    second, seen = await one_session(open_browser, alice_cookie)

    assert not [m for m in seen if m["type"] == "error"]
    assert [c.session_key for c in fake.connections[1:]] == [
        old_key,
        fake.connections[2].session_key,
    ]
    assert fake.connections[2].session_key != old_key
    assert token_requests(fake) == 2
    for session_id in (first, second):
        await faults.session_ended(session_id)
        assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]
    await leaks.check(fake)


async def test_a_key_close_to_its_expiry_time_is_not_even_tried(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = echo(frames_per_utterance=5)
    # Keys live 5 minutes; the client renews with a tenth of the TTL (at least a minute,
    # here 6 minutes) left, so the key from the first session is too old for the second.
    fake.session_key_lifetime = timedelta(minutes=5)
    assert voice_client().session_key_ttl_minutes == 60
    await one_session(open_browser, alice_cookie)

    second, seen = await one_session(open_browser, alice_cookie)

    assert not [m for m in seen if m["type"] == "error"]
    assert token_requests(fake) == 2
    assert len(fake.connections) == 2  # no attempt with the stale key
    assert fake.connections[0].session_key != fake.connections[1].session_key
    session = await TranslationSession.objects.aget(pk=second)
    assert session.status == "completed"
    await leaks.check(fake)
