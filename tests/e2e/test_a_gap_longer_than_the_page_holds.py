"""A connection down for longer than the page can hold: the oldest held audio is dropped,
and the loss is counted, told to the user and recorded on the saved session.

The stack here lets the page hold 2 s (``LIVE_HOLD_SECONDS=2``; 30 s by default), so a 6 s
cut overflows it.
"""

from __future__ import annotations

import json
import time

import pytest

from .chromium import chromium_page
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH
from .stack import running_stack
from .test_resuming_a_session import Sockets, live_again_after, start_reading

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("stack"), LIVE_HOLD_SECONDS="2") as running:
        yield running


def test_a_gap_longer_than_the_page_can_hold_is_counted_shown_and_recorded(stack, tmp_path):
    with chromium_page(stack.url, microphone_clip(tmp_path), loop=True) as page:
        sockets = Sockets(page)
        session_id = start_reading(page, stack)

        sockets.cut(6)
        page.wait_for_timeout(6_000)
        live_again_after(page, time.monotonic())

        notice = page.locator("#live-notice").text_content()
        assert "could not be kept" in notice and "at most 2.0 s" in notice, notice
        dropped = page.evaluate("window.interpreterStats.droppedMs")
        assert dropped >= 3000
        page.click("#live-toggle")
        sync_api.expect(page.locator("#live-root")).to_have_attribute(
            "data-state", "ended", timeout=30_000
        )
        ((gaps,),) = stack.query(
            "SELECT gaps FROM interpreter_translationsession WHERE id = ?", session_id
        )
        (recorded,) = json.loads(gaps)
        assert recorded["dropped_seconds"] >= dropped / 1000
        page.goto(f"/history/{session_id}/")
        sync_api.expect(page.locator("#session-gaps")).to_contain_text("could not be interpreted")
