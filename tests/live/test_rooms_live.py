"""A room live: one speaker, listeners in their own languages, through the channel layer.

The speaker's page is a ``/ws/live/`` socket whose start names the room; listeners are
``/ws/listen/<token>/?language=…`` sockets. The service is the timeline peer: every stream
echoes what it hears as speech and names each final after the labelled frames it covers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from interpreter.asgi import application
from interpreter.live import room_hub
from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession, UtteranceTranslation
from rooms import consumers, events
from rooms.models import Room
from tests import fakekrisp
from tests.fakekrisp import labelled_frames

from .conftest import ORIGIN, eventually, session_cookie
from .test_resuming_a_session import resume

pytestmark = pytest.mark.django_db(transaction=True)


class Listener:
    """One listener page's socket: what it received, and its acknowledgements."""

    def __init__(self, token: str, language: str, cookie: bytes | None) -> None:
        headers = [(b"origin", ORIGIN)] + ([(b"cookie", cookie)] if cookie else [])
        self.ws = WebsocketCommunicator(
            application, f"/ws/listen/{token}/?language={language}", headers=headers
        )
        self.messages: list[dict] = []
        self.speech = bytearray()
        self.close_code: int | None = None
        self.acknowledge = True

    async def connect(self) -> bool:
        connected, code = await self.ws.connect()
        if not connected:
            self.close_code = code
        return connected

    async def refusal(self) -> tuple[str, int | None]:
        """What a refused page learns: the error's code, then the close code."""
        error = await self.read()
        assert error is not None and error["type"] == "error", error
        assert await self.read() is None
        return error["code"], self.close_code

    async def read(self, seconds: float = 5.0) -> dict | None:
        """The next text message (speech is collected and acknowledged); None once closed."""
        while True:
            output = await self.ws.receive_output(seconds)
            if output["type"] == "websocket.close":
                self.close_code = output.get("code", 1000)
                return None
            if output.get("bytes") is not None:
                self.speech.extend(output["bytes"])
                if self.acknowledge:
                    await self.ws.send_to(
                        text_data=json.dumps({"type": "received", "received": len(self.speech)})
                    )
                continue
            message = json.loads(output["text"])
            self.messages.append(message)
            return message

    async def expect(self, kind: str, seconds: float = 5.0, **fields) -> dict:
        async def find():
            while True:
                message = await self.read(seconds)
                assert message is not None, f"closed ({self.close_code}) waiting for {kind}"
                if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
                    return message

        return await asyncio.wait_for(find(), seconds)

    async def leave(self) -> None:
        if not self.ws.future.done():
            await self.ws.disconnect(timeout=5)


@pytest.fixture
def room(alpha, alice):
    return Room.objects.create(account=alpha, owner=alice, name="Board", source_language="en-US")


@pytest.fixture
async def listen():
    opened: list[Listener] = []

    async def open_(room: Room, language: str, cookie: bytes | None):
        listener = Listener(room.link_token, language, cookie)
        # Refusals too are accepted first: a browser learns nothing from a close before it.
        assert await listener.connect(), listener.close_code
        opened.append(listener)
        return listener

    yield open_
    for listener in opened:
        await listener.leave()


@pytest.fixture
def timeline(fake):
    fake.behaviour = fakekrisp.timeline_echo(frames_per_utterance=5)
    return fake


def speak_start(room: Room, **extra) -> dict:
    return {
        "type": "start",
        "room": room.pk,
        "source_language": "en-US",
        "target_language": "",
        "voice": "female",
        **extra,
    }


async def send(page, first: int, count: int) -> None:
    for frame in labelled_frames(first, count):
        await page.send_audio(frame)


async def targets(fake) -> set[str]:
    return {c.config["target_language"] for c in fake.connections if c.config}


