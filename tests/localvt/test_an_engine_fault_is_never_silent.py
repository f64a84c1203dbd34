"""A step that fails for one utterance costs that utterance only, and says so; an engine
that keeps failing ends the session with the reference's 500 error, never a silent close.

Faults are injected through localvt's own seam (``ServerOptions.faults``, the in-process
form of ``LOCALVT_INJECT_FAULTS``): the real models run, and the step raises as it returns.
"""

from __future__ import annotations

import pytest
from websockets.exceptions import ConnectionClosed

from localvt.faults import FaultPlan
from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .conftest import SILENCE, collect_session, config, finals, next_json, open_socket
from .speech import espeak_clip

FIRST = "Good morning everyone, thank you for coming."
SECOND = "The budget meeting starts at nine tomorrow."


@pytest.fixture
async def faulty(localvt_engines, request):
    """localvt whose plan (the test's parameter, as LOCALVT_INJECT_FAULTS spells it) fails
    chosen steps."""
    plan = FaultPlan.parse(request.param)
    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}, faults=plan))
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop()


@pytest.fixture
def two_utterances(tmp_path) -> bytes:
    return espeak_clip(FIRST, tmp_path) + SILENCE + espeak_clip(SECOND, tmp_path)


def errors(events: list[dict]) -> list[dict]:
    return [e["error"] for e in events if "error" in e]


@pytest.mark.parametrize("faulty", ["recognition:1"], indirect=True)
async def test_a_failed_recognition_is_a_500_and_the_next_utterance_is_served(
    faulty, two_utterances
):
    ws = await open_socket(faulty)
    await ws.send(config())
    events, audio = await collect_session(ws, two_utterances)

    (error,) = errors(events)
    assert (error["code"], error["reason"]) == (500, "Internal Server Error")
    assert error["description"] == "Recognition failed for one utterance; the session goes on"
    assert error["reference_id"] == "ref-1"
    (transcript,) = finals(events, "transcript")
    assert "budget" in transcript["text"].lower()
    assert finals(events, "translate")
    assert len(audio) > 16000
    assert events.index({"error": error}) < events.index({"transcript": transcript})
    await ws.send(SILENCE)  # still open: the session went on
    await ws.close()


@pytest.mark.parametrize("faulty", ["translation:1"], indirect=True)
async def test_a_failed_translation_keeps_the_transcript_and_says_which_step_failed(
    faulty, two_utterances
):
    ws = await open_socket(faulty)
    await ws.send(config())
    events, _ = await collect_session(ws, two_utterances)
    await ws.close()

    (error,) = errors(events)
    assert error["description"].startswith("Translation failed for one utterance")
    assert len(finals(events, "transcript")) == 2
    (translation,) = finals(events, "translate")
    assert translation["utterance_id"] == finals(events, "transcript")[1]["utterance_id"]


@pytest.mark.parametrize("faulty", ["synthesis:1"], indirect=True)
async def test_a_failed_synthesis_keeps_both_texts_and_the_next_voice(faulty, two_utterances):
    ws = await open_socket(faulty)
    await ws.send(config())
    events, audio = await collect_session(ws, two_utterances)
    await ws.close()

    (error,) = errors(events)
    assert error["description"].startswith("Synthesis failed for one utterance")
    assert len(finals(events, "translate")) == 2
    assert len(audio) > 16000  # the second utterance's speech


@pytest.mark.parametrize("faulty", ["recognition:1,recognition:2,recognition:3"], indirect=True)
async def test_an_engine_failing_utterance_after_utterance_ends_the_session_with_a_500(
    faulty, tmp_path
):
    clip = espeak_clip(FIRST, tmp_path)
    ws = await open_socket(faulty)
    await ws.send(config())
    assert await next_json(ws) == {"type": "ready"}
    for _ in range(3):
        await ws.send(clip + SILENCE)

    seen = [await next_json(ws, wait=30) for _ in range(3)]
    with pytest.raises(ConnectionClosed) as closed:
        await next_json(ws, wait=10)

    assert [e["error"]["code"] for e in seen] == [500, 500, 500]
    assert "3 utterances in a row" in seen[-1]["error"]["description"]
    assert closed.value.rcvd.code == 1011
