from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from krisp import (
    Audio,
    KrispBadRequest,
    KrispConfigError,
    KrispConnectionError,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispServerError,
    KrispUnauthorized,
    Reconnected,
    Reconnecting,
    ServiceError,
    SessionConfig,
    StreamOptions,
    Transcript,
    Translation,
)
from tests import fakekrisp
from tests.fakekrisp import transcript

from .conftest import FAST, FRAME, make_client, spanish


async def eventually(check, seconds: float = 5.0) -> None:
    """Wait until ``check()`` is true, polling; fails after ``seconds``."""
    async with asyncio.timeout(seconds):
        while True:
            if check():
                return
            await asyncio.sleep(0.01)


async def collect(stream, count: int) -> list:
    events = []

    async def take():
        async for event in stream:
            events.append(event)
            if len(events) >= count:
                return

    await asyncio.wait_for(take(), 5)
    return events


async def test_it_connects_as_the_reference_says(fake):
    async with make_client(fake).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        await collect(stream, 1)
    conn = fake.connections[0]
    assert conn.raw_query == "authorization=Api-Key%20" + conn.session_key
    assert conn.session_key in fake.session_keys
    assert isinstance(conn.first_frame, str)
    assert json.loads(conn.first_frame) == spanish().to_message()
    assert conn.frames[0][0] == "text"
    assert set(kind for kind, _ in conn.frames[1:]) == {"binary"}


async def test_events_and_audio_come_back_typed(fake):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=20, interim_every=10)
    async with make_client(fake).stream(spanish()) as stream:
        for _ in range(20):
            stream.send_audio(FRAME)
        events = await collect(stream, 23)
    audio = [e for e in events if isinstance(e, Audio)]
    texts = [e for e in events if isinstance(e, Transcript | Translation)]
    assert b"".join(a.pcm for a in audio) == FRAME * 20
    assert texts == [
        Transcript("partial 1", False, "u1", texts[0].start, 500),
        Transcript("utterance 1", True, "u1", texts[1].start, 500, reference_id="session-42"),
        Translation("enunciado 1", True, "u1", reference_id="session-42"),
    ]
    assert stream.bytes_sent == len(FRAME) * 20


async def test_audio_goes_out_at_once_when_the_socket_is_idle(fake):
    async with make_client(fake).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        # Written before this task yielded: no sender task had a chance to run.
        assert stream.bytes_sent == len(FRAME)
        assert stream.buffered_seconds == 0
        (event,) = await collect(stream, 1)
    assert event == Audio(FRAME)


async def test_behind_a_busy_socket_audio_waits_in_the_buffer_and_keeps_its_order(fake):
    fake.behaviour = fakekrisp.scripted({"type": "ready"}, 0.5)  # reads nothing for 0.5 s
    big = b"\x00\x00" * 16000
    marks = [bytes([n, 0]) * 320 for n in (1, 2, 3)]
    async with make_client(fake).stream(spanish()) as stream:
        sent = 0
        while not stream.buffered_seconds:  # out at once until the socket backs up
            stream.send_audio(big)
            sent += 1
            assert sent < 5000, "the socket never backed up"
        for mark in marks:
            stream.send_audio(mark)
        assert sent > 1
        assert stream.buffered_seconds == (len(big) + 3 * len(FRAME)) / 32000
        conn = fake.connections[0]
        expected = big * sent + b"".join(marks)
        await eventually(lambda: len(conn.audio) >= len(expected))
    assert bytes(conn.audio) == expected
    assert stream.dropped_bytes == 0


async def test_delivered_audio_skips_the_event_queue(fake):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=2, interim_every=10)
    heard = []

    async def sink(pcm: bytes) -> None:
        heard.append(pcm)

    async with make_client(fake).stream(spanish()) as stream:
        stream.deliver_audio(sink)
        stream.send_audio(FRAME)
        stream.send_audio(FRAME)
        events = await collect(stream, 2)
    assert heard == [FRAME, FRAME]
    assert [type(e) for e in events] == [Transcript, Translation]


async def test_audio_cannot_be_redirected_once_some_arrived(fake):
    async def sink(pcm: bytes) -> None:
        raise AssertionError("not called")

    async with make_client(fake).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        await collect(stream, 1)
        with pytest.raises(RuntimeError, match="before any audio"):
            stream.deliver_audio(sink)


async def test_audio_waits_for_ready(fake):
    fake.behaviour = fakekrisp.scripted(0.3, {"type": "ready"})
    async with make_client(fake).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        await asyncio.sleep(0.2)
    assert fake.connections[0].frames[1:] == [("binary", len(FRAME))]


