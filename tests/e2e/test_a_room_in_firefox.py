"""A guest listens to a room in Firefox: the listener page as Firefox users meet it.

The speaker reads a LibriVox sentence in Chromium (whose fake microphone Firefox lacks);
the guest, who has only the link, listens in Spanish in Firefox, whose output goes to a
private PulseAudio daemon's null sink, so its player really plays. The guest's page must
wait for the speaker, then show Spanish captions beside the English, play the speech, and
say when the speaker stops.
"""

from __future__ import annotations

import pytest

from .chromium import CHROMIUM, launch_args
from .clips import microphone_clip
from .firefox import firefox_page
from .marks import FIREFOX_WITH_SPEECH, NEEDS_CHROMIUM
from .pulse import virtual_microphone
from .test_a_room import create_room
from .test_interpreting_in_a_browser import sign_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [*FIREFOX_WITH_SPEECH, NEEDS_CHROMIUM]

STATE = "#live-state"


def test_a_guest_hears_a_room_in_spanish_in_firefox(stack, tmp_path):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=launch_args(microphone_clip(tmp_path), loop=True)
        )
        speaker = chromium.new_context(base_url=stack.url).new_page()
        sign_in(speaker, stack)
        room_id, token = create_room(speaker, stack, "Firefox hall")

        with (
            virtual_microphone(tmp_path) as pulse,
            firefox_page(stack.url, pulse.env) as guest,
        ):
            guest.goto(f"/r/{token}/?language=es-ES")
            guest.wait_for_text(STATE, "Waiting", seconds=20)

            speaker.goto(f"/live/?room={room_id}")
            speaker.click("#live-toggle")
            sync_api.expect(speaker.locator("#live-root")).to_have_attribute(
                "data-state", "live", timeout=30_000
            )
            guest.wait_for_text(STATE, "Live", seconds=20)
            guest.wait_for_text(".caption-target .final", r"(?i)para|considerar", seconds=90)
            guest.wait_for_text(".caption-source .final", "Dashwood", seconds=10)
            guest.wait_until("window.listenerStats.samplesPlayed > 16000", seconds=30)

            speaker.click("#live-toggle")
            sync_api.expect(speaker.locator("#live-root")).to_have_attribute(
                "data-state", "ended", timeout=30_000
            )
            guest.wait_for_text(STATE, "stopped", seconds=20)
            assert guest.problems() == []
        chromium.close()
