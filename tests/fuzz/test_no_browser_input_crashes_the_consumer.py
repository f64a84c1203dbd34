"""Whatever a page sends on /ws/live/, the consumer answers only as docs/protocol.md says.

Random text (JSON of any shape, wrong types, missing keys, huge strings, not JSON at all)
and binary frames (empty, odd-length, oversized), optionally after a valid start, and
floods of them: the consumer never raises (``WebsocketCommunicator`` would re-raise it),
never answers "Something went wrong on our side" (the catch-all for a crash), only sends
documented message types and error codes, closes with a documented code, and leaves no
session ``running`` once the page has gone.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from interpreter.live import protocol
from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession
from tests.fakekrisp import API_KEY, FakeKrisp, echo
from tests.live.conftest import START, Browser, session_cookie

from .strategies import browser_binary_frames, browser_text_frames

pytestmark = pytest.mark.django_db(transaction=True)

MAX_FRAME = 1280
CODES = {
    "bad_request",
    "frame_too_large",
    "rate_limited",
    "busy",
    "quota",
    "too_fast",
    "too_long",
    "unauthorized",
    "payment_required",
    "service_unavailable",
}
STATES = {"connecting", "reconnecting", "live"}
CLOSE_CODES = {1000, 4429}


def fuzz(examples: int) -> settings:
    """Bounded examples; the fixtures are per test, not per example, and that is fine here."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


frames = st.lists(browser_text_frames | browser_binary_frames(MAX_FRAME), max_size=12)


@pytest.fixture
async def fake(monkeypatch):
    """The fake service, small frames, and a short tail so each example ends quickly."""
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.05)
    monkeypatch.setattr(LiveSession, "TAIL_MAX_SECONDS", 0.5)
    async with FakeKrisp(behaviour=echo(frames_per_utterance=3, interim_every=2)) as peer:
        with override_settings(
            KRISP_API_KEY=API_KEY,
            KRISP_API_BASE=peer.api_base,
            KRISP_WS_URL=peer.ws_url,
            LIVE_MAX_FRAME_BYTES=MAX_FRAME,
        ):
            yield peer


@pytest.fixture
def cookie(alice) -> bytes:
    return session_cookie(alice)


def check_reply(message: dict) -> None:
    """One server message has a documented shape."""
    kind = message["type"]
    assert kind in {"status", "ready", "transcript", "translation", "error", "ended"}, message
    if kind == "error":
        assert message["code"] in CODES, message
        assert isinstance(message["fatal"], bool)
        assert isinstance(message["message"], str) and message["message"]
        assert message["message"] != protocol.INTERNAL_ERROR, "the consumer crashed"
    elif kind == "status":
        assert message["state"] in STATES
    elif kind == "ended":
        assert message["status"] in {"completed", "failed"}
        assert message["history_url"] == f"/history/{message['session_id']}/"


async def settle(browser: Browser) -> tuple[list[dict], bool]:
    """Read replies until the socket is quiet and no start is still connecting.

    Returns the replies and whether the server already closed.
    """
    seen: list[dict] = []
    while True:
        kinds = [m["type"] + str(m.get("state", "")) for m in seen]
        pending = "statusconnecting" in kinds and not {"ready", "ended"} & set(kinds)
        if not pending and await browser.ws.receive_nothing(0.1):
            return seen, False
        frame = await browser._frame(10)  # b"" for translated speech, collected
        if frame is None:
            return seen, True
        if frame != b"":
            seen.append(frame)


async def converse(cookie: bytes, sent: list[str | bytes]) -> tuple[list[dict], int]:
    """Send ``sent``, let any start settle, then stop; read every reply up to the close."""
    await sync_to_async(cache.clear)()  # starts per minute are not what is fuzzed here
    browser = Browser(cookie)
    connected, _ = await browser.connect()
    assert connected
    try:
        for frame in sent:
            # Raw ASGI input: the communicator's send_to refuses empty frames, browsers don't.
            key = "bytes" if isinstance(frame, bytes) else "text"
            await browser.ws.send_input({"type": "websocket.receive", key: frame})
        replies, closed = await settle(browser)
        if not closed:
            await browser.send({"type": "stop"})
            replies += await browser.until_closed(seconds=10)
        return replies, browser.close_code
    finally:
        await browser.leave()


async def check_conversation(cookie: bytes, sent: list[str | bytes]) -> None:
    replies, close_code = await converse(cookie, sent)
    for message in replies:
        check_reply(message)
    kinds = [m["type"] for m in replies]
    event("ended" if "ended" in kinds else "closed without a session")
    assert "ended" not in kinds[:-1], "nothing may follow ended"
    assert close_code in CLOSE_CODES
    running = TranslationSession.objects.running()
    assert not await running.aexists(), "a session was left running"


@fuzz(60)
@given(sent=frames)
async def test_random_frames_before_any_start(fake, cookie, sent) -> None:
    await check_conversation(cookie, sent)


@fuzz(40)
@given(sent=frames)
async def test_random_frames_after_a_valid_start(fake, cookie, sent) -> None:
    await check_conversation(cookie, [json.dumps(START), *sent])


flood_frames = st.lists(
    st.sampled_from(["", "{}", "[]", '{"type": "start"}', '{"type": "stop"', "null"])
    | st.binary(max_size=8)
    | st.just(b"\x00" * MAX_FRAME),
    min_size=200,
    max_size=400,
)


@fuzz(8)
@given(started=st.booleans(), flood=flood_frames)
async def test_a_flood_of_frames_is_answered_and_survived(fake, cookie, started, flood) -> None:
    """Hundreds of frames at once, before a start or during a session (where whole frames
    also run past the too-fast allowance)."""
    await check_conversation(cookie, [json.dumps(START)] * started + flood)


async def test_each_unusable_text_frame_earns_exactly_one_error(fake, cookie) -> None:
    """Bad control messages are not deduplicated: each one gets its own answer."""
    junk = ["", "[]", "{}", '{"type": 1}', "nonsense", '{"type": "pause"}'] * 50
    replies, close_code = await converse(cookie, junk)

    assert len(replies) == len(junk)
    assert {(m["code"], m["message"], m["fatal"]) for m in replies} == {
        ("bad_request", protocol.NOT_UNDERSTOOD, False)
    }
    assert close_code == 1000
