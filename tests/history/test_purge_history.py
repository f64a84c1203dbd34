"""`manage.py purge_history` deletes old, finished sessions of accounts with a retention period."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from interpreter.models import TranslationSession, Utterance


@pytest.fixture
def timeline(make_session, alice, alpha, bob, beta):
    """Alpha keeps 30 days; Beta keeps everything."""
    alpha.retention_days = 30
    alpha.save(update_fields=["retention_days"])
    now = timezone.now()
    line = [(0, 1000, "hello", "hola")]
    return {
        "old": make_session(
            alice, alpha, title="old", started_at=now - timedelta(days=31), lines=line
        ),
        "old_failed": make_session(
            alice,
            alpha,
            title="old failed",
            started_at=now - timedelta(days=40),
            status="failed",
            lines=line,
        ),
        "old_running": make_session(
            alice, alpha, title="old running", started_at=now - timedelta(days=31), status="running"
        ),
        "recent": make_session(
            alice, alpha, title="recent", started_at=now - timedelta(days=29), lines=line
        ),
        "beta_old": make_session(
            bob, beta, title="beta old", started_at=now - timedelta(days=400), lines=line
        ),
    }


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_history", *args, stdout=out)
    return out.getvalue()


def remaining() -> list[str]:
    return sorted(TranslationSession.objects.values_list("title", flat=True))


def test_it_deletes_only_old_finished_sessions_of_accounts_with_retention(timeline):
    output = purge()

    assert remaining() == ["beta old", "old running", "recent"]
    assert "Deleted 2 sessions of Alpha (older than 30 days)" in output
    assert "2 sessions deleted." in output


def test_it_deletes_the_utterances_with_their_session(timeline):
    purge()

    assert not Utterance.objects.filter(session_id=timeline["old"].pk).exists()


def test_a_dry_run_counts_but_deletes_nothing(timeline):
    output = purge("--dry-run")

    assert len(remaining()) == 5
    assert "Would delete 2 sessions of Alpha" in output
    assert "2 sessions would be deleted." in output


def test_it_says_so_when_there_is_nothing_to_delete(db):
    assert "0 sessions deleted." in purge()
