"""Accounts (teams) and who belongs to them.

Everything a user can see — glossaries, transcripts — belongs to an account, and every
lookup of such data goes through an account the user is a member of.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
