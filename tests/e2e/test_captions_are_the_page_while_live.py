"""While a session is live, the captions are the page: the settings fold into one summary
line, the caption box takes the rest of the window and shows the latest line (Chromium at a
laptop's, a large monitor's and a phone's size; screenshots are kept under the test's tmp_path).
"""

from __future__ import annotations

import pytest

from .chromium import CHROMIUM
from .scripted_live import LINES, answer_with_captions

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]

# (width, height, the least share of the height the caption box gets, its top at most)
SIZES = {
    "laptop 1280x800": (1280, 800, 0.6, 200),
    "monitor 1920x1080": (1920, 1080, 0.7, 200),
    "phone 390x844": (390, 844, 0.45, 400),
}


def start_interpreting(page) -> None:
    """English to Spanish, female voice, the Finance terms glossary; Start; every line shown."""
    answer_with_captions(page)
    page.goto("/live/")
    page.select_option("#source-language", "en-US")
    page.select_option("#target-language", "es-ES")
    page.select_option("#voice", "female")
    page.select_option("#glossary", label="Finance terms")
    page.click("#live-toggle")
    expect(page.locator("#live-root")).to_have_attribute("data-state", "live")
    expect(page.locator(".caption-target .final").last).to_have_text(LINES[-1][1])


def on_screen(page, selector: str) -> dict:
    """The element's box in the window (CSS pixels)."""
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return box


def assert_latest_line_in_view(page) -> None:
    box, latest = on_screen(page, "#captions"), on_screen(page, ".caption:last-child")
    assert box["y"] <= latest["y"], "the latest line is above the caption box's top"
    assert latest["y"] + latest["height"] <= box["y"] + box["height"] + 1, "it is below the box"


@pytest.mark.parametrize(("width", "height", "share", "top"), SIZES.values(), ids=SIZES.keys())
def test_the_captions_take_the_window_while_live(live_page, tmp_path, width, height, share, top):
    page = live_page(width, height)
    start_interpreting(page)
    page.screenshot(path=tmp_path / f"live-{width}x{height}.png")

    box = on_screen(page, "#captions")
    assert box["y"] <= top, f"the captions start {box['y']:.0f} px down the page"
    assert box["height"] >= share * height, f"the captions are {box['height']:.0f} px tall"
    assert box["y"] + box["height"] <= height, "the captions run below the window"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # The settings are folded away, and the latest line is in view inside the box.
    expect(page.locator("#source-language")).to_be_hidden()
    expect(page.locator("#volume")).to_be_hidden()
    assert_latest_line_in_view(page)
    assert page.evaluate("document.scrollingElement.scrollTop") == 0


def test_the_summary_line_names_the_languages_voice_and_glossary(live_page):
    page = live_page(1280, 800)
    start_interpreting(page)

    summary = page.locator("#live-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("English (United States) → Spanish (Spain)")
    expect(summary).to_contain_text("Female voice")
    expect(summary).to_contain_text("Glossary: Finance terms")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_volume_mute_and_output_can_be_changed_while_live(live_page, tmp_path, width, height):
    page = live_page(width, height)
    start_interpreting(page)

    sound = page.get_by_role("button", name="Sound")
    expect(sound).to_have_attribute("aria-expanded", "false")
    sound.click()
    expect(sound).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=tmp_path / f"live-sound-{width}x{height}.png")
    volume, mute = page.get_by_label("Volume"), page.get_by_label("Mute")
    expect(volume).to_be_enabled()
    volume.fill("40")
    mute.check()
    expect(page.get_by_label("Play through")).to_be_enabled()
    expect(page.locator("#source-language")).to_be_hidden()  # what can't change stays folded
    assert page.evaluate("localStorage.getItem('interpreter.volume')") == "40"
    assert page.evaluate("localStorage.getItem('interpreter.muted')") == "1"
    # The captions still fill what the sound controls leave, and still show the latest line.
    assert on_screen(page, "#captions")["height"] >= 0.3 * height
    assert_latest_line_in_view(page)

    sound.click()
    expect(volume).to_be_hidden()
    expect(page.locator("#live-root")).to_have_attribute("data-state", "live")


def test_after_the_session_the_captions_stay_until_the_settings_are_changed(live_page):
    page = live_page(1280, 800)
    start_interpreting(page)
    page.click("#live-toggle")
    expect(page.locator("#live-root")).to_have_attribute("data-state", "ended")

    expect(page.locator("#source-language")).to_be_hidden()
    assert on_screen(page, "#captions")["height"] >= 0.6 * 800
    page.get_by_role("button", name="Change settings").click()

    expect(page.locator("#source-language")).to_be_visible()
    expect(page.locator("#source-language")).to_be_enabled()
    expect(page.locator("#live-summary")).to_be_hidden()
    expect(page.locator(".caption")).to_have_count(len(LINES))  # the captions are not lost


def test_speaking_into_a_room_the_summary_names_the_room_and_the_captions_fill_the_window(
    live_page, tmp_path, alice, alpha
):
    from rooms.models import Room

    room = Room.objects.create(
        account=alpha, owner=alice, name="Town hall", source_language="en-US", access="link"
    )
    page = live_page(1280, 800)
    answer_with_captions(page)
    page.goto(f"/live/?room={room.pk}")
    page.click("#live-toggle")
    expect(page.locator(".caption-target .final").last).to_have_text(LINES[-1][1])

    expect(page.locator("#live-summary")).to_contain_text(
        "Speaking English (United States) into Town hall · You hear no translation"
    )
    expect(page.locator("#live-room")).to_be_visible()  # the listeners, counted live
    box = on_screen(page, "#captions")
    page.screenshot(path=tmp_path / "live-room-1280x800.png")
    assert box["y"] <= 300 and box["y"] + box["height"] <= 800
    assert box["height"] >= 0.6 * 800
