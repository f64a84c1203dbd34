"""A live session carries on when its connection is lost or its server restarts.

Chromium plays a LibriVox recording over and over as its microphone; daphne bridges it to
localvt. Once captions are on screen the connection is ended: daphne itself is restarted
with SIGTERM, as a deploy does; or the socket, passing through Playwright, is ended the way
a restarting server ends it (``server_restarting``, ``ended``, close 4503) or the way a
dropped connection does (a bare close). The page must reconnect by itself, start a new
session on the same audio, keep the captions it had and add new ones, without a press of
Start.
"""

from __future__ import annotations

import json

import pytest

from interpreter.live.protocol import SERVER_RESTARTING, SERVER_RESTARTING_CLOSE

from .chromium import CHROMIUM, chromium_page, when_started
from .clips import CLIP, microphone_clip
from .test_interpreting_in_a_browser import sign_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.models,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
    pytest.mark.skipif(not CLIP.exists(), reason="pocketsphinx-testdata is not installed"),
]


@pytest.fixture
def page(stack, tmp_path):
    with chromium_page(stack.url, microphone_clip(tmp_path), loop=True) as page:
        yield page


def start_interpreting(page, stack):
    """Sign in, press Start and wait for the first translated caption; the caption locator."""
    sign_in(page, stack)
    page.goto("/live/")
    page.select_option("#source-language", "en-US")
    page.select_option("#target-language", "es-ES")
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "live", timeout=30_000
    )
    translations = page.locator(".caption-target .final")
    sync_api.expect(translations.first).not_to_be_empty(timeout=60_000)
    return translations


def expect_resumed(page, translations, shown: int, first_session: int) -> None:
    """Live again in a new session, with the old captions kept and a new one added."""
    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)
    sync_api.expect(page.locator("#live-notice")).to_contain_text("Reconnected")
    sync_api.expect(page.locator("#live-alert")).to_be_empty()
    assert page.evaluate("window.interpreterStats.sessionId") not in (None, first_session)
    kept = translations.count()
    assert kept >= shown
    sync_api.expect(translations.nth(kept)).not_to_be_empty(timeout=60_000)  # a new one
    sync_api.expect(page.locator("#live-toggle")).to_have_text("Stop")


def test_a_live_session_carries_on_through_a_restart_of_daphne(page, stack):
    translations = start_interpreting(page, stack)
    first_session = page.evaluate("window.interpreterStats.sessionId")
    shown_before = translations.count()

    assert stack.restart_web() == 0

    expect_resumed(page, translations, shown_before, first_session)
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "ended", timeout=20_000
    )
    ((status, error),) = stack.query(
        "SELECT status, error FROM interpreter_translationsession WHERE id = ?", first_session
    )
    assert (status, error) == ("failed", SERVER_RESTARTING)
    saved = stack.query(
        "SELECT translation FROM interpreter_utterance WHERE session_id = ? AND translation != ''",
        first_session,
    )
    assert len(saved) >= shown_before  # every translation shown before the restart was kept


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
def test_a_live_session_resumes_by_itself_and_keeps_its_captions(page, stack, cut):
    sockets = []

    def pass_through(page_side) -> None:
        sockets.append((page_side, page_side.connect_to_server()))

    page.route_web_socket("**/ws/live/", pass_through)
    translations = start_interpreting(page, stack)
    first_session = page.evaluate("window.interpreterStats.sessionId")
    shown = translations.count()

    cut(*sockets[0], first_session)

    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    expect_resumed(page, translations, shown, first_session)
    assert len(sockets) == 2

    page.click("#live-toggle")
    sync_api.expect(root).to_have_attribute("data-state", "ended", timeout=20_000)


def test_stop_while_reconnecting_ends_it_and_no_new_session_starts(page, stack):
    sockets = []

    def pass_through(page_side) -> None:
        sockets.append((page_side, page_side.connect_to_server()))

    page.route_web_socket("**/ws/live/", pass_through)
    sign_in(page, stack)
    page.goto("/live/")
    page.click("#live-toggle")
    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)

    connection_drops(*sockets[0], session_id=0)
    sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    page.click("#live-toggle")  # within the second before the first try

    sync_api.expect(root).to_have_attribute("data-state", "ended")
    sync_api.expect(page.locator("#live-toggle")).to_have_text("Start")
    page.wait_for_timeout(3_000)  # longer than the first tries' delays
    assert len(sockets) == 1
    sync_api.expect(root).to_have_attribute("data-state", "ended")


READY = {"type": "ready", "session_id": 1}


def test_a_session_that_cannot_be_resumed_stops_with_a_message(page, stack):
    """No server answers any more: after the last try (about a minute of them, run on the
    page's fake clock here) the page stops and says so."""
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
    for _ in range(8):  # each step runs out the next try's delay (at most 30 s)
        page.clock.run_for(31_000)
        page.wait_for_timeout(300)

    sync_api.expect(root).to_have_attribute("data-state", "error")
    sync_api.expect(page.locator("#live-alert")).to_contain_text("could not be restored")
    sync_api.expect(page.locator("#live-toggle")).to_have_text("Start")
    assert len(sockets) == 7  # the first, then one per try
