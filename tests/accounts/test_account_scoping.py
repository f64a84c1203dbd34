"""A member of one account never sees another account's pages or admin objects."""

import pytest

from accounts.models import Membership


def test_a_user_from_another_account_gets_404_for_the_account_page(bob_client, alpha):
    assert bob_client.get("/account/alpha/").status_code == 404


@pytest.mark.parametrize("action", ["role", "remove"])
def test_a_user_from_another_account_gets_404_for_member_actions(bob_client, alice, alpha, action):
    owner = alpha.memberships.get(user=alice)

    response = bob_client.post(f"/account/alpha/members/{owner.pk}/{action}/", {"role": "member"})

    assert response.status_code == 404
    assert alpha.role_of(alice) == Membership.Role.OWNER


def test_switching_to_another_users_account_is_404(bob_client, alpha):
    assert bob_client.post("/account/switch/", {"account": alpha.pk}).status_code == 404


def test_a_user_in_two_accounts_switches_between_them(client, alice, alpha, beta):
    Membership.objects.create(user=alice, account=beta, role=Membership.Role.MEMBER)
    client.force_login(alice)

    response = client.post("/account/switch/", {"account": beta.pk, "next": "/"}, follow=True)

    assert response.context["current_account"] == beta
    assert 'id="account-switcher"' in response.content.decode()


@pytest.fixture
def staff_bob_client(client, make_user):
    bob = make_user("bob", "Beta", is_staff=True)
    client.force_login(bob)
    return client


def test_staff_of_another_account_get_404_for_its_admin_objects(staff_bob_client, alice, alpha):
    membership = alpha.memberships.get(user=alice)

    assert staff_bob_client.get(f"/admin/accounts/account/{alpha.pk}/change/").status_code == 404
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    assert staff_bob_client.get(url).status_code == 404


def test_staff_see_only_their_own_accounts_in_the_admin(staff_bob_client, alpha):
    page = staff_bob_client.get("/admin/accounts/account/").content.decode()

    assert "Beta" in page
    assert "Alpha" not in page


def test_superusers_see_every_account_in_the_admin(client, alpha, beta, make_user):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    page = client.get("/admin/accounts/account/").content.decode()

    assert "Alpha" in page
    assert "Beta" in page
