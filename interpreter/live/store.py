"""The live session's database work, each call one short transaction on a worker thread.

Finals (transcripts and translations) are written by ``interpreter.live.finals``, which
batches them so that captions never wait for the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.middleware import current_account_for
from accounts.models import Account
from glossaries.models import Glossary
from interpreter.models import TranslationSession, Utterance
from interpreter.quota import quota_problem
from rooms.models import Room

from .protocol import ResumeRequest, StartRequest

Status = TranslationSession.Status
# Finals sent again to a page that resumes (those it may have missed): at most this many.
REPLAY_LIMIT = 200

# A row still "running" after the longest session allows (plus this) was left behind by
# a crashed worker; it must not count against the user's concurrent sessions forever.
STALE_GRACE = timedelta(minutes=5)


@database_sync_to_async
def account_for_scope(scope: dict) -> Account | None:
    """The account the user works in, chosen exactly as ``request.account`` is."""
    return current_account_for(SimpleNamespace(user=scope["user"], session=scope["session"]))


@database_sync_to_async
def running_sessions(user: AbstractBaseUser, excluding: int | None = None) -> int:
    """How many of ``user``'s sessions are live right now (leaving out ``excluding``, the
    one being resumed)."""
    oldest = timezone.now() - timedelta(seconds=settings.LIVE_MAX_SESSION_SECONDS) - STALE_GRACE
    running = TranslationSession.objects.running().filter(user=user, started_at__gte=oldest)
    return running.exclude(pk=excluding).count()


@database_sync_to_async
def resumable_session(
    user: AbstractBaseUser, account: Account, request: StartRequest
) -> TranslationSession | None:
    """The session ``request`` asks to resume, if this user may: their own, in this account,
    in the same room (or none), for the same languages and voice, and either still running
    (its connection may be half-open, or its worker gone) or ended by a lost connection
    within the resume window."""
    resume = request.resume
    session = TranslationSession.objects.filter(
        pk=resume.session_id,
        user=user,
        account=account,
        room_id=request.room_id,
        source_language=request.source_language,
        target_language=request.target_language,
        voice=request.voice,
    ).first()
    if session is None:
        return None
    if session.status == Status.RUNNING:
        return session
    resumable_until = session.resumable_until
    return session if resumable_until is not None and resumable_until >= timezone.now() else None


@database_sync_to_async
def recently_active(session: TranslationSession, within: timedelta) -> bool:
    """True when a running row shows life within ``within``: its start or a final."""
    last = (
        TranslationSession.objects.filter(pk=session.pk)
        .annotate(
            last=Greatest("started_at", Coalesce(Max("utterances__updated_at"), "started_at"))
        )
        .values_list("last", flat=True)
        .first()
    )
    return last is not None and last >= timezone.now() - within


@database_sync_to_async
def continue_session(
    session: TranslationSession, resume: ResumeRequest, released: bool
) -> tuple[TranslationSession, int] | None:
    """Make ``session`` running again for a new connection: one more segment, the gap
    recorded. Returns the row and where its saved finals end on the audio timeline (ms), or
    None if it can no longer be resumed (another connection or the window got there first).
    ``released``: the connection that carried it has let go (or none answered)."""
    now = timezone.now()
    with transaction.atomic():
        row = TranslationSession.objects.select_for_update().filter(pk=session.pk).first()
        if row is None:
            return None
        ended_recently = row.resumable_until is not None and row.resumable_until >= now
        if not (ended_recently or (row.status == Status.RUNNING and released)):
            return None
        saved_end = row.utterances.aggregate(end=Max("audio_end_ms"))["end"] or 0
        page_lost = max(0, resume.from_ms - saved_end)  # audio nobody kept
        gap_ms = min(resume.gap_ms, settings.LIVE_RESUME_SECONDS * 1000)
        lost_at = now - timedelta(milliseconds=gap_ms)
        row.gaps = [
            *row.gaps,
            {
                "lost_at": lost_at.isoformat(),
                "resumed_at": now.isoformat(),
                "seconds": round((now - lost_at).total_seconds(), 1),
                "held_seconds": round(resume.held_ms / 1000, 1),
                "dropped_seconds": round((resume.dropped_ms + page_lost) / 1000, 1),
                "reason": resume.reason,
            },
        ]
        row.status = Status.RUNNING
        row.error = ""
        row.ended_at = None
        row.resumable_until = None
        row.segments += 1
        row.save(
            update_fields=["gaps", "status", "error", "ended_at", "resumable_until", "segments"]
        )
    return row, saved_end


@database_sync_to_async
def finals_after(session: TranslationSession, position_ms: int) -> list[Utterance]:
    """Saved finals that end after ``position_ms`` on the audio timeline, oldest first: what
    a resuming page may not have seen."""
    return list(
        session.utterances.filter(audio_end_ms__gt=position_ms).order_by("audio_start_ms", "pk")[
            :REPLAY_LIMIT
        ]
    )


account_quota_problem = database_sync_to_async(quota_problem)


@database_sync_to_async
def glossary_for(account: Account, request: StartRequest) -> Glossary | None:
    """The requested glossary if it is the account's and fits the pair, else None."""
    return (
        Glossary.objects.for_account(account)
        .for_pair(request.source_language, request.target_language)
        .filter(pk=request.glossary_id)
        .first()
    )


