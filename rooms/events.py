"""Channel-layer group names of a room, and the notices sent to them.

The live part joins sockets to these groups: every listener's to :func:`listeners_group` and
to its language's :func:`language_group`, the speaker's hub to :func:`control_group`. A notice
is sent only after the change it announces is committed, so a listener told to re-check its
link already sees the new state.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

LINK_CHANGED = "room.link_changed"
# What a room's sockets say to each other through the channel layer (docs/rooms.md):
JOIN = "room.join"  # a listener to the speaker's hub: here, for this language (also every
PRESENCE_SECONDS = 10.0  # this many seconds, so a hub that starts later learns of it)
LEAVE = "room.leave"  # a listener to the hub: gone
CENSUS = "room.census"  # the hub to listeners, as it starts: say where you are
SPEAKER = "room.speaker"  # the hub to listeners: speaking started, goes on, or stopped
EVENT = "room.event"  # the hub to a language's listeners: a caption, as the page shows it
SPEECH = "room.speech"  # the hub to a language's listeners: translated speech (PCM)
BACKLOG = "room.backlog"  # the hub to one listener who joined: the last minutes' captions
REFUSED = "room.refused"  # the hub to one listener: its language can't be served, and why
PING = "room.speaker_ping"  # a would-be speaker to the hub: is anyone speaking?
ALIVE = "room.speaker_alive"  # the hub's answer: who
TAKE_OVER = "room.speaker_take_over"  # the room's owner or an admin takes the floor
RECONNECTING = "reconnecting"  # why a speaker stopped: their connection dropped
ORIGINAL = "original"  # the "language" of listeners who want the spoken language only


def listeners_group(room_id: int) -> str:
    """The room's listeners, guests included."""
    return f"room.{room_id}.listeners"


def control_group(room_id: int) -> str:
    """The speaker's hub alone (when someone speaks): where listeners announce themselves."""
    return f"room.{room_id}.control"


def language_group(room_id: int, language: str) -> str:
    """The listeners of one language (or ``ORIGINAL``): where its captions and speech go."""
    return f"room.{room_id}.lang.{language}"


def notify_link_changed(room) -> None:
    """Tell the room's listeners that its link was rotated, expired, re-scoped or deleted;
    their sockets re-check the link, and guests whose link no longer opens are closed."""
    group = listeners_group(room.pk)
    transaction.on_commit(lambda: _send(group, {"type": LINK_CHANGED}))


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)
