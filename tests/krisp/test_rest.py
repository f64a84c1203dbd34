from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from krisp import (
    KrispClient,
    KrispConfigError,
    KrispConnectionError,
    KrispPaymentRequired,
    KrispRateLimited,
    KrispServerError,
    KrispUnauthorized,
    Language,
)

from .conftest import make_client


def token_requests(fake):
    return [r for r in fake.http_requests if r.path.startswith("/v2/sdk/voice-translation/session")]


async def test_it_fetches_a_session_key_with_the_documented_request(fake):
    key = await make_client(fake, session_key_ttl_minutes=30).session_key()
    request = token_requests(fake)[0]
    assert request.path == "/v2/sdk/voice-translation/session/token?expiration_ttl=30"
    assert request.headers["Authorization"] == "api-key test-api-key-0123456789"
    assert key.session_key in fake.session_keys
    assert key.expires_at.tzinfo is not None
    assert key.expires_at > datetime.now(UTC) + timedelta(minutes=29)
    assert (key.key_id, key.status, key.type) == (1, "active", "session")
    assert "session_key_" not in repr(key)


async def test_a_key_is_reused_until_shortly_before_it_expires(fake):
    client = make_client(fake, session_key_ttl_minutes=10)
    first = await client.session_key()
    assert await client.session_key() is first
    fake.session_key_lifetime = timedelta(seconds=30)
    client.forget_session_key()
    short = await client.session_key()
    assert await client.session_key() is not short  # 30 s left is inside the renewal margin
    assert len(token_requests(fake)) == 3


async def test_concurrent_callers_share_one_request(fake):
    client = make_client(fake)
    keys = await asyncio.gather(*(client.session_key() for _ in range(10)))
    assert len({k.session_key for k in keys}) == 1
    assert len(token_requests(fake)) == 1


@pytest.mark.parametrize("ttl", [4, 1441, 0, "60"])
def test_the_ttl_must_be_between_5_and_1440_minutes(ttl):
    with pytest.raises(KrispConfigError):
        KrispClient("key", session_key_ttl_minutes=ttl)


@pytest.mark.parametrize("ttl", [5, 1440])
def test_the_ttl_bounds_are_inclusive(ttl):
    assert KrispClient("key", session_key_ttl_minutes=ttl).session_key_ttl_minutes == ttl


def test_a_client_without_an_api_key_is_a_configuration_error():
    with pytest.raises(KrispConfigError, match="KRISP_API_KEY"):
        KrispClient("")


@pytest.mark.parametrize(
    ("status", "error", "permanent"),
    [
        (401, KrispUnauthorized, True),
        (402, KrispPaymentRequired, True),
        (429, KrispRateLimited, True),
        (500, KrispServerError, False),
    ],
)
async def test_each_error_code_of_the_token_call_is_typed(fake, status, error, permanent):
    fake.token_status = status
    with pytest.raises(error) as raised:
        await make_client(fake).session_key()
    assert raised.value.permanent is permanent
    assert raised.value.user_message


async def test_a_wrong_api_key_is_unauthorized(fake):
    client = KrispClient("wrong-key", api_base=fake.api_base, ws_url=fake.ws_url)
    with pytest.raises(KrispUnauthorized):
        await client.session_key()


async def test_an_unreachable_service_is_a_retryable_connection_error():
    client = KrispClient("k", api_base="http://127.0.0.1:9/v2/sdk", ws_url="ws://127.0.0.1:9/vt")
    with pytest.raises(KrispConnectionError) as raised:
        await client.languages()
    assert not raised.value.permanent


async def test_it_lists_languages_with_the_documented_header(fake):
    languages = await make_client(fake).languages()
    request = fake.http_requests[-1]
    assert request.path == "/v2/sdk/voice-translation/languages"
    assert request.headers["Authorization"] == "API-Key test-api-key-0123456789"
    assert Language("es-ES", "Spanish (Spain)") in languages
    assert [lang.code for lang in languages] == ["en-US", "es-ES", "fr-FR"]


async def test_a_language_says_what_it_translates_to_only_when_the_service_does(fake):
    fake.languages = [
        {"name": "English", "language_code": "en-US", "translates_to": ["es-ES", 7]},
        {"name": "Esperanto", "language_code": "eo", "translates_to": []},
        {"name": "Spanish", "language_code": "es-ES"},
    ]
    languages = await make_client(fake).languages()
    assert [lang.targets for lang in languages] == [("es-ES",), (), None]


async def test_languages_are_cached_for_a_short_time(fake):
    client = make_client(fake, languages_ttl_seconds=60)
    await client.languages()
    fake.languages.append({"name": "German", "language_code": "de-DE"})
    assert len(await client.languages()) == 3
    assert len(await client.languages(refresh=True)) == 4
    expiring = make_client(fake, languages_ttl_seconds=0)
    await expiring.languages()
    fake.languages.pop()
    assert len(await expiring.languages()) == 3


@pytest.mark.parametrize("body", [{"success": True}, {"data": {"a": 1}}, [1]])
async def test_a_languages_answer_without_a_data_list_is_an_error(fake, body):
    fake.languages_body = body
    with pytest.raises(KrispServerError):
        await make_client(fake).languages()
