"""A room's listener socket, probed as an outsider would: it only ever receives.

Whatever a listener sends (text of any shape, binary, floods), the socket answers with
``read_only`` and changes nothing; a guest's link opens that room's socket and nothing else;
an expiring link, a deleted room and a members-only room shut guests out within a second.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.asgi import application
from rooms.models import Room
from tests.fakekrisp import API_KEY, FakeKrisp
from tests.fuzz.strategies import browser_binary_frames, browser_text_frames

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://localhost"


@pytest.fixture
async def service(settings):
    """The fake service; guest joins counted afresh, and not limited (the fuzzing below
    joins once per example; the limit itself is tested in tests/rooms)."""
    cache.clear()
    settings.ROOM_JOINS_PER_MINUTE = 10_000
    async with FakeKrisp() as peer:
        settings.KRISP_API_KEY = API_KEY
        settings.KRISP_API_BASE = peer.api_base
        settings.KRISP_WS_URL = peer.ws_url
        yield peer
    cache.clear()


@pytest.fixture
def room(alpha, alice):
    return Room.objects.create(
        account=alpha, owner=alice, name="Open", source_language="en-US", access=Room.Access.LINK
    )


async def open_socket(path: str) -> tuple[WebsocketCommunicator, bool, int | None]:
    ws = WebsocketCommunicator(application, path, headers=[(b"origin", ORIGIN)])
    connected, code = await ws.connect()
    return ws, connected, code


async def hello(ws: WebsocketCommunicator) -> dict:
    return json.loads(await ws.receive_from(5))


async def until_closed(ws: WebsocketCommunicator, seconds: float) -> tuple[list[dict], int]:
    """Messages until the server closes, within ``seconds``; and the close code."""
    seen = []
    async with asyncio.timeout(seconds):
        while True:
            output = await ws.receive_output(seconds)
            if output["type"] == "websocket.close":
                return seen, output.get("code", 1000)
            if output.get("text"):
                seen.append(json.loads(output["text"]))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # (the test client can't send an empty frame)
    frames=st.lists(
        (browser_text_frames | browser_binary_frames(1280)).filter(len), min_size=1, max_size=8
    )
)
async def test_whatever_a_guest_sends_is_refused_and_changes_nothing(service, room, frames):
    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
    assert connected
    assert (await hello(ws))["type"] == "hello"
    for frame in frames:
        if isinstance(frame, bytes):
            await ws.send_to(bytes_data=frame)
        else:
            await ws.send_to(text_data=frame)
    answers = [json.loads(await ws.receive_from(5)) for _ in frames]
    await ws.disconnect()

    assert {a["type"] for a in answers} == {"error"}
    assert {a["code"] for a in answers} == {"read_only"}
    assert not await Room.objects.filter(pk=room.pk, speaker__isnull=False).aexists()


async def test_a_guest_cannot_open_the_live_socket_or_another_rooms(service, room, alpha):
    other = await Room.objects.acreate(
        account=alpha, name="Other", source_language="en-US", access=Room.Access.MEMBERS
    )
    _, live, _ = await open_socket("/ws/live/")
    refusals = []
    for token in (other.link_token, f"{room.link_token[:-1]}x"):  # members only; made up
        ws, connected, _ = await open_socket(f"/ws/listen/{token}/?language=es-ES")
        seen, code = await until_closed(ws, seconds=2)
        refusals.append((connected, [m["code"] for m in seen], code))

    assert live is False
    # Accepted only to say why and close: a close before accepting reaches a browser as
    # an HTTP 403, and the page could not tell the guest anything.
    assert refusals == [(True, ["link_closed"], 4403)] * 2


async def test_a_language_the_room_does_not_offer_is_refused_saying_so(service, room):
    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=xx-XX")
    seen, code = await until_closed(ws, seconds=2)

    assert connected and code == 4409
    assert [m["code"] for m in seen] == ["refused"]
    assert "doesn't offer that language" in seen[0]["message"]


async def test_a_guest_address_over_the_join_rate_is_refused_saying_so(service, room, settings):
    settings.ROOM_JOINS_PER_MINUTE = 2
    cache.clear()
    for _ in range(2):
        ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
        assert connected and (await hello(ws))["type"] == "hello"
        await ws.disconnect()

    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
    seen, code = await until_closed(ws, seconds=2)

    assert connected and code == 4429
    assert [m["code"] for m in seen] == ["rate_limited"]
    assert "Wait a minute" in seen[0]["message"]


async def test_an_expiring_link_closes_its_guests_within_a_second(service, room):
    await Room.objects.filter(pk=room.pk).aupdate(
        link_expires_at=timezone.now() + timedelta(seconds=0.5)
    )
    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
    assert connected
    await hello(ws)

    seen, code = await until_closed(ws, seconds=1.5)

    assert code == 4403 and seen[-1]["code"] == "link_closed"


async def test_deleting_the_room_closes_its_guests_within_a_second(service, room):
    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
    assert connected
    await hello(ws)

    await database_sync_to_async(lambda: Room.objects.get(pk=room.pk).delete())()
    seen, code = await until_closed(ws, seconds=1.0)

    assert code == 4403 and seen[-1]["code"] == "link_closed"


async def test_a_room_made_members_only_closes_its_guests_within_a_second(service, room):
    ws, connected, _ = await open_socket(f"/ws/listen/{room.link_token}/?language=es-ES")
    assert connected
    await hello(ws)

    def to_members() -> None:
        from rooms import events

        fresh = Room.objects.get(pk=room.pk)
        fresh.access = Room.Access.MEMBERS
        fresh.save()
        events.notify_link_changed(fresh)

    await database_sync_to_async(to_members)()
    seen, code = await until_closed(ws, seconds=1.0)

    assert code == 4403 and seen[-1]["code"] == "link_closed"
