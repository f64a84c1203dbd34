"""Rooms: one speaker's interpreted stream, heard by many listeners in their own languages.

A room belongs to an account. Its listeners arrive through an unguessable link
(``/r/<token>/``); who that link admits is the room's ``access``: members of the account,
or anyone holding it. Rotating the token or letting it expire stops the old link at once.
The live part (speaking into a room, the listener sockets) builds on these rules.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Account, Membership
from glossaries.models import Glossary

from . import events

# 32 random bytes: 256 bits, 43 URL-safe characters.
LINK_TOKEN_BYTES = 32


def new_link_token() -> str:
    """A fresh listener-link token; never derived from the room's id."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


class RoomQuerySet(models.QuerySet):
    def for_account(self, account) -> RoomQuerySet:
        return self.filter(account=account)

    def for_user(self, user) -> RoomQuerySet:
        """Rooms of every account ``user`` belongs to (none for anonymous users)."""
        return self.filter(account__in=Account.objects.for_user(user))

    def manageable_by(self, user, account) -> RoomQuerySet:
        """The rooms of ``account`` that ``user`` may change: all of them for its owners
        and admins, their own for plain members, none for anyone else."""
        rooms = self.for_account(account)
        role = account.role_of(user)
        if role in Membership.MANAGER_ROLES:
            return rooms
        if role is None:
            return rooms.none()
        return rooms.filter(owner=user)

    def with_open_link(self, token: str, now: datetime | None = None) -> RoomQuerySet:
        """The room whose link is ``token`` and has not expired (at most one)."""
        now = now or timezone.now()
        return self.filter(link_token=token).filter(
            models.Q(link_expires_at__isnull=True) | models.Q(link_expires_at__gt=now)
        )


class Room(models.Model):
    class Access(models.TextChoices):
        MEMBERS = "members", "Members of this account"
        LINK = "link", "Anyone with the link"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="rooms")
    # The member who made the room; they may manage it as long as they stay a member.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(max_length=100)
    source_language = models.CharField(max_length=35, help_text="BCP-47 code, e.g. en-US")
    # Languages listeners may choose; empty offers every target the service has for the source.
    target_languages = models.JSONField(default=list, blank=True)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.MEMBERS)
    link_token = models.CharField(
        max_length=64, unique=True, default=new_link_token, editable=False
    )
    # After this moment the link opens nothing; empty never expires.
    link_expires_at = models.DateTimeField(null=True, blank=True)
    # At most one per language pair; a pair without one uses the account's default glossary.
    glossaries = models.ManyToManyField(Glossary, blank=True, related_name="rooms")
    # Who speaks into the room now, set and cleared by the live session.
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    speaking_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "account",
                Lower("name"),
                name="unique_room_name_per_account",
                violation_error_message="This account already has a room with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def link_is_open(self, now: datetime | None = None) -> bool:
        """Whether the link still opens the room: it has not expired (a rotated token
        is simply gone, so no room answers it)."""
        return self.link_expires_at is None or (now or timezone.now()) < self.link_expires_at

    def rotate_link(self) -> None:
        """Give the room a new link; the old one opens nothing from now on and its guests
        are told to leave."""
        self.link_token = new_link_token()
        self.save(update_fields=["link_token", "updated_at"])
        events.notify_link_changed(self)

    def can_manage(self, user) -> bool:
        """Owners and admins of the account manage every room; a member manages their own."""
        role = self.account.role_of(user)
        if role in Membership.MANAGER_ROLES:
            return True
        return role is not None and self.owner_id == user.pk

    def admits(self, user) -> bool:
        """Whether ``user`` (anonymous for a guest) may listen through the room's link."""
        if self.access == self.Access.LINK:
            return True
        return self.account.role_of(user) is not None

    def allowed_targets(self, pairs: dict[str, list[str]]) -> list[str]:
        """The languages listeners may choose: the service's targets for the source, kept
        to ``target_languages`` when the room names any."""
        offered = pairs.get(self.source_language, [])
        if not self.target_languages:
            return list(offered)
        return [code for code in offered if code in self.target_languages]

    def validate_languages(self, pairs: dict[str, list[str]]) -> None:
        """Raise ValidationError unless the service translates the source into every target."""
        if self.source_language not in pairs:
            raise ValidationError(
                {"source_language": f"The service does not translate from {self.source_language}."}
            )
        offered = pairs[self.source_language]
        missing = [code for code in self.target_languages if code not in offered]
        if missing:
            raise ValidationError(
                {
                    "target_languages": f"The service does not translate {self.source_language} "
                    f"into {', '.join(missing)}."
                }
            )

    def validate_glossaries(self, glossaries: Iterable[Glossary], pairs: dict) -> None:
        """Raise ValidationError unless each glossary is this account's, for the room's
        source and one of its languages, and no two share a language pair."""
        allowed = self.allowed_targets(pairs)
        problems = []
        by_target: dict[str, Glossary] = {}
        for glossary in glossaries:
            if glossary.account_id != self.account_id:
                problems.append(f"“{glossary.name}” belongs to another account.")
            elif glossary.source_language != self.source_language:
                problems.append(
                    f"“{glossary.name}” is for speech in {glossary.source_language}, "
                    f"not {self.source_language}."
                )
            elif glossary.target_language not in allowed:
                problems.append(
                    f"“{glossary.name}” translates into {glossary.target_language}, "
                    "which this room does not offer."
                )
            elif glossary.target_language in by_target:
                problems.append(
                    f"“{by_target[glossary.target_language].name}” and “{glossary.name}” are "
                    f"both for {glossary.source_language} → {glossary.target_language}; "
                    "choose one."
                )
            else:
                by_target[glossary.target_language] = glossary
        if problems:
            raise ValidationError({"glossaries": problems})

    def glossary_for(self, target_language: str) -> Glossary | None:
        """The glossary a stream into ``target_language`` uses: the room's own for the
        pair, else the account's default for it, else none."""
        own = self.glossaries.for_pair(self.source_language, target_language).first()
        if own is not None:
            return own
        defaults = Glossary.objects.for_account(self.account_id).filter(is_default=True)
        return defaults.for_pair(self.source_language, target_language).first()
