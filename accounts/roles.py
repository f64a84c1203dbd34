"""The membership rules: who may change whom, the last-owner rule, and invitations.

Nobody is put into an account without saying yes: owners and admins invite by e-mail
address, and the invitee accepts or declines.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Account, Invitation, Membership


class MembershipRuleError(Exception):
    """A membership change that the rules forbid; the message is shown to the user."""


def _owner_count(account: Account) -> int:
    return account.memberships.filter(role=Membership.Role.OWNER).count()


def _check_actor(actor_role: str | None, target_role: str, new_role: str | None) -> None:
    if actor_role not in Membership.MANAGER_ROLES:
        raise MembershipRuleError("Only owners and admins can manage members.")
    touches_owner = Membership.Role.OWNER in (target_role, new_role)
    if touches_owner and actor_role != Membership.Role.OWNER:
        raise MembershipRuleError("Only owners can add, change or remove owners.")


@transaction.atomic
def invite(account: Account, actor, email: str, role: str) -> Invitation:
    """Invite ``email`` to ``account`` as ``role``, as ``actor`` (an owner or admin).

    Whether anybody has signed up with that address makes no difference. An open
    invitation to the same address is renewed: new role, new expiry, new link (the old
    link stops working).
    """
    _check_actor(account.role_of(actor), Membership.Role.MEMBER, role)
    email = email.strip().lower()
    if account.memberships.filter(user__email__iexact=email).exists():
        raise MembershipRuleError(f"Someone with the address {email} is already a member.")
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation = account.invitations.open().filter(email__iexact=email).first()
    if invitation is None:
        invitation = Invitation(account=account, email=email)
    invitation.role = role
    invitation.invited_by = actor
    invitation.expires_at = expires_at
    invitation.token = Invitation._meta.get_field("token").default()
    invitation.save()
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> Membership:
    """``user`` joins the invitation's account with its role (already a member: kept)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open(invitation)
    account = invitation.account
    try:
        # The inviter must still be allowed to give this role.
        _check_actor(
            account.role_of(invitation.invited_by), Membership.Role.MEMBER, invitation.role
        )
    except MembershipRuleError:
        raise MembershipRuleError(
            "This invitation is no longer valid: whoever sent it can no longer invite to "
            f"{account}. Ask one of its owners to invite you again."
        ) from None
    membership, _ = Membership.objects.get_or_create(
        account=account, user=user, defaults={"role": invitation.role}
    )
    _answer(invitation, Invitation.Status.ACCEPTED)
    return membership


@transaction.atomic
def decline_invitation(invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open(invitation)
    _answer(invitation, Invitation.Status.DECLINED)


@transaction.atomic
def revoke_invitation(invitation: Invitation, actor) -> None:
    """Withdraw an open invitation, as an owner or admin (only owners withdraw an owner's)."""
    _check_actor(invitation.account.role_of(actor), Membership.Role.MEMBER, invitation.role)
    if invitation.status != Invitation.Status.PENDING:
        raise MembershipRuleError(
            f"This invitation was already {invitation.get_status_display().lower()}."
        )
    _answer(invitation, Invitation.Status.REVOKED)


def _check_open(invitation: Invitation) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise MembershipRuleError(
            f"This invitation was already {invitation.get_status_display().lower()}."
        )
    if invitation.is_expired:
        raise MembershipRuleError(
            f"This invitation has expired. Ask an owner of {invitation.account} to invite you "
            "again."
        )


def _answer(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


@transaction.atomic
def change_role(membership: Membership, actor, role: str) -> Membership:
    """Give ``membership`` a new role; the last owner can't be demoted."""
    account = Account.objects.select_for_update().get(pk=membership.account_id)
    _check_actor(account.role_of(actor), membership.role, role)
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and _owner_count(account) == 1
    ):
        raise MembershipRuleError("An account needs at least one owner; add another owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership, actor) -> None:
    """Remove ``membership``; the last owner can't be removed."""
    account = Account.objects.select_for_update().get(pk=membership.account_id)
    if membership.user_id != actor.pk:
        _check_actor(account.role_of(actor), membership.role, None)
    if membership.role == Membership.Role.OWNER and _owner_count(account) == 1:
        raise MembershipRuleError("An account needs at least one owner; add another owner first.")
    membership.delete()


@transaction.atomic
def create_account(name: str, owner) -> Account:
    """Create an account named ``name`` with ``owner`` as its first owner."""
    account = Account.objects.create(name=name, slug=Account.unique_slug(name))
    Membership.objects.create(account=account, user=owner, role=Membership.Role.OWNER)
    return account
