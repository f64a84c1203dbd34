"""``manage.py krisp translate-file`` against localvt turns an English recording into
Spanish speech: the app's client and the local engine, end to end over the wire."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import wave
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import DASHWOOD
from .speech import rms


@pytest.fixture
def localvt_in_thread(localvt_engines):
    """localvt on its own loop in a thread: the command runs its own loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="localvt", daemon=True)
    thread.start()
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}))
    asyncio.run_coroutine_threadsafe(server.start("127.0.0.1", 0), loop).result(10)
    base = f"127.0.0.1:{server.port}"
    try:
        with override_settings(
            KRISP_API_KEY=DEV_API_KEY,
            KRISP_API_BASE=f"http://{base}/v2/sdk",
            KRISP_WS_URL=f"ws://{base}/vt",
        ):
            yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_an_english_recording_becomes_spanish_speech(localvt_in_thread, tmp_path):
    source = tmp_path / "in.wav"
    # 44.1 kHz stereo, as a recording from a meeting app might be.
    subprocess.run(["sox", str(DASHWOOD), "-r", "44100", "-c", "2", str(source)], check=True)
    out, events = tmp_path / "out.wav", tmp_path / "events.jsonl"
    printed = StringIO()
    call_command(
        "krisp",
        "translate-file",
        str(source),
        "--source",
        "en-US",
        "--target",
        "es-ES",
        "--voice",
        "male",
        "--out",
        str(out),
        "--events",
        str(events),
        "--dictionary",
        "leisure=tiempo libre",
        stdout=printed,
        stderr=StringIO(),
    )
    text = printed.getvalue()
    assert "Dashwood" in text
    assert "tiempo libre" in text
    with wave.open(str(out)) as speech:
        assert (speech.getframerate(), speech.getnchannels()) == (16000, 1)
        pcm = speech.readframes(speech.getnframes())
    assert len(pcm) / 32000 > 3
    assert rms(pcm) > 500
    kinds = {json.loads(line)["type"] for line in events.read_text().splitlines()}
    assert {"transcript", "translation", "audio"} <= kinds
