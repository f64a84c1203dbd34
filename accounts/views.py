"""Sign-up, the account page (members, roles, invitations), invitations and the switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from .forms import ChangeRoleForm, InviteForm, SignUpForm
from .middleware import SESSION_KEY
from .models import Account, Invitation, Membership
from .roles import (
    MembershipRuleError,
    accept_invitation,
    change_role,
    create_account,
    decline_invitation,
    invite,
    remove_member,
    revoke_invitation,
)


def signup(request):
    """A new user gets a team they own; signing up from an invitation, they may skip it."""
    if request.user.is_authenticated:
        return redirect("home")
    invitation = _invitation_from(request)
    form = SignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            name = form.cleaned_data["account_name"]
            if not name and invitation is None:
                name = f"{user.username}'s team"
            account = create_account(name, owner=user) if name else None
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if account is not None:
            request.session[SESSION_KEY] = account.pk
        welcome = f"Welcome, {user.username}!"
        if account is not None:
            welcome += f" Your team “{account}” is ready."
        messages.success(request, welcome)
        if invitation is not None:
            return redirect("invitation", token=invitation.token)
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form, "invitation": invitation})


def _invitation_from(request) -> Invitation | None:
    """The open invitation whose token the sign-up link (or its form) carries, if any."""
    token = request.POST.get("invitation") or request.GET.get("invitation")
    if not token:
        return None
    invitation = Invitation.objects.select_related("account").filter(token=token).first()
    return invitation if invitation is not None and invitation.can_be_accepted else None


def rate_limited(request, exception):
    """Shown instead of a form when a client posts too often (settings.RATELIMIT_VIEW)."""
    return render(request, "429.html", status=429)


FAVICON = settings.BASE_DIR / "static" / "favicon.svg"


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``, which browsers and tools ask for on their own: the site's icon."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")


@login_required
def home(request):
    """The signed-in start page: invitations waiting for an answer, then where to go next."""
    invitations = (
        Invitation.objects.pending()
        .for_email(request.user.email)
        .exclude(account__memberships__user=request.user)
        .select_related("account", "invited_by")
    )
    return render(request, "accounts/home.html", {"invitations": invitations})


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
            "invite_form": InviteForm(),
            "invitations": account.invitations.open().select_related("invited_by"),
            "roles": Membership.Role.choices,
        },
    )


@login_required
@require_POST
@ratelimit(key="user", rate=settings.AUTH_RATE_LIMIT, method="POST", block=True)
def invitation_create(request, slug: str):
    """Invite an e-mail address; the page says the same whether anyone uses it or not."""
    account = _member_account(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("account_detail", slug=account.slug)
    try:
        invitation = invite(
            account, request.user, form.cleaned_data["email"], form.cleaned_data["role"]
        )
    except MembershipRuleError as exc:
        messages.error(request, str(exc))
        return redirect("account_detail", slug=account.slug)
    _send_invitation(request, invitation)
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. It can be accepted until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC.",
    )
    return redirect("account_detail", slug=account.slug)


def _send_invitation(request, invitation: Invitation) -> None:
    """The same e-mail to every address: its link works whether they have signed up or not."""
    context = {
        "invitation": invitation,
        "inviter": request.user.get_username(),
        "link": request.build_absolute_uri(reverse("invitation", args=[invitation.token])),
    }
    subject = " ".join(f"{context['inviter']} invited you to join {invitation.account}".split())
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@login_required
@require_POST
def invitation_revoke(request, slug: str, invitation_id: int):
    account = _member_account(request, slug)
    invitation = get_object_or_404(account.invitations, pk=invitation_id)
    try:
        revoke_invitation(invitation, request.user)
        messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    except MembershipRuleError as exc:
        messages.error(request, str(exc))
    return redirect("account_detail", slug=account.slug)


def invitation(request, token: str):
    """The e-mailed link: who invites you to what, and accept or decline (after logging in)."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("account", "invited_by"), token=token
    )
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "already_member": request.user.is_authenticated
            and invitation.account.memberships.filter(user=request.user).exists(),
        },
    )


@login_required
@require_POST
def invitation_answer(request, token: str, answer: str):
    invitation = get_object_or_404(Invitation.objects.select_related("account"), token=token)
    try:
        if answer == "accept":
            membership = accept_invitation(invitation, request.user)
        else:
            decline_invitation(invitation)
    except MembershipRuleError as exc:
        messages.error(request, str(exc))
        return redirect("invitation", token=token)
    if answer == "accept":
        request.session[SESSION_KEY] = membership.account_id
        messages.success(request, f"You joined {invitation.account}.")
        return redirect("account_detail", slug=invitation.account.slug)
    messages.info(request, f"You declined the invitation to {invitation.account}.")
    return redirect("home")


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
