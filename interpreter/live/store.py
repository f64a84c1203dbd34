"""The live session's database work, each call one short transaction on a worker thread.

Finals (transcripts and translations) are written by ``interpreter.live.finals``, which
batches them so that captions never wait for the database.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from accounts.middleware import current_account_for
from accounts.models import Account
from glossaries.models import Glossary
from interpreter.models import TranslationSession
from interpreter.quota import quota_problem

from .protocol import StartRequest

# A row still "running" after the longest session allows (plus this) was left behind by
# a crashed worker; it must not count against the user's concurrent sessions forever.
STALE_GRACE = timedelta(minutes=5)


@database_sync_to_async
def account_for_scope(scope: dict) -> Account | None:
    """The account the user works in, chosen exactly as ``request.account`` is."""
    return current_account_for(SimpleNamespace(user=scope["user"], session=scope["session"]))


@database_sync_to_async
def running_sessions(user: AbstractBaseUser) -> int:
    """How many of ``user``'s sessions are live right now."""
    oldest = timezone.now() - timedelta(seconds=settings.LIVE_MAX_SESSION_SECONDS) - STALE_GRACE
    return TranslationSession.objects.running().filter(user=user, started_at__gte=oldest).count()


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
    session: TranslationSession, status: str, error: str, audio_in: float, audio_out: float
) -> None:
    session.status = status
    session.error = error
    session.ended_at = timezone.now()
    session.audio_in_seconds = audio_in
    session.audio_out_seconds = audio_out
    session.save(
        update_fields=["status", "error", "ended_at", "audio_in_seconds", "audio_out_seconds"]
    )
