"""Owners and admins delete several sessions at once, after confirming, in their account only."""

from __future__ import annotations

from interpreter.models import TranslationSession


def test_it_asks_for_confirmation_before_deleting(alice_client, alice_session, carol_session):
    response = alice_client.post(
        "/history/delete/", {"sessions": [alice_session.pk, carol_session.pk]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete 2 sessions?" in html
    assert f'type="hidden" name="sessions" value="{alice_session.pk}"' in html
    assert f'type="hidden" name="sessions" value="{carol_session.pk}"' in html
    assert 'name="confirm" value="yes"' in html
    assert TranslationSession.objects.count() == 2


def test_an_owner_deletes_the_chosen_sessions_of_the_account(
    alice_client, alice_session, carol_session, make_session, alice, alpha
):
    kept = make_session(alice, alpha, title="Keep me")

    response = alice_client.post(
        "/history/delete/",
        {"sessions": [alice_session.pk, carol_session.pk], "confirm": "yes"},
    )

    assert response.status_code == 302
    assert list(TranslationSession.objects.all()) == [kept]


def test_another_accounts_session_in_the_request_deletes_nothing(
    alice_client, alice_session, make_session, bob, beta
):
    bobs = make_session(bob, beta, title="Bob's")

    alice_client.post(
        "/history/delete/", {"sessions": [alice_session.pk, bobs.pk], "confirm": "yes"}
    )

    assert TranslationSession.objects.count() == 2


def test_a_running_session_cannot_be_deleted(alice_client, make_session, alice, alpha):
    running = make_session(alice, alpha, status="running")

    alice_client.post("/history/delete/", {"sessions": [running.pk], "confirm": "yes"})

    assert TranslationSession.objects.filter(pk=running.pk).exists()


def test_a_member_cannot_delete_in_bulk(carol_client, carol_session):
    response = carol_client.post(
        "/history/delete/", {"sessions": [carol_session.pk], "confirm": "yes"}
    )

    assert response.status_code == 404
    assert TranslationSession.objects.filter(pk=carol_session.pk).exists()


def test_a_user_of_another_account_cannot_delete_in_bulk(bob_client, alice_session):
    bob_client.post("/history/delete/", {"sessions": [alice_session.pk], "confirm": "yes"})

    assert TranslationSession.objects.filter(pk=alice_session.pk).exists()


def test_the_list_offers_checkboxes_to_managers_only(alice_client, alice_session):
    html = alice_client.get("/history/").content.decode()

    assert f'name="sessions" value="{alice_session.pk}"' in html
    assert "Delete selected" in html


def test_a_member_sees_no_checkboxes(carol_client, carol_session):
    html = carol_client.get("/history/").content.decode()

    assert 'name="sessions"' not in html
