"""The live interpreter page: the settings form and everything live.js needs to start.

The page gets its configuration as one JSON object (``live_config``, rendered with
``json_script``): the language list comes from the voice-translation service itself, so
it is never hard-coded, and a service that can't be reached is said on the page instead
of failing it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from glossaries.models import Glossary
from interpreter.live.limits import BYTES_PER_SECOND
from rooms.models import Room
from voice.client import voice_client
from voice.languages import fetch_language_choices

VOICES = [{"code": "female", "name": "Female"}, {"code": "male", "name": "Male"}]
DEFAULT_SOURCE = "en-US"
DEFAULT_TARGET = "es-ES"
DEFAULT_VOICE = "female"
# What live.js sends: 20 ms of 16 kHz mono Int16 audio per frame.
FRAME_BYTES = BYTES_PER_SECOND // 50
NO_ACCOUNT = "Live interpretation needs a team. Ask a team's owner to invite you."


@login_required
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The live page; the browser talks to ``/ws/live/`` from here on."""
    return render(request, "interpreter/live.html", {"live_config": live_config(request)})


def live_config(request: HttpRequest) -> dict:
    """Everything live.js reads from the page (see docs/protocol.md)."""
    choices = fetch_language_choices(voice_client())
    error = choices.error
    account = request.account or None
    if account is None:
        error = error or NO_ACCOUNT
        glossaries = []
    else:
        glossaries = list(
            Glossary.objects.for_account(account)
            .order_by("name")
            .values("id", "name", "source_language", "target_language", "is_default")
        )
    return {
        "ws_path": "/ws/live/",
        "languages": {"sources": choices.sources, "targets": choices.targets},
        "pairs": choices.pairs,
        "defaults": _defaults(choices.pairs),
        "voices": VOICES,
        "glossaries": glossaries,
        "backend": settings.VOICE_BACKEND,
        "history_url": reverse("history"),
        "limits": {
            "max_session_seconds": settings.LIVE_MAX_SESSION_SECONDS,
            "frame_bytes": FRAME_BYTES,
            "hold_seconds": settings.LIVE_HOLD_SECONDS,
        },
        "room": _room(request, account, choices),
        "error": error,
    }


def _room(request: HttpRequest, account, choices) -> dict | None:
    """The room the page speaks into (``?room=<id>``, one of the account's), or None."""
    room_id = request.GET.get("room", "")
    if account is None or not room_id.isdigit():
        return None
    room = Room.objects.for_account(account).filter(pk=int(room_id)).first()
    if room is None:
        return None
    return {
        "id": room.pk,
        "name": room.name,
        "source": {"code": room.source_language, "name": choices.name_of(room.source_language)},
        "targets": [
            {"code": code, "name": choices.name_of(code)}
            for code in room.allowed_targets(choices.pairs)
        ],
        "listen_url": request.build_absolute_uri(reverse("room_listen", args=[room.link_token])),
        "can_take_over": room.can_manage(request.user),
    }


def _defaults(pairs: dict[str, list[str]]) -> dict:
    """English to Spanish when offered; otherwise the first source to its first target."""
    source = DEFAULT_SOURCE if DEFAULT_SOURCE in pairs else next(iter(pairs), "")
    targets = pairs.get(source, [])
    target = DEFAULT_TARGET if DEFAULT_TARGET in targets else (targets[0] if targets else "")
    return {"source": source, "target": target, "voice": DEFAULT_VOICE}
