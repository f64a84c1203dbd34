"""A deleted room's listeners are told at once, however it was deleted: its page, the
admin, or its account's deletion (a cascade that no view sees)."""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from . import events
from .models import Room


@receiver(pre_delete, sender=Room)
def tell_listeners_the_room_is_gone(sender, instance: Room, **kwargs) -> None:
    # pre_delete: the id is still set; the notice itself waits for the commit.
    events.notify_link_changed(instance)
