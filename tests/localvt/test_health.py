"""``/health`` says how loaded the engine is, with a status a balancer's check can use:
200 while it takes new sessions, 503 when it is full."""

from __future__ import annotations

import asyncio

import httpx

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import config, next_json, open_socket


async def health(server) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.get(f"http://127.0.0.1:{server.port}/health")


async def test_an_engine_with_room_answers_200_with_its_load(localvt):
    answer = await health(localvt)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "accepting": True, "sessions": 0, "capacity": 3}


async def test_a_full_engine_answers_503_until_a_session_ends(localvt_engines):
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}, max_sessions=1))
    await server.start("127.0.0.1", 0)
    try:
        ws = await open_socket(server)
        await ws.send(config())
        assert await next_json(ws) == {"type": "ready"}
        full = await health(server)
        await ws.close()
        await ws.wait_closed()
        for _ in range(100):  # the session ends just after its socket closes
            room = await health(server)
            if room.status_code == 200:
                break
            await asyncio.sleep(0.05)
    finally:
        await server.stop()
    assert full.status_code == 503
    assert full.json() == {"status": "full", "accepting": False, "sessions": 1, "capacity": 1}
    assert room.status_code == 200
