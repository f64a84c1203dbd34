"""Admin for rooms, scoped to the accounts a staff user manages.

Owners and admins who are staff see and edit only their accounts' rooms (lists, foreign-key
and glossary choices, object URLs, filters); superusers see all. Who speaks now is the live
session's to set, so it is shown read-only; the link token is never edited by hand, only
rotated (an action), which disconnects the old link's listeners.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from accounts.admin_scoping import AccountScopedAdminMixin
from glossaries.models import Glossary

from . import events
from .forms import RoomForm
from .models import Room


@admin.register(Room)
class RoomAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    form = RoomForm
    fields = [
        "account",
        "name",
        "owner",
        "source_language",
        "target_languages",
        "access",
        "link_expires_at",
        "glossaries",
        "speaker",
        "speaking_since",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["speaker", "speaking_since", "created_at", "updated_at"]
    list_display = ["name", "account", "source_language", "access", "link_expires_at", "speaker"]
    # RelatedOnly: a plain account filter would list every account's name to scoped staff.
    list_filter = [("account", admin.RelatedOnlyFieldListFilter), "access", "source_language"]
    list_select_related = ["account", "speaker"]
    search_fields = ["name", "account__name"]
    actions = ["rotate_links"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner" and not request.user.is_superuser:
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(memberships__account__in=self.managed_accounts(request))
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "glossaries":
            glossaries = Glossary.objects.select_related("account")
            if not request.user.is_superuser:
                glossaries = glossaries.filter(account__in=self.managed_accounts(request))
            kwargs["queryset"] = glossaries
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and form.link_changed():
            events.notify_link_changed(obj)

    @admin.action(description="Rotate the links of the selected rooms")
    def rotate_links(self, request, queryset) -> None:
        rooms = list(queryset)
        for room in rooms:
            room.rotate_link()
        messages.success(
            request,
            f"Rotated {len(rooms)} link(s); the old links no longer open their rooms.",
        )
