"""The admin site, opened to each account's owners and admins by their role.

Django's admin lets in only users with the staff flag. Here an active user who is an owner
or admin of some account is let in too, without one, and sees only what
``AccountScopedAdminMixin`` shows them (their accounts' objects). Logging in to the admin
goes through the site's own log-in page, which is rate limited like every log-in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url


def may_use_admin(user) -> bool:
    """Staff, or an owner or admin of at least one account."""
    from .models import Account  # this module is loaded with the app registry, before models

    if not user.is_active:
        return False
    return user.is_staff or Account.objects.managed_by(user).exists()


class ScopedAdminSite(admin.AdminSite):
    site_header = "Interpreter administration"
    site_title = "Interpreter admin"

    def has_permission(self, request) -> bool:
        return may_use_admin(request.user)

    def login(self, request, extra_context=None):
        """The site's rate-limited log-in page, back to the admin afterwards.

        Someone signed in who may not use the admin is refused (403), not sent round in a
        loop between the two log-in pages.
        """
        if request.user.is_authenticated:
            raise PermissionDenied("Only the owners and admins of an account can use the admin.")
        target = request.GET.get("next") or resolve_url("admin:index")
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")


class ScopedAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.ScopedAdminSite"
