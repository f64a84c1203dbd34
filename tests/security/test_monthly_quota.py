from datetime import UTC, datetime, timedelta

from interpreter.models import TranslationSession
from interpreter.quota import minutes_used_this_month, quota_problem

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def session(account, user, started_at, seconds):
    return TranslationSession.objects.create(
        user=user,
        account=account,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="localvt",
        started_at=started_at,
        audio_in_seconds=seconds,
    )


def test_an_account_without_a_quota_is_never_stopped(alice, alpha):
    session(alpha, alice, NOW, 10**6)

    assert quota_problem(alpha, NOW) is None


def test_only_this_months_audio_counts(alice, alpha):
    session(alpha, alice, NOW - timedelta(days=30), 600)
    session(alpha, alice, NOW - timedelta(days=1), 90)

    assert minutes_used_this_month(alpha, NOW) == 1.5


def test_an_account_over_its_quota_gets_a_clear_message(alice, alpha, bob, beta):
    alpha.monthly_minutes_quota = 10
    alpha.save()
    session(alpha, alice, NOW - timedelta(hours=1), 10 * 60)
    session(beta, bob, NOW - timedelta(hours=1), 10**6)

    problem = quota_problem(alpha, NOW)

    assert "used its 10 minutes of live translation for this month" in problem
    alpha.monthly_minutes_quota = 11  # bob's minutes in Beta don't count against Alpha
    assert quota_problem(alpha, NOW) is None
