"""The same person as in test_interpreting_in_a_browser.py, but in Firefox.

Firefox cannot capture from a file, so a private PulseAudio daemon is its microphone and
the LibriVox recording is spoken into it once the session is live. The test reads what
the page shows, what its player really played, and what was saved.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from .clips import assert_read_once_in_order, microphone_clip, reading_clip
from .firefox import FirefoxPage, firefox_page
from .marks import FIREFOX_WITH_SPEECH
from .pulse import virtual_microphone
from .stack import PASSWORD, Stack

pytestmark = FIREFOX_WITH_SPEECH

STATE = "document.getElementById('live-root').dataset.state"
LEVEL = "document.getElementById('input-level').value"


@pytest.fixture(scope="module")
def microphone(tmp_path_factory):
    with virtual_microphone(tmp_path_factory.mktemp("pulse")) as running:
        yield running


@pytest.fixture
def page(stack, microphone):
    with firefox_page(stack.url, {**os.environ, **microphone.env}) as page:
        yield page
        # Firefox logs each socket the page tries while daphne restarts and nothing listens;
        # that is the reconnecting the tests ask for, not a problem of the page.
        refused = "can’t establish a connection to the server at ws://"
        assert [p for p in page.problems() if refused not in p] == []


@pytest.fixture
def speak(microphone, tmp_path):
    """Call to start speaking the clip into the microphone; stops it at the end."""
    players = []

    def start(clip=None) -> None:
        players.append(microphone.play(clip or microphone_clip(tmp_path)))

    yield start
    for player in players:
        player.terminate()
        player.wait()


def sign_in(page: FirefoxPage, stack: Stack) -> None:
    page.goto("/login/")
    page.fill("#id_username", stack.username)
    page.fill("#id_password", PASSWORD)
    assert page.follow("form button[type=submit]") == stack.url + "/"


def test_english_speech_becomes_spanish_captions_and_speech_in_firefox(page, stack, speak):
    sign_in(page, stack)
    page.goto("/live/")
    # Firefox shares tabs without their audio, so the page must not offer to listen to one.
    assert not page.evaluate("document.getElementById('source-tab-choice').checkVisibility()")
    page.select("#source-language", "en-US")
    page.select("#target-language", "es-ES")
    page.select("#voice", "female")
    page.click("#live-toggle")

    page.wait_until(f"{STATE} === 'live'", seconds=30)
    speak()
    page.wait_until(f"{LEVEL} > 0.3", seconds=10)  # the meter hears the voice
    page.wait_for_text(".caption-source .final", "Dashwood", seconds=40)
    page.wait_for_text(".caption-target .final", r"para|considerar|poder", seconds=20)
    page.wait_until("window.interpreterStats.samplesPlayed > 16000", seconds=20)
    # The whole translated sentence is heard: it arrives at once, and none of it is dropped.
    page.wait_until("window.interpreterStats.queuedMs === 0", seconds=30)
    assert page.evaluate("window.interpreterStats.playerDropped") == 0
    page.click("#live-toggle")
    page.wait_until(f"{STATE} === 'ended'", seconds=20)
    assert page.evaluate("!document.getElementById('live-ended').hidden")

    stats = page.evaluate("window.interpreterStats")
    assert stats["framesSent"] > 200  # > 4 s of microphone audio reached the server
    # Firefox runs the context at the device's rate; both worklets resampled to and from it.
    assert stats["outputSampleRate"] == stats["contextSampleRate"] > 16000
    stack.assert_interpreted_and_saved(stats["sessionId"])

    page.follow("#live-history-link")
    assert "Dashwood" in page.evaluate("document.body.textContent")


def test_a_restart_of_daphne_mid_sentence_loses_no_word_in_firefox(page, stack, tmp_path, speak):
    """daphne is stopped with SIGTERM, as a deploy does, while the reading goes on: the page
    holds what is said meanwhile, resumes the same saved session on the new daphne and
    catches up, so every sentence is saved once, in order."""
    sign_in(page, stack)
    page.goto("/live/")
    page.select("#source-language", "en-US")
    page.select("#target-language", "es-ES")
    page.click("#live-toggle")
    page.wait_until(f"{STATE} === 'live'", seconds=30)
    speak(reading_clip(tmp_path))
    page.wait_for_text(".caption-target .final", r"\w", seconds=60)
    session_id = page.evaluate("window.interpreterStats.sessionId")
    time.sleep(1.0)  # into the second sentence

    assert stack.restart_web() == 0  # SIGTERM, as a deploy stops it

    page.wait_until(f"{STATE} === 'live'", seconds=40)
    assert page.evaluate("window.interpreterStats.sessionId") == session_id
    assert "Reconnected" in page.evaluate("document.getElementById('live-notice').textContent")
    page.wait_for_text("#caption-list", "himself", seconds=90)
    page.click("#live-toggle")
    page.wait_until(f"{STATE} === 'ended'", seconds=30)
    ((status, gaps),) = stack.query(
        "SELECT status, gaps FROM interpreter_translationsession WHERE id = ?", session_id
    )
    assert status == "completed"
    assert json.loads(gaps)[0]["reason"] == "server_restarting"
    rows = stack.query(
        "SELECT text FROM interpreter_utterance WHERE session_id = ? ORDER BY audio_start_ms",
        session_id,
    )
    assert_read_once_in_order(" ".join(text for (text,) in rows))
