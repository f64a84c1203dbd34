"""Large captions for a room or a projector: the captions alone fill the screen in big white
type on black, with the spoken lines or the translation only; Esc leaves, and the choice is
remembered (Chromium at a laptop's, a large monitor's and a phone's size; screenshots are
kept under the test's tmp_path)."""

from __future__ import annotations

import json

import pytest

from interpreter.live.protocol import ENGINE_FAULT as ENGINE_FAULT_TEXT

from .chromium import CHROMIUM
from .scripted_live import LINES, answer_with_captions
from .test_captions_are_the_page_while_live import (
    assert_latest_line_in_view,
    on_screen,
    start_interpreting,
)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]

SIZES = {
    "laptop 1280x800": (1280, 800),
    "monitor 1920x1080": (1920, 1080),
    "phone 390x844": (390, 844),
}
ENGINE_FAULT = {
    "type": "error",
    "code": "service_unavailable",
    "message": ENGINE_FAULT_TEXT,
    "fatal": False,
}
# A browser without the Fullscreen API (an iPhone's Safari): the page covers the window.
WITHOUT_FULLSCREEN = "delete Element.prototype.requestFullscreen;"


def style(page, selector: str, prop: str) -> str:
    """The computed ``prop`` of the last element ``selector`` matches."""
    return page.locator(selector).last.evaluate(f"e => getComputedStyle(e).{prop}")


def in_large_captions(page) -> bool:
    return page.locator("#large-captions").get_attribute("aria-pressed") == "true"


@pytest.mark.parametrize("fullscreen", [True, False], ids=["fullscreen", "overlay"])
@pytest.mark.parametrize(("width", "height"), SIZES.values(), ids=SIZES.keys())
def test_large_captions_fill_the_screen_in_big_high_contrast_type(
    live_page, tmp_path, width, height, fullscreen
):
    page = live_page(width, height)
    if not fullscreen:
        page.add_init_script(WITHOUT_FULLSCREEN)
    start_interpreting(page)

    page.get_by_role("button", name="Large captions").click()
    expect(page.locator("#large-captions")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#large-captions-status")).to_have_text(
        "Large captions on. Press Escape to leave."
    )
    page.wait_for_timeout(300)  # full screen settles
    page.screenshot(path=tmp_path / f"large-{width}x{height}.png")

    card = on_screen(page, ".captions-card")
    assert (card["x"], card["y"]) == (0, 0)
    assert (round(card["width"]), round(card["height"])) == (width, height)
    assert on_screen(page, "#captions")["height"] >= 0.7 * height
    assert float(style(page, ".caption-target", "fontSize")[:-2]) >= 24
    assert style(page, ".captions-card", "backgroundColor") == "rgb(0, 0, 0)"
    assert style(page, ".caption-target", "color") == "rgb(255, 255, 255)"
    expect(page.locator(".caption-source").last).to_be_visible()
    assert_latest_line_in_view(page)
    is_fullscreen = page.evaluate("document.fullscreenElement?.classList.contains('is-large')")
    assert bool(is_fullscreen) is fullscreen


def test_translation_only_hides_the_spoken_lines_and_is_remembered(live_page, tmp_path):
    page = live_page(1280, 800)
    start_interpreting(page)
    page.get_by_role("button", name="Large captions").click()

    page.get_by_label("Translation only").check()
    page.screenshot(path=tmp_path / "large-translation-only.png")
    expect(page.locator(".caption-source").last).to_be_hidden()
    assert page.locator(".caption-source:visible").count() == 0
    expect(page.locator(".caption-target").last).to_have_text(LINES[-1][1])
    expect(page.locator(".caption-target").last).to_be_visible()
    assert_latest_line_in_view(page)

    # Next visit: Start turns large captions on again, still without the spoken lines.
    page.reload()
    start_interpreting(page)
    expect(page.locator("#large-captions")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Translation only")).to_be_checked()
    assert page.locator(".caption-source:visible").count() == 0

    page.get_by_label("Source and translation").check()
    expect(page.locator(".caption-source").last).to_be_visible()


def test_the_keyboard_reaches_large_captions_and_esc_leaves(live_page):
    page = live_page(1280, 800)
    start_interpreting(page)

    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "large-captions":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the Large captions button")
    page.keyboard.press("Enter")
    expect(page.locator("#large-captions")).to_have_attribute("aria-pressed", "true")
    # Focus stays on what can be seen (or leaves the page for the browser's own controls):
    # the rest of the page is out of reach.
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "(e => e === document.body || e.closest('.captions-card') !== null)"
                "(document.activeElement)"
            )
        )
    assert all(focused)

    page.keyboard.press("Escape")
    expect(page.locator("#large-captions")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#large-captions-status")).to_have_text("Large captions off.")
    expect(page.get_by_label("Translation only")).to_be_hidden()
    assert page.evaluate("document.fullscreenElement") is None
    assert on_screen(page, ".captions-card")["y"] > 0  # back in the page
    expect(page.locator("#live-toggle")).to_be_enabled()
    expect(page.locator("#live-root")).to_have_attribute("data-state", "live")
    assert page.evaluate("localStorage.getItem('interpreter.largeCaptions')") == "0"
    page.get_by_role("button", name="Stop").click()  # the page is usable again
    expect(page.locator("#live-root")).to_have_attribute("data-state", "ended")


def test_an_alert_shows_on_the_large_captions(live_page, tmp_path):
    page = live_page(1280, 800)
    sockets = answer_with_captions(page)
    page.goto("/live/")
    page.click("#live-toggle")
    expect(page.locator(".caption-target .final").last).to_have_text(LINES[-1][1])
    page.get_by_role("button", name="Large captions").click()

    sockets[0].send(json.dumps(ENGINE_FAULT))
    page.screenshot(path=tmp_path / "large-with-an-alert.png")
    expect(page.locator("#large-alert")).to_have_text(ENGINE_FAULT["message"])
    expect(page.locator("#large-alert")).to_be_visible()
    expect(page.locator("#live-alert")).to_have_text(ENGINE_FAULT["message"])  # announced

    sockets[0].send(json.dumps({"type": "status", "state": "live", "message": "Live again."}))
    expect(page.locator("#large-alert")).to_be_hidden()
    expect(page.locator("#large-state")).to_have_text("Live again.")


def test_a_session_that_never_went_live_leaves_large_captions_for_the_settings(live_page):
    page = live_page(1280, 800)
    page.goto("/live/")
    page.evaluate("localStorage.setItem('interpreter.largeCaptions', '1')")

    def refuse(socket) -> None:
        socket.on_message(
            lambda message: [
                socket.send(json.dumps(event))
                for event in (
                    {"type": "error", "code": "busy", "message": "Busy.", "fatal": True},
                    {"type": "ended", "status": "failed"},
                )
            ]
        )

    page.route_web_socket("**/ws/live/", refuse)
    page.reload()
    page.click("#live-toggle")
    expect(page.locator("#live-root")).to_have_attribute("data-state", "error")

    expect(page.locator("#large-captions")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#live-alert")).to_have_text("Busy.")
    expect(page.locator("#live-alert")).to_be_visible()
    expect(page.locator("#source-language")).to_be_visible()
