"""A KrispStream fed arbitrary frames after ready yields typed events or one KrispError.

The live consumer only handles the KrispError family (anything else becomes "Something
went wrong on our side"), so the stream must turn every odd reply — unknown or broken
JSON, error frames with any code, empty or oversized binary frames — into a typed event,
a skipped frame, a reconnect, or a KrispError. Each example ends with a sentinel final
transcript (sent again after any reconnect), so a lost or stuck stream shows up as a
timeout rather than passing silently.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from krisp import (
    Audio,
    KrispClient,
    KrispError,
    Reconnected,
    Reconnecting,
    ServiceError,
    SessionConfig,
    StreamOptions,
    Transcript,
    Translation,
)
from tests.fakekrisp import API_KEY, Connection, FakeKrisp, transcript

from .strategies import service_text_frames

MAX_FRAME = 4096
OPTIONS = StreamOptions(
    open_timeout=2,
    ready_timeout=1,
    ping_interval=None,
    ping_timeout=None,
    close_timeout=0.2,
    max_frame_bytes=MAX_FRAME,
    reconnect_attempts=2,
    backoff_base=0.01,
    backoff_cap=0.02,
)
EVENTS = (Transcript, Translation, ServiceError, Audio, Reconnecting, Reconnected)
SENTINEL = "sentinel-end"

service_frames = st.lists(
    st.one_of(
        service_text_frames,
        st.binary(max_size=64),
        st.integers(MAX_FRAME + 1, MAX_FRAME * 3).map(lambda n: b"\x00" * n),
        st.integers(MAX_FRAME, MAX_FRAME * 3).map(lambda n: "x" * n),
    ),
    max_size=12,
)


@pytest.fixture
async def fake():
    async with FakeKrisp() as peer:
        yield peer


def frames_then_sentinel(frames: list[str | bytes]):
    """First connection: ready, ``frames``, sentinel; any reconnect: ready, sentinel."""
    served: list[Connection] = []

    async def behaviour(conn: Connection) -> None:
        served.append(conn)
        await conn.ready()
        if len(served) == 1:
            for frame in frames:
                await conn.ws.send(frame)
        await conn.send_json(transcript("end", SENTINEL))
        async for _ in conn.frames_in():
            pass

    return behaviour


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frames=service_frames)
async def test_any_reply_after_ready_is_a_typed_event_or_a_krisp_error(fake, frames) -> None:
    fake.behaviour = frames_then_sentinel(frames)
    client = KrispClient(
        API_KEY, api_base=fake.api_base, ws_url=fake.ws_url, stream_options=OPTIONS
    )
    config = SessionConfig(source_language="en-US", target_language="es-ES", voice="female")
    seen: list[object] = []
    outcome: str | None = None

    async with client.stream(config) as stream:
        try:
            async with asyncio.timeout(5):
                async for item in stream:
                    seen.append(item)
                    assert isinstance(item, EVENTS), item
                    if isinstance(item, Transcript) and item.utterance_id == SENTINEL:
                        outcome = "sentinel"
                        break
        except KrispError as exc:
            outcome = "error"
            assert isinstance(exc.user_message, str) and exc.user_message

    event(f"outcome: {outcome}")
    assert outcome is not None, f"the stream ended without the sentinel or an error: {seen}"
    left = [t for t in asyncio.all_tasks() if t.get_name().startswith("krisp-") and not t.done()]
    assert left == []
    for item in seen:
        if isinstance(item, Audio):
            assert 0 < len(item.pcm) <= MAX_FRAME
