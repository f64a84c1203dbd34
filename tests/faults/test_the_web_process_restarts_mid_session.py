"""The web process dies mid-session (deploy, crash, OOM kill) and a new one starts.

Nothing in the dead process can mark its session ended, so its row stays ``running``:
the history shows it as live forever and, for up to the maximum session length, it
counts against the user's concurrent sessions. ``interpreter.live.reaper`` (and the
``reap_sessions`` command) marks such rows ``failed`` with "The server restarted during
this session". Every utterance saved before the crash stays exactly as it was, and the
history page shows the session as failed, with that sentence.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from interpreter.live.reaper import (
    DEFAULT_IDLE,
    RESTARTED,
    areap_stale_sessions,
    reap_stale_sessions,
)
from interpreter.models import TranslationSession, Utterance

from . import conftest as faults
from .conftest import FRAME, utterances

Status = TranslationSession.Status


def left_running(user, account, *, started_ago: timedelta, quiet_for: timedelta | None = None):
    """A session a previous process was running: two saved finals, the last one
    ``quiet_for`` ago (default: no utterances, only the start)."""
    now = timezone.now()
    session = TranslationSession.objects.create(
        user=user,
        account=account,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="krisp",
        status=Status.RUNNING,
        started_at=now - started_ago,
        audio_in_seconds=42.0,
    )
    if quiet_for is not None:
        for n, (text, translation) in enumerate(
            [("Good morning", "Buenos días"), ("Shall we begin", "Empezamos")], start=1
        ):
            Utterance.objects.create(
                session=session,
                utterance_id=f"u{n}",
                started_at=session.started_at + timedelta(seconds=10 * n),
                duration_ms=900,
                text=text,
                translation=translation,
            )
        # auto_now would say "just now"; the crash was ``quiet_for`` ago.
        Utterance.objects.filter(session=session).update(updated_at=now - quiet_for)
    return session


def snapshot(session) -> list[tuple]:
    return list(
        Utterance.objects.filter(session=session)
        .order_by("utterance_id")
        .values_list(
            "utterance_id", "text", "translation", "started_at", "duration_ms", "updated_at"
        )
    )


@pytest.mark.django_db
def test_a_session_left_running_is_marked_failed_and_its_utterances_are_intact(alice, alpha):
    session = left_running(
        alice, alpha, started_ago=timedelta(hours=2), quiet_for=timedelta(hours=1)
    )
    before = snapshot(session)

    reaped = reap_stale_sessions()

    session.refresh_from_db()
    assert reaped == [session.pk]
    assert (session.status, session.error) == (Status.FAILED, RESTARTED)
    # It ended when it last did anything, not when the server came back.
    last = Utterance.objects.filter(session=session).first().updated_at
    assert session.ended_at == last
    assert session.audio_in_seconds == 42.0  # the quota keeps counting what was used
    assert snapshot(session) == before
    assert len(before) == 2


@pytest.mark.django_db
def test_the_history_shows_the_reaped_session_as_failed_with_the_reason(alice, alpha, alice_client):
    session = left_running(
        alice, alpha, started_ago=timedelta(hours=2), quiet_for=timedelta(hours=1)
    )
    listing = alice_client.get("/history/").content.decode()
    assert '<span class="badge live">Live</span>' in listing

    reap_stale_sessions()

    listing = alice_client.get("/history/").content.decode()
    detail = alice_client.get(f"/history/{session.pk}/").content.decode()
    assert '<span class="badge failed">Failed</span>' in listing
    assert '<span class="badge live">Live</span>' not in listing
    assert '<span id="session-status">Failed</span>' in detail
    assert f'<p class="message error">{RESTARTED}</p>' in detail
    assert "Good morning" in detail and "Empezamos" in detail
    assert "history-live" not in detail  # no live updater polling a dead session
    assert "Delete this session" in detail  # and it can be deleted like any finished one
    export = alice_client.get(f"/history/{session.pk}/export/txt/?text=bilingual")
    assert export.status_code == 200
    assert "Good morning" in export.content.decode()
    assert "Empezamos" in export.content.decode()


@pytest.mark.django_db
def test_live_and_finished_sessions_are_left_alone(alice, alpha, bob, beta):
    recent = left_running(alice, alpha, started_ago=timedelta(minutes=5))
    long_but_talking = left_running(
        bob, beta, started_ago=timedelta(hours=3), quiet_for=timedelta(minutes=1)
    )
    finished = left_running(alice, alpha, started_ago=timedelta(days=1))
    TranslationSession.objects.filter(pk=finished.pk).update(status=Status.COMPLETED)
    stale = left_running(alice, alpha, started_ago=DEFAULT_IDLE + timedelta(minutes=1))

    assert reap_stale_sessions() == [stale.pk]

    statuses = dict(TranslationSession.objects.values_list("pk", "status"))
    assert statuses == {
        recent.pk: Status.RUNNING,
        long_but_talking.pk: Status.RUNNING,
        finished.pk: Status.COMPLETED,
        stale.pk: Status.FAILED,
    }
    assert TranslationSession.objects.get(pk=finished.pk).error == ""


@pytest.mark.django_db
def test_the_command_reports_dry_runs_and_marks(alice, alpha):
    session = left_running(alice, alpha, started_ago=timedelta(hours=1))
    out = StringIO()

    call_command("reap_sessions", "--dry-run", stdout=out)
    assert out.getvalue().strip() == f"1 session would be marked failed: {session.pk}"
    assert TranslationSession.objects.get(pk=session.pk).status == Status.RUNNING

    out = StringIO()
    call_command("reap_sessions", "--idle-minutes", "90", stdout=out)
    assert out.getvalue().strip() == "0 sessions marked failed."

    out = StringIO()
    call_command("reap_sessions", stdout=out)
    assert out.getvalue().strip() == f"1 session marked failed: {session.pk}"
    assert TranslationSession.objects.get(pk=session.pk).error == RESTARTED


@pytest.mark.django_db(transaction=True)
@override_settings(LIVE_MAX_SESSIONS_PER_USER=1)
async def test_a_row_a_crash_left_running_does_not_block_the_next_start(
    fake, leaks, open_browser, alice_cookie, alice, alpha
):
    """A session start reaps the user's abandoned rows first, so a crash never costs the
    user one of their concurrent sessions (the limit is 1 here)."""
    from channels.db import database_sync_to_async

    crashed = await database_sync_to_async(left_running)(
        alice, alpha, started_ago=timedelta(hours=1), quiet_for=timedelta(minutes=45)
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)
    await browser.send_audio(FRAME, frames=1)
    assert (await faults.stop_and_read_to_the_close(browser))[-1]["status"] == "completed"
    await browser.leave()

    reaped = await TranslationSession.objects.aget(pk=crashed.pk)
    assert (reaped.status, reaped.error) == ("failed", "The server restarted during this session")
    assert session_id != crashed.pk
    crashed = await TranslationSession.objects.aget(pk=crashed.pk)
    assert (crashed.status, crashed.error) == (Status.FAILED, RESTARTED)
    assert [u[0] for u in await utterances(crashed.pk)] == ["u1", "u2"]
    assert session_id != crashed.pk
    await leaks.check(fake)


@pytest.mark.django_db(transaction=True)
async def test_reaping_a_session_that_is_in_fact_alive_is_undone_when_it_ends(
    fake, open_browser, alice_cookie
):
    """A too-eager reaper (here: idle 0) can't lose a live session: its consumer writes
    the real outcome when it ends."""
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    assert await areap_stale_sessions(timedelta(0)) == [session_id]
    session = await TranslationSession.objects.aget(pk=session_id)
    assert session.status == Status.FAILED

    assert (await faults.stop_and_read_to_the_close(browser))[-1]["status"] == "completed"
    await faults.session_ended(session_id, Status.COMPLETED)


@pytest.mark.django_db
def test_a_reaped_room_session_frees_its_rooms_floor_unless_claimed_since(alice, alpha):
    from rooms.models import Room

    crashed = left_running(alice, alpha, started_ago=timedelta(hours=2))
    spoken = Room.objects.create(account=alpha, owner=alice, name="A", source_language="en-US")
    again = Room.objects.create(account=alpha, owner=alice, name="B", source_language="en-US")
    claimed = crashed.started_at - timedelta(seconds=1)  # a floor is claimed just before
    Room.objects.filter(pk=spoken.pk).update(speaker=alice, speaking_since=claimed)
    # The same user speaking again in the other room since: that claim is not the crash's.
    Room.objects.filter(pk=again.pk).update(speaker=alice, speaking_since=timezone.now())
    TranslationSession.objects.filter(pk=crashed.pk).update(room=spoken)
    other = left_running(alice, alpha, started_ago=timedelta(hours=2))
    TranslationSession.objects.filter(pk=other.pk).update(room=again)

    reap_stale_sessions()

    assert Room.objects.get(pk=spoken.pk).speaker is None
    assert Room.objects.get(pk=again.pk).speaker == alice
