"""A busy engine (429) or a refused connection is tried again through the same URL, where a
load balancer picks again, a bounded number of times before the caller hears of it; other
refusals are not; a reconnect that meets a busy engine keeps trying."""

from __future__ import annotations

import pytest

from krisp import (
    KrispBadRequest,
    KrispConnectionError,
    KrispRateLimited,
    StreamOptions,
    Transcript,
)
from tests import fakekrisp
from tests.ports import free_port

from .conftest import FAST, FRAME, make_client, spanish

QUICK = StreamOptions(**{**FAST.__dict__, "busy_retries": 3, "busy_backoff_base": 0.01})


def busy_then(behaviour, busy: int):
    """The first ``busy`` connections are refused as a full engine refuses them."""
    seen = []

    async def refuse_or_serve(conn: fakekrisp.Connection) -> None:
        seen.append(conn)
        if len(seen) <= busy:
            await conn.error(429, "Too Many Requests", "Max concurrent connections exceeded")
            await conn.ws.close()
            return
        await behaviour(conn)

    return refuse_or_serve


async def test_a_busy_engine_is_tried_again_and_the_next_try_is_served(fake):
    fake.behaviour = busy_then(fakekrisp.echo(frames_per_utterance=1), busy=2)
    async with make_client(fake, stream_options=QUICK).stream(spanish()) as stream:
        stream.send_audio(FRAME)
        async for event in stream:
            if isinstance(event, Transcript):
                assert event.text == "utterance 1"
                break
    assert len(fake.connections) == 3


async def test_busy_on_every_try_is_told_after_the_last(fake):
    fake.behaviour = busy_then(fakekrisp.echo(), busy=100)
    with pytest.raises(KrispRateLimited):
        async with make_client(fake, stream_options=QUICK).stream(spanish()):
            pass
    assert len(fake.connections) == 1 + QUICK.busy_retries


async def test_a_refused_connection_is_tried_again_then_told(fake):
    client = make_client(fake, stream_options=QUICK)
    client.ws_url = f"ws://127.0.0.1:{free_port()}/vt"  # nothing listens there
    with pytest.raises(KrispConnectionError) as raised:
        async with client.stream(spanish()):
            pass
    assert raised.value.elsewhere


async def test_a_refusal_another_engine_would_repeat_is_not_tried_again(fake):
    fake.behaviour = fakekrisp.scripted({"error": {"code": 400, "description": "bad voice"}})
    with pytest.raises(KrispBadRequest):
        async with make_client(fake, stream_options=QUICK).stream(spanish()):
            pass
    assert len(fake.connections) == 1


async def test_a_reconnect_that_meets_a_busy_engine_keeps_trying(fake):
    served = []

    async def drop_first_then_busy_once(conn: fakekrisp.Connection) -> None:
        served.append(conn)
        if len(served) == 1:
            await conn.ready()
            await conn.ws.close()  # the engine went away mid-session
        elif len(served) == 2:
            await conn.error(429, "Too Many Requests", "Max concurrent connections exceeded")
            await conn.ws.close()
        else:
            await fakekrisp.echo(frames_per_utterance=1)(conn)

    fake.behaviour = drop_first_then_busy_once
    async with make_client(fake, stream_options=QUICK).stream(spanish()) as stream:
        kinds = []
        async for event in stream:
            kinds.append(type(event).__name__)
            if kinds[-1] == "Reconnected":
                stream.send_audio(FRAME)
            if kinds[-1] == "Transcript":
                break
    assert "Reconnected" in kinds
    assert len(served) == 3
