"""Walk every URL pattern as a user of another account: nothing of Alpha's is reachable.

New routes are covered automatically. A route whose URL arguments this walk can't fill
fails the test, so whoever adds it says here which of Alpha's objects it addresses.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation
from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm
from interpreter.models import TranslationSession, Utterance
from rooms.models import Room

SECRET = "Zanzibar quarterly forecast"  # appears only in Alpha's data


def walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, list(entry.pattern.converters)


ROUTES = list(walk(get_resolver().url_patterns))
# Routes that address nobody's account data: a signed token decides (tested below).
TOKEN_ROUTES = {"password_reset_confirm"}


@pytest.fixture
def alpha_data(alice, alpha):
    glossary = Glossary.objects.create(
        account=alpha, name=SECRET[:20], source_language="en-US", target_language="es-ES"
    )
    VocabularyTerm.objects.create(glossary=glossary, term="Zanzibar")
    DictionaryEntry.objects.create(glossary=glossary, source="forecast", target="pronóstico")
    session = TranslationSession.objects.create(
        user=alice,
        account=alpha,
        title=SECRET,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="localvt",
        status=TranslationSession.Status.COMPLETED,
        ended_at=timezone.now(),
    )
    Utterance.objects.create(
        session=session, utterance_id="u1", started_at=timezone.now(), text=SECRET
    )
    # Members only (the default): its link is no way in for anyone outside Alpha.
    room = Room.objects.create(account=alpha, owner=alice, name=SECRET, source_language="en-US")
    room.glossaries.set([glossary])
    invitation = Invitation.objects.create(
        account=alpha,
        email="guest@example.com",
        invited_by=alice,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {
        "slug": alpha.slug,
        "membership_id": alpha.memberships.get(user=alice).pk,
        "invitation_id": invitation.pk,
        "session_id": session.pk,
        "glossary_id": glossary.pk,
        "room_id": room.pk,
        # A room's link (members only here) and an invitation's link are tokens; Alpha's
        # room token is no invitation's, so both kinds of route must answer bob 404.
        "token": room.link_token,
        "pk": glossary.pk,
        "fmt": "txt",
        "format": "txt",
        "kind": "dictionary",
    }


def alpha_intact(alpha, alpha_data) -> bool:
    return (
        TranslationSession.objects.filter(account=alpha, title=SECRET).exists()
        and Glossary.objects.filter(account=alpha).count() == 1
        and alpha.memberships.filter(role="owner").count() == 1
        and Room.objects.filter(account=alpha, name=SECRET, link_token=alpha_data["token"]).exists()
        and alpha.invitations.get().status == Invitation.Status.PENDING
    )


@pytest.mark.parametrize(
    ("route", "name", "arguments"), [r for r in ROUTES if r[2] and r[1] not in TOKEN_ROUTES]
)
def test_a_route_addressing_alphas_objects_is_404_for_bob(
    bob_client, alpha, alpha_data, route, name, arguments
):
    unknown = [a for a in arguments if a not in alpha_data]
    assert not unknown, f"{route}: teach this walk which Alpha object {unknown} addresses"
    url = reverse(name, kwargs={a: alpha_data[a] for a in arguments})
    posted = {"title": "hacked", "role": "member", "user": "bob", "confirm": "yes"}

    statuses = {bob_client.get(url).status_code, bob_client.post(url, posted).status_code}

    assert statuses <= {404, 405}, f"{url} answered {statuses}"
    assert 404 in statuses
    assert alpha_intact(alpha, alpha_data)


@pytest.mark.parametrize(("route", "name", "arguments"), [r for r in ROUTES if not r[2]])
def test_a_page_without_arguments_shows_bob_nothing_of_alphas(
    bob_client, alpha, alpha_data, route, name, arguments
):
    url = reverse(name)
    ids = [alpha_data["session_id"], alpha_data["glossary_id"]]

    page = bob_client.get(url)
    bob_client.post(url, {"sessions": ids, "ids": ids, "session_ids": ids, "confirm": "yes"})

    if page.status_code == 200:
        assert SECRET not in page.content.decode()
        assert SECRET[:20] not in page.content.decode()
    assert alpha_intact(alpha, alpha_data)


@pytest.fixture
def staff_bob_client(client, make_user):
    client.force_login(make_user("bob", "Beta", is_staff=True))
    return client


def test_every_admin_object_of_alpha_is_404_for_beta_staff(staff_bob_client, alpha, alpha_data):
    objects = [
        alpha,
        alpha.memberships.first(),
        TranslationSession.objects.get(pk=alpha_data["session_id"]),
        Glossary.objects.get(pk=alpha_data["glossary_id"]),
        Room.objects.get(pk=alpha_data["room_id"]),
        Invitation.objects.get(pk=alpha_data["invitation_id"]),
    ]
    checked = 0
    for obj in objects:
        if type(obj) not in admin.site._registry:
            continue
        meta = obj._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert staff_bob_client.get(url).status_code == 404, url
        checked += 1

    assert checked >= 4


def test_a_forged_password_reset_link_changes_nobodys_password(client, alice):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "set-password"})

    page = client.get(url, follow=True)
    client.post(url, {"new_password1": "pwned pwned 123", "new_password2": "pwned pwned 123"})

    assert "invalid" in page.content.decode()
    alice.refresh_from_db()
    assert not alice.check_password("pwned pwned 123")


# Pages anyone may open: signing in and up, password resets, and a room's listener link.
PUBLIC_ROUTES = {
    "login",
    "logout",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "room_listen",
    "favicon",  # the site's icon
    "invitation",  # an invitation's link: who invites whom, then log in or sign up to answer
}


@pytest.fixture
def guest_client(client, alpha, alpha_data):
    """An anonymous visitor who came in through a link room's listener link (a guest)."""
    cache.clear()  # joins are rate limited per address, and this walk joins once per route
    room = Room.objects.create(
        account=alpha, name="Open house", source_language="en-US", access=Room.Access.LINK
    )
    assert client.get(reverse("room_listen", args=[room.link_token])).status_code == 200
    return client


@pytest.mark.parametrize(
    ("route", "name", "arguments"), [r for r in ROUTES if r[1] not in PUBLIC_ROUTES]
)
def test_a_guest_is_sent_to_sign_in_from_every_other_page(
    guest_client, alpha, alpha_data, route, name, arguments
):
    url = reverse(name, kwargs={a: alpha_data[a] for a in arguments})

    for page in (guest_client.get(url), guest_client.post(url, {"confirm": "yes"})):
        assert page.status_code == 302, f"{url} answered {page.status_code}"
        assert page["Location"].startswith("/login/"), url
    assert alpha_intact(alpha, alpha_data)
