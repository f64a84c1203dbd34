"""``manage.py krisp`` against the fake Krisp peer, which runs on its own loop in a thread
because the command runs its own loop with ``asyncio.run``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import wave
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from interpreter.audio_files import read_wav_16k_mono
from interpreter.management.commands.krisp import Command
from tests import fakekrisp
from tests.fakekrisp import API_KEY, FakeKrisp

SILENCE_BYTES = 32000  # the second of silence the command sends after the file


@pytest.fixture
def fake():
    """A FakeKrisp on a background loop, and settings pointing the app's client at it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fakekrisp", daemon=True)
    thread.start()
    peer = FakeKrisp()
    asyncio.run_coroutine_threadsafe(peer.__aenter__(), loop).result(5)
    try:
        with override_settings(
            KRISP_API_KEY=API_KEY, KRISP_API_BASE=peer.api_base, KRISP_WS_URL=peer.ws_url
        ):
            yield peer
    finally:
        asyncio.run_coroutine_threadsafe(peer.__aexit__(None, None, None), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def write_clip(path, rate: int = 16000, channels: int = 1, seconds: float = 1.0) -> None:
    t = np.arange(int(rate * seconds)) / rate
    tone = np.round(0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(tone[:, None], channels, axis=1).tobytes())


def run(*args: str) -> str:
    out = StringIO()
    call_command("krisp", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def translate(tmp_path, *extra: str, clip: str = "in.wav") -> str:
    return run(
        "translate-file",
        str(tmp_path / clip),
        "--source",
        "en-US",
        "--target",
        "es-ES",
        "--voice",
        "female",
        "--out",
        str(tmp_path / "out.wav"),
        "--tail-seconds",
        "0.5",
        *extra,
    )


def failure(tmp_path, *extra: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        translate(tmp_path, *extra)
    return caught.value


def pcm_of(path) -> bytes:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        return wav.readframes(wav.getnframes())


def test_languages_lists_codes_and_names(fake):
    output = run("languages")
    assert output.splitlines() == [
        f"{item['language_code']:<12} {item['name']}" for item in fakekrisp.LANGUAGES
    ]


def test_translate_file_writes_speech_events_and_final_texts(fake, tmp_path):
    write_clip(tmp_path / "in.wav")
    output = translate(tmp_path, "--events", str(tmp_path / "events.jsonl"))

    sent = read_wav_16k_mono(tmp_path / "in.wav")
    # The echo peer speaks back exactly what it heard: the file, then the closing silence.
    assert pcm_of(tmp_path / "out.wav") == sent + bytes(SILENCE_BYTES)
    conn = fake.connections[0]
    assert bytes(conn.audio) == sent + bytes(SILENCE_BYTES)
    assert {size for kind, size in conn.frames[1:]} == {640}
    assert conn.reference_id().startswith("cli-")

    # 100 frames of 20 ms: the echo peer closes an utterance every 25 frames.
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    kinds = {line["type"] for line in lines}
    assert kinds == {"audio", "transcript", "translation"}
    assert all(isinstance(line["t"], float | int) and line["t"] >= 0 for line in lines)
    assert sum(line["bytes"] for line in lines if line["type"] == "audio") == len(sent) + 32000
    finals = [line for line in lines if line["type"] == "transcript" and line["final"]]
    assert [line["text"] for line in finals] == [f"utterance {n}" for n in range(1, 5)]
    assert any(line["type"] == "transcript" and not line["final"] for line in lines)
    translations = [line["text"] for line in lines if line["type"] == "translation"]
    assert translations == [f"enunciado {n}" for n in range(1, 5)]

    assert "Transcript: utterance 1 utterance 2 utterance 3 utterance 4" in output
    assert "Translation: enunciado 1 enunciado 2 enunciado 3 enunciado 4" in output
    assert "Sent 1.00 s of audio" in output
    assert "received 2.00 s of translated speech" in output
    assert "4 utterances" in output
    assert API_KEY not in output


def test_realtime_pacing_sends_at_the_speed_of_speech(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.5)
    started = time.monotonic()
    translate(tmp_path, "--realtime", "--tail-seconds", "0.2")
    elapsed = time.monotonic() - started
    # 0.5 s of file + 1 s of silence, then the quiet tail.
    assert elapsed >= 1.45
    assert len(pcm_of(tmp_path / "out.wav")) == 16000 + SILENCE_BYTES


def test_a_44k_stereo_file_is_sent_as_16k_mono(fake, tmp_path):
    write_clip(tmp_path / "in.wav", rate=44100, channels=2, seconds=1.0)
    translate(tmp_path)
    assert len(fake.connections[0].audio) == 16000 * 2 + SILENCE_BYTES
    assert len(pcm_of(tmp_path / "out.wav")) == 16000 * 2 + SILENCE_BYTES


def test_vocabulary_and_dictionary_reach_the_config(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.2)
    translate(
        tmp_path,
        "--vocabulary",
        "copay",
        "prior auth",
        "--dictionary",
        "a=b",
        "email = courriel",
        "--vocabulary",
        "referral",
    )
    config = fake.connections[0].config
    assert config["vocabulary"] == ["copay", "prior auth", "referral"]
    assert config["translation_dictionary"] == [
        {"source": "a", "target": "b"},
        {"source": "email", "target": "courriel"},
    ]
    assert config["source_language"] == "en-US"
    assert config["target_language"] == "es-ES"
    assert config["voice"] == "female"
    assert config["transcript"] == {"interim": True, "final": True, "translate": True}


@pytest.mark.parametrize(
    ("code", "returncode", "message"),
    [
        (400, 10, "refused these settings"),
        (401, 11, "did not accept our credentials"),
        (402, 12, "run out of balance"),
        (429, 13, "limit of simultaneous sessions"),
        (500, 14, "had a problem"),
    ],
)
def test_an_error_before_ready_exits_with_its_code(fake, tmp_path, code, returncode, message):
    fake.behaviour = fakekrisp.scripted(
        {"error": {"code": code, "reason": "Scripted", "description": f"scripted {code}"}}
    )
    write_clip(tmp_path / "in.wav", seconds=0.2)
    error = failure(tmp_path, "--events", str(tmp_path / "events.jsonl"))
    assert error.returncode == returncode
    assert message in str(error)
    assert f"scripted {code}" in str(error)
    assert not (tmp_path / "out.wav").exists()
    logged = json.loads((tmp_path / "events.jsonl").read_text().splitlines()[-1])
    assert logged["type"] == "error"
    assert logged["code"] == code
    if code == 401:
        assert len(fake.connections) == 2  # one retry with a fresh session key


def test_an_error_after_ready_is_logged_and_exits_with_its_code(fake, tmp_path):
    fake.behaviour = fakekrisp.scripted(
        {"type": "ready"},
        0.1,
        {"error": {"code": 402, "reason": "Payment Required", "description": "Balance exhausted"}},
    )
    write_clip(tmp_path / "in.wav", seconds=0.5)
    error = failure(tmp_path, "--events", str(tmp_path / "events.jsonl"))
    assert error.returncode == 12
    assert "Balance exhausted" in str(error)
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert lines[-1]["type"] == "error" and lines[-1]["permanent"] is True


def test_a_refused_session_key_exits_with_its_code(fake, tmp_path):
    fake.token_status = 402
    write_clip(tmp_path / "in.wav", seconds=0.2)
    assert failure(tmp_path).returncode == 12


def test_an_unreachable_service_exits_15(fake, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_clip(tmp_path / "in.wav", seconds=0.2)
    with override_settings(KRISP_WS_URL=f"ws://127.0.0.1:{port}/vt"):
        error = failure(tmp_path)
    assert error.returncode == 15
    assert "can't be reached" in str(error)


def test_the_api_key_is_never_printed(fake, tmp_path):
    fake.behaviour = fakekrisp.scripted(
        {"error": {"code": 400, "reason": "Bad Request", "description": f"bad key {API_KEY}"}}
    )
    write_clip(tmp_path / "in.wav", seconds=0.2)
    error = failure(tmp_path)
    assert error.returncode == 10
    assert API_KEY not in str(error)
    assert "[redacted]" in str(error)


def test_a_missing_input_file_exits_3(fake, tmp_path):
    error = failure(tmp_path)
    assert error.returncode == 3
    assert "does not exist" in str(error)
    assert fake.http_requests == []


def test_a_file_that_is_not_a_wav_exits_3(fake, tmp_path):
    (tmp_path / "in.wav").write_bytes(b"not audio at all")
    assert failure(tmp_path).returncode == 3


def test_a_bad_dictionary_entry_exits_4_before_connecting(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.2)
    error = failure(tmp_path, "--dictionary", "one two three four=uno")
    assert error.returncode == 4
    assert "at most 3 words" in str(error)
    assert fake.http_requests == []
    assert fake.connections == []


def test_a_missing_api_key_exits_4(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.2)
    with override_settings(KRISP_API_KEY=""):
        assert failure(tmp_path).returncode == 4


def test_an_unwritable_output_exits_5_before_connecting(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.2)
    error = failure(tmp_path, "--events", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert error.returncode == 5
    assert fake.connections == []


def test_a_dictionary_entry_without_equals_is_a_usage_error(fake, tmp_path):
    write_clip(tmp_path / "in.wav", seconds=0.2)
    error = failure(tmp_path, "--dictionary", "copay")
    assert "is not SOURCE=TARGET" in str(error)
    assert fake.connections == []


def test_the_help_documents_the_exit_codes():
    text = Command().help
    for code in ("0 ok", "2 usage", "3 the input", "4 invalid", "5 an output", "(400)", "(401)"):
        assert code in text
    for code in ("(402)", "(429)", "14 service error (500", "15 the service can't be reached"):
        assert code in text
