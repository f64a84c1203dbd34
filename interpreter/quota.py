"""An account's monthly allowance of live-translation minutes.

Usage is the audio the service received (``audio_in_seconds``) across the account's
sessions that started this calendar month (UTC); a running session counts what it has
sent so far. The check runs before a new session starts, so a session in progress is
never cut off by it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account

from .models import TranslationSession


def month_start(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def minutes_used_this_month(account: Account, now: datetime | None = None) -> float:
    seconds = (
        TranslationSession.objects.for_account(account)
        .filter(started_at__gte=month_start(now))
        .aggregate(total=Sum("audio_in_seconds"))["total"]
    )
    return (seconds or 0) / 60


def quota_problem(account: Account, now: datetime | None = None) -> str | None:
    """A sentence for the user when ``account`` has used its monthly minutes, else None."""
    quota = account.monthly_minutes_quota
    if quota is None:
        return None
    used = minutes_used_this_month(account, now)
    if used < quota:
        return None
    return (
        f"Your team has used its {quota} minutes of live translation for this month. "
        "An owner or admin of the team can raise the limit; it resets on the 1st."
    )
