"""A room across workers: the speaker on one daphne, listeners in two languages on another.

Two daphne processes share PostgreSQL and Redis (the channel layer); localvt is a process
of its own. The speaker's socket goes to worker A, which runs the room's hub and its
streams; the listeners' sockets go to worker B. Each listener must get its own language's
captions and speech, and nothing of the other's, through Redis alone.
"""

from __future__ import annotations

import asyncio
import json
import wave

import pytest
from websockets.asyncio.client import connect

from interpreter.models import TranslationSession, UtteranceTranslation
from rooms.models import Room
from tests.balancer import API_KEY, engine
from tests.e2e.clips import CLIP

from .conftest import log_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.models,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CLIP.exists(), reason="pocketsphinx-testdata is not installed"),
]

FRAME = 640


@pytest.fixture
def localvt(tmp_path):
    with engine(tmp_path) as running:
        yield running


def speech() -> bytes:
    """The LibriVox sentence, then two seconds of silence so it ends."""
    with wave.open(str(CLIP)) as clip:
        pcm = clip.readframes(clip.getnframes())
    return pcm + b"\0" * 64000


async def listen(url: str, cookie: str, origin: str, seen: dict, ready: asyncio.Event) -> None:
    async with connect(
        url, additional_headers={"Cookie": f"sessionid={cookie}", "Origin": origin}, proxy=None
    ) as ws:
        received = 0
        async for message in ws:
            if isinstance(message, bytes):
                received += len(message)
                seen["speech"] = received
                await ws.send(json.dumps({"type": "received", "received": received}))
                continue
            event = json.loads(message)
            seen.setdefault("messages", []).append(event)
            if event["type"] == "hello":
                ready.set()
            if event["type"] == "speaker" and not event["speaking"]:
                return


async def test_a_speaker_on_one_worker_is_heard_in_two_languages_on_another(
    start_workers, localvt, alice, alpha
):
    room = await Room.objects.acreate(
        account=alpha, owner=alice, name="Across", source_language="en-US"
    )
    a, b = start_workers(
        "A",
        "B",
        # localvt, not the fake Krisp peer the workers are otherwise pointed at
        KRISP_API_KEY="",
        KRISP_API_BASE="",
        KRISP_WS_URL="",
        LOCALVT_URL=localvt.url,
        LOCALVT_API_KEY=API_KEY,
    )
    cookie = await asyncio.to_thread(log_in, a, "alice")
    origin = a.http

    spanish, french = {}, {}
    ready = [asyncio.Event(), asyncio.Event()]
    listeners = [
        asyncio.create_task(
            listen(
                f"{b.ws_root}/ws/listen/{room.link_token}/?language={code}",
                cookie,
                b.http,
                seen,
                event,
            )
        )
        for code, seen, event in (("es-ES", spanish, ready[0]), ("fr-FR", french, ready[1]))
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready)), 20)
    except TimeoutError:
        failures = [t.exception() for t in listeners if t.done()]
        pytest.fail(f"listeners never joined: {failures}\n{b.output()}")

    async with connect(
        f"{a.ws_root}/ws/live/",
        additional_headers={"Cookie": f"sessionid={cookie}", "Origin": origin},
        proxy=None,
    ) as speaker:
        await speaker.send(
            json.dumps(
                {
                    "type": "start",
                    "room": room.pk,
                    "source_language": "en-US",
                    "target_language": "",
                    "voice": "female",
                }
            )
        )
        while json.loads(await speaker.recv())["type"] != "ready":
            pass
        counted = None
        async with asyncio.timeout(20):
            while counted != {"es-ES": 1, "fr-FR": 1}:
                message = await speaker.recv()
                if isinstance(message, str) and json.loads(message)["type"] == "room_listeners":
                    counted = json.loads(message)["counts"]
        pcm = speech()
        loop = asyncio.get_running_loop()
        began = loop.time()
        for n, offset in enumerate(range(0, len(pcm), FRAME)):
            await speaker.send(pcm[offset : offset + FRAME])
            await asyncio.sleep(max(0.0, began + (n + 1) * 0.02 - loop.time()))
        await speaker.send(json.dumps({"type": "stop"}))
        async with asyncio.timeout(30):
            async for message in speaker:
                if isinstance(message, str) and json.loads(message)["type"] == "ended":
                    break
    await asyncio.wait_for(asyncio.gather(*listeners), 30)

    def finals(seen: dict, kind: str) -> list[str]:
        return [m["text"] for m in seen["messages"] if m["type"] == kind and m.get("final")]

    assert any("dashwood" in text.lower() for text in finals(spanish, "transcript"))
    assert any("dashwood" in text.lower() for text in finals(french, "transcript"))
    spanish_said, french_said = finals(spanish, "translation"), finals(french, "translation")
    assert spanish_said and french_said
    assert not set(spanish_said) & set(french_said)  # each its own language only
    assert spanish["speech"] > 32000 and french["speech"] > 32000  # a second of speech each
    session = await TranslationSession.objects.aget(room=room)
    languages = {
        t.language async for t in UtteranceTranslation.objects.filter(utterance__session=session)
    }
    assert languages == {"es-ES", "fr-FR"}
