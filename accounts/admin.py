from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from .admin_scoping import AccountScopedAdminMixin
from .models import Account, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Nobody joins an account without accepting an invitation (superusers excepted).
        return request.user.is_superuser


@admin.register(Account)
class AccountAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    account_path = "pk"
    list_display = ["name", "slug", "member_count", "retention_days", "monthly_minutes_quota"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "account", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "account__name"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request, *args) -> bool:
        # Nobody joins an account without accepting an invitation (superusers excepted).
        return request.user.is_superuser


@admin.register(Invitation)
class InvitationAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    """Invitations are sent from the account page; here they can be looked at and deleted."""

    list_display = ["email", "account", "role", "status", "invited_by", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "account__name"]
    fields = ["account", "email", "role", "status", "invited_by", "created_at", "expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args) -> bool:
        return False
