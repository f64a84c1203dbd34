"""Channel-layer group names of a room, and the notices sent to them.

The live part joins sockets to these groups: the speaker's and listeners' to
:func:`room_group`, every listener's to :func:`listeners_group`. A notice is sent only
after the change it announces is committed, so a listener told to re-check its link
already sees the new state.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

LINK_CHANGED = "room.link_changed"


def room_group(room_id: int) -> str:
    """Everyone connected to the room: its speaker and its listeners."""
    return f"room.{room_id}"


def listeners_group(room_id: int) -> str:
    """The room's listeners, guests included."""
    return f"room.{room_id}.listeners"


def notify_link_changed(room) -> None:
    """Tell the room's listeners that its link was rotated, expired, re-scoped or deleted;
    their sockets re-check the link, and guests whose link no longer opens are closed."""
    group = listeners_group(room.pk)
    transaction.on_commit(lambda: _send(group, {"type": LINK_CHANGED}))


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)
