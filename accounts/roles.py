"""The membership rules: who may change whom, and the last-owner rule."""

from __future__ import annotations

from django.db import transaction

from .models import Account, Membership


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
def add_member(account: Account, actor, user, role: str) -> Membership:
    """Add ``user`` to ``account`` with ``role``, as ``actor`` (an owner or admin)."""
    _check_actor(account.role_of(actor), Membership.Role.MEMBER, role)
    if account.memberships.filter(user=user).exists():
        raise MembershipRuleError(f"{user.get_username()} is already a member.")
    return Membership.objects.create(account=account, user=user, role=role)


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
