from __future__ import annotations

import httpx
import pytest

from localvt.keys import DEV_API_KEY

from .conftest import base_url


async def get(server, path: str, authorization: str | None = f"api-key {DEV_API_KEY}"):
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.get(base_url(server) + path, headers=headers)


async def test_it_issues_a_session_key_that_expires(localvt):
    answer = await get(localvt, "/voice-translation/session/token?expiration_ttl=5")
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert set(data) == {"session_key", "expires_at", "key_id", "status", "type"}
    assert (data["status"], data["type"]) == ("active", "session")
    assert localvt.keys.session_key_ok(f"Api-Key {data['session_key']}")


@pytest.mark.parametrize("scheme", ["api-key", "Api-Key", "API-key", "API-KEY"])
async def test_the_scheme_word_is_case_insensitive(localvt, scheme):
    answer = await get(localvt, "/voice-translation/languages", f"{scheme} {DEV_API_KEY}")
    assert answer.status_code == 200


@pytest.mark.parametrize("ttl", ["4", "1441", "", "ten"])
async def test_a_ttl_outside_5_to_1440_minutes_is_refused(localvt, ttl):
    answer = await get(localvt, f"/voice-translation/session/token?expiration_ttl={ttl}")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 400


@pytest.mark.parametrize("ttl", ["5", "1440"])
async def test_the_ttl_bounds_are_accepted(localvt, ttl):
    answer = await get(localvt, f"/voice-translation/session/token?expiration_ttl={ttl}")
    assert answer.status_code == 200


@pytest.mark.parametrize("authorization", [None, "api-key wrong", "Bearer localvt-dev-key"])
async def test_a_missing_or_wrong_api_key_is_401(localvt, authorization):
    for path in (
        "/voice-translation/session/token?expiration_ttl=60",
        "/voice-translation/languages",
    ):
        answer = await get(localvt, path, authorization)
        assert answer.status_code == 401
        assert answer.json()["error"]["reason"] == "Unauthorized"


async def test_languages_list_what_is_installed_each_once(localvt):
    body = (await get(localvt, "/voice-translation/languages")).json()
    codes = [item["language_code"] for item in body["data"]]
    assert body["success"] is True
    assert codes[0] == "en-US"
    assert {"es-ES", "ca-ES", "gl-ES", "eo", "fr-FR"} <= set(codes)
    assert len(codes) == len(set(codes))  # es-ES is a source and a target, listed once
    assert all(set(item) == {"name", "language_code", "translates_to"} for item in body["data"])


async def test_each_language_says_what_it_translates_to(localvt):
    body = (await get(localvt, "/voice-translation/languages")).json()
    translates_to = {item["language_code"]: item["translates_to"] for item in body["data"]}
    assert {"es-ES", "fr-FR"} <= set(translates_to["en-US"])
    assert "en-US" in translates_to["es-ES"]
    assert translates_to["eo"] == []  # Whisper can't hear Esperanto: a target only


async def test_an_unknown_path_is_404(localvt):
    assert (await get(localvt, "/nothing")).status_code == 404
