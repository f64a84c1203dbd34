"""localvt as Krisp's browser SDK (krispai/vt-js-sdk 1.1.1) talks to it: one API key for
the languages call (``Authorization: API-key <key>``, after a CORS preflight from the
page's origin) and for the socket (``authorization=Api-Key <key>``); a hello with no
``audio.channels`` and with ``features``; audio in 2,560-byte frames (80 ms)."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import connect

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import DASHWOOD, SILENCE, finals, read_pcm

PAGE = "https://meeting.example.com"
SDK_FRAME = 2560  # the SDK's 80 ms of 16 kHz mono s16le


def sdk_hello() -> str:
    """The ClientHello the SDK builds for start({from, to, voice, features})."""
    return json.dumps(
        {
            "config": {
                "audio": {"format": "pcm_s16le", "sample_rate": 16000},
                "source_language": "en-US",
                "target_language": "es-ES",
                "voice": "male",
                "transcript": {"interim": True, "final": True, "translate": True},
                "features": {"background_voice_cancellation": True},
            }
        }
    )


@pytest.fixture
async def engine(localvt_engines):
    options = ServerOptions(api_keys={DEV_API_KEY}, cors_origins=frozenset({PAGE}))
    server = LocalVT(localvt_engines, options)
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop()


async def test_the_page_may_list_the_languages_with_the_api_key(engine):
    url = f"http://127.0.0.1:{engine.port}/v2/sdk/voice-translation/languages"
    async with httpx.AsyncClient(trust_env=False) as http:
        preflight = await http.options(
            url,
            headers={
                "Origin": PAGE,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        answer = await http.get(
            url, headers={"Origin": PAGE, "Authorization": f"API-key {DEV_API_KEY}"}
        )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == PAGE
    assert preflight.headers["access-control-allow-headers"].lower() == "authorization"
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == PAGE
    body = answer.json()
    assert isinstance(body["data"], list)
    assert {"name", "language_code"} <= set(body["data"][0])


async def test_the_same_api_key_streams_speech_sent_in_80_ms_frames(engine):
    authorization = quote(f"Api-Key {DEV_API_KEY}")
    ws = await connect(
        f"ws://127.0.0.1:{engine.port}/vt?authorization={authorization}",
        proxy=None,
        compression=None,
        origin=PAGE,
    )
    await ws.send(sdk_hello())
    assert json.loads(await ws.recv()) == {"type": "ready"}
    speech = read_pcm(DASHWOOD) + SILENCE
    for offset in range(0, len(speech), SDK_FRAME):
        await ws.send(speech[offset : offset + SDK_FRAME])
        await asyncio.sleep(0.02)  # four times real time
    events, audio = [], bytearray()
    async with asyncio.timeout(60):
        while not finals(events, "translate") or len(audio) < 32000:
            message = await ws.recv()
            if isinstance(message, bytes):
                audio.extend(message)
            else:
                events.append(json.loads(message))
    await ws.close()

    (transcript,) = finals(events, "transcript")
    assert "dashwood" in transcript["text"].lower()
    assert [e for e in events if "error" in e] == []
    assert len(audio) % 2 == 0