async def test_listeners_hear_only_their_language_and_the_session_keeps_both(
    timeline, open_browser, alice_cookie, room, listen
):
    speaker = await open_browser(alice_cookie)
    ready = await speaker.start(**speak_start(room))
    assert ready["room"]["name"] == "Board"
    spanish = await listen(room, "es-ES", alice_cookie)
    french = await listen(room, "fr-FR", alice_cookie)
    hello = await spanish.expect("hello")
    assert hello["speaking"] is True and hello["language"] == "es-ES"
    await speaker.expect("room_listeners", counts={"es-ES": 1, "fr-FR": 1})

    await send(speaker, 0, 5)
    said = await spanish.expect("translation", final=True, text="tramas 0-4")
    await french.expect("translation", final=True, text="tramas 0-4")
    assert said["utterance_id"]
    # The speaker sees what was said (from the room's streams), not a translation.
    await speaker.expect("transcript", final=True, text="frames 0-4")
    while len(spanish.speech) < 5 * 640:
        assert await spanish.read() is not None
    await speaker.send({"type": "stop"})
    await speaker.expect("ended", status="completed")
    stopped = await spanish.expect("speaker", speaking=False)
    assert "reason" not in stopped  # stopped on purpose

    assert await targets(timeline) >= {"es-ES", "fr-FR"}
    session = await TranslationSession.objects.aget(room=room)
    assert sorted(session.languages) == ["es-ES", "fr-FR"]
    translations = {
        (t.language, t.text)
        async for t in UtteranceTranslation.objects.filter(utterance__session=session)
    }
    assert translations == {("es-ES", "tramas 0-4"), ("fr-FR", "tramas 0-4")}
    assert await session.utterances.acount() == 1  # said once, whatever the streams
    assert speaker.audio == b""  # the speaker chose to hear no translation


async def test_an_original_listener_gets_the_spoken_text_and_no_speech(
    timeline, open_browser, alice_cookie, room, listen
):
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    original = await listen(room, "original", alice_cookie)
    await original.expect("hello")
    await send(speaker, 0, 5)

    await original.expect("transcript", final=True, text="frames 0-4")
    await asyncio.sleep(0.3)
    assert original.speech == b""
    assert not [m for m in original.messages if m["type"] == "translation"]


async def test_a_listeners_captions_keep_their_own_ids_when_the_text_comes_from_a_new_stream(
    timeline, open_browser, alice_cookie, room, listen
):
    # A page shows each utterance id once, replacing its text as it firms up: an id that
    # came again would overwrite an earlier line. The spoken text moves from stream to
    # stream (the original one closes once a language has a listener; a new session in
    # the room opens new streams), and each stream numbers its utterances from 1.
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    original = await listen(room, "original", alice_cookie)
    await original.expect("hello")
    await send(speaker, 0, 5)
    first = await original.expect("transcript", final=True, text="frames 0-4")

    spanish = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 1, "original": 1})
    await send(speaker, 5, 5)
    second = await original.expect("transcript", final=True)
    await speaker.send({"type": "stop"})
    await speaker.expect("ended")

    again = await open_browser(alice_cookie)
    await again.start(**speak_start(room))
    await spanish.expect("speaker", speaking=True)
    await send(again, 0, 5)
    third = await original.expect("transcript", final=True, text="frames 0-4")

    ids = [first["utterance_id"], second["utterance_id"], third["utterance_id"]]
    assert len(set(ids)) == 3, ids


async def test_a_late_listener_sees_the_last_captions_at_once(
    timeline, open_browser, alice_cookie, room, listen
):
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    first = await listen(room, "es-ES", alice_cookie)
    await first.expect("hello")
    await speaker.expect("room_listeners", counts={"es-ES": 1})
    await send(speaker, 0, 10)
    await first.expect("translation", final=True, text="tramas 5-9")

    late = await listen(room, "es-ES", alice_cookie)
    backlog = await late.expect("backlog")

    texts = [e["text"] for e in backlog["events"] if e["type"] == "translation"]
    assert texts == ["tramas 0-4", "tramas 5-9"]


async def test_before_and_after_the_speaker_the_listener_waits_and_carries_on(
    timeline, open_browser, alice_cookie, room, listen
):
    listener = await listen(room, "es-ES", alice_cookie)
    assert (await listener.expect("hello"))["speaking"] is False

    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    await listener.expect("speaker", speaking=True)
    await speaker.expect("room_listeners", counts={"es-ES": 1})  # the census found it
    await send(speaker, 0, 5)
    await listener.expect("translation", final=True, text="tramas 0-4")


async def test_a_listener_switching_language_gets_the_new_one_from_then_on(
    timeline, open_browser, alice_cookie, room, listen
):
    # As listen.js switches: the old socket closes, one in the new language opens.
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    spanish = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 1})
    await send(speaker, 0, 5)
    await spanish.expect("translation", final=True, text="tramas 0-4")

    await spanish.leave()
    french = await listen(room, "fr-FR", alice_cookie)
    await speaker.expect("room_listeners", counts={"fr-FR": 1})
    await send(speaker, 5, 5)

    await french.expect("translation", final=True, text="tramas 5-9")
    with contextlib.suppress(TimeoutError):  # Spanish's copy (its stream is in its grace)
        while await french.read(0.5) is not None:
            pass

    finals = [m["text"] for m in french.messages if m["type"] == "translation" and m["final"]]
    assert finals == ["tramas 5-9"]  # French's own stream, opened for it: nothing before
    french_stream = [c for c in timeline.connections if c.config["target_language"] == "fr-FR"]
    assert len(french_stream) == 1


