from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django_ratelimit.decorators import ratelimit

from . import views


def _posted(field: str):
    """A rate-limit key: the posted ``field``, trimmed and lower-cased."""

    def key(group: str, request) -> str:
        return request.POST.get(field, "").strip().lower()

    return key


def limited(view, name: str, **keys):
    """Rate-limit form posts per client address (``accounts.client_address``), and per each
    of ``keys`` (name → key) too; GETs are never limited. Each key counts on its own, so an
    attack on one account (or from one address) doesn't use up anybody else's attempts."""
    for key_name, key in {"address": "ip", **keys}.items():
        view = ratelimit(
            group=f"{name}:{key_name}",
            key=key,
            rate=settings.AUTH_RATE_LIMIT,
            method="POST",
            block=True,
        )(view)
    return view


urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("signup/", limited(views.signup, "signup", email=_posted("email")), name="signup"),
    path(
        "login/",
        limited(
            auth_views.LoginView.as_view(redirect_authenticated_user=True),
            "login",
            username=_posted("username"),
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        limited(auth_views.PasswordResetView.as_view(), "password_reset", email=_posted("email")),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/switch/", views.switch_account, name="switch_account"),
    path("account/<slug:slug>/", views.account_detail, name="account_detail"),
    path("account/<slug:slug>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "account/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path(
        "invitations/<str:token>/accept/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "invitations/<str:token>/decline/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    path(
        "account/<slug:slug>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "account/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
