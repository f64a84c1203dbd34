"""CORS on the REST endpoints: preflights are answered without authentication; only the
origins in ``LOCALVT_CORS_ORIGINS`` may read answers (``*`` is an explicit opt-in); the
``Authorization`` header is allowed; credentials never are."""

from __future__ import annotations

import httpx
import pytest

from localvt.__main__ import cors_origins
from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import base_url

APP = "https://app.example.com"
LANGUAGES = "/voice-translation/languages"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization",
}


@pytest.fixture
async def serve(localvt_engines):
    started: list[LocalVT] = []

    async def start(origins: str) -> LocalVT:
        options = ServerOptions(api_keys={DEV_API_KEY}, cors_origins=cors_origins(origins))
        server = LocalVT(localvt_engines, options)
        await server.start("127.0.0.1", 0)
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


async def request(server, method: str, path: str, headers: dict) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.request(method, base_url(server) + path, headers=headers)


@pytest.mark.parametrize("path", [LANGUAGES, "/voice-translation/session/token"])
async def test_a_preflight_is_answered_without_a_key(serve, path):
    server = await serve(APP)
    answer = await request(server, "OPTIONS", path, PREFLIGHT)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == APP
    assert "authorization" in answer.headers["access-control-allow-headers"].lower()
    assert "GET" in answer.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in answer.headers


async def test_a_listed_origin_may_read_the_languages_and_the_refusals(serve):
    server = await serve(f"https://other.example.org, {APP}")
    ok = await request(
        server, "GET", LANGUAGES, {"Origin": APP, "Authorization": "API-key " + DEV_API_KEY}
    )
    refused = await request(server, "GET", LANGUAGES, {"Origin": APP, "Authorization": "API-key x"})
    assert ok.status_code == 200 and refused.status_code == 401
    for answer in (ok, refused):
        assert answer.headers["access-control-allow-origin"] == APP
        assert answer.headers["vary"] == "Origin"
        assert "access-control-allow-credentials" not in answer.headers


async def test_an_origin_that_is_not_listed_gets_no_cors_headers(serve):
    server = await serve(APP)
    headers = {**PREFLIGHT, "Origin": "https://evil.example.net"}
    answer = await request(server, "OPTIONS", LANGUAGES, headers)
    assert "access-control-allow-origin" not in answer.headers


async def test_by_default_no_origin_is_allowed(serve):
    server = await serve("")
    answer = await request(server, "OPTIONS", LANGUAGES, PREFLIGHT)
    assert "access-control-allow-origin" not in answer.headers


async def test_a_star_allows_any_origin_without_credentials(serve):
    server = await serve("*")
    answer = await request(
        server,
        "GET",
        LANGUAGES,
        {"Origin": "https://anywhere.example", "Authorization": "API-key " + DEV_API_KEY},
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers


async def test_other_methods_are_refused(serve):
    server = await serve(APP)
    answer = await request(server, "POST", LANGUAGES, {"Origin": APP})
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == 405


@pytest.mark.parametrize("value", ["app.example.com", "https://app.example.com/path", "ftp://x"])
def test_a_value_that_is_not_an_origin_is_refused_naming_the_variable(value):
    with pytest.raises(ValueError, match="LOCALVT_CORS_ORIGINS"):
        cors_origins(value)
