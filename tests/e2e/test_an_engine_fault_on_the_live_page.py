"""The live page shows an engine fault the session survives, stays live, and clears the
alert once the server says the session is live again (Chromium).

The page's socket passes through Playwright, which answers as the app does after a fault
(tests/live/test_an_engine_fault_is_shown_and_saved.py proves the app sends exactly this).
"""

from __future__ import annotations

import json

import pytest

from interpreter.live.protocol import ENGINE_FAULT

from .chromium import chromium_page, when_started
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH
from .test_interpreting_in_a_browser import sign_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH

READY = {"type": "ready", "session_id": 1}
FAULT = {"type": "error", "code": "service_unavailable", "message": ENGINE_FAULT, "fatal": False}
LIVE_AGAIN = {"type": "status", "state": "live", "message": "Live again."}


def test_the_alert_shows_the_fault_and_clears_when_live_again(stack, tmp_path):
    sockets = []

    def answer_start(page_side) -> None:
        sockets.append(page_side)
        when_started(page_side, lambda: page_side.send(json.dumps(READY)))

    with chromium_page(stack.url, microphone_clip(tmp_path), loop=True) as page:
        page.route_web_socket("**/ws/live/", answer_start)
        sign_in(page, stack)
        page.goto("/live/")
        page.click("#live-toggle")
        root, alert = page.locator("#live-root"), page.locator("#live-alert")
        sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)

        sockets[0].send(json.dumps(FAULT))
        sync_api.expect(alert).to_have_text(ENGINE_FAULT)
        sync_api.expect(root).to_have_attribute("data-state", "live")

        sockets[0].send(json.dumps(LIVE_AGAIN))
        sync_api.expect(alert).to_be_empty()
        sync_api.expect(root).to_have_attribute("data-state", "live")
        sync_api.expect(page.locator("#live-toggle")).to_have_text("Stop")
        assert len(sockets) == 1
