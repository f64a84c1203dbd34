"""Session keys are signed, not stored: engines that share ``LOCALVT_SECRET`` accept each
other's keys; engines that don't (or have no secret) accept only their own."""

from __future__ import annotations

import httpx
import pytest

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import base_url, config, next_json, open_socket

SECRET = "a-secret-shared-by-every-engine-0123456789"
OTHER_SECRET = "another-deployment-s-secret-9876543210abcd"


@pytest.fixture
async def engines(localvt_engines):
    """Start engines on their own ports with the given secrets; stopped at the end."""
    started: list[LocalVT] = []

    async def start(secret: str | None, api_keys=frozenset({DEV_API_KEY})) -> LocalVT:
        server = LocalVT(localvt_engines, ServerOptions(api_keys=set(api_keys), secret=secret))
        await server.start("127.0.0.1", 0)
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


async def mint(server: LocalVT, api_key: str = DEV_API_KEY) -> str:
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = await http.get(
            base_url(server) + "/voice-translation/session/token?expiration_ttl=30",
            headers={"Authorization": f"api-key {api_key}"},
        )
    assert answer.status_code == 200
    return answer.json()["data"]["session_key"]


async def first_event(server: LocalVT, key: str) -> dict:
    ws = await open_socket(server, key=key)
    await ws.send(config())
    event = await next_json(ws)
    await ws.close()
    return event


async def test_a_key_minted_by_engine_a_works_on_engine_b(engines):
    a, b = await engines(SECRET), await engines(SECRET)
    key = await mint(a)
    assert await first_event(b, key) == {"type": "ready"}
    assert await first_event(a, key) == {"type": "ready"}


async def test_an_engine_with_another_secret_refuses_the_key(engines):
    a, elsewhere = await engines(SECRET), await engines(OTHER_SECRET)
    event = await first_event(elsewhere, await mint(a))
    assert event["error"]["code"] == 401


async def test_without_a_secret_an_engine_takes_its_own_keys_only(engines):
    a, b = await engines(None), await engines(None)
    key = await mint(a)
    assert await first_event(a, key) == {"type": "ready"}
    assert (await first_event(b, key))["error"]["code"] == 401


async def test_a_revoked_api_key_s_session_key_is_refused_on_every_engine(engines):
    revoked = "team-b-key"
    a = await engines(SECRET, {DEV_API_KEY, revoked})
    key = await mint(a, revoked)
    # Every engine restarted without the key: the one that minted it and the others.
    for server in (await engines(SECRET), await engines(SECRET)):
        assert (await first_event(server, key))["error"]["code"] == 401
        assert await first_event(server, await mint(a)) == {"type": "ready"}


def test_a_short_secret_is_refused_with_a_message_that_says_how_to_make_one():
    from localvt.keys import KeyStore

    with pytest.raises(ValueError, match=r"at least 32 characters.*token_urlsafe"):
        KeyStore({DEV_API_KEY}, "short")