async def test_an_invalid_config_is_refused_before_connecting(fake):
    with pytest.raises(KrispConfigError):
        async with make_client(fake).stream(SessionConfig("en-US", "es-ES", "robot")):
            pass
    assert fake.connections == []
    assert fake.http_requests == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, KrispBadRequest),
        (402, KrispPaymentRequired),
        (429, KrispRateLimited),
        (500, KrispServerError),
    ],
)
async def test_each_error_before_ready_is_raised_typed(fake, code, error):
    fake.behaviour = fakekrisp.scripted(
        {"error": {"code": code, "reason": "r", "description": "d"}}
    )
    with pytest.raises(error) as raised:
        async with make_client(fake).stream(spanish()):
            pass
    assert raised.value.code == code
    assert raised.value.description == "d"


@pytest.mark.parametrize("code", [401, 402, 429])
async def test_a_refused_handshake_is_typed(fake, code):
    fake.ws_handshake_status = code
    with pytest.raises((KrispUnauthorized, KrispPaymentRequired, KrispRateLimited)) as raised:
        async with make_client(fake).stream(spanish()):
            pass
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("code", "error"),
    [(400, KrispBadRequest), (402, KrispPaymentRequired), (429, KrispRateLimited)],
)
async def test_a_permanent_error_after_ready_ends_the_stream(fake, code, error):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        transcript("before", "u1"),
        {"error": {"code": code, "reason": "r", "description": "after ready"}},
    )
    async with make_client(fake).stream(spanish()) as stream:
        events = []
        with pytest.raises(error):
            async for event in stream:
                events.append(event)
        with pytest.raises(error):
            stream.send_audio(FRAME)
    assert [e.text for e in events] == ["before"]
    assert len(fake.connections) == 1


async def test_a_500_after_ready_is_reported_and_the_stream_goes_on(fake):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        {"error": {"code": 500, "reason": "Internal", "description": "hiccup"}},
        transcript("still here", "u2"),
    )
    async with make_client(fake).stream(spanish()) as stream:
        first, second = await collect(stream, 2)
    assert isinstance(first, ServiceError)
    assert first.error.description == "hiccup"
    assert not first.error.permanent
    assert second.text == "still here"


async def test_an_expired_key_is_replaced_once(fake):
    client = make_client(fake)
    await client.session_key()
    fake.expire_all_session_keys()
    async with client.stream(spanish()) as stream:
        stream.send_audio(FRAME)
        await collect(stream, 1)
    assert len(fake.connections) == 2
    assert fake.connections[0].session_key != fake.connections[1].session_key


async def test_a_key_refused_twice_is_permanent(fake):
    fake.behaviour = fakekrisp.scripted(
        {"error": {"code": 401, "reason": "u", "description": "no"}}
    )
    with pytest.raises(KrispUnauthorized) as raised:
        async with make_client(fake).stream(spanish()):
            pass
    assert raised.value.permanent
    assert len(fake.connections) == 2


async def test_a_stalled_peer_times_out_waiting_for_ready(fake):
    fake.behaviour = fakekrisp.stall()
    with pytest.raises(KrispConnectionError, match="ready") as raised:
        async with make_client(fake).stream(spanish()):
            pass
    assert not raised.value.permanent


async def test_an_unreachable_stream_is_a_connection_error(fake):
    client = make_client(fake)
    client.ws_url = "ws://127.0.0.1:9/vt"
    with pytest.raises(KrispConnectionError):
        async with client.stream(spanish()):
            pass


async def test_malformed_and_unknown_frames_are_skipped(fake):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        "{not json",
        {"surprise": True},
        {"transcript": {"text": None}},
        transcript("fine", "u1"),
    )
    async with make_client(fake).stream(spanish()) as stream:
        (event,) = await collect(stream, 1)
    assert event.text == "fine"


async def test_a_dropped_connection_reconnects_and_sends_what_no_final_covered_then_what_waited(
    fake,
):
    fake.behaviour = fakekrisp.drop_after_audio(3)
    async with make_client(fake).stream(spanish()) as stream:
        for n in range(3):
            stream.send_audio(bytes([n + 1, 0]) * 320)
        events = []
        async for event in stream:
            events.append(event)
            if isinstance(event, Reconnecting):
                for _ in range(5):
                    stream.send_audio(b"\x09\x00" * 320)
            if isinstance(event, Reconnected):
                break
        echoed = await collect(stream, 8)
    assert isinstance(events[0], Transcript) and not events[0].final
    assert [type(e) for e in events[1:]] == [Reconnecting, Reconnected]
    assert events[1].attempt == 1
    assert "dropped" in events[1].reason
    assert events[2].dropped_bytes == 0
    # Only an interim came for the three frames the first connection heard: the service lost
    # that utterance with the connection, so the new one hears it again, before what waited.
    assert events[2].resent_bytes == 3 * 640
    second = fake.connections[1]
    assert json.loads(second.first_frame) == spanish().to_message()
    assert bytes(second.audio) == b"".join(bytes([n, 0]) * 320 for n in (1, 2, 3)) + (
        b"\x09\x00" * 320 * 5
    )
    assert all(isinstance(e, Audio) for e in echoed)
    assert stream.reconnects == 1


