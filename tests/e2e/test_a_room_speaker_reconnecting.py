"""A room's speaker loses the connection; the room's session carries on, and its listeners
miss nothing that was said.

The speaker's Chromium reads the five LibriVox sentences once into a room; a guest listens
in Spanish in a tab of their own. After the first sentence the speaker's socket is cut and
new ones are refused for 3 s (a network drop), while the second is being read. The
speaker's page must resume the same saved session by itself and send what it held, and the
guest's page must show the speaker live again. (What listeners are told in between is
checked in tests/live/test_rooms_live.py: here it lasts too short a time to catch
reliably.) Both pages and the one saved session have every sentence once, in order; the
speaker's page gets the finals its old connection could no longer send it.
"""

from __future__ import annotations

import pytest

from .chromium import chromium_page
from .clips import assert_read_once_in_order, reading_clip
from .marks import CHROMIUM_WITH_SPEECH
from .test_a_room import create_room
from .test_interpreting_in_a_browser import sign_in
from .test_resuming_a_session import Sockets, live_again_after

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH

GAP_SECONDS = 3


def test_a_room_speaker_whose_connection_drops_carries_on_and_no_listener_misses_a_word(
    stack, tmp_path
):
    with chromium_page(stack.url, reading_clip(tmp_path), loop=False) as speaker:
        sockets = Sockets(speaker)
        sign_in(speaker, stack)
        room_id, token = create_room(speaker, stack, "Reconnecting hall")
        guest = speaker.context.browser.new_context(base_url=stack.url).new_page()
        guest.goto(f"/r/{token}/?language=es-ES")
        sync_api.expect(guest.locator("#live-state")).to_contain_text("Waiting")

        speaker.goto(f"/live/?room={room_id}")
        speaker.click("#live-toggle")
        root = speaker.locator("#live-root")
        sync_api.expect(root).to_have_attribute("data-state", "live", timeout=30_000)
        sync_api.expect(guest.locator(".caption-target .final").first).not_to_be_empty(
            timeout=60_000
        )
        # Cut at once, in the pause after the first sentence. A sentence cut in two is heard
        # worse in its second half ("young man" became "young men" in one run), which the
        # plain resume test covers and this test is not about.
        session_id = speaker.evaluate("window.interpreterStats.sessionId")

        sockets.cut(GAP_SECONDS)
        sync_api.expect(root).to_have_attribute("data-state", "reconnecting", timeout=5_000)
        speaker.wait_for_timeout(GAP_SECONDS * 1000)
        live_again_after(speaker, 0)

        assert speaker.evaluate("window.interpreterStats.sessionId") == session_id
        assert speaker.evaluate("window.interpreterStats.segment") == 2
        sync_api.expect(guest.locator("#live-state")).to_contain_text("Live")
        for page in (speaker, guest):
            sync_api.expect(page.locator("#caption-list")).to_contain_text(
                "himself", timeout=90_000
            )
        speaker.click("#live-toggle")
        sync_api.expect(root).to_have_attribute("data-state", "ended", timeout=30_000)

        assert stack.query(
            "SELECT id, segments FROM interpreter_translationsession WHERE room_id = ?", room_id
        ) == [(session_id, 2)]
        rows = stack.query(
            "SELECT text FROM interpreter_utterance WHERE session_id = ? "
            "ORDER BY audio_start_ms, id",
            session_id,
        )
        assert_read_once_in_order(" ".join(text for (text,) in rows))
        for page in (speaker, guest):
            assert_read_once_in_order(" ".join(page.locator(".caption-source").all_text_contents()))