@override_settings(ROOM_STREAM_GRACE_SECONDS=0.5)
async def test_a_languages_stream_closes_a_grace_period_after_its_last_listener(
    timeline, open_browser, alice_cookie, room, listen
):
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    french = await listen(room, "fr-FR", alice_cookie)
    await speaker.expect("room_listeners", counts={"fr-FR": 1})
    french_stream = next(c for c in timeline.connections if c.config["target_language"] == "fr-FR")

    await french.leave()
    await speaker.expect("room_listeners", counts={})

    assert await eventually(_closed(french_stream), seconds=5)


@override_settings(ROOM_MAX_LANGUAGES=1)
async def test_a_language_past_the_rooms_limit_is_refused_to_its_listener_alone(
    timeline, open_browser, alice_cookie, room, listen
):
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    spanish = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 1})

    french = await listen(room, "fr-FR", alice_cookie)
    refusal = await french.expect("error", code="refused")
    assert "1 languages" in refusal["message"]
    assert await french.read() is None and french.close_code == 4409

    await send(speaker, 0, 5)
    await spanish.expect("translation", final=True, text="tramas 0-4")


async def _first_of(listener: Listener, kinds: set[str]) -> dict:
    while True:
        message = await listener.read()
        assert message is not None, f"closed ({listener.close_code})"
        if message["type"] in kinds:
            return message


@override_settings(ROOM_MAX_LANGUAGES=1)
async def test_listeners_waiting_in_two_languages_open_one_when_the_room_allows_one(
    timeline, open_browser, alice_cookie, room, listen
):
    # Both wait before anyone speaks, so both rejoin at the very moment the hub starts.
    waiting = [await listen(room, lang, alice_cookie) for lang in ("es-ES", "fr-FR")]
    for listener in waiting:
        await listener.expect("hello")

    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    outcomes = [await _first_of(w, {"error", "backlog"}) for w in waiting]

    assert sorted(o["type"] for o in outcomes) == ["backlog", "error"]
    assert next(o for o in outcomes if o["type"] == "error")["code"] == "refused"
    await asyncio.sleep(0.5)  # a second language's stream would have been asked for by now
    languages = {c.config["target_language"] for c in timeline.connections if c.config}
    assert len(languages - {""}) == 1


@override_settings(ROOM_MAX_LISTENERS=1)
async def test_listeners_waiting_for_a_full_room_get_one_seat_when_it_starts(
    timeline, open_browser, alice_cookie, room, listen
):
    waiting = [await listen(room, "es-ES", alice_cookie) for _ in range(3)]
    for listener in waiting:
        await listener.expect("hello")

    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    outcomes = [await _first_of(w, {"error", "backlog"}) for w in waiting]

    assert sorted(o["type"] for o in outcomes) == ["backlog", "error", "error"]
    assert all("room is full" in o["message"] for o in outcomes if o["type"] == "error")


async def test_a_second_speaker_is_refused_with_the_name_of_the_one_speaking(
    timeline, open_browser, alice_cookie, carol, room
):
    alice_speaks = await open_browser(alice_cookie)
    await alice_speaks.start(**speak_start(room))

    carol_page = await open_browser(await _cookie(carol))
    await carol_page.send(speak_start(room))
    refusal = await carol_page.expect("error")

    assert refusal["code"] == "room_taken" and "alice is speaking" in refusal["message"]
    assert "ask the room's owner" in refusal["message"]


async def test_the_rooms_owner_takes_over_from_another_speaker(
    timeline, open_browser, alice_cookie, carol, room
):
    carol_page = await open_browser(await _cookie(carol))
    await carol_page.start(**speak_start(room))

    alice_page = await open_browser(alice_cookie)
    ready = await alice_page.start(**speak_start(room, take_over=True))

    assert ready["room"]["id"] == room.pk
    stopped = await carol_page.expect("error", code="taken_over")
    assert "alice took over the room" in stopped["message"]
    await carol_page.until_closed()
    await _refresh(room)
    assert room.speaker_id == (await _user_id("alice"))


