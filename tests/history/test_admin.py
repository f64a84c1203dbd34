"""The session admin: scoped to the accounts a staff user manages, transcripts read-only."""

from __future__ import annotations

import pytest


@pytest.fixture
def sessions(make_session, staff_alice_client, make_user):
    from accounts.models import Account

    alpha = Account.objects.get(slug="alpha")
    bob = make_user("bob", "Beta")
    beta = Account.objects.get(slug="beta")
    return {
        "alpha": make_session(None, alpha, title="Alpha meeting", lines=[(0, 500, "hi", "hola")]),
        "beta": make_session(bob, beta, title="Beta meeting"),
    }


def test_staff_see_only_their_accounts_sessions(staff_alice_client, sessions):
    html = staff_alice_client.get("/admin/interpreter/translationsession/").content.decode()

    assert "Alpha meeting" in html
    assert "Beta meeting" not in html


def test_another_accounts_session_is_404_in_the_admin(staff_alice_client, sessions):
    url = f"/admin/interpreter/translationsession/{sessions['beta'].pk}/change/"

    assert staff_alice_client.get(url).status_code == 404


def test_the_change_page_shows_the_transcript_read_only(staff_alice_client, sessions):
    url = f"/admin/interpreter/translationsession/{sessions['alpha'].pk}/change/"

    response = staff_alice_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "hola" in html
    assert 'name="utterances-0-text"' not in html
    assert 'name="title"' in html


def test_sessions_cannot_be_added_by_hand(staff_alice_client, sessions):
    assert staff_alice_client.get("/admin/interpreter/translationsession/add/").status_code == 403


def test_a_superuser_sees_every_account(client, make_user, sessions):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    html = client.get("/admin/interpreter/translationsession/").content.decode()

    assert "Alpha meeting" in html
    assert "Beta meeting" in html
