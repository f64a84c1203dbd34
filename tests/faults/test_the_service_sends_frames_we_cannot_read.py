"""The service sends frames that are not JSON, not known, not well formed, or too large.

Unreadable and unknown text frames are skipped (logged, never shown to the user): the
session carries on and the good events around them arrive and are saved. A frame over the
client's 1 MiB limit is a protocol violation that closes that connection; the stream
treats it as a dropped connection and reconnects, so the user sees "reconnecting" then
"live", and nothing already final is lost.
"""

from __future__ import annotations

import pytest

from tests.fakekrisp import Behaviour, echo, scripted, transcript, translation

from . import conftest as faults
from .conftest import eventually, kinds, utterances

pytestmark = pytest.mark.django_db(transaction=True)

MIB = 1 << 20

GARBAGE = [
    "not json at all",
    "{'single': 'quotes'}",
    "[1, 2, 3]",
    '"a string"',
    "null",
    "",
    "\x00\xff\ufffd",
    {"type": "unknown-event", "payload": 1},
    {"transcript": {"text": 42, "utterance_id": "x"}},  # wrong type
    {"transcript": {"text": "no id"}},  # missing key
    {"transcript": {"text": "bad final", "utterance_id": "x", "final": "yes"}},
    {"translate": {"text": None, "utterance_id": "x"}},
    {"translate": "not an object"},
    {"transcript": {"text": "t", "utterance_id": ""}},  # empty id
    {"transcript": {"text": "t", "utterance_id": True}},
    {"error": "not an object"},
    {"type": ["ready"]},
]


async def test_garbage_between_good_events_is_skipped_and_the_session_goes_on(
    fake, leaks, open_browser, alice_cookie
):
    fake.behaviour = scripted(
        {"type": "ready"},
        transcript("First", "u1"),
        *GARBAGE,
        translation("Primero", "u1"),
        b"",  # an empty binary frame: no audio, no event
        b"\x01\x00" * 160,
        *GARBAGE,
        transcript("Second", "u2"),
        translation("Segundo", "u2"),
    )
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    await browser.expect("translation", final=True, text="Segundo")
    seen = await faults.stop_and_read_to_the_close(browser)

    assert kinds(browser.messages) == [
        "status:connecting",
        "ready",
        "transcript",
        "translation",
        "transcript",
        "translation",
        "ended",
    ]
    assert not [m for m in browser.messages if m["type"] == "error"]
    assert bytes(browser.audio) == b"\x01\x00" * 160
    assert seen[-1]["status"] == "completed"
    assert await utterances(session_id) == [("u1", "First", "Primero"), ("u2", "Second", "Segundo")]
    assert len(fake.connections) == 1  # skipped, not reconnected
    await browser.leave()
    await leaks.check(fake)


def huge_frame_first(frame: bytes | str) -> Behaviour:
    """First connection: ready, a final, then one frame over 1 MiB; later ones echo."""
    flood = scripted(
        {"type": "ready"},
        transcript("Before the flood", "a1"),
        translation("Antes de la avalancha", "a1"),
        0.2,
        frame,
    )
    return faults.first_connection_then(flood, echo(frames_per_utterance=5))


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(b"\x00\x00" * (MIB // 2 + 1), id="binary"),
        pytest.param(
            '{"transcript": {"text": "' + "a" * MIB + '", "utterance_id": "big"}}', id="text"
        ),
    ],
)
async def test_a_frame_over_one_mebibyte_drops_that_connection_and_it_reconnects(
    fake, leaks, short_timeouts, open_browser, alice_cookie, frame
):
    fake.behaviour = huge_frame_first(frame)
    browser, session_id = await faults.start_a_session(open_browser, alice_cookie)

    await faults.expect_a_reconnect_then_an_echoed_utterance(browser)
    seen = await faults.stop_and_read_to_the_close(browser)

    assert "big" not in [m.get("utterance_id") for m in browser.messages]
    assert len(browser.audio) < MIB  # the huge audio never reached the page
    assert seen[-1]["status"] == "completed"
    rows = await eventually(lambda: utterances(session_id))
    assert rows == [
        ("a1", "Before the flood", "Antes de la avalancha"),
        ("u1", "utterance 1", "enunciado 1"),
    ]
    await faults.session_ended(session_id)
    await browser.leave()
    await leaks.check(fake)
