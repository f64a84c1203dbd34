"""The JSON a running room session's page polls: each utterance's translations by language,
the session's languages so far, and translations saved after the cursor (they are written
apart from their utterance, often later)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from interpreter.models import Utterance, UtteranceTranslation


def poll(client, session, after=None):
    params = {"after": after} if after is not None else {}
    response = client.get(f"/history/{session.pk}/utterances.json", params)
    assert response.status_code == 200
    return response.json()


def test_each_utterance_carries_its_translations_by_language(alice_client, make_room_session):
    session = make_room_session(status="running")

    data = poll(alice_client, session)

    assert data["languages"] == ["es-ES", "fr-FR"]
    assert [(u["text"], u["translations"]) for u in data["utterances"]] == [
        ("Good morning, everyone.", {"es-ES": "Buenos días a todos."}),
        ("Let's begin.", {"es-ES": "Empecemos.", "fr-FR": "Commençons."}),
        ("=1+1 is two.", {"fr-FR": "=1+1 font deux."}),
    ]


def test_the_languages_so_far_come_from_the_translations_while_none_are_saved(
    alice_client, make_room_session
):
    session = make_room_session(status="running", languages=())

    assert poll(alice_client, session)["languages"] == ["es-ES", "fr-FR"]


def test_a_translation_saved_after_the_cursor_brings_its_utterance_again(
    alice_client, make_room_session
):
    session = make_room_session(status="running")
    cursor = poll(alice_client, session)["cursor"]
    assert poll(alice_client, session, cursor)["utterances"] == []

    # A German listener joins: the first line's translation into German is saved, and the
    # utterance's own row is not touched.
    first = Utterance.objects.get(session=session, utterance_id="u1")
    before = first.updated_at
    german = UtteranceTranslation.objects.create(
        utterance=first, language="de-DE", text="Guten Morgen zusammen."
    )
    UtteranceTranslation.objects.filter(pk=german.pk).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )
    first.refresh_from_db()
    assert first.updated_at == before

    data = poll(alice_client, session, cursor)

    assert data["languages"] == ["es-ES", "fr-FR", "de-DE"]
    assert [(u["id"], u["translations"]) for u in data["utterances"]] == [
        (first.pk, {"es-ES": "Buenos días a todos.", "de-DE": "Guten Morgen zusammen."})
    ]
    assert data["cursor"] > cursor
    assert poll(alice_client, session, data["cursor"])["utterances"] == []


def test_the_page_hands_the_poller_the_languages_and_the_newest_translations_time(
    alice_client, make_room_session
):
    session = make_room_session(status="running")
    UtteranceTranslation.objects.filter(language="fr-FR").update(
        updated_at=timezone.now() + timedelta(minutes=1)
    )

    live = alice_client.get(f"/history/{session.pk}/").context["live"]

    assert live["languages"] == ["es-ES", "fr-FR"]
    assert live["source_language"] == "en-US"
    # The cursor is the newest translation's time, so the first poll brings nothing again.
    assert poll(alice_client, session, live["cursor"])["utterances"] == []
