"""Accounts (teams) and who belongs to them.

Everything a user can see — glossaries, transcripts — belongs to an account, and every
lookup of such data goes through an account the user is a member of.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify


class AccountQuerySet(models.QuerySet):
    def for_user(self, user) -> AccountQuerySet:
        """The accounts ``user`` is a member of (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def managed_by(self, user) -> AccountQuerySet:
        """The accounts in which ``user`` is an owner or an admin."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role__in=Membership.MANAGER_ROLES)


class Account(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Transcripts older than this many days are deleted by `manage.py purge_history`;
    # empty keeps them forever.
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    # Minutes of live translation the account may use per calendar month; empty is unlimited.
    monthly_minutes_quota = models.PositiveIntegerField(null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def unique_slug(cls, name: str) -> str:
        """A slug for ``name`` that no other account has yet."""
        base = slugify(name)[:90] or "account"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def role_of(self, user) -> str | None:
        """The role ``user`` has in this account, or None for a non-member."""
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).values_list("role", flat=True).first()

    def is_manager(self, user) -> bool:
        return self.role_of(user) in Membership.MANAGER_ROLES


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    MANAGER_ROLES = (Role.OWNER, Role.ADMIN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.get_role_display()})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Invitations not yet answered or revoked (expired ones included)."""
        return self.filter(status=Invitation.Status.PENDING)

    def pending(self) -> InvitationQuerySet:
        """Invitations that can still be accepted."""
        return self.open().filter(expires_at__gt=timezone.now())

    def for_email(self, email: str) -> InvitationQuerySet:
        return self.filter(email__iexact=email.strip()) if email.strip() else self.none()


class Invitation(models.Model):
    """An owner's or admin's offer to someone, by e-mail address, to join an account.

    Nobody joins without saying yes: the invitee accepts or declines, from the link in the
    e-mail (which proves they got it) or from their home page when signed in with that
    address. An invitation expires, and its account's owners and admins can revoke it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    # The secret in the e-mailed link; a new invitation to the same address replaces it.
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "account",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.account} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def can_be_accepted(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired
