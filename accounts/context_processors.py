from __future__ import annotations

from .models import Account


def current_account(request) -> dict:
    """The current account and the user's accounts, for the navigation's switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    account = getattr(request, "account", None)
    return {
        "current_account": account if account else None,
        "user_accounts": Account.objects.for_user(user),
    }
