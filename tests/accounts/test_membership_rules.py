import pytest

from accounts.models import Membership
from accounts.roles import MembershipRuleError, add_member, change_role, remove_member


def test_the_last_owner_cannot_be_demoted(alice, alpha):
    owner = alpha.memberships.get(user=alice)

    with pytest.raises(MembershipRuleError, match="at least one owner"):
        change_role(owner, alice, Membership.Role.ADMIN)


def test_the_last_owner_cannot_be_removed(alice, alpha):
    with pytest.raises(MembershipRuleError, match="at least one owner"):
        remove_member(alpha.memberships.get(user=alice), alice)


def test_an_owner_can_be_demoted_once_there_is_another_owner(alice, alpha, make_user):
    make_user("olga", alpha, role=Membership.Role.OWNER)

    change_role(alpha.memberships.get(user=alice), alice, Membership.Role.MEMBER)

    assert alpha.role_of(alice) == Membership.Role.MEMBER


def test_a_member_cannot_manage_members(carol, alpha, make_user):
    dave = make_user("dave")

    with pytest.raises(MembershipRuleError, match="Only owners and admins"):
        add_member(alpha, carol, dave, Membership.Role.MEMBER)


def test_an_admin_adds_members_but_cannot_make_owners(alpha, make_user):
    admin = make_user("adam", alpha, role=Membership.Role.ADMIN)
    dave = make_user("dave")

    add_member(alpha, admin, dave, Membership.Role.MEMBER)
    with pytest.raises(MembershipRuleError, match="Only owners"):
        change_role(alpha.memberships.get(user=dave), admin, Membership.Role.OWNER)

    assert alpha.role_of(dave) == Membership.Role.MEMBER


def test_a_member_can_leave_an_account(carol, alpha):
    remove_member(alpha.memberships.get(user=carol), carol)

    assert alpha.role_of(carol) is None


def test_the_account_page_adds_a_member_by_email(alice_client, alpha, make_user):
    make_user("dave")

    response = alice_client.post(
        "/account/alpha/members/add/", {"user": "dave@example.com", "role": "admin"}, follow=True
    )

    assert "Added dave." in response.content.decode()
    assert alpha.memberships.get(user__username="dave").role == "admin"


def test_the_account_page_explains_why_the_last_owner_stays(alice_client, alice, alpha):
    owner = alpha.memberships.get(user=alice)

    response = alice_client.post(
        f"/account/alpha/members/{owner.pk}/role/", {"role": "member"}, follow=True
    )

    assert "at least one owner" in response.content.decode()
    assert alpha.role_of(alice) == Membership.Role.OWNER


def test_the_account_page_lists_members_with_their_roles(alice_client, carol):
    page = alice_client.get("/account/alpha/").content.decode()

    assert "alice" in page
    assert "carol" in page
    assert "carol@example.com" in page
