"""Sign-up, the account page (members and roles) and the account switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import AddMemberForm, ChangeRoleForm, SignUpForm
from .middleware import SESSION_KEY
from .models import Account, Membership
from .roles import MembershipRuleError, add_member, change_role, create_account, remove_member


def signup(request):
    """A new user gets a personal account they own."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            name = form.cleaned_data["account_name"] or f"{user.username}'s team"
            account = create_account(name, owner=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = account.pk
        messages.success(request, f"Welcome, {user.username}! Your account “{account}” is ready.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def rate_limited(request, exception):
    """Shown instead of a form when a client posts too often (settings.RATELIMIT_VIEW)."""
    return render(request, "429.html", status=429)


@login_required
def home(request):
    """The signed-in start page: where to go next."""
    return render(request, "home.html")


def _member_account(request, slug: str) -> Account:
    """The account ``slug`` if the user belongs to it; 404 otherwise (never 403)."""
    return get_object_or_404(Account.objects.for_user(request.user), slug=slug)


@login_required
def account_detail(request, slug: str):
    account = _member_account(request, slug)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "memberships": account.memberships.select_related("user"),
            "my_role": account.role_of(request.user),
            "can_manage": account.is_manager(request.user),
            "add_form": AddMemberForm(),
            "roles": Membership.Role.choices,
        },
    )


@login_required
@require_POST
def member_add(request, slug: str):
    account = _member_account(request, slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            add_member(account, request.user, form.cleaned_data["user"], form.cleaned_data["role"])
            messages.success(request, f"Added {form.cleaned_data['user'].username}.")
        except MembershipRuleError as exc:
            messages.error(request, str(exc))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("account_detail", slug=account.slug)


@login_required
@require_POST
def member_role(request, slug: str, membership_id: int):
    account = _member_account(request, slug)
    membership = get_object_or_404(account.memberships, pk=membership_id)
    form = ChangeRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
    else:
        try:
            change_role(membership, request.user, form.cleaned_data["role"])
            messages.success(request, f"{membership.user.username} is now {membership.role}.")
        except MembershipRuleError as exc:
            messages.error(request, str(exc))
    return redirect("account_detail", slug=account.slug)


@login_required
@require_POST
def member_remove(request, slug: str, membership_id: int):
    account = _member_account(request, slug)
    membership = get_object_or_404(account.memberships, pk=membership_id)
    leaving = membership.user_id == request.user.pk
    try:
        remove_member(membership, request.user)
    except MembershipRuleError as exc:
        messages.error(request, str(exc))
        return redirect("account_detail", slug=account.slug)
    if leaving:
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"You left {account}.")
        return redirect("home")
    messages.success(request, f"Removed {membership.user.username}.")
    return redirect("account_detail", slug=account.slug)


@login_required
@require_POST
def switch_account(request):
    """Make another of the user's accounts the current one."""
    account = get_object_or_404(
        Account.objects.for_user(request.user), pk=request.POST.get("account")
    )
    request.session[SESSION_KEY] = account.pk
    messages.info(request, f"Now working in {account}.")
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return redirect(target)
