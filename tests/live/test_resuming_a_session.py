"""A page that lost its connection carries on the same saved session on a new one.

The peer here stamps its finals on the audio's own timeline and names each after the
labelled frames it was made of ("frames 10-14"), so each test can say exactly which audio
every final covers: none is lost, none is made twice (docs/protocol.md, "Resuming a
session" and "Exactly once").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from interpreter.live import handover
from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession, Utterance
from tests import fakekrisp
from tests.fakekrisp import labelled_frames
from tests.page import START

from .conftest import eventually, session_cookie, utterances

pytestmark = pytest.mark.django_db(transaction=True)

Status = TranslationSession.Status


@pytest.fixture(autouse=True)
def quick_tails(monkeypatch):
    """The tail a leaving page's session collects: quiet for 0.3 s is enough here."""
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.3)


@pytest.fixture
def timeline(fake):
    fake.behaviour = fakekrisp.timeline_echo(frames_per_utterance=5)
    return fake


@pytest.fixture
def carol_cookie(carol) -> bytes:
    return session_cookie(carol)


async def send(browser, first: int, count: int) -> None:
    for frame in labelled_frames(first, count):
        await browser.send_audio(frame)


def resume(session_id: int, from_ms: int, held_ms: int, **extra) -> dict:
    return {
        "resume": {
            "session_id": session_id,
            "from_ms": from_ms,
            "held_ms": held_ms,
            "dropped_ms": 0,
            "gap_ms": 1500,
            "reason": "connection_lost",
            **extra,
        }
    }


async def left_after(open_browser, cookie, frames: int, finals: int) -> int:
    """A page that sent ``frames`` labelled frames, saw ``finals`` translations, and lost
    its connection; returns the session id once the server has ended it, resumable."""
    page = await open_browser(cookie)
    session_id = (await page.start())["session_id"]
    await send(page, 0, frames)
    for n in range(1, finals + 1):
        await page.expect("translation", final=True, utterance_id=f"u{n}")
    await page.leave()
    return session_id


async def heard(fake, connection: int) -> list[int]:
    """The labels of the frames the peer's ``connection``-th connection heard."""
    audio = bytes(fake.connections[connection].audio)
    frames = [audio[i : i + 640] for i in range(0, len(audio), 640)]
    # (all-zero frames are the pause the app sends as a session ends)
    return sorted({int.from_bytes(f[:2], "little") for f in frames if any(f)})


async def test_a_page_that_lost_its_connection_carries_on_the_same_session(
    timeline, open_browser, alice_cookie
):
    # Frames 0-9 make two finals the page saw; 10-12 were heard, but no final came.
    session_id = await left_after(open_browser, alice_cookie, frames=13, finals=2)
    row = await TranslationSession.objects.aget(pk=session_id)
    assert row.status == Status.COMPLETED
    assert row.resumable_until > timezone.now()

    page = await open_browser(alice_cookie)
    # The page holds what it sent since the last final it saw (frames 10-12) and what it
    # captured while disconnected (13-14): 100 ms from 200 ms on.
    ready = await page.start(**resume(session_id, from_ms=200, held_ms=100))
    # Where the saved finals end, to the peer's millisecond timestamps.
    resumed_from = ready.pop("resume_from_ms")
    assert resumed_from == pytest.approx(200, abs=3)
    assert ready == {
        "type": "ready",
        "session_id": session_id,
        "segment": 2,
        "resumed": True,
        "catch_up_ms": 300 - resumed_from,
        "catch_up_rate": 3.0,
        "catch_up_speech": "played",
    }
    await send(page, 10, 5)
    caught_up = await page.expect("translation", final=True, utterance_id="2:u1")
    assert caught_up["text"] == "tramas 10-14" and caught_up["caught_up"] is True
    await send(page, 15, 5)
    live = await page.expect("transcript", final=True, utterance_id="2:u2")
    assert live["text"] == "frames 15-19" and "caught_up" not in live
    assert {"type": "caught_up", "speech_skipped_seconds": 0.0} in page.messages
    await page.send({"type": "stop"})
    await page.expect("ended", status="completed", session_id=session_id)

    assert await utterances(session_id) == [
        ("2:u1", "frames 10-14", "tramas 10-14"),
        ("2:u2", "frames 15-19", "tramas 15-19"),
        ("u1", "frames 0-4", "tramas 0-4"),
        ("u2", "frames 5-9", "tramas 5-9"),
    ]
    ranges = [
        (u.audio_start_ms, u.audio_end_ms)
        async for u in Utterance.objects.filter(session_id=session_id).order_by("audio_start_ms")
    ]
    # On the audio's timeline, to the peer's millisecond timestamps.
    expected = [(0, 100), (100, 200), (200, 300), (300, 400)]
    assert [r for pair in ranges for r in pair] == pytest.approx(
        [r for pair in expected for r in pair], abs=3
    )
    row = await TranslationSession.objects.aget(pk=session_id)
    assert (row.status, row.segments, row.resumable_until) == (Status.COMPLETED, 2, None)
    (gap,) = row.gaps
    assert gap["reason"] == "connection_lost"
    assert gap["held_seconds"] == 0.1 and gap["dropped_seconds"] == 0.0
    assert 1.4 <= gap["seconds"] <= 3
    assert await TranslationSession.objects.acount() == 1