async def test_after_a_reconnect_only_the_audio_past_the_last_final_is_sent_again(fake):
    chunk = 3200  # 100 ms
    first_connection = []

    async def final_then_drop(conn: fakekrisp.Connection) -> None:
        if first_connection:
            await fakekrisp.echo()(conn)
            return
        first_connection.append(conn)
        heard_from = datetime.now(UTC)
        await conn.ready()
        count = 0
        async for message in conn.frames_in():
            count += isinstance(message, bytes)
            if count == 3:
                # A final for the first 200 ms, on the audio's own timeline, as localvt
                # stamps them; then the connection is lost with the third 100 ms unfinished.
                final = transcript("two frames", "u1")
                final["transcript"]["start"] = heard_from.isoformat(timespec="milliseconds")
                final["transcript"]["duration"] = 200
                await conn.send_json(final)
                await asyncio.sleep(0.2)
                conn.ws.transport.abort()
                return

    fake.behaviour = final_then_drop
    async with make_client(fake).stream(spanish()) as stream:
        for n in range(3):
            stream.send_audio(bytes([n + 1, 0]) * (chunk // 2))
        events = []
        async for event in stream:
            events.append(event)
            if isinstance(event, Reconnected):
                break
        stream.send_audio(b"\x09\x00" * (chunk // 2))
        await eventually(lambda: len(fake.connections) > 1 and fake.connections[1].audio)
        await eventually(lambda: len(fake.connections[1].audio) >= 2 * chunk)
    final = next(e for e in events if isinstance(e, Transcript))
    assert final.final and final.offset_ms < 50
    assert events[-1].resent_bytes == chunk
    assert bytes(fake.connections[1].audio) == b"\x03\x00" * (chunk // 2) + b"\x09\x00" * (
        chunk // 2
    )


async def test_it_gives_up_after_the_bounded_reconnect_attempts(fake):
    fake.behaviour = fakekrisp.drop_after_audio(1, then=fakekrisp.stall())
    async with make_client(fake).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        seen = []
        with pytest.raises(KrispConnectionError, match="3 reconnects failed"):
            async for event in stream:
                seen.append(event)
    assert [e.attempt for e in seen if isinstance(e, Reconnecting)] == [1, 2, 3]


async def test_audio_past_the_buffer_bound_drops_the_oldest_and_counts_it(fake):
    options = StreamOptions(buffer_seconds=0.1, ready_timeout=1)
    fake.behaviour = fakekrisp.drop_after_audio(1, then=fakekrisp.stall())
    async with make_client(fake, stream_options=options).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        await asyncio.sleep(0.3)  # the peer dropped; nothing can be sent
        for _ in range(10):
            stream.send_audio(FRAME)
        assert stream.buffered_seconds <= 0.1
        assert stream.dropped_bytes == 5 * len(FRAME)


async def test_sending_never_blocks_on_a_peer_that_stopped_reading(fake):
    fake.behaviour = fakekrisp.scripted({"type": "ready"}, 30.0)
    options = StreamOptions(buffer_seconds=1)
    async with make_client(fake, stream_options=options).stream(spanish()) as stream:
        loop = asyncio.get_running_loop()
        started = loop.time()
        big = b"\x00" * 32000
        for _ in range(200):
            stream.send_audio(big)
        assert loop.time() - started < 1
        assert stream.buffered_seconds <= 1
        assert stream.dropped_bytes > 0


def test_odd_length_audio_is_refused():
    from krisp import KrispStream

    stream = KrispStream(spanish(), lambda refresh: None, "ws://x", FAST)
    with pytest.raises(ValueError, match="16-bit"):
        stream.send_audio(b"\x00\x01\x02")


async def test_a_service_that_drops_every_new_connection_is_given_up_on(fake):
    async def ready_then_drop(conn):
        await conn.ready()
        await asyncio.sleep(0.05)
        conn.ws.transport.abort()

    fake.behaviour = ready_then_drop
    async with make_client(fake).stream(spanish()) as stream:
        attempts = []
        with pytest.raises(KrispConnectionError, match="kept dropping"):
            async for event in stream:
                if isinstance(event, Reconnecting):
                    attempts.append(event.attempt)
    assert attempts == [1, 2, 3]
    assert len(fake.connections) == 4


async def test_a_key_refused_after_ready_again_and_again_is_permanent(fake):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"}, 0.05, {"error": {"code": 401, "reason": "u", "description": "no"}}
    )
    async with make_client(fake).stream(spanish()) as stream:
        with pytest.raises(KrispUnauthorized, match="fresh session key"):
            async for _ in stream:
                pass
    assert len(fake.connections) == 2