async def test_the_same_speaker_starting_again_takes_over_their_own_earlier_page(
    timeline, open_browser, alice_cookie, room, listen
):
    # Their page reconnecting while the old connection lingers, or a second tab: one hub.
    first = await open_browser(alice_cookie)
    await first.start(**speak_start(room))
    second = await open_browser(alice_cookie)
    await second.start(**speak_start(room))

    await first.expect("error", code="taken_over")
    await first.until_closed()
    spanish = await listen(room, "es-ES", alice_cookie)
    await second.expect("room_listeners", counts={"es-ES": 1})
    await send(second, 0, 5)
    await spanish.expect("translation", final=True, text="tramas 0-4")
    await asyncio.sleep(0.5)  # a second hub's copy would be here by now
    finals = [m for m in spanish.messages if m["type"] == "translation" and m["final"]]
    assert len(finals) == 1
    await second.send({"type": "stop"})
    await second.expect("ended", status="completed")
    await _refresh(room)
    assert room.speaker_id is None  # the first page ending did not free the second's floor


@override_settings(ROOM_MAX_LIVE_PER_ACCOUNT=1)
async def test_a_room_whose_speaker_vanished_does_not_count_against_the_account(
    timeline, open_browser, alice_cookie, alpha, alice, room
):
    # A worker that died mid-session: its room still names a speaker, and nothing answers.
    crashed = await Room.objects.acreate(
        account=alpha, owner=alice, name="Crashed", source_language="en-US"
    )
    await Room.objects.filter(pk=crashed.pk).aupdate(speaker=alice, speaking_since=timezone.now())

    speaker = await open_browser(alice_cookie)
    ready = await speaker.start(**speak_start(room))

    assert ready["room"]["id"] == room.pk
    await _refresh(crashed)
    assert crashed.speaker_id is None


async def test_a_listener_joining_a_room_whose_speakers_worker_died_is_told_so(
    timeline, alice_cookie, alice, room, listen, monkeypatch
):
    # The database still names alice, but her worker is gone: no hub answers the join.
    monkeypatch.setattr(consumers, "SPEAKER_ANSWER_SECONDS", 0.5)
    await Room.objects.filter(pk=room.pk).aupdate(speaker=alice, speaking_since=timezone.now())

    listener = await listen(room, "es-ES", alice_cookie)

    assert (await listener.expect("hello"))["speaking"] is True
    lost = await listener.expect("speaker", seconds=3.0)
    assert lost == {"type": "speaker", "speaking": False, "speaker": "", "reason": "lost"}


async def test_a_live_hub_keeps_its_listeners_sure_of_the_speaker_until_it_goes_silent(
    timeline, open_browser, alice_cookie, room, listen, monkeypatch
):
    monkeypatch.setattr(room_hub, "SPEAKER_BEAT_SECONDS", 0.2)
    monkeypatch.setattr(consumers, "SPEAKER_SILENT_SECONDS", 1.0)
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    listener = await listen(room, "es-ES", alice_cookie)
    assert (await listener.expect("hello"))["speaking"] is True
    await listener.expect("backlog")

    # Three seconds of beats, each one past the silence allowed: the page hears none of
    # them, since nothing changed.
    await listener.ws.receive_nothing(timeout=3.0, interval=0.05)

    # The hub goes silent without saying it stopped, as a dead worker would.
    monkeypatch.setattr(room_hub, "SPEAKER_BEAT_SECONDS", 3600)
    lost = await listener.expect("speaker", seconds=3.0)
    assert lost["speaking"] is False and lost["reason"] == "lost"


