"""Two localvt engines, each its own process, behind HAProxy run with the recipe in
docs/localvt.md; the app's client (``krisp``) talks to HAProxy only.

One engine full: every session is served, by the other. One engine drained (SIGTERM)
mid-session: the session carries on through the other (the client's reconnect path) and no
final is lost. Session keys are minted by whichever engine HAProxy picks and used on the
other, which works because the engines share ``LOCALVT_SECRET``.
"""

from __future__ import annotations

import asyncio
import json
import signal

import pytest
from websockets.asyncio.client import connect

from krisp import KrispClient, Reconnected, Reconnecting, SessionConfig, Transcript
from tests.balancer import API_KEY, HAPROXY, engines_behind_haproxy
from tests.localvt.speech import espeak_clip

pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(HAPROXY is None, reason="HAProxy is not installed (Debian: haproxy)"),
]

FRAME = 640
SILENCE = b"\0" * 32000  # 1 s
SPANISH = SessionConfig(source_language="en-US", target_language="es-ES", voice="female")


def client_for(front: str) -> KrispClient:
    return KrispClient(API_KEY, api_base=f"{front}/v2/sdk", ws_url=f"ws{front[4:]}/vt")


async def speak(stream, pcm: bytes) -> None:
    """Send ``pcm`` in 20 ms frames at real time, as a microphone does."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n, offset in enumerate(range(0, len(pcm), FRAME)):
        stream.send_audio(pcm[offset : offset + FRAME])
        await asyncio.sleep(max(0.0, start + (n + 1) * 0.02 - loop.time()))


async def final_transcripts(stream, wanted: int, seconds: float) -> tuple[list[str], list]:
    """The texts of the first ``wanted`` final transcripts, and every event seen."""
    texts, events = [], []
    async with asyncio.timeout(seconds):
        async for event in stream:
            events.append(event)
            if isinstance(event, Transcript) and event.final:
                texts.append(event.text.lower())
                if len(texts) == wanted:
                    return texts, events
    return texts, events


async def test_with_one_engine_full_every_session_is_served_by_the_other(tmp_path):
    clip = espeak_clip("Good morning everyone, thank you for coming.", tmp_path)
    with engines_behind_haproxy(
        tmp_path, {"LOCALVT_MAX_SESSIONS": "1"}, {"LOCALVT_MAX_SESSIONS": "4"}
    ) as (front, (full, _)):
        # Fill the first engine with a session of its own, not through HAProxy.
        filler = await connect(
            f"ws://127.0.0.1:{full.port}/vt?authorization=Api-Key%20{API_KEY}", proxy=None
        )
        await filler.send(json.dumps(SPANISH.to_message()))
        assert json.loads(await filler.recv()) == {"type": "ready"}
        assert full.health()["status"] == "full"

        client = client_for(front)

        async def one_session() -> str:
            async with client.stream(SPANISH) as stream:
                talk = asyncio.create_task(speak(stream, clip + SILENCE * 2))
                texts, _ = await final_transcripts(stream, 1, seconds=60)
                await talk
                return texts[0]

        heard = await asyncio.gather(*(one_session() for _ in range(3)))
        served_by_the_full_one = full.health()["sessions"]
        await filler.close()

    assert all("morning" in text for text in heard)
    assert served_by_the_full_one == 1  # only its own filler


async def test_an_engine_drained_mid_session_hands_it_to_the_other_with_no_final_lost(
    tmp_path,
):
    first = espeak_clip("Good morning everyone, thank you for coming today.", tmp_path)
    second = espeak_clip("The budget meeting starts at nine tomorrow.", tmp_path)
    drained_fast = {"LOCALVT_DRAIN_SECONDS": "0"}
    with engines_behind_haproxy(tmp_path, drained_fast, drained_fast) as (front, engines):
        async with client_for(front).stream(SPANISH) as stream:
            serving = next(e for e in engines if e.health()["sessions"] == 1)
            other = next(e for e in engines if e is not serving)

            middle = len(first) // 4 * 2  # a whole sample

            async def talk() -> None:
                await speak(stream, first[:middle])
                serving.process.send_signal(signal.SIGTERM)  # mid-sentence
                await speak(stream, first[middle:] + SILENCE * 3)
                await speak(stream, second + SILENCE * 2)

            talking = asyncio.create_task(talk())
            texts, events = await final_transcripts(stream, 2, seconds=90)
            await talking
            exit_code = await asyncio.to_thread(serving.process.wait, 30)
            on_the_other = other.health()["sessions"]

    assert "morning" in texts[0] and "budget" in texts[1]
    kinds = [type(e) for e in events]
    assert Reconnecting in kinds and Reconnected in kinds
    assert kinds.index(Reconnected) > next(
        i for i, e in enumerate(events) if isinstance(e, Transcript) and e.final
    )  # the first sentence was answered by the drained engine, before the hand-over
    assert exit_code == 0
    assert on_the_other == 1
