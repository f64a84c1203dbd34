"""A live session carries on when its connection is lost or its server restarts, and loses
no word of what was said meanwhile.

Chromium's microphone reads five LibriVox sentences once; daphne bridges them to localvt.
Mid-sentence, the connection is cut: the socket, passing through Playwright, is closed and
new ones are refused for a while (a network drop), or ended the way a restarting server ends
it, or daphne itself is restarted with SIGTERM. The page must hold what is said meanwhile,
resume the same saved session by itself and catch up: in the end every sentence is in the
captions and in the one saved session, once each, in reading order.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from interpreter.live.protocol import SERVER_RESTARTING, SERVER_RESTARTING_CLOSE

from .chromium import chromium_page, when_started
from .clips import assert_read_once_in_order, microphone_clip, reading_clip, words_recovered
from .marks import CHROMIUM_WITH_SPEECH
from .test_interpreting_in_a_browser import sign_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH

STATE = "document.getElementById('live-root').dataset.state"
# Gaps the cut tests make; RESUME_GAPS=1,5,20 measures others (docs/reliability.md).
GAPS = [float(s) for s in os.environ.get("RESUME_GAPS", "3,20").split(",")]


@pytest.fixture
def reading(stack, tmp_path):
    """A tab whose microphone reads the five sentences once."""
    with chromium_page(stack.url, reading_clip(tmp_path), loop=False) as page:
        yield page


@pytest.fixture
def looping(stack, tmp_path):
    """A tab whose microphone plays the first sentence over and over."""
    with chromium_page(stack.url, microphone_clip(tmp_path), loop=True) as page:
        yield page


class Sockets:
    """The page's sockets, passed through to daphne; ``cut`` ends the current one and
    refuses new ones for ``seconds``, as a network that drops for that long."""

    def __init__(self, page) -> None:
        self.pairs: list = []
        self.refused = 0
        self.refuse_until = 0.0
        page.route_web_socket("**/ws/live/", self.connect)

    def connect(self, page_side) -> None:
        if time.monotonic() < self.refuse_until:
            self.refused += 1
            page_side.close(code=1011)
            return
        self.pairs.append((page_side, page_side.connect_to_server()))

    def cut(self, seconds: float) -> None:
        self.refuse_until = time.monotonic() + seconds
        page_side, server_side = self.pairs[-1]
        page_side.close(code=1001)
        server_side.close()


def start_reading(page, stack):
    """Sign in, press Start, and wait for the first sentence's translation; returns the
    saved session's id."""
    sign_in(page, stack)
    page.goto("/live/")
    page.select_option("#source-language", "en-US")
    page.select_option("#target-language", "es-ES")
    page.click("#live-toggle")
    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)
    sync_api.expect(page.locator(".caption-target .final").first).not_to_be_empty(timeout=60_000)
    return page.evaluate("window.interpreterStats.sessionId")


def finish_reading(page, stack, session_id: int) -> str:
    """Wait for the last sentence, press Stop; the saved session's transcript, in order."""
    sync_api.expect(page.locator("#caption-list")).to_contain_text("himself", timeout=90_000)
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "ended", timeout=30_000
    )
    # One session: none started since this one (the stack serves the whole module).
    assert stack.query(
        "SELECT COUNT(*) FROM interpreter_translationsession WHERE id > ?", session_id
    ) == [(0,)]
    rows = stack.query(
        "SELECT text FROM interpreter_utterance WHERE session_id = ? ORDER BY audio_start_ms, id",
        session_id,
    )
    return " ".join(text for (text,) in rows)


def captions_text(page) -> str:
    return " ".join(page.locator(".caption-source").all_text_contents())


