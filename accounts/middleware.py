"""Attach the user's current account to each request."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .models import Account

SESSION_KEY = "current_account_id"


def current_account_for(request) -> Account | None:
    """The account chosen in the switcher, else the user's first account, else None."""
    accounts = Account.objects.for_user(request.user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        account = accounts.filter(pk=chosen).first()
        if account is not None:
            return account
    return accounts.order_by("memberships__created_at", "pk").first()


class CurrentAccountMiddleware:
    """Sets ``request.account`` lazily, so pages that don't need it pay nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.account = SimpleLazyObject(lambda: current_account_for(request))
        return self.get_response(request)
