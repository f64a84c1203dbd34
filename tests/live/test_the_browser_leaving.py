"""A page that closes mid-session ends it: finals kept, the stream closed, no task left."""

from __future__ import annotations

import asyncio

import pytest

from interpreter.models import TranslationSession
from tests import fakekrisp

from .conftest import FRAME, START, eventually, utterances

pytestmark = pytest.mark.django_db(transaction=True)


def ours() -> set[str]:
    return {
        task.get_name()
        for task in asyncio.all_tasks()
        if task.get_name().startswith(("live-", "krisp-"))
    }


async def test_leaving_mid_session_ends_it_and_keeps_every_final(fake, open_browser, alice_cookie):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=10, interim_every=3)
    before = asyncio.all_tasks()
    browser = await open_browser(alice_cookie)
    session_id = (await browser.start())["session_id"]
    await browser.send_audio(FRAME, frames=14)
    await browser.expect("translation", final=True)
    await browser.expect_audio(len(FRAME) * 14)
    # (plus "live-finals" while it writes finals, which it may or may not be doing now)
    assert ours() - {"live-finals"} == {
        "live-session",
        "live-events",
        "live-checkpoints",
        "live-handover",
        "krisp-reader",
        "krisp-sender",
    }

    await browser.leave()

    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == "completed"
    assert session.error == ""
    assert session.ended_at is not None
    assert session.audio_in_seconds == pytest.approx(14 * 0.02)
    assert session.audio_out_seconds == pytest.approx(14 * 0.02)
    assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]
    assert ours() == set()
    assert await eventually(lambda: _only(before)), asyncio.all_tasks() - before


async def test_leaving_while_the_service_is_still_connecting_ends_the_session(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.stall()
    browser = await open_browser(alice_cookie)
    await browser.send(START)
    await browser.expect("status", state="connecting")

    await browser.leave()

    session = await TranslationSession.objects.aget()
    assert session.status == "completed"
    assert ours() == set()


async def _only(before: set) -> bool:
    await asyncio.sleep(0)
    return not {task for task in asyncio.all_tasks() - before if not task.done()} - {
        asyncio.current_task()
    }
