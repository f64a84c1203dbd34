"""Per-user and per-account limits: concurrent sessions, starts per minute, monthly minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from django.utils import timezone

from interpreter.live import protocol
from interpreter.models import TranslationSession

from .conftest import START

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_one_session_too_many_is_refused_with_4429(fake, open_browser, alice_cookie):
    first = await open_browser(alice_cookie)
    await first.start()
    second = await open_browser(alice_cookie)

    await second.send(START)

    assert await second.until_closed() == [
        {"type": "error", "code": "busy", "message": protocol.busy(1), "fatal": True}
    ]
    assert second.close_code == 4429
    assert await TranslationSession.objects.acount() == 1


@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_a_session_left_running_by_a_crashed_worker_does_not_count(
    fake, open_browser, alice_cookie, alice, alpha
):
    await sync_to_async(TranslationSession.objects.create)(
        user=alice,
        account=alpha,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="localvt",
        started_at=timezone.now() - timedelta(days=2),
    )
    browser = await open_browser(alice_cookie)

    assert await browser.start()


@override_settings(LIVE_STARTS_PER_MINUTE=2, LIVE_MAX_SESSIONS_PER_USER=10)
async def test_starting_too_often_is_rate_limited(fake, open_browser, alice_cookie):
    for _ in range(2):
        browser = await open_browser(alice_cookie)
        await browser.start()
        await browser.leave()
    browser = await open_browser(alice_cookie)

    await browser.send(START)

    assert await browser.until_closed() == [
        {
            "type": "error",
            "code": "rate_limited",
            "message": "You can start 2 live sessions a minute. Wait a moment and try again.",
            "fatal": True,
        }
    ]
    assert await TranslationSession.objects.acount() == 2


async def test_an_account_out_of_minutes_cant_start(fake, open_browser, alice_cookie, alice, alpha):
    alpha.monthly_minutes_quota = 1
    await alpha.asave(update_fields=["monthly_minutes_quota"])
    await sync_to_async(TranslationSession.objects.create)(
        user=alice,
        account=alpha,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="localvt",
        status=TranslationSession.Status.COMPLETED,
        audio_in_seconds=61,
    )
    browser = await open_browser(alice_cookie)

    await browser.send(START)

    [error] = await browser.until_closed()
    assert error["code"] == "quota"
    assert error["fatal"] is True
    assert "used its 1 minutes of live translation" in error["message"]
    assert await TranslationSession.objects.acount() == 1
    assert fake.connections == []
