"""Captions keep coming while the database is slow; finals are saved in batches, all of them.

``interpreter.live.finals`` writes finals on its own task, so a session forwards the
service's events to the page without waiting for each row. These tests hold the database
write back, or make it fail, and watch what the page and the rows show.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from django.db import DatabaseError

from interpreter.live import finals, protocol
from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession

from .conftest import eventually, start_with_finals, utterances

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_tail(monkeypatch):
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.1)


@pytest.fixture
def held_writes(monkeypatch):
    """The database write waits until ``release`` is set; ``batches`` records each call's
    utterance ids as the write began."""
    release = asyncio.Event()
    batches: list[list[str]] = []
    real = finals.write

    async def held(batch):
        batches.append(sorted(utterance_id for _, utterance_id in batch))
        await release.wait()
        await real(batch)

    monkeypatch.setattr(finals, "write", held)
    return release, batches


async def test_captions_arrive_while_a_write_is_held_and_every_final_is_saved_after(
    fake, held_writes, open_browser, alice_cookie
):
    release, batches = held_writes
    browser, session_id = await start_with_finals(fake, open_browser, alice_cookie, 4, seconds=3)

    assert len(batches) == 1  # every caption came while the first write was held
    release.set()
    await browser.send({"type": "stop"})
    ended = [m for m in await browser.until_closed() if m["type"] == "ended"]

    assert ended[0]["status"] == "completed"
    assert await utterances(session_id) == [
        (f"u{n}", f"utterance {n}", f"enunciado {n}") for n in range(1, 5)
    ]
    # Group commit: whatever arrived during the held write went in the one next batch.
    assert len(batches) <= 2
    assert set().union(*batches) == {"u1", "u2", "u3", "u4"}


async def test_the_session_is_marked_ended_only_after_its_finals_are_saved(
    fake, held_writes, open_browser, alice_cookie
):
    release, _ = held_writes
    browser, session_id = await start_with_finals(fake, open_browser, alice_cookie, 1)

    await browser.send({"type": "stop"})
    await asyncio.sleep(0.5)
    assert (await TranslationSession.objects.aget(pk=session_id)).status == "running"

    release.set()
    await browser.until_closed()
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == "completed"
    assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]


async def test_a_page_that_leaves_during_a_slow_write_still_gets_its_session_ended(
    fake, held_writes, open_browser, alice_cookie
):
    """Leaving cancels the session, and cancels again after a second if it is still busy;
    the row is marked ended once the held write goes through all the same."""
    release, _ = held_writes
    browser, session_id = await start_with_finals(fake, open_browser, alice_cookie, 1)

    await browser.leave()  # over a second: the session was cancelled twice
    assert (await TranslationSession.objects.aget(pk=session_id)).status == "running"
    release.set()

    async def ended():
        session = await TranslationSession.objects.aget(pk=session_id)
        return session.status == "completed"

    assert await eventually(ended)
    assert await utterances(session_id) == [("u1", "utterance 1", "enunciado 1")]


async def test_finals_that_cannot_be_saved_fail_the_session_with_a_message(
    fake, monkeypatch, open_browser, alice_cookie, caplog
):
    async def broken(batch):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(finals, "write", broken)
    # Captions go on: both utterances' translations reach the page.
    browser, session_id = await start_with_finals(fake, open_browser, alice_cookie, 2)

    with caplog.at_level(logging.ERROR, logger="interpreter.live.finals"):
        await browser.send({"type": "stop"})
        ended = [m for m in await browser.until_closed() if m["type"] == "ended"]

    assert ended[0]["status"] == "failed"
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("failed", protocol.NOT_ALL_SAVED)
    assert f"live sessions [{session_id}]" in caplog.text


async def test_no_writer_task_is_left_once_everything_is_written(fake, open_browser, alice_cookie):
    browser, _ = await start_with_finals(fake, open_browser, alice_cookie, 1)
    await browser.send({"type": "stop"})
    await browser.until_closed()

    assert not [t for t in asyncio.all_tasks() if t.get_name() == "live-finals"]
    assert asyncio.get_running_loop() not in finals._by_loop
