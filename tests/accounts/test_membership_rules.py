import pytest

from accounts.models import Membership
from accounts.roles import (
    MembershipRuleError,
    accept_invitation,
    change_role,
    invite,
    remove_member,
)


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


def test_a_member_cannot_invite(carol, alpha):
    with pytest.raises(MembershipRuleError, match="Only owners and admins"):
        invite(alpha, carol, "dave@example.com", Membership.Role.MEMBER)


def test_an_admin_invites_members_but_cannot_make_owners(alpha, make_user):
    admin = make_user("adam", alpha, role=Membership.Role.ADMIN)
    dave = make_user("dave")

    accept_invitation(invite(alpha, admin, "dave@example.com", Membership.Role.MEMBER), dave)
    with pytest.raises(MembershipRuleError, match="Only owners"):
        invite(alpha, admin, "erin@example.com", Membership.Role.OWNER)
    with pytest.raises(MembershipRuleError, match="Only owners"):
        change_role(alpha.memberships.get(user=dave), admin, Membership.Role.OWNER)

    assert alpha.role_of(dave) == Membership.Role.MEMBER


def test_a_member_can_leave_an_account(carol, alpha):
    remove_member(alpha.memberships.get(user=carol), carol)

    assert alpha.role_of(carol) is None


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
