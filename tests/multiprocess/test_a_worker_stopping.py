"""A worker told to stop (SIGTERM, as systemd, Docker or a deploy do) ends its live sessions
properly before it exits.

A page streams real-time audio to a daphne process; once some of its utterances are final,
the process gets SIGTERM while audio is still arriving. The page must be told why the
session stopped, get ``ended`` and a close with code 4503, and every final it was shown
must be in the database, on a session marked failed with that reason. The process must
then exit by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from interpreter.live.protocol import SERVER_RESTARTING
from interpreter.models import TranslationSession, Utterance
from tests.page import FRAME, START

from .conftest import Worker, log_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

FINALS_BEFORE_THE_SIGNAL = 2


async def stream_until_stopped(worker: Worker, cookie: str) -> tuple[list[dict], int | None]:
    """Start a session, stream 20 ms frames in real time, send SIGTERM to the worker after
    :data:`FINALS_BEFORE_THE_SIGNAL` final translations, and read until the socket closes."""
    messages: list[dict] = []
    ready, finals = asyncio.Event(), asyncio.Event()
    async with connect(
        worker.ws,
        origin=worker.http,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_size=None,
    ) as ws:

        async def read() -> None:
            with contextlib.suppress(ConnectionClosed):  # an abrupt end fails the asserts
                async for frame in ws:
                    if isinstance(frame, str):
                        message = json.loads(frame)
                        messages.append(message)
                        if message["type"] == "ready":
                            ready.set()
                        translations = [
                            m for m in messages if m["type"] == "translation" and m["final"]
                        ]
                        if len(translations) >= FINALS_BEFORE_THE_SIGNAL:
                            finals.set()

        async def speak() -> None:
            loop = asyncio.get_running_loop()
            began = loop.time()
            for n in range(30 * 50):  # up to 30 s; the socket closes long before
                try:
                    await ws.send(FRAME)
                except ConnectionClosed:
                    return
                await asyncio.sleep(max(0.0, began + (n + 1) * 0.02 - loop.time()))

        reader = asyncio.create_task(read())
        await ws.send(json.dumps(START))
        await asyncio.wait_for(ready.wait(), 15)
        speaker = asyncio.create_task(speak())
        await asyncio.wait_for(finals.wait(), 15)
        worker.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(reader, 15)
        await asyncio.wait_for(speaker, 5)
    return messages, ws.close_code


def test_a_worker_told_to_stop_ends_its_session_and_keeps_every_final(start_workers, make_user):
    make_user("alice", "Alpha")
    (worker,) = start_workers("A")
    cookie = log_in(worker, "alice")

    messages, close_code = asyncio.run(stream_until_stopped(worker, cookie))
    exit_code = worker.process.wait(15)

    where = f"{messages}\n{worker.output()}"
    assert exit_code == 0, where
    session_id = next(m["session_id"] for m in messages if m["type"] == "ready")
    assert {
        "type": "error",
        "code": "server_restarting",
        "message": SERVER_RESTARTING,
        "fatal": True,
    } in messages, where
    assert messages[-1] == {
        "type": "ended",
        "status": "failed",
        "session_id": session_id,
        "history_url": f"/history/{session_id}/",
    }, where
    assert close_code == 4503, where
    session = TranslationSession.objects.get(pk=session_id)
    assert (session.status, session.error) == ("failed", SERVER_RESTARTING)
    assert session.ended_at is not None
    shown = {
        (m["utterance_id"], m["text"])
        for m in messages
        if m["type"] == "translation" and m["final"]
    }
    assert len(shown) >= FINALS_BEFORE_THE_SIGNAL
    saved = set(
        Utterance.objects.filter(session_id=session_id).values_list("utterance_id", "translation")
    )
    assert saved == shown
