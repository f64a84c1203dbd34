"""Ending sessions that a previous web process left ``running``.

A live session's row is marked ended by its own consumer (``LiveSession._finish``), which
runs even when the browser or the service goes away. It cannot run when the process
itself dies (a deploy, a crash, an OOM kill): the row then stays ``running`` forever, the
history page shows it as live, and it is never finished. The reaper closes such rows as
``failed`` with a sentence the user can read, and leaves their utterances untouched
(finals were saved as they arrived, so they are all there). A reaped room session also
frees its room's floor, so the room no longer shows its speaker as speaking.

A row counts as abandoned when its last sign of life is older than a threshold. The
model has no heartbeat column, so the last sign of life is the latest of the session's
start and its utterances' ``updated_at``. A live session that has been silent for longer
than the threshold would be reaped too; that is harmless, because its consumer rewrites
status, error and ``ended_at`` when it ends, but the threshold should be well above a
meeting's longest pause.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from interpreter.models import TranslationSession
from rooms.models import Room

RESTARTED = "The server restarted during this session"

# Long enough that no live meeting goes this quiet; short enough that a restart is
# cleaned up the same hour.
DEFAULT_IDLE = timedelta(minutes=30)


def stale_sessions(
    idle: timedelta = DEFAULT_IDLE,
    *,
    now: datetime | None = None,
    user: AbstractBaseUser | None = None,
):
    """Running sessions whose last activity is older than ``idle``, annotated with it.

    ``last_activity`` is the latest of ``started_at`` and the utterances' ``updated_at``.
    """
    cutoff = (now or timezone.now()) - idle
    sessions = TranslationSession.objects.running()
    if user is not None:
        sessions = sessions.filter(user=user)
    return sessions.annotate(
        last_activity=Greatest("started_at", Coalesce(Max("utterances__updated_at"), "started_at"))
    ).filter(last_activity__lt=cutoff)


def reap_stale_sessions(
    idle: timedelta = DEFAULT_IDLE,
    *,
    now: datetime | None = None,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> list[int]:
    """Mark abandoned ``running`` sessions failed; returns the ids it marked (or would).

    ``ended_at`` becomes the last activity, not now, so the history shows how long the
    session really ran rather than how long the server was down; the page may still resume
    the session until ``LIVE_RESUME_SECONDS`` after that activity. Each row is updated
    only if it is still ``running``, so a consumer that finishes its session at the same
    moment wins and nothing it wrote is overwritten. Utterances are never touched.
    """
    reaped: list[int] = []
    stale = stale_sessions(idle, now=now, user=user).values_list(
        "pk", "last_activity", "room_id", "user_id", "started_at"
    )
    for pk, last_activity, room_id, user_id, started_at in stale:
        if dry_run:
            reaped.append(pk)
            continue
        updated = TranslationSession.objects.filter(
            pk=pk, status=TranslationSession.Status.RUNNING
        ).update(
            status=TranslationSession.Status.FAILED,
            error=RESTARTED,
            ended_at=last_activity,
            resumable_until=last_activity + timedelta(seconds=settings.LIVE_RESUME_SECONDS),
        )
        if updated:
            reaped.append(pk)
            if room_id is not None:
                _free_floor(room_id, user_id, started_at)
    return reaped


def _free_floor(room_id: int, user_id: int, started_at: datetime) -> None:
    """A reaped room session's speaker no longer speaks: free the room's floor, unless a
    later claim holds it (a floor is claimed just before its session's row is created)."""
    Room.objects.filter(pk=room_id, speaker_id=user_id, speaking_since__lte=started_at).update(
        speaker=None, speaking_since=None
    )


async def areap_stale_sessions(
    idle: timedelta = DEFAULT_IDLE, *, user: AbstractBaseUser | None = None
) -> list[int]:
    """:func:`reap_stale_sessions` for async callers such as the live consumer."""
    return await database_sync_to_async(reap_stale_sessions)(idle, user=user)
