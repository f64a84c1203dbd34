"""A session's page: transcript beside translation, renaming and deleting."""

from __future__ import annotations

from datetime import timedelta

from interpreter.models import TranslationSession
from tests.conftest import T0


def test_it_shows_transcript_and_translation_side_by_side_with_offsets(alice_client, alice_session):
    response = alice_client.get(f"/history/{alice_session.pk}/")

    rows = [
        (row["offset"], row["utterance"].text, row["utterance"].translation)
        for row in response.context["rows"]
    ]
    assert rows == [
        ("00:00:01", "Good morning, everyone.", "Buenos días a todos."),
        ("00:00:05", "Let's look at the budget.", "Veamos el presupuesto."),
    ]
    assert 'id="history-live"' not in response.content.decode()


def test_offsets_count_from_an_utterance_reported_before_the_session_start(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, lines=[(-3, 500, "early", ""), (10, 500, "late", "")])

    response = alice_client.get(f"/history/{session.pk}/")

    assert [row["offset"] for row in response.context["rows"]] == ["00:00:00", "00:00:13"]


def test_transcript_text_is_escaped(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, lines=[(0, 500, "<script>alert(1)</script>", "")])

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_running_session_page_loads_the_live_updater(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, status="running", lines=[(0, 500, "hi", "hola")])

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert 'id="history-live"' in html
    assert f"/history/{session.pk}/utterances.json" in html
    assert 'src="/static/history/session.js"' in html
    assert "Delete this session" not in html


def test_the_owner_renames_a_session(alice_client, alice_session):
    response = alice_client.post(f"/history/{alice_session.pk}/title/", {"title": "Q3 budget"})

    assert response.status_code == 302
    alice_session.refresh_from_db()
    assert alice_session.title == "Q3 budget"


def test_renaming_touches_only_the_title(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, status="running")
    # The live consumer updates the session meanwhile; a rename must not undo that.
    TranslationSession.objects.filter(pk=session.pk).update(audio_in_seconds=42)

    alice_client.post(f"/history/{session.pk}/title/", {"title": "Live one"})

    session.refresh_from_db()
    assert (session.title, session.audio_in_seconds) == ("Live one", 42)


def test_a_too_long_title_is_refused(alice_client, alice_session):
    alice_client.post(f"/history/{alice_session.pk}/title/", {"title": "x" * 201})

    alice_session.refresh_from_db()
    assert alice_session.title == "Budget review"


def test_renaming_needs_a_csrf_token(client, alice, alice_session):
    client.handler.enforce_csrf_checks = True
    client.force_login(alice)

    response = client.post(f"/history/{alice_session.pk}/title/", {"title": "Forged"})

    assert response.status_code == 403


def test_deleting_asks_first_then_deletes(alice_client, alice_session):
    confirm = alice_client.get(f"/history/{alice_session.pk}/delete/")
    assert "This cannot be undone." in confirm.content.decode()
    assert TranslationSession.objects.filter(pk=alice_session.pk).exists()

    response = alice_client.post(f"/history/{alice_session.pk}/delete/")

    assert response.status_code == 302
    assert response.url == "/history/"
    assert not TranslationSession.objects.filter(pk=alice_session.pk).exists()


def test_a_running_session_is_not_deleted(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, status="running", started_at=T0 - timedelta(hours=1))

    alice_client.post(f"/history/{session.pk}/delete/")

    assert TranslationSession.objects.filter(pk=session.pk).exists()


def test_an_owner_deletes_a_members_session(alice_client, carol_session):
    alice_client.post(f"/history/{carol_session.pk}/delete/")

    assert not TranslationSession.objects.filter(pk=carol_session.pk).exists()


def test_a_resumed_session_lists_its_interruptions_and_what_was_lost(
    alice_client, make_session, alice, alpha
):
    gaps = [
        {
            "lost_at": (T0 + timedelta(seconds=72)).isoformat(),
            "resumed_at": (T0 + timedelta(seconds=76)).isoformat(),
            "seconds": 4.2,
            "held_seconds": 4.2,
            "dropped_seconds": 0.0,
            "reason": "connection_lost",
        },
        {
            "lost_at": (T0 + timedelta(minutes=10)).isoformat(),
            "resumed_at": (T0 + timedelta(minutes=10, seconds=41)).isoformat(),
            "seconds": 41.0,
            "held_seconds": 30.0,
            "dropped_seconds": 11.0,
            "reason": "server_restarting",
        },
    ]
    session = make_session(alice, alpha, lines=[(1, 500, "Hello", "Hola")], gaps=gaps)

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert (
        "At 00:01:12 the connection was lost for 4.2 s; everything said meanwhile was "
        "interpreted." in html
    )
    assert (
        "At 00:10:00 the server restarted for 41.0 s; 11.0 s said meanwhile could not be "
        "interpreted." in html
    )


def test_a_session_never_interrupted_has_no_interruptions_section(alice_client, alice_session):
    html = alice_client.get(f"/history/{alice_session.pk}/").content.decode()

    assert "Interruptions" not in html
