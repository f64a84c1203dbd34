"""Scope the Django admin to the accounts a user manages.

Superusers see everything. Anyone else who is an owner or admin of an account (staff or
not: see ``admin_site``) sees only objects of those accounts: list querysets, foreign-key
choices and object URLs are all filtered, and another account's object answers 404
rather than revealing that it exists.
"""

from __future__ import annotations

from django.http import Http404

from .models import Account


class AccountScopedAdminMixin:
    """Mix into a ModelAdmin; set ``account_path`` to the lookup from the model to Account."""

    account_path = "account"

    def managed_accounts(self, request):
        return Account.objects.managed_by(request.user)

    def _is_scoped_staff(self, request) -> bool:
        user = request.user
        return user.is_active and self.managed_accounts(request).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not self._is_scoped_staff(request):
            return queryset.none()
        filter_key = "pk__in" if self.account_path == "pk" else f"{self.account_path}__in"
        return queryset.filter(**{filter_key: self.managed_accounts(request)}).distinct()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Account and not request.user.is_superuser:
            kwargs["queryset"] = self.managed_accounts(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_scoped_staff(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or self._is_scoped_staff(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or self._is_scoped_staff(request)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser or self._is_scoped_staff(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or self._is_scoped_staff(request)