async def test_a_speaker_who_lost_the_connection_carries_on_the_same_room_session(
    timeline, open_browser, alice_cookie, room, listen, monkeypatch
):
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.3)
    speaker = await open_browser(alice_cookie)
    session_id = (await speaker.start(**speak_start(room)))["session_id"]
    spanish = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 1})
    await send(speaker, 0, 5)
    await spanish.expect("translation", final=True, text="tramas 0-4")
    # The page learns which audio the final covers: it keeps the rest to resume with.
    said = await speaker.expect("transcript", final=True, text="frames 0-4")
    assert (said["audio_start_ms"], said["audio_end_ms"]) == (0, pytest.approx(100, abs=3))
    await speaker.leave()  # the connection drops
    await spanish.expect("speaker", speaking=False, reason="reconnecting")

    # The page held what it captured while disconnected: frames 5-9, 100 ms from 100 ms on.
    again = await open_browser(alice_cookie)
    ready = await again.start(**speak_start(room, **resume(session_id, 100, 100)))
    assert (ready["session_id"], ready["segment"], ready["resumed"]) == (session_id, 2, True)
    assert ready["catch_up_speech"] == "played"  # the room's listeners hear it
    await spanish.expect("speaker", speaking=True)
    await send(again, 5, 5)  # the held audio, at once: Spanish was reopened for it
    said = await again.expect("transcript", final=True, text="frames 5-9")
    assert said["audio_start_ms"] == pytest.approx(100, abs=3)
    if not [m for m in again.messages if m["type"] == "caught_up"]:  # (either may come first)
        await again.expect("caught_up")
    await spanish.expect("translation", final=True, text="tramas 5-9")
    await send(again, 10, 5)
    await spanish.expect("translation", final=True, text="tramas 10-14")
    await again.send({"type": "stop"})
    await again.expect("ended", status="completed")

    assert await TranslationSession.objects.filter(room=room).acount() == 1
    row = await TranslationSession.objects.aget(pk=session_id)
    assert row.segments == 2 and row.languages == ["es-ES"]
    saved = [u async for u in row.utterances.order_by("audio_start_ms")]
    assert [u.text for u in saved] == ["frames 0-4", "frames 5-9", "frames 10-14"]
    # On the session's timeline, to the peer's millisecond timestamps.
    assert [round(u.audio_start_ms / 100) for u in saved] == [0, 1, 2]
    assert len({u.utterance_id for u in saved}) == 3
    spoken = UtteranceTranslation.objects.filter(utterance__session=row).order_by(
        "utterance__audio_start_ms"
    )
    assert [t.text async for t in spoken] == ["tramas 0-4", "tramas 5-9", "tramas 10-14"]


async def test_a_resumed_room_speakers_page_gets_the_finals_it_missed_and_no_other(
    timeline, open_browser, alice_cookie, room, monkeypatch
):
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.3)
    speaker = await open_browser(alice_cookie)
    session_id = (await speaker.start(**speak_start(room)))["session_id"]
    await send(speaker, 0, 10)
    await speaker.expect("transcript", final=True, text="frames 0-4")
    # The connection drops here: "frames 5-9" is saved, but this page never sees it.
    await speaker.leave()

    async def ended() -> bool:
        row = await TranslationSession.objects.aget(pk=session_id)
        return row.status == TranslationSession.Status.COMPLETED

    assert await eventually(ended)

    again = await open_browser(alice_cookie)
    await again.start(**speak_start(room, **resume(session_id, 100, 100)))
    replayed = await again.expect("transcript", replayed=True)

    assert (replayed["text"], replayed["audio_start_ms"]) == (
        "frames 5-9",
        pytest.approx(100, abs=3),
    )
    await again.send({"type": "stop"})
    await again.expect("ended")
    assert [m["text"] for m in again.messages if m.get("replayed")] == ["frames 5-9"]


async def test_a_room_session_still_carried_by_a_half_open_connection_is_handed_over(
    timeline, open_browser, alice_cookie, room, listen, monkeypatch
):
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.3)
    speaker = await open_browser(alice_cookie)
    session_id = (await speaker.start(**speak_start(room)))["session_id"]
    spanish = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 1})
    await send(speaker, 0, 5)
    await spanish.expect("translation", final=True, text="tramas 0-4")

    # The page lost its connection, but the server hasn't noticed: it still carries it.
    again = await open_browser(alice_cookie)
    ready = await again.start(**speak_start(room, **resume(session_id, 100, 0)))

    assert (ready["session_id"], ready["segment"]) == (session_id, 2)
    await speaker.expect("error", code="resumed_elsewhere")
    await again.expect("room_listeners", counts={"es-ES": 1})
    await send(again, 5, 5)
    await spanish.expect("translation", final=True, text="tramas 5-9")
    await again.send({"type": "stop"})
    await again.expect("ended", status="completed")
    row = await TranslationSession.objects.aget(pk=session_id)
    assert (row.status, row.segments) == (TranslationSession.Status.COMPLETED, 2)
    assert [u.text async for u in row.utterances.order_by("audio_start_ms")] == [
        "frames 0-4",
        "frames 5-9",
    ]


async def test_a_plain_session_never_resumes_a_room_session(
    timeline, open_browser, alice_cookie, room
):
    # The speaker hears Spanish: the same languages and voice as the plain start below.
    speaker = await open_browser(alice_cookie)
    started = await speaker.start(**speak_start(room, target_language="es-ES"))
    session_id = started["session_id"]
    await speaker.leave()

    page = await open_browser(alice_cookie)
    ready = await page.start(
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        **resume(session_id, 0, 0),
    )

    assert ready["session_id"] != session_id and ready["segment"] == 1