@database_sync_to_async
def glossary_snapshot(glossary: Glossary) -> dict:
    return glossary.snapshot()


@database_sync_to_async
def create_session(
    user: AbstractBaseUser,
    account: Account,
    request: StartRequest,
    glossary: Glossary | None,
    snapshot: dict,
) -> TranslationSession:
    return TranslationSession.objects.create(
        user=user,
        account=account,
        source_language=request.source_language,
        target_language=request.target_language,
        voice=request.voice,
        glossary=glossary,
        glossary_snapshot=snapshot,
        backend=settings.VOICE_BACKEND,
        status=TranslationSession.Status.RUNNING,
    )


@database_sync_to_async
def finish_session(
    session: TranslationSession,
    status: str,
    error: str,
    audio_in: float,
    audio_out: float,
    resumable_until: datetime | None = None,
) -> None:
    session.status = status
    session.error = error
    session.ended_at = timezone.now()
    session.audio_in_seconds = audio_in
    session.audio_out_seconds = audio_out
    session.resumable_until = resumable_until
    session.save(
        update_fields=[
            "status",
            "error",
            "ended_at",
            "audio_in_seconds",
            "audio_out_seconds",
            "resumable_until",
            "faults",
        ]
    )


@database_sync_to_async
def save_counters(session: TranslationSession, audio_in: float, audio_out: float) -> None:
    """A connection that let go of a session leaves its counters (and the service faults
    noted so far) for the next one."""
    TranslationSession.objects.filter(pk=session.pk).update(
        audio_in_seconds=audio_in, audio_out_seconds=audio_out, faults=session.faults
    )


# ---------------------------------------------------------------- rooms


@database_sync_to_async
def room_for_speaker(account: Account, room_id: int) -> Room | None:
    """The room ``room_id`` if it is this account's (any member may speak into it)."""
    return Room.objects.for_account(account).select_related("account").filter(pk=room_id).first()


@dataclass(frozen=True)
class FloorHolder:
    """Who has a room's floor, and since when (``HH:MM``, as the refusal names it)."""

    user_id: int
    name: str
    since: str


@database_sync_to_async
def claim_room(room: Room, user: AbstractBaseUser, *, force: bool = False) -> datetime | None:
    """Take the floor of ``room`` for ``user`` if nobody has it (or from whoever has it,
    with ``force``): the claim's time, which only this claim holds, or None if it is held.

    A user who already has the floor gets None too: that claim may be another page of
    theirs, or their own half-open connection, still speaking."""
    now = timezone.now()
    rooms = Room.objects.filter(pk=room.pk)
    if not force:
        rooms = rooms.filter(speaker__isnull=True)
    return now if rooms.update(speaker=user, speaking_since=now) else None


@database_sync_to_async
def floor_holder(room: Room) -> FloorHolder | None:
    """Who has the floor of ``room`` now, if anyone."""
    held = Room.objects.filter(pk=room.pk, speaker__isnull=False)
    row = held.values_list("speaker_id", "speaker__username", "speaking_since").first()
    if row is None:
        return None
    user_id, name, since = row
    return FloorHolder(user_id, name, timezone.localtime(since or timezone.now()).strftime("%H:%M"))


@database_sync_to_async
def release_room(room_id: int, user_id: int, claimed_at: datetime) -> None:
    """Give up the floor if the claim made at ``claimed_at`` still holds it: a later claim
    (a take-over, the same user's other page) is never cleared by an earlier one ending."""
    Room.objects.filter(pk=room_id, speaker_id=user_id, speaking_since=claimed_at).update(
        speaker=None, speaking_since=None
    )


@database_sync_to_async
def rooms_with_speaker(account: Account, excluding: int) -> list[tuple[int, int, datetime]]:
    """The other rooms of ``account`` with a speaker now: each room's id, and its claim
    (speaker and time), to release it by if its hub no longer answers."""
    live = Room.objects.for_account(account).filter(speaker__isnull=False).exclude(pk=excluding)
    return list(live.values_list("pk", "speaker_id", "speaking_since"))


@database_sync_to_async
def room_glossaries(room: Room, targets: list[str]) -> dict[str, dict]:
    """The glossary snapshot each target's stream is opened with (empty for none)."""
    found = {}
    for target in targets:
        glossary = room.glossary_for(target)
        found[target] = glossary.snapshot() if glossary is not None else {}
    return found


@database_sync_to_async
def create_room_session(
    user: AbstractBaseUser, account: Account, room: Room, request: StartRequest
) -> TranslationSession:
    return TranslationSession.objects.create(
        user=user,
        account=account,
        room=room,
        title=room.name,
        source_language=room.source_language,
        target_language=request.target_language,
        voice=request.voice,
        backend=settings.VOICE_BACKEND,
        status=TranslationSession.Status.RUNNING,
    )


@database_sync_to_async
def save_room_languages(session: TranslationSession, languages: list[str]) -> None:
    TranslationSession.objects.filter(pk=session.pk).update(languages=languages)
