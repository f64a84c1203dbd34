"""Joining an account takes an invitation and a yes.

An owner or admin invites an e-mail address; the invitee accepts or declines from the
e-mailed link (logging in or signing up first) or from their home page; invitations
expire and can be revoked; and the inviter learns nothing about whether the address is
registered.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Membership
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def fresh_limits():
    """Invitations are rate limited per user, and user ids repeat from test to test."""
    cache.clear()
    yield
    cache.clear()


def invite(client, email: str, role: str = "member"):
    return client.post("/account/alpha/invitations/", {"email": email, "role": role}, follow=True)


def link_in(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def dave(make_user):
    return make_user("dave")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inviting_someone_adds_nobody_until_they_accept(alice_client, alpha, dave):
    response = invite(alice_client, "Dave@Example.com")

    assert "Invitation sent to dave@example.com." in response.content.decode()
    assert alpha.role_of(dave) is None
    assert mail.outbox[0].to == ["dave@example.com"]
    assert mail.outbox[0].subject == "alice invited you to join Alpha"


def test_the_inviter_is_told_the_same_and_the_same_mail_is_sent_whether_the_address_is_registered(
    alice_client, dave
):
    def without_addresses_and_tokens(text: str) -> str:
        text = re.sub(r"[\w.]+@example\.com", "ADDRESS", text)
        return re.sub(r"/invitations/[\w-]+/", "/invitations/TOKEN/", text)

    def told(response) -> list[str]:
        return [without_addresses_and_tokens(str(m)) for m in response.context["messages"]]

    registered = invite(alice_client, "dave@example.com")
    unknown = invite(alice_client, "nobody@example.com")

    assert told(registered) == told(unknown)
    assert registered.status_code == unknown.status_code == 200
    first, second = mail.outbox
    assert without_addresses_and_tokens(first.body) == without_addresses_and_tokens(second.body)
    assert first.subject == second.subject


def test_a_registered_invitee_accepts_from_the_link(alice_client, alpha, dave):
    invite(alice_client, "dave@example.com", role="admin")
    dave_client = signed_in(dave)

    page = dave_client.get(link_in(mail.outbox[0])).content.decode()
    response = dave_client.post(link_in(mail.outbox[0]) + "accept/", follow=True)

    assert "alice invited" in page and "Accept" in page
    assert "You joined Alpha." in response.content.decode()
    assert alpha.role_of(dave) == Membership.Role.ADMIN


def test_a_signed_out_invitee_is_offered_log_in_and_sign_up(alice_client, client, dave):
    invite(alice_client, "dave@example.com")
    client.logout()
    link = link_in(mail.outbox[0])

    page = client.get(link).content.decode()

    assert f'href="/login/?next={link}"' in page
    assert "/signup/?invitation=" in page
    assert "Accept" not in page


def test_someone_new_signs_up_from_the_link_and_then_accepts(alice_client, alpha):
    invite(alice_client, "erin@example.com")
    token = link_in(mail.outbox[0]).split("/")[2]
    newcomer = Client()

    form = newcomer.get(f"/signup/?invitation={token}")
    signed_up = newcomer.post(
        f"/signup/?invitation={token}",
        {
            "username": "erin",
            "email": "erin@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "invitation": token,
        },
    )
    accepted = newcomer.post(f"/invitations/{token}/accept/")

    assert 'value="erin@example.com"' in form.content.decode()
    assert signed_up["Location"] == f"/invitations/{token}/"
    assert accepted.status_code == 302
    erin = get_user_model().objects.get(username="erin")
    assert alpha.role_of(erin) == Membership.Role.MEMBER
    # With the team name left empty, joining was all that happened.
    assert list(Membership.objects.filter(user=erin).values_list("account__name", flat=True)) == [
        "Alpha"
    ]


def test_the_invitee_sees_the_invitation_on_their_home_page_after_logging_in(alice_client, dave):
    invite(alice_client, "dave@example.com")
    client = Client()

    client.post("/login/", {"username": "dave", "password": PASSWORD})
    home = client.get("/").content.decode()

    assert "alice invited you to join" in home
    assert "Alpha" in home
    assert link_in(mail.outbox[0]) in home


def test_declining_adds_nobody_and_the_link_then_says_so(alice_client, alpha, dave):
    invite(alice_client, "dave@example.com")
    dave_client = signed_in(dave)
    link = link_in(mail.outbox[0])

    dave_client.post(link + "decline/")
    again = dave_client.post(link + "accept/", follow=True)

    assert alpha.role_of(dave) is None
    assert "This invitation was already declined." in again.content.decode()
    assert "alice invited you" not in dave_client.get("/").content.decode()


def test_an_expired_invitation_cannot_be_accepted(alice_client, alpha, dave):
    invite(alice_client, "dave@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    dave_client = signed_in(dave)

    response = dave_client.post(link_in(mail.outbox[0]) + "accept/", follow=True)

    assert "This invitation has expired." in response.content.decode()
    assert alpha.role_of(dave) is None
    assert "Expired" in alice_client.get("/account/alpha/").content.decode()


def test_invitations_expire_after_the_configured_days(alice_client, settings):
    settings.INVITATION_DAYS = 3

    invite(alice_client, "dave@example.com")

    expires_in = Invitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=3) - timedelta(minutes=1) < expires_in <= timedelta(days=3)


def test_the_inviter_lists_pending_invitations_and_revokes_one(alice_client, alpha, dave):
    invite(alice_client, "dave@example.com")
    invite(alice_client, "erin@example.com")
    listed = alice_client.get("/account/alpha/").context["invitations"]
    dave_invitation = Invitation.objects.get(email="dave@example.com")

    after = alice_client.post(
        f"/account/alpha/invitations/{dave_invitation.pk}/revoke/", follow=True
    ).context["invitations"]
    refused = signed_in(dave).post(link_in(mail.outbox[0]) + "accept/", follow=True)

    assert sorted(i.email for i in listed) == ["dave@example.com", "erin@example.com"]
    assert [i.email for i in after] == ["erin@example.com"]
    assert "This invitation was already revoked." in refused.content.decode()
    assert alpha.role_of(dave) is None


def test_inviting_again_replaces_the_old_link(alice_client, alpha, dave):
    invite(alice_client, "dave@example.com")
    invite(alice_client, "dave@example.com", role="admin")
    old_link, new_link = (link_in(message) for message in mail.outbox)
    dave_client = signed_in(dave)

    assert dave_client.get(old_link).status_code == 404
    dave_client.post(new_link + "accept/")
    assert alpha.role_of(dave) == Membership.Role.ADMIN


def test_a_plain_member_cannot_invite_or_revoke(client, carol, alpha, alice_client):
    invite(alice_client, "dave@example.com")
    invitation = Invitation.objects.get()
    client.force_login(carol)

    invited = invite(client, "mallory@example.com").content.decode()
    client.post(f"/account/alpha/invitations/{invitation.pk}/revoke/")

    assert "Only owners and admins" in invited
    assert not Invitation.objects.filter(email="mallory@example.com").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_another_accounts_owner_cannot_see_or_revoke_alphas_invitations(alice_client, bob):
    invite(alice_client, "dave@example.com")
    invitation = Invitation.objects.get()
    bob_client = signed_in(bob)

    assert (
        bob_client.post("/account/alpha/invitations/", {"email": "x@example.com"}).status_code
        == 404
    )
    assert bob_client.post(f"/account/alpha/invitations/{invitation.pk}/revoke/").status_code == 404
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_invitation_from_someone_who_lost_their_role_is_no_longer_valid(alpha, make_user, dave):
    admin = make_user("adam", alpha, role=Membership.Role.ADMIN)
    client = signed_in(admin)
    client.post("/account/alpha/invitations/", {"email": "dave@example.com", "role": "member"})
    alpha.memberships.filter(user=admin).update(role=Membership.Role.MEMBER)

    response = signed_in(dave).post(link_in(mail.outbox[0]) + "accept/", follow=True)

    assert "no longer valid" in response.content.decode()
    assert alpha.role_of(dave) is None


def test_nobody_is_added_to_an_account_through_the_admin_without_an_invitation(
    client, alice, alpha, dave
):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    response = client.post(
        "/admin/accounts/membership/add/", {"user": dave.pk, "account": alpha.pk, "role": "member"}
    )

    assert response.status_code == 403
    assert alpha.role_of(dave) is None
