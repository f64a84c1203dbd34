"""The listener page ``/r/<token>/``: the one page a guest (no account) can open.

The token alone finds the room; an unknown, rotated or expired token is a 404 that says
the link no longer works. A members-only room asks an anonymous visitor to sign in and is
a 404 for a signed-in user of another account. A visitor who is not a member of the
room's account is a guest: read-only, and this page is all they reach. Guests' visits are
rate-limited per client address (``ROOM_JOINS_PER_MINUTE``), so a link shared widely
can't be used to hammer the server.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from voice.client import voice_client
from voice.languages import fetch_language_choices

from .models import Room


def guest_join_rate(group: str, request: HttpRequest) -> str | None:
    """Visits per minute per address for anonymous visitors; members are not limited."""
    if request.user.is_authenticated:
        return None
    return f"{settings.ROOM_JOINS_PER_MINUTE}/m"


def link_not_valid(request: HttpRequest) -> HttpResponse:
    return render(request, "rooms/link_not_valid.html", status=404)


@require_GET
@ratelimit(key="ip", rate=guest_join_rate, block=True)
def listen(request: HttpRequest, token: str) -> HttpResponse:
    room = Room.objects.with_open_link(token).select_related("account").first()
    if room is None:
        return link_not_valid(request)
    if not room.admits(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return link_not_valid(request)
    return render(
        request,
        "rooms/listen.html",
        {"room": room, "listen_config": listen_config(request, room)},
    )


def listen_config(request: HttpRequest, room: Room) -> dict:
    """Everything listen.js reads from the page."""
    languages = fetch_language_choices(voice_client())
    return {
        "room_name": room.name,
        "source": {
            "code": room.source_language,
            "name": languages.name_of(room.source_language),
        },
        "targets": [
            {"code": code, "name": languages.name_of(code)}
            for code in room.allowed_targets(languages.pairs)
        ],
        "ws_path": f"/ws/listen/{room.link_token}/",
        "guest": room.account.role_of(request.user) is None,
        "error": languages.error,
    }
