"""A room's listeners are told, through the channel layer, whenever who its link admits
changes: a rotation, a new expiry or access, the room's deletion (however it happens)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections

from accounts.models import Account
from rooms.events import listeners_group
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

LINK_CHANGED = {"type": "room.link_changed"}


@pytest.fixture(autouse=True)
async def close_the_database_thread_connections():
    """The ORM ran in asgiref's thread: close its connection so PostgreSQL can drop the
    test database afterwards."""
    yield
    await sync_to_async(connections.close_all)()


async def listening_to(room: Room) -> str:
    """A channel in the room's listeners group, as a listener socket's would be."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(listeners_group(room.pk), channel)
    return channel


async def told(channel: str) -> dict | None:
    try:
        return await asyncio.wait_for(get_channel_layer().receive(channel), 1)
    except TimeoutError:
        return None


async def a_room(alpha, **extra) -> Room:
    return await Room.objects.acreate(account=alpha, name="Board", source_language="en-US", **extra)


async def test_rotating_the_link_tells_the_rooms_listeners(alpha):
    room = await a_room(alpha)
    listener = await listening_to(room)

    await sync_to_async(room.rotate_link)()

    assert await told(listener) == LINK_CHANGED


async def test_deleting_the_room_tells_its_listeners(alpha):
    room = await a_room(alpha)
    listener = await listening_to(room)

    await sync_to_async(room.delete)()

    assert await told(listener) == LINK_CHANGED


async def test_deleting_the_account_tells_its_rooms_listeners(alpha):
    room = await a_room(alpha)
    listener = await listening_to(room)

    await Account.objects.filter(pk=alpha.pk).adelete()

    assert await told(listener) == LINK_CHANGED


async def test_a_new_expiry_on_the_room_page_tells_the_listeners(offered, alpha, alice, client_for):
    room = await a_room(alpha, access=Room.Access.LINK)
    listener = await listening_to(room)
    alices = await sync_to_async(client_for)(alice)
    form = {"name": "Board", "source_language": "en-US", "access": "link"}

    await sync_to_async(alices.post)(
        f"/rooms/{room.pk}/edit/", {**form, "link_expires_at": "2030-01-01T09:00"}
    )

    assert await told(listener) == LINK_CHANGED


async def test_making_a_link_room_members_only_tells_the_listeners(
    offered, alpha, alice, client_for
):
    room = await a_room(alpha, access=Room.Access.LINK)
    listener = await listening_to(room)
    alices = await sync_to_async(client_for)(alice)

    await sync_to_async(alices.post)(
        f"/rooms/{room.pk}/edit/",
        {"name": "Board", "source_language": "en-US", "access": "members"},
    )

    assert await told(listener) == LINK_CHANGED


async def test_renaming_the_room_does_not_disturb_the_listeners(offered, alpha, alice, client_for):
    room = await a_room(alpha, access=Room.Access.LINK)
    listener = await listening_to(room)
    alices = await sync_to_async(client_for)(alice)

    page = await sync_to_async(alices.post)(
        f"/rooms/{room.pk}/edit/",
        {"name": "Renamed", "source_language": "en-US", "access": "link"},
    )

    assert page.status_code == 302
    assert await told(listener) is None
