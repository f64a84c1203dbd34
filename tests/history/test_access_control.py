"""Who may open a session: its owner, the account's owners and admins; nobody else (404)."""

from __future__ import annotations

import pytest

from accounts.models import Membership

PAGES = [
    "/history/{pk}/",
    "/history/{pk}/utterances.json",
    "/history/{pk}/export/srt/",
    "/history/{pk}/export/json/",
    "/history/{pk}/delete/",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_user_from_another_account_gets_404(bob_client, alice_session, page):
    assert bob_client.get(page.format(pk=alice_session.pk)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_member_gets_404_for_a_colleagues_session(carol_client, alice_session, page):
    assert carol_client.get(page.format(pk=alice_session.pk)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_an_owner_opens_a_members_session_in_their_account(alice_client, carol_session, page):
    assert alice_client.get(page.format(pk=carol_session.pk)).status_code == 200


def test_an_admin_opens_any_session_of_the_account(client, make_user, alpha, alice_session):
    admin = make_user("dave", alpha, role=Membership.Role.ADMIN)
    client.force_login(admin)

    assert client.get(f"/history/{alice_session.pk}/").status_code == 200


def test_a_member_opens_their_own_session(carol_client, carol_session):
    response = carol_client.get(f"/history/{carol_session.pk}/")

    assert response.status_code == 200
    assert "Hello from Carol." in response.content.decode()


def test_an_owner_cannot_open_their_session_while_working_in_another_account(
    client, alice, alice_session, beta
):
    Membership.objects.create(user=alice, account=beta, role=Membership.Role.OWNER)
    client.force_login(alice)
    client.post("/account/switch/", {"account": beta.pk, "next": "/"})

    assert client.get(f"/history/{alice_session.pk}/").status_code == 404


def test_a_user_from_another_account_cannot_rename_or_delete(bob_client, alice_session):
    pk = alice_session.pk

    assert bob_client.post(f"/history/{pk}/title/", {"title": "Mine now"}).status_code == 404
    assert bob_client.post(f"/history/{pk}/delete/").status_code == 404
    alice_session.refresh_from_db()
    assert alice_session.title == "Budget review"


def test_anonymous_visitors_are_sent_to_log_in(client, alice_session):
    response = client.get(f"/history/{alice_session.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_the_list_never_shows_another_accounts_sessions(bob_client, alice_session):
    response = bob_client.get("/history/", {"scope": "account"})

    assert "Budget review" not in response.content.decode()
    assert response.context["page"].paginator.count == 0
