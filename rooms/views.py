"""Room pages: the current account's rooms, one room with its listener link, and editors.

Who may do what, in the current account only (``request.account``):
- every member sees the account's rooms and may create rooms of their own;
- a room's owner and the account's owners and admins edit it, rotate its link and delete
  it; anyone else asking for those gets 403 (the room is theirs to see, so its existence
  is no secret);
- another account's room answers 404, never 403, so its id reveals nothing.
"""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account
from voice.client import voice_client
from voice.languages import fetch_language_choices

from . import events
from .forms import RoomForm
from .models import Room
from .qr import qr_data_uri


def _account(request: HttpRequest) -> Account | None:
    """The current account, or None (``request.account`` is a lazy object)."""
    return request.account or None


def _room_or_404(request: HttpRequest, room_id: int) -> Room:
    """A room of the current account; any other id is 404."""
    account = _account(request)
    if account is None:
        raise Http404("No current account.")
    rooms = Room.objects.for_account(account).select_related("account", "owner", "speaker")
    return get_object_or_404(rooms, pk=room_id)


def _require_manager(request: HttpRequest, room: Room) -> None:
    if not room.can_manage(request.user):
        raise PermissionDenied(
            "Only the room’s creator and the account’s owners and admins can change it."
        )


def listener_url(request: HttpRequest, room: Room) -> str:
    """The room's listener link as an absolute URL, to share or scan."""
    return request.build_absolute_uri(reverse("room_listen", args=[room.link_token]))


@login_required
@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if account is None:
        rooms, manageable = Room.objects.none(), set()
    else:
        rooms = Room.objects.for_account(account).select_related("speaker")
        manageable = set(
            Room.objects.manageable_by(request.user, account).values_list("pk", flat=True)
        )
    return render(request, "rooms/list.html", {"rooms": rooms, "manageable": manageable})


@login_required
@require_http_methods(["GET", "POST"])
def room_create(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if account is None:
        raise PermissionDenied("Rooms belong to a team; ask a team’s owner to invite you.")
    form = RoomForm(request.POST or None, instance=Room(account=account, owner=request.user))
    if form.is_valid():
        room = form.save()
        messages.success(request, f"Created “{room.name}”. Share its link with your listeners.")
        return redirect("room_detail", room_id=room.pk)
    return render(request, "rooms/form.html", {"form": form, "room": None})


@login_required
@require_GET
def room_detail(request: HttpRequest, room_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    languages = fetch_language_choices(voice_client())
    link = listener_url(request, room)
    return render(
        request,
        "rooms/detail.html",
        {
            "room": room,
            "can_manage": room.can_manage(request.user),
            "link": link,
            "link_open": room.link_is_open(),
            "qr": qr_data_uri(link),
            "source_name": languages.name_of(room.source_language),
            "targets": [
                {"code": code, "name": languages.name_of(code)}
                for code in room.allowed_targets(languages.pairs)
            ],
            "not_offered": []
            if languages.error
            else [
                code
                for code in room.target_languages
                if code not in languages.targets_for(room.source_language)
            ],
            "languages_error": languages.error,
            "glossaries": room.glossaries.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    _require_manager(request, room)
    # The form edits a copy, so a rejected name never shows up as the page's title.
    form = RoomForm(request.POST or None, instance=copy(room))
    if form.is_valid():
        link_changed = form.link_changed()
        form.save()
        if link_changed:
            events.notify_link_changed(room)
        messages.success(request, "Room saved.")
        return redirect("room_detail", room_id=room.pk)
    return render(request, "rooms/form.html", {"form": form, "room": room})


@login_required
@require_POST
def room_rotate_link(request: HttpRequest, room_id: int) -> HttpResponse:
    room = _room_or_404(request, room_id)
    _require_manager(request, room)
    room.rotate_link()
    messages.success(
        request, "The room has a new link. The old link no longer opens it; share the new one."
    )
    return redirect("room_detail", room_id=room.pk)


@login_required
@require_http_methods(["GET", "POST"])
def room_delete(request: HttpRequest, room_id: int) -> HttpResponse:
    """Confirm, then delete; listeners connected by its link are told and disconnected."""
    room = _room_or_404(request, room_id)
    _require_manager(request, room)
    if request.method == "POST":
        room.delete()
        messages.success(request, f"Deleted “{room.name}”.")
        return redirect("room_list")
    return render(request, "rooms/delete_confirm.html", {"room": room})
