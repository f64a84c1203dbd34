"""The JSON endpoint a running session's page polls for new and updated utterances."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from interpreter.models import Utterance


def poll(client, session, after=None):
    params = {"after": after} if after is not None else {}
    return client.get(f"/history/{session.pk}/utterances.json", params)


def test_it_returns_every_utterance_without_a_cursor(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, status="running", lines=[(2, 500, "hi", "hola")])

    data = poll(alice_client, session).json()

    assert data["status"] == "running"
    assert data["utterances"] == [
        {
            "id": session.utterances.get().pk,
            "offset_ms": 2000,
            "offset": "00:00:02",
            "text": "hi",
            "translation": "hola",
        }
    ]
    assert data["cursor"]


def test_it_returns_only_utterances_saved_or_updated_after_the_cursor(
    alice_client, make_session, alice, alpha
):
    session = make_session(
        alice, alpha, status="running", lines=[(0, 500, "one", "uno"), (1, 500, "two", "")]
    )
    cursor = poll(alice_client, session).json()["cursor"]
    assert poll(alice_client, session, cursor).json()["utterances"] == []

    # The translation of "two" arrives, then a new utterance.
    later = timezone.now() + timedelta(seconds=1)
    Utterance.objects.filter(utterance_id="u2").update(translation="dos", updated_at=later)
    Utterance.objects.create(
        session=session,
        utterance_id="u3",
        started_at=session.started_at + timedelta(seconds=3),
        text="three",
        translation="",
    )

    data = poll(alice_client, session, cursor).json()

    assert [(u["text"], u["translation"]) for u in data["utterances"]] == [
        ("two", "dos"),
        ("three", ""),
    ]
    assert data["cursor"] > cursor


def test_it_reports_when_the_session_has_ended(alice_client, alice_session):
    assert poll(alice_client, alice_session).json()["status"] == "completed"


def test_a_cursor_that_is_not_a_time_is_rejected(alice_client, alice_session):
    assert poll(alice_client, alice_session, "yesterday").status_code == 400
    assert poll(alice_client, alice_session, "2026-11-18T09:30:00").status_code == 400


def test_another_account_cannot_poll(bob_client, alice_session):
    assert poll(bob_client, alice_session).status_code == 404
