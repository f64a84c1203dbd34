"""A person opens /live/, speaks English into the microphone, and reads and hears Spanish.

Chromium plays a LibriVox recording as its microphone; daphne bridges it to localvt; the
test reads what the page shows, what its player really played, and what was saved.
"""

from __future__ import annotations

import re

import pytest

from .chromium import chromium_page
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH
from .stack import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH


@pytest.fixture
def page(stack, tmp_path):
    with chromium_page(stack.url, microphone_clip(tmp_path), loop=False) as page:
        yield page


def sign_in(page, stack) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(stack.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_url(re.compile(r"/$"))


def wait_until(page, condition: str, seconds: float) -> None:
    """Poll ``condition`` from outside the page: the page's CSP (rightly) forbids the
    eval that ``wait_for_function`` would need."""
    for _ in range(int(seconds * 4)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{condition} stayed false for {seconds} s")


def test_english_speech_becomes_spanish_captions_and_speech(page, stack):
    sign_in(page, stack)
    page.goto("/live/")
    page.select_option("#source-language", "en-US")
    page.select_option("#target-language", "es-ES")
    page.select_option("#voice", "female")
    page.click("#live-toggle")

    root = page.locator("#live-root")
    sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)
    final_source = page.locator(".caption-source .final")
    sync_api.expect(final_source.first).to_contain_text("Dashwood", timeout=40_000)
    final_target = page.locator(".caption-target .final").first
    sync_api.expect(final_target).to_contain_text(
        re.compile(r"para|considerar|poder"), timeout=20_000
    )
    wait_until(page, "window.interpreterStats.samplesPlayed > 16000", seconds=20)
    # The whole translated sentence is heard: it arrives at once, and none of it is dropped.
    wait_until(page, "window.interpreterStats.queuedMs === 0", seconds=30)
    assert page.evaluate("window.interpreterStats.playerDropped") == 0
    page.click("#live-toggle")
    sync_api.expect(root).to_have_attribute("data-state", "ended", timeout=20_000)
    sync_api.expect(page.locator("#live-history-link")).to_be_visible()

    stats = page.evaluate("window.interpreterStats")
    assert stats["framesSent"] > 200  # > 4 s of microphone audio reached the server
    stack.assert_interpreted_and_saved(stats["sessionId"])

    page.click("#live-history-link")
    sync_api.expect(page.locator("body")).to_contain_text("Dashwood")
