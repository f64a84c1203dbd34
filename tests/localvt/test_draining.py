"""Draining (SIGTERM): no new sessions; live ones get a grace period; then each, at its next
pause, answers what it heard and tells its client with the reference's 500 error to
reconnect (elsewhere, through a balancer), and the socket closes with 1012."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions
from localvt.session import HANDOVER

from .conftest import SILENCE, config, finals, next_json, open_socket
from .speech import espeak_clip


@pytest.fixture
async def engine(localvt_engines):
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}))
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop()


async def live_socket(server):
    ws = await open_socket(server)
    await ws.send(config())
    assert await next_json(ws) == {"type": "ready"}
    return ws


async def until_closed(ws) -> tuple[list[dict], int]:
    """Every event up to the close, and the close code."""
    events = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            events.append(await next_json(ws, wait=30))
    return events, closed.value.rcvd.code


async def test_a_drained_session_answers_what_it_heard_then_says_reconnect(engine, tmp_path):
    ws = await live_socket(engine)
    await ws.send(espeak_clip("Good morning everyone, thank you for coming.", tmp_path))
    drain = asyncio.create_task(engine.drain(grace=0))
    await ws.send(SILENCE)  # the pause at which it hands over

    events, code = await until_closed(ws)
    await asyncio.wait_for(drain, 30)

    (transcript,) = finals(events, "transcript")
    assert "morning" in transcript["text"].lower()
    assert finals(events, "translate")
    assert events[-1]["error"]["code"] == 500
    assert events[-1]["error"]["description"] == HANDOVER
    assert code == 1012


async def test_an_idle_session_is_handed_over_at_once(engine):
    ws = await live_socket(engine)
    await asyncio.wait_for(engine.drain(grace=0), 10)
    events, code = await until_closed(ws)
    assert [e["error"]["code"] for e in events] == [500]
    assert code == 1012


async def test_a_draining_engine_takes_no_new_connections(engine):
    ws = await live_socket(engine)
    drain = asyncio.create_task(engine.drain(grace=30))
    await asyncio.sleep(0.2)
    with pytest.raises(OSError):
        await open_socket(engine, key=DEV_API_KEY)
    await ws.close()
    await asyncio.wait_for(drain, 5)  # the last session ended: no need to wait the grace out


async def test_a_session_that_ends_within_the_grace_is_told_nothing(engine):
    ws = await live_socket(engine)
    drain = asyncio.create_task(engine.drain(grace=30))
    await asyncio.sleep(0.3)
    await ws.send(SILENCE)
    with pytest.raises(TimeoutError):
        await next_json(ws, wait=0.5)
    await ws.close()
    await asyncio.wait_for(drain, 5)