async def test_a_final_made_after_the_page_left_is_saved_once_and_shown_after_the_resume(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.timeline_echo(frames_per_utterance=5, final_delay=0.15)
    page = await open_browser(alice_cookie)
    session_id = (await page.start())["session_id"]
    await send(page, 0, 5)
    await page.leave()  # before the final of frames 0-4 comes

    page = await open_browser(alice_cookie)
    ready = await page.start(**resume(session_id, from_ms=0, held_ms=200))
    # The server saved that final meanwhile: the page hears of it now, and need not send
    # its audio again.
    assert ready["resume_from_ms"] == pytest.approx(100, abs=3)
    replayed = await page.expect("transcript", utterance_id="u1")
    assert replayed["text"] == "frames 0-4" and replayed["replayed"] is True
    await send(page, 5, 5)
    await page.expect("translation", final=True, utterance_id="2:u1", seconds=5)
    await page.send({"type": "stop"})
    await page.until_closed()

    assert await heard(fake, 1) == list(range(5, 10))
    assert await utterances(session_id) == [
        ("2:u1", "frames 5-9", "tramas 5-9"),
        ("u1", "frames 0-4", "tramas 0-4"),
    ]


async def test_a_final_the_page_saw_is_not_made_again_when_the_page_resumes_from_before_it(
    timeline, open_browser, alice_cookie
):
    session_id = await left_after(open_browser, alice_cookie, frames=5, finals=1)

    page = await open_browser(alice_cookie)
    # This page held everything from the start (say it missed the final's position).
    ready = await page.start(**resume(session_id, from_ms=0, held_ms=140))
    assert ready["resume_from_ms"] == pytest.approx(100, abs=3)
    await page.expect("transcript", utterance_id="u1", replayed=True)  # shown once, by id
    await send(page, 5, 5)
    await page.expect("translation", final=True, utterance_id="2:u1")
    await page.send({"type": "stop"})
    await page.until_closed()

    assert await heard(timeline, 1) == list(range(5, 10))
    assert await utterances(session_id) == [
        ("2:u1", "frames 5-9", "tramas 5-9"),
        ("u1", "frames 0-4", "tramas 0-4"),
    ]


async def test_a_connection_still_carrying_the_session_hands_it_over(
    timeline, open_browser, alice_cookie
):
    old = await open_browser(alice_cookie)
    session_id = (await old.start())["session_id"]
    await send(old, 0, 7)  # a final for 0-4; 5-6 heard, unfinished
    await old.expect("translation", final=True, utterance_id="u1")

    page = await open_browser(alice_cookie)
    ready = await page.start(**resume(session_id, from_ms=100, held_ms=60))

    assert ready["resumed"] is True
    assert ready["resume_from_ms"] == pytest.approx(100, abs=3)
    closing = await old.until_closed()
    assert closing[-1]["code"] == "resumed_elsewhere" and closing[-1]["fatal"] is True
    assert old.close_code == 4409
    await send(page, 5, 5)
    await page.expect("translation", final=True, utterance_id="2:u1")
    row = await TranslationSession.objects.aget(pk=session_id)
    assert row.status == Status.RUNNING
    # Frames 5-6 reached the old connection, but no final covered them: heard again, once.
    assert await heard(timeline, 1) == list(range(5, 10))
    assert await utterances(session_id) == [
        ("2:u1", "frames 5-9", "tramas 5-9"),
        ("u1", "frames 0-4", "tramas 0-4"),
    ]


async def test_a_session_a_crashed_worker_left_running_resumes_and_is_not_marked_failed(
    timeline, open_browser, alice, alpha, alice_cookie, monkeypatch
):
    monkeypatch.setattr(handover, "RELEASE_TIMEOUT", 0.3)  # nobody will answer
    row = await TranslationSession.objects.acreate(
        user=alice,
        account=alpha,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="krisp",
        status=Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
    )
    await Utterance.objects.acreate(
        session=row,
        utterance_id="u1",
        started_at=row.started_at,
        text="Said before the crash",
        translation="Dicho antes",
        audio_start_ms=0,
        audio_end_ms=100,
    )

    page = await open_browser(alice_cookie)
    ready = await page.start(**resume(row.pk, from_ms=100, held_ms=100))
    assert ready["resumed"] is True
    await send(page, 5, 5)
    await page.expect("translation", final=True, utterance_id="2:u1")
    await page.send({"type": "stop"})
    await page.expect("ended", status="completed")

    row = await TranslationSession.objects.aget(pk=row.pk)
    assert (row.status, row.error, len(row.gaps)) == (Status.COMPLETED, "", 1)


async def test_only_the_same_user_within_the_window_may_resume(
    timeline, open_browser, alice_cookie, carol_cookie
):
    session_id = await left_after(open_browser, alice_cookie, frames=5, finals=1)

    stranger = await open_browser(carol_cookie)  # a member of the same account
    ready = await stranger.start(**resume(session_id, from_ms=100, held_ms=0))
    assert ready["resumed"] is False and ready["session_id"] != session_id

    await TranslationSession.objects.filter(pk=session_id).aupdate(
        resumable_until=timezone.now() - timedelta(seconds=1)
    )
    late = await open_browser(alice_cookie)
    ready = await late.start(**resume(session_id, from_ms=100, held_ms=0))
    assert ready["resumed"] is False and ready["session_id"] != session_id
    row = await TranslationSession.objects.aget(pk=session_id)
    assert (row.status, row.segments) == (Status.COMPLETED, 1)


async def test_a_session_the_user_stopped_is_not_resumed(timeline, open_browser, alice_cookie):
    page = await open_browser(alice_cookie)
    session_id = (await page.start())["session_id"]
    await send(page, 0, 5)
    await page.expect("translation", final=True)
    await page.send({"type": "stop"})
    await page.until_closed()

    again = await open_browser(alice_cookie)
    ready = await again.start(**resume(session_id, from_ms=100, held_ms=0))

    assert ready["resumed"] is False and ready["session_id"] != session_id


async def test_a_long_gap_is_caught_up_faster_than_real_time_with_its_speech_skipped(
    timeline, open_browser, alice_cookie
):
    session_id = await left_after(open_browser, alice_cookie, frames=5, finals=1)

    page = await open_browser(alice_cookie)
    ready = await page.start(**resume(session_id, from_ms=100, held_ms=6000))
    assert ready["catch_up_speech"] == "skipped" and ready["catch_up_ms"] == 6000
    await send(page, 5, 300)  # 6 s of held audio at once: not "too fast"
    await page.expect("translation", final=True, utterance_id="2:u60", seconds=10)
    assert page.audio == b""  # the caught-up utterances' speech was skipped
    assert all(m.get("caught_up") for m in page.messages if m["type"] == "translation")
    await send(page, 305, 5)  # live audio again
    done = await page.expect("caught_up")
    # (This peer echoes speech as it hears it, ahead of the transcript; a real service speaks
    # an utterance after transcribing it, so its speech is never taken for caught-up speech.)
    assert done["speech_skipped_seconds"] == pytest.approx(6.1, abs=0.1)
    await send(page, 310, 5)
    await page.expect_audio(5 * 640)  # live speech is heard
    assert not [m for m in page.messages if m["type"] == "error"]


@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_the_session_being_resumed_does_not_count_against_the_users_limit(
    timeline, open_browser, alice_cookie
):
    old = await open_browser(alice_cookie)
    session_id = (await old.start())["session_id"]
    await send(old, 0, 5)
    await old.expect("translation", final=True)

    page = await open_browser(alice_cookie)
    ready = await page.start(**resume(session_id, from_ms=100, held_ms=0))

    assert ready["resumed"] is True


async def test_a_resume_that_is_not_understood_is_refused(open_browser, alice_cookie, fake):
    page = await open_browser(alice_cookie)
    await page.send({**START, "resume": {"session_id": "twelve"}})
    refusal = await page.expect("error")
    assert refusal["code"] == "bad_request" and "resume" in refusal["message"]
    assert await eventually(lambda: _no_sessions())


async def _no_sessions() -> bool:
    return not await TranslationSession.objects.aexists()
