"""Every refusal localvt makes arrives in the reference's error shape, then the socket closes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from websockets.exceptions import ConnectionClosed

from localvt.keys import DEV_API_KEY

from .conftest import config, next_json, open_socket


async def refusal(ws, first: str | bytes) -> dict:
    await ws.send(first)
    event = await next_json(ws)
    with pytest.raises(ConnectionClosed):
        await next_json(ws, wait=3)
    return event["error"]


@pytest.mark.parametrize(
    ("first", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', '{"config"'),
        (b"\x00\x01" * 320, "Audio arrived before the config"),
        (config(source_language=None), "source_language is required"),
        (config(target_language=None), "target_language is required"),
        (config(voice=None), "voice is required"),
        (config(voice="robot"), "Invalid voice"),
        (config(audio={"format": "opus"}), "only pcm_s16le"),
        (config(audio={"sample_rate": 48000}), "only 16000 Hz"),
        (config(audio={"channels": 2}), "only mono"),
        (config(target_language="de-DE"), "Supported: en-US -> es-ES"),
        (config(source_language="eo", target_language="gl-ES"), "Unsupported language pair"),
        (config(transcript={"interim": "yes"}), "transcript.interim must be a boolean"),
        (config(vocabulary="one"), "vocabulary must be a list"),
        (config(translation_dictionary=[{"source": 1}]), "translation_dictionary entries"),
    ],
)
async def test_a_bad_config_is_a_400_that_says_why(localvt, first, words):
    ws = await open_socket(localvt)
    error = await refusal(ws, first)
    assert (error["code"], error["reason"]) == (400, "Bad Request")
    assert words in error["description"]


async def test_an_unsupported_pair_names_the_supported_ones(localvt):
    error = await refusal(await open_socket(localvt), config(target_language="de-DE"))
    assert "es-ES" in error["description"] and "fr-FR" in error["description"]


async def test_an_unsupported_pair_lists_the_supported_ones_by_source(localvt):
    unsupported = config(source_language="eo", target_language="gl-ES")
    error = await refusal(await open_socket(localvt), unsupported)
    assert error["description"].startswith("Unsupported language pair eo -> gl-ES.")
    assert "; es-ES -> en-US, fr-FR;" in error["description"]
    assert "fr-FR -> en-US, es-ES" in error["description"]


@pytest.mark.parametrize("key", ["", "session_key_made_up"])
async def test_a_missing_or_invalid_session_key_is_401(localvt, key):
    error = await refusal(await open_socket(localvt, key=key), config())
    assert (error["code"], error["reason"]) == (401, "Unauthorized")


async def test_an_expired_session_key_is_401(localvt):
    issued = localvt.keys.issue(5, DEV_API_KEY, now=datetime.now(UTC) - timedelta(minutes=6))
    error = await refusal(await open_socket(localvt, key=issued["session_key"]), config())
    assert error["code"] == 401


async def test_sessions_past_the_limit_get_429(localvt):
    open_ones = []
    for _ in range(3):
        ws = await open_socket(localvt)
        await ws.send(config())
        assert await next_json(ws) == {"type": "ready"}
        open_ones.append(ws)
    error = await refusal(await open_socket(localvt), config())
    assert (error["code"], error["reason"]) == (429, "Too Many Requests")
    await open_ones[0].close()
    for _ in range(50):
        if len(localvt.sessions) < 3:
            break
        await __import__("asyncio").sleep(0.05)
    again = await open_socket(localvt)
    await again.send(config())
    assert await next_json(again) == {"type": "ready"}
    for ws in [*open_ones[1:], again]:
        await ws.close()


async def test_an_odd_length_audio_frame_is_a_400_with_the_reference_id(localvt):
    ws = await open_socket(localvt)
    await ws.send(config())
    assert await next_json(ws) == {"type": "ready"}
    error = await refusal(ws, b"\x00\x01\x02")
    assert error["code"] == 400
    assert "16-bit" in error["description"]
    assert error["reference_id"] == "ref-1"


async def test_text_after_the_config_and_silence_do_not_end_a_session(localvt):
    ws = await open_socket(localvt)
    await ws.send(config())
    assert await next_json(ws) == {"type": "ready"}
    await ws.send("{}")
    await ws.send("garbage")
    await ws.send(b"\0" * 64000)
    await ws.send(b"")
    with pytest.raises(TimeoutError):
        await next_json(ws, wait=1.5)
    await ws.close()
    assert json.loads(config())  # the server is still up for the next client
    second = await open_socket(localvt)
    await second.send(config())
    assert await next_json(second) == {"type": "ready"}
    await second.close()
