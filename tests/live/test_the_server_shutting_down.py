"""A server told to stop (a deploy, a restart) ends each session properly before it exits.

On SIGTERM or SIGINT daphne cancels every connection's application and waits for them
(``Server.kill_all_applications``); these tests cancel the application the same way. The
worker process really being stopped is in tests/multiprocess/test_a_worker_stopping.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from interpreter.live.protocol import SERVER_RESTARTING
from interpreter.models import TranslationSession, Utterance
from tests import fakekrisp
from tests.page import START

from .conftest import start_a_session, start_with_finals

pytestmark = pytest.mark.django_db(transaction=True)

RESTARTING = {
    "type": "error",
    "code": "server_restarting",
    "message": SERVER_RESTARTING,
    "fatal": True,
}


async def never_ready(conn: fakekrisp.Connection) -> None:
    await asyncio.sleep(60)


async def stop_the_server(browser) -> tuple[list[dict], int | None]:
    """Cancel the connection's application as daphne does when it stops, wait until it has
    finished, and return the text messages it sent the page meanwhile and its close code."""
    future = browser.ws.future
    future.cancel()
    await asyncio.wait({future}, timeout=15)
    assert future.cancelled()
    messages, close_code = [], None
    while not browser.ws.output_queue.empty():
        output = browser.ws.output_queue.get_nowait()
        if output["type"] == "websocket.close":
            close_code = output.get("code", 1000)
        elif output.get("text") is not None:
            messages.append(json.loads(output["text"]))
    return messages, close_code


async def test_a_live_session_ends_failed_with_the_reason_and_keeps_its_finals(
    fake, open_browser, alice_cookie
):
    browser, session_id = await start_with_finals(fake, open_browser, alice_cookie, 2)

    messages, close_code = await stop_the_server(browser)

    assert RESTARTING in messages
    ended = [message for message in messages if message["type"] == "ended"]
    assert [(m["status"], m["session_id"]) for m in ended] == [("failed", session_id)]
    assert close_code == 4503
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("failed", SERVER_RESTARTING)
    assert session.ended_at is not None
    saved = Utterance.objects.filter(session_id=session_id).order_by("started_at")
    assert [u.translation async for u in saved] == ["enunciado 1", "enunciado 2"]
    await asyncio.wait_for(fake.connections[0].ws.wait_closed(), 5)  # the stream was closed


async def test_a_session_the_user_had_stopped_still_collects_its_tail(
    fake, open_browser, alice_cookie
):
    fake.behaviour = fakekrisp.echo(frames_per_utterance=2, interim_every=1000)
    browser, session_id = await start_a_session(open_browser, alice_cookie)
    await browser.send_audio(frames=1)  # half an utterance: its final comes after the stop
    await browser.send({"type": "stop"})
    await asyncio.sleep(0.5)  # the stop is handled first; nothing goes to the page to show it

    messages, close_code = await stop_the_server(browser)

    assert RESTARTING not in messages
    assert [m["status"] for m in messages if m["type"] == "ended"] == ["completed"]
    assert close_code == 1000
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == ("completed", "")


async def test_a_start_still_under_way_is_given_up_and_the_page_told(
    fake, open_browser, alice_cookie
):
    fake.behaviour = never_ready
    browser = await open_browser(alice_cookie)
    await browser.send(START)
    await browser.expect("status", state="connecting")

    messages, close_code = await stop_the_server(browser)

    assert messages[-1] == RESTARTING
    assert close_code == 4503
    assert not await TranslationSession.objects.filter(status="running").aexists()


async def test_a_socket_with_no_session_is_closed_as_restarting(open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)

    messages, close_code = await stop_the_server(browser)

    assert messages == []
    assert close_code == 4503
