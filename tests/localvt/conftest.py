from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
DASHWOOD = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0870.wav"
SILENCE = b"\0" * 32000  # 1 s: enough for the VAD to close an utterance


@pytest.fixture
async def localvt(localvt_engines):
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}, max_sessions=3))
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop()


def base_url(server: LocalVT) -> str:
    return f"http://127.0.0.1:{server.port}/v2/sdk"


def ws_url(server: LocalVT) -> str:
    return f"ws://127.0.0.1:{server.port}/vt"


def session_key(server: LocalVT) -> str:
    return server.keys.issue(60, DEV_API_KEY)["session_key"]


async def open_socket(server: LocalVT, key: str | None = None):
    key = session_key(server) if key is None else key
    return await connect(
        f"{ws_url(server)}?authorization=Api-Key%20{key}", proxy=None, compression=None
    )


def config(**overrides) -> str:
    body = {
        "audio": {"format": "pcm_s16le", "sample_rate": 16000, "channels": 1},
        "source_language": "en-US",
        "target_language": "es-ES",
        "voice": "female",
        "metadata": {"reference_id": "ref-1"},
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return json.dumps({"config": body})


async def next_json(ws, wait: float = 10.0) -> dict:
    """The next text frame, skipping audio."""
    async with asyncio.timeout(wait):
        while True:
            message = await ws.recv()
            if isinstance(message, str):
                return json.loads(message)


def finals(events: list[dict], kind: str) -> list[dict]:
    """The final events of ``kind`` ("transcript" or "translate")."""
    return [e[kind] for e in events if kind in e and e[kind]["final"]]


def read_pcm(path: Path) -> bytes:
    with wave.open(str(path)) as clip:
        assert clip.getframerate() == 16000 and clip.getnchannels() == 1
        return clip.readframes(clip.getnframes())


async def collect_session(
    ws, pcm: bytes, idle: float = 4.0, pace: float = 0.0
) -> tuple[list[dict], bytes]:
    """Send ``pcm`` in 20 ms frames (``pace`` seconds apart: 0.02 is real time) and a
    second of silence; gather events and audio until nothing arrives for ``idle``."""
    for offset in range(0, len(pcm), 640):
        await ws.send(pcm[offset : offset + 640])
        if pace:
            await asyncio.sleep(pace)
    await ws.send(SILENCE)
    events, audio = [], bytearray()
    try:
        while True:
            message = await asyncio.wait_for(ws.recv(), idle)
            if isinstance(message, bytes):
                audio.extend(message)
            else:
                events.append(json.loads(message))
    except TimeoutError:
        pass
    return events, bytes(audio)
