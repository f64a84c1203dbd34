"""A session in which nothing was said is kept out of the history list, and
`manage.py purge_history` deletes it once no page can resume it any more (in every account,
whatever its retention). A running one, or one its page may still resume, is left alone."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from interpreter.models import TranslationSession

SAID = [(0, 1000, "Hello.", "Hola.")]


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_history", *args, stdout=out)
    return out.getvalue()


def remaining() -> list[str]:
    return sorted(TranslationSession.objects.values_list("title", flat=True))


def listed(client) -> list[str]:
    return [session.title for session in client.get("/history/").context["page"]]


def test_a_finished_session_in_which_nothing_was_said_is_not_listed(
    alice_client, make_session, alice, alpha
):
    make_session(alice, alpha, title="Spoken", lines=SAID)
    make_session(alice, alpha, title="Silent")
    make_session(alice, alpha, title="Silent and failed", status="failed")
    make_session(alice, alpha, title="Only blanks", lines=[(0, 500, " ", ""), (1, 500, "", "")])

    assert listed(alice_client) == ["Spoken"]


def test_a_running_session_is_listed_before_anything_is_said(
    alice_client, make_session, alice, alpha
):
    make_session(alice, alpha, title="Just started", status="running")

    assert listed(alice_client) == ["Just started"]


def test_its_page_still_opens_and_says_it_will_not_be_kept(
    alice_client, make_session, alice, alpha
):
    silent = make_session(alice, alpha, title="Silent")
    spoken = make_session(alice, alpha, title="Spoken", lines=SAID)

    silent_page = alice_client.get(f"/history/{silent.pk}/")
    spoken_page = alice_client.get(f"/history/{spoken.pk}/").content.decode()

    assert silent_page.status_code == 200
    assert "Nothing was said in this session, so it is not listed" in silent_page.content.decode()
    assert "Nothing was said in this session" not in spoken_page


def test_the_retention_job_deletes_silent_sessions_in_every_account(
    make_session, alice, alpha, bob, beta
):
    # Neither account has a retention period: spoken sessions are kept for ever.
    make_session(alice, alpha, title="alpha spoken", lines=SAID)
    make_session(alice, alpha, title="alpha silent")
    make_session(bob, beta, title="beta silent failed", status="failed")
    make_session(bob, beta, title="beta blanks", lines=[(0, 500, "  ", "")])

    output = purge()

    assert remaining() == ["alpha spoken"]
    assert "Deleted 3 sessions in which nothing was said" in output
    assert "3 sessions deleted." in output


def test_it_leaves_a_running_silent_session_alone(make_session, alice, alpha):
    make_session(
        alice,
        alpha,
        title="running",
        status="running",
        started_at=timezone.now() - timedelta(days=9),
    )

    purge()

    assert remaining() == ["running"]


def test_it_leaves_a_silent_session_its_page_may_still_resume(make_session, alice, alpha):
    now = timezone.now()
    make_session(alice, alpha, title="resumable", resumable_until=now + timedelta(seconds=30))
    make_session(alice, alpha, title="window closed", resumable_until=now - timedelta(seconds=1))

    purge()

    assert remaining() == ["resumable"]


def test_retention_leaves_a_session_its_page_may_still_resume(make_session, alice, alpha):
    alpha.retention_days = 1
    alpha.save(update_fields=["retention_days"])
    now = timezone.now()
    make_session(
        alice,
        alpha,
        title="old but resumable",
        started_at=now - timedelta(days=2),
        resumable_until=now + timedelta(seconds=30),
        lines=SAID,
    )

    purge()

    assert remaining() == ["old but resumable"]


def test_a_dry_run_counts_each_session_once_and_deletes_nothing(make_session, alice, alpha):
    alpha.retention_days = 30
    alpha.save(update_fields=["retention_days"])
    old = timezone.now() - timedelta(days=31)
    make_session(alice, alpha, title="old silent", started_at=old)
    make_session(alice, alpha, title="old spoken", started_at=old, lines=SAID)

    output = purge("--dry-run")

    assert len(remaining()) == 2
    assert "Would delete 1 session in which nothing was said" in output
    assert "Would delete 1 session of Alpha (older than 30 days)" in output
    assert "2 sessions would be deleted." in output