async def test_a_start_that_fails_after_taking_the_floor_gives_it_up(
    timeline, open_browser, alice_cookie, room, monkeypatch
):
    from interpreter.live import store

    async def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(store, "create_room_session", fails)
    speaker = await open_browser(alice_cookie)
    await speaker.send(speak_start(room))
    await speaker.expect("error")
    await speaker.until_closed()

    await _refresh(room)
    assert room.speaker_id is None


async def test_captions_reach_a_listener_while_the_servers_sync_thread_is_busy(
    timeline, alice_cookie, room, listen
):
    # A page loading history or a glossary import holds the one sync thread; a room's
    # listeners must not queue behind it for every caption.
    listener = await listen(room, "es-ES", alice_cookie)
    await listener.expect("hello")
    busy = asyncio.create_task(sync_to_async(time.sleep)(2.0))
    await asyncio.sleep(0.1)

    await get_channel_layer().group_send(
        events.language_group(room.pk, "es-ES"),
        {"type": events.EVENT, "event": {"type": "translation", "text": "hola"}, "sent": 0},
    )
    caption = await listener.expect("translation", seconds=1.0)

    assert caption["text"] == "hola" and not busy.done()
    await busy


async def test_a_guest_is_read_only(timeline, open_browser, alice_cookie, room, listen):
    await Room.objects.filter(pk=room.pk).aupdate(access=Room.Access.LINK)
    guest = await listen(room, "es-ES", None)
    await guest.expect("hello")

    await guest.ws.send_to(text_data=json.dumps({"type": "start", "room": room.pk}))

    refusal = await guest.expect("error", code="read_only")
    assert "only receive" in refusal["message"]


async def test_a_members_room_refuses_a_guest_and_rotating_the_link_closes_its_guests(
    timeline, alice_cookie, room, listen
):
    members_only = await listen(room, "es-ES", None)
    assert await members_only.refusal() == ("link_closed", 4403)

    await Room.objects.filter(pk=room.pk).aupdate(access=Room.Access.LINK)
    guest = await listen(room, "es-ES", None)
    await guest.expect("hello")
    await _rotate(room)

    closed = await guest.expect("error", code="link_closed", seconds=1)
    assert "no longer opens" in closed["message"]
    assert await guest.read() is None and guest.close_code == 4403


async def test_a_listener_that_does_not_keep_up_drops_its_own_oldest_speech(
    timeline, open_browser, alice_cookie, room, listen, monkeypatch
):
    from rooms import consumers

    monkeypatch.setattr(consumers, "QUEUE_SECONDS", 0.2)
    monkeypatch.setattr(consumers, "WINDOW_SECONDS", 0.1)
    speaker = await open_browser(alice_cookie)
    await speaker.start(**speak_start(room))
    slow = await listen(room, "es-ES", alice_cookie)
    slow.acknowledge = False
    keeping_up = await listen(room, "es-ES", alice_cookie)
    await speaker.expect("room_listeners", counts={"es-ES": 2})

    async def listen_to_all() -> None:  # a page that reads (and acknowledges) as it comes
        while len(keeping_up.speech) < 25 * 640:
            assert await keeping_up.read() is not None

    hearing = asyncio.create_task(listen_to_all())
    for frame in labelled_frames(0, 25):  # at real time, as a speaker talks
        await speaker.send_audio(frame)
        await asyncio.sleep(0.02)

    await asyncio.wait_for(hearing, 10)  # everyone else hears all of it
    assert not [m for m in keeping_up.messages if m["type"] == "catching_up"]
    catching_up = await slow.expect("catching_up")
    assert catching_up["dropped_ms"] > 0
    assert len(slow.speech) <= 0.1 * 32000 + 640


def _closed(connection):
    async def check() -> bool:
        return connection.ws.state.name == "CLOSED"

    return check


async def _cookie(user) -> bytes:
    from channels.db import database_sync_to_async

    return await database_sync_to_async(session_cookie)(user)


async def _refresh(room: Room) -> None:
    await room.arefresh_from_db()


async def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return (await get_user_model().objects.aget(username=username)).pk


async def _rotate(room: Room) -> None:
    from channels.db import database_sync_to_async

    fresh = await Room.objects.aget(pk=room.pk)
    await database_sync_to_async(fresh.rotate_link)()