def live_again_after(page, since: float) -> float:
    """Seconds from ``since`` until the page is live again (polled every 50 ms)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if page.evaluate(STATE) == "live":
            return time.monotonic() - since
        page.wait_for_timeout(50)
    raise AssertionError("the page did not come back")


@pytest.mark.parametrize("gap", GAPS, ids=lambda g: f"{g:g}s")
def test_words_said_while_the_connection_was_down_are_interpreted_in_the_same_session(
    reading, stack, gap
):
    page = reading
    sockets = Sockets(page)
    session_id = start_reading(page, stack)
    page.wait_for_timeout(1_000)  # into the second sentence

    sockets.cut(gap)
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "reconnecting", timeout=5_000
    )
    page.wait_for_timeout(gap * 1000)
    back = live_again_after(page, time.monotonic())

    assert page.evaluate("window.interpreterStats.sessionId") == session_id
    assert page.evaluate("window.interpreterStats.segment") == 2
    sync_api.expect(page.locator("#live-notice")).to_contain_text("Reconnected")
    transcript = finish_reading(page, stack, session_id)
    assert_read_once_in_order(transcript)
    assert_read_once_in_order(captions_text(page))
    (((status, gaps),),) = [
        stack.query(
            "SELECT status, gaps FROM interpreter_translationsession WHERE id = ?", session_id
        )
    ]
    assert status == "completed"
    (recorded,) = json.loads(gaps)
    assert recorded["reason"] == "connection_lost"
    assert recorded["dropped_seconds"] == 0
    assert gap - 0.5 <= recorded["seconds"] <= gap + back + 3
    assert recorded["held_seconds"] >= gap
    assert page.locator(".caption.is-caught-up").count() >= 1
    recovered, total = words_recovered(transcript)
    if "RESUME_FIGURES" in os.environ:  # for docs/reliability.md
        with open(os.environ["RESUME_FIGURES"], "a") as figures:
            figures.write(
                f"gap={gap:g}s live_again_after_gap={back:.1f}s words_recovered="
                f"{recovered}/{total} held={recorded['held_seconds']}s "
                f"gap_recorded={recorded['seconds']}s\n"
            )


def test_a_live_session_carries_on_through_a_restart_of_daphne(reading, stack):
    page = reading
    session_id = start_reading(page, stack)
    page.wait_for_timeout(1_000)  # into the second sentence

    assert stack.restart_web() == 0

    live_again_after(page, time.monotonic())
    assert page.evaluate("window.interpreterStats.sessionId") == session_id
    sync_api.expect(page.locator("#live-alert")).to_be_empty()
    transcript = finish_reading(page, stack, session_id)
    assert_read_once_in_order(transcript)
    ((status, error, gaps),) = stack.query(
        "SELECT status, error, gaps FROM interpreter_translationsession WHERE id = ?", session_id
    )
    assert (status, error) == ("completed", "")
    assert json.loads(gaps)[0]["reason"] == "server_restarting"


def server_restarts(page_side, server_side, session_id: int) -> None:
    """What a server told to stop sends the page (tests/live/test_the_server_shutting_down.py)."""
    for event in [
        {"type": "error", "code": "server_restarting", "message": SERVER_RESTARTING, "fatal": True},
        {
            "type": "ended",
            "status": "failed",
            "session_id": session_id,
            "history_url": f"/history/{session_id}/",
        },
    ]:
        page_side.send(json.dumps(event))
    page_side.close(code=SERVER_RESTARTING_CLOSE)
    server_side.close()


def connection_drops(page_side, server_side, session_id: int) -> None:
    page_side.close(code=1001)
    server_side.close()


@pytest.mark.parametrize("cut", [server_restarts, connection_drops], ids=lambda f: f.__name__)
def test_a_live_session_resumes_by_itself_and_keeps_its_captions(looping, stack, cut):
    page = looping
    sockets = Sockets(page)
    session_id = start_reading(page, stack)
    translations = page.locator(".caption-target .final")
    shown = translations.count()

    cut(*sockets.pairs[0], session_id)

    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)
    sync_api.expect(page.locator("#live-notice")).to_contain_text("Reconnected")
    sync_api.expect(page.locator("#live-alert")).to_be_empty()
    assert page.evaluate("window.interpreterStats.sessionId") == session_id
    assert translations.count() >= shown
    sync_api.expect(translations.nth(shown)).not_to_be_empty(timeout=60_000)  # a new one
    assert len(sockets.pairs) == 2

    page.click("#live-toggle")
    sync_api.expect(root).to_have_attribute("data-state", "ended", timeout=20_000)


def test_stop_while_reconnecting_ends_it_and_no_new_session_starts(looping, stack):
    page = looping
    sockets = Sockets(page)
    sign_in(page, stack)
    page.goto("/live/")
    page.click("#live-toggle")
    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)

    connection_drops(*sockets.pairs[0], session_id=0)
    sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    page.click("#live-toggle")  # within the second before the first try

    sync_api.expect(root).to_have_attribute("data-state", "ended")
    sync_api.expect(page.locator("#live-toggle")).to_have_text("Start")
    page.wait_for_timeout(3_000)  # longer than the first tries' delays
    assert len(sockets.pairs) == 1
    sync_api.expect(root).to_have_attribute("data-state", "ended")


READY = {"type": "ready", "session_id": 1, "segment": 1, "resumed": False}


def test_a_session_that_cannot_be_resumed_stops_with_a_message(looping, stack):
    """No server answers any more: after the last try (about a minute of them, run on the
    page's fake clock here) the page stops and says so."""
    page = looping
    sockets = []

    def ready_once_then_gone(page_side) -> None:
        sockets.append(page_side)
        if len(sockets) > 1:
            page_side.close(code=1011)
            return
        when_started(page_side, lambda: page_side.send(json.dumps(READY)))

    page.clock.install()
    page.route_web_socket("**/ws/live/", ready_once_then_gone)
    sign_in(page, stack)
    page.goto("/live/")
    page.click("#live-toggle")
    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)

    sockets[0].close(code=1001)
    sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    for _ in range(14):  # each step runs out the next try's delay (at most 15 s)
        page.clock.run_for(16_000)
        page.wait_for_timeout(300)

    sync_api.expect(root).to_have_attribute("data-state", "error")
    sync_api.expect(page.locator("#live-alert")).to_contain_text("could not be restored")
    sync_api.expect(page.locator("#live-toggle")).to_have_text("Start")
    assert len(sockets) == 11  # the first, then one per try
