"""Live sessions' audio counters reach their rows every period, all in one database call.

``interpreter.live.checkpoints`` runs one "live-checkpoints" task per process (per event
loop) while any session is live; the period is shortened here so tests don't wait 5 s.
"""

from __future__ import annotations

import asyncio
import logging
from itertools import pairwise

import pytest
from django.db import DatabaseError
from django.test import override_settings

from interpreter.live import checkpoints
from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession
from tests import fakekrisp

from .conftest import FRAME, eventually, start_a_session

pytestmark = pytest.mark.django_db(transaction=True)

PERIOD = 0.2
SECONDS = len(FRAME) / 32000  # one frame: 20 ms


@pytest.fixture(autouse=True)
def quick_tail(monkeypatch):
    """After a stop, wait 0.1 s (not 3 s) for a quiet service: two stops must not outlast
    the real period (test_stopping_a_session covers the tail)."""
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.1)


@pytest.fixture
def short_period(monkeypatch):
    monkeypatch.setattr(checkpoints, "EVERY_SECONDS", PERIOD)


@pytest.fixture
def writes(monkeypatch):
    """Every call of the one function that writes checkpoints: (loop time, counters)."""
    real = checkpoints.save_counters
    calls: list[tuple[float, dict]] = []

    async def recorded(counters):
        calls.append((asyncio.get_running_loop().time(), dict(counters)))
        await real(counters)

    monkeypatch.setattr(checkpoints, "save_counters", recorded)
    return calls


def checkpoint_tasks() -> int:
    return sum(task.get_name() == "live-checkpoints" for task in asyncio.all_tasks())


async def row(session_id: int) -> tuple[str, float, float]:
    session = await TranslationSession.objects.aget(pk=session_id)
    return session.status, session.audio_in_seconds, session.audio_out_seconds


async def test_a_live_sessions_counters_reach_its_row_while_it_runs(
    fake, short_period, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=1000)
    browser, session_id = await start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=10)
    await browser.expect_audio(len(FRAME) * 10)

    expected = ("running", pytest.approx(10 * SECONDS), pytest.approx(10 * SECONDS))
    assert await eventually(lambda: _equals(row(session_id), expected), seconds=3 * PERIOD)


@override_settings(LIVE_MAX_SESSIONS_PER_USER=3)
async def test_several_sessions_are_saved_by_one_call_per_period(
    fake, short_period, writes, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=1000)
    sessions = [await start_a_session(open_browser, alice_cookie) for _ in range(3)]
    for n, (browser, _) in enumerate(sessions, start=1):
        await browser.send_audio(FRAME, frames=n)
        await browser.expect_audio(len(FRAME) * n)

    expected = {pk: (n * SECONDS, n * SECONDS) for n, (_, pk) in enumerate(sessions, start=1)}
    assert await eventually(lambda: _written(writes, expected), seconds=3 * PERIOD), writes
    assert checkpoint_tasks() == 1
    count = len(writes)
    await asyncio.sleep(3 * PERIOD)
    assert len(writes) == count  # unchanged counters are not written again
    times = [when for when, _ in writes]
    assert all(b - a >= PERIOD * 0.9 for a, b in pairwise(times)), times
    for _, pk in sessions:
        assert (await row(pk))[1:] == pytest.approx(expected[pk])


async def test_a_finished_sessions_final_counters_win_over_a_checkpoint_that_raced_them(
    fake, short_period, monkeypatch, open_browser, alice_cookie
):
    """The checkpoint takes the counters, the session ends and writes its final ones, then
    the checkpoint's write lands: it must leave the finished row alone."""
    fake.behaviour = fakekrisp.echo(frames_per_utterance=1000)
    real = checkpoints.save_counters
    taken, release, landed = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(counters):
        if any(audio_in for audio_in, _ in counters.values()) and not taken.is_set():
            taken.set()
            await release.wait()
            await real(counters)
            landed.set()
        else:
            await real(counters)

    monkeypatch.setattr(checkpoints, "save_counters", slow)
    browser, session_id = await start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=5)
    await browser.expect_audio(len(FRAME) * 5)
    await asyncio.wait_for(taken.wait(), 3 * PERIOD)
    await browser.send_audio(FRAME, frames=5)
    await browser.expect_audio(len(FRAME) * 10)
    await browser.send({"type": "stop"})
    assert (await browser.until_closed())[-1]["status"] == "completed"
    final = ("completed", pytest.approx(10 * SECONDS), pytest.approx(10 * SECONDS))
    assert await row(session_id) == final

    release.set()
    await asyncio.wait_for(landed.wait(), 3)

    assert await row(session_id) == final


async def test_a_failing_checkpoint_leaves_the_session_live_and_the_next_one_saves(
    fake, short_period, monkeypatch, caplog, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=1000)
    real = checkpoints.save_counters
    failures = []

    async def fails_once(counters):
        if not failures:
            failures.append(dict(counters))
            raise DatabaseError("the database went away")
        await real(counters)

    monkeypatch.setattr(checkpoints, "save_counters", fails_once)
    browser, session_id = await start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=3)
    await browser.expect_audio(len(FRAME) * 3)

    with caplog.at_level(logging.WARNING, logger="interpreter.live.checkpoints"):
        assert await eventually(lambda: _true(failures), seconds=3 * PERIOD)
    assert "Could not checkpoint live sessions" in caplog.text

    await browser.send_audio(FRAME, frames=3)
    await browser.expect_audio(len(FRAME) * 6)  # still live both ways
    expected = ("running", pytest.approx(6 * SECONDS), pytest.approx(6 * SECONDS))
    assert await eventually(lambda: _equals(row(session_id), expected), seconds=3 * PERIOD)
    await browser.send({"type": "stop"})
    assert (await browser.until_closed())[-1]["status"] == "completed"


@override_settings(LIVE_MAX_SESSIONS_PER_USER=2)
async def test_the_checkpoint_task_stops_when_the_last_session_ends(
    fake, open_browser, alice_cookie
):
    """At the real period (5 s): the last session to end must not leave the task asleep."""
    fake.behaviour = fakekrisp.echo(frames_per_utterance=1000)
    assert checkpoint_tasks() == 0
    first, _ = await start_a_session(open_browser, alice_cookie)
    second, _ = await start_a_session(open_browser, alice_cookie)
    assert checkpoint_tasks() == 1

    await first.send({"type": "stop"})
    await first.until_closed()
    assert checkpoint_tasks() == 1

    await second.send({"type": "stop"})
    await second.until_closed()
    assert checkpoint_tasks() == 0


async def _equals(result, expected) -> bool:
    return await result == expected


async def _true(value) -> bool:
    return bool(value)


async def _written(writes: list, expected: dict) -> bool:
    return any(_rounded(counters) == _rounded(expected) for _, counters in writes)


def _rounded(counters: dict) -> dict:
    return {pk: tuple(round(seconds, 6) for seconds in pair) for pk, pair in counters.items()}
