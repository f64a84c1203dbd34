"""``/vt`` and the languages call take an accepted API key or a live session key (Krisp's
browser SDK uses one API key for both); an expired or revoked key of either kind is a 401
in the reference's error shape. Only an API key mints session keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import base_url, config, next_json, open_socket

LANGUAGES = "/voice-translation/languages"
TOKEN = "/voice-translation/session/token?expiration_ttl=5"
SECRET = "a-secret-shared-by-every-engine-0123456789"


async def get(server, path: str, key: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.get(base_url(server) + path, headers={"Authorization": f"API-key {key}"})


async def opens(server, key: str) -> dict:
    """The first event a stream opened with ``key`` gets, and the socket closed after."""
    ws = await open_socket(server, key=key)
    await ws.send(config())
    event = await next_json(ws)
    if event != {"type": "ready"}:
        with pytest.raises(ConnectionClosed):
            await next_json(ws, wait=3)
    await ws.close()
    return event


def expired_key(server) -> str:
    return server.keys.issue(5, DEV_API_KEY, now=datetime.now(UTC) - timedelta(minutes=6))[
        "session_key"
    ]


def assert_unauthorized(body: dict) -> None:
    assert body["success"] is False
    assert body["error"]["code"] == 401
    assert body["error"]["reason"] == "Unauthorized"
    assert body["error"]["description"]


async def test_the_api_key_opens_a_stream(localvt):
    assert await opens(localvt, DEV_API_KEY) == {"type": "ready"}


async def test_a_session_key_opens_a_stream(localvt):
    key = (await get(localvt, TOKEN, DEV_API_KEY)).json()["data"]["session_key"]
    assert await opens(localvt, key) == {"type": "ready"}


async def test_a_session_key_lists_the_languages(localvt):
    key = (await get(localvt, TOKEN, DEV_API_KEY)).json()["data"]["session_key"]
    answer = await get(localvt, LANGUAGES, key)
    assert answer.status_code == 200
    assert "en-US" in [item["language_code"] for item in answer.json()["data"]]


async def test_an_expired_session_key_is_refused_by_both(localvt):
    key = expired_key(localvt)
    answer = await get(localvt, LANGUAGES, key)
    assert answer.status_code == 401
    assert_unauthorized(answer.json())
    error = (await opens(localvt, key))["error"]
    assert (error["code"], error["reason"]) == (401, "Unauthorized")


async def test_a_revoked_api_key_and_its_session_keys_are_refused_by_both(localvt_engines):
    kept, revoked = "team-a-key", "team-b-key"
    before = LocalVT(localvt_engines, ServerOptions(api_keys={kept, revoked}, secret=SECRET))
    minted = before.keys.issue(60, revoked)["session_key"]
    # The operator removes the key from LOCALVT_API_KEYS and restarts the engine.
    after = LocalVT(localvt_engines, ServerOptions(api_keys={kept}, secret=SECRET))
    await after.start("127.0.0.1", 0)
    try:
        for key in (revoked, minted):
            answer = await get(after, LANGUAGES, key)
            assert answer.status_code == 401
            assert_unauthorized(answer.json())
            assert (await opens(after, key))["error"]["code"] == 401
        assert (await get(after, LANGUAGES, kept)).status_code == 200
    finally:
        await after.stop()


async def test_a_session_key_does_not_mint_session_keys(localvt):
    key = (await get(localvt, TOKEN, DEV_API_KEY)).json()["data"]["session_key"]
    answer = await get(localvt, TOKEN, key)
    assert answer.status_code == 401
    assert_unauthorized(answer.json())


@pytest.mark.parametrize("key", ["session_key_", "session_key_e30.AAAA", "session_key_!!.??"])
async def test_a_forged_or_garbled_session_key_is_refused(localvt, key):
    assert (await get(localvt, LANGUAGES, key)).status_code == 401
    assert (await opens(localvt, key))["error"]["code"] == 401
