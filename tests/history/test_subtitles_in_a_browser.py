"""Chromium's own WebVTT parser accepts an export, cue for cue (what a video player does)."""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from interpreter import exports

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]

START = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@dataclass
class Row:
    started_at: datetime
    duration_ms: int
    text: str
    translation: str


READ_CUES = """() => {
  const track = document.getElementById("track").track;
  return [...track.cues].map((cue) => [cue.startTime, cue.endTime, cue.getCueAsHTML().textContent]);
}"""


def cues_in_chromium(vtt: str) -> list:
    source = "data:text/vtt;base64," + base64.b64encode(vtt.encode()).decode()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.set_content(
                f'<video><track id="track" kind="subtitles" default src="{source}"></video>'
            )
            # readyState 2 is LOADED; 3 would be ERROR (a file the parser refused).
            page.wait_for_function(
                "document.getElementById('track').readyState >= 2", timeout=10_000
            )
            assert page.evaluate("document.getElementById('track').readyState") == 2
            return page.evaluate(READ_CUES)
        finally:
            browser.close()


def test_chromium_reads_every_bilingual_cue_with_its_timing_and_text():
    rows = [
        Row(START + timedelta(seconds=1.5), 2500, "Good morning.", "Buenos días."),
        Row(START + timedelta(hours=1, seconds=2), 1000, 'a <b> & c --> d "e"', "Línea\n\ndos"),
    ]
    vtt = exports.to_vtt(exports.cues_from(rows, START), "bilingual")

    assert cues_in_chromium(vtt) == [
        [1.5, 4.0, "Good morning.\nBuenos días."],
        [3602.0, 3603.0, 'a <b> & c --> d "e"\nLínea\ndos'],
    ]
