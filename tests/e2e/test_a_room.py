"""A room, as a newcomer uses it: make it, speak into it, and two people listen in their own
languages, one of them a guest who only has the link.

The speaker's Chromium reads a LibriVox sentence into its fake microphone; localvt
interprets it into Spanish for a signed-in member and French for a guest, each on a page of
their own. Each listener page must show its own language's captions and play its speech;
the speaker's page counts them; the session is saved once, with both languages.
"""

from __future__ import annotations

import re

import pytest

from .chromium import CHROMIUM, launch_args
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH
from .test_interpreting_in_a_browser import sign_in, wait_until

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH


@pytest.fixture
def browser(stack, tmp_path):
    """One Chromium, its fake microphone reading the sentence over and over; a page per
    person, each in its own context (cookies), failing the test on a page error."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=launch_args(microphone_clip(tmp_path), loop=True)
        )
        problems = []

        def page():
            new = chromium.new_context(base_url=stack.url).new_page()
            new.on("pageerror", lambda error: problems.append(str(error)))
            new.on(
                "console",
                lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
            )
            return new

        yield page
        chromium.close()
        assert problems == []


def create_room(speaker, stack, name: str) -> tuple[int, str]:
    """Make an English room anyone with the link may hear, on the signed-in ``speaker``'s
    page, as its organiser would; its id and link token."""
    speaker.goto("/rooms/new/")
    speaker.get_by_label("Name").fill(name)
    speaker.get_by_label("Spoken language").select_option("en-US")
    speaker.get_by_label("Anyone with the link").check()
    speaker.get_by_role("button", name=re.compile("create|save", re.I)).click()
    ((room_id, token),) = stack.query("SELECT id, link_token FROM rooms_room WHERE name = ?", name)
    return room_id, token


def test_a_speaker_is_heard_by_a_member_in_spanish_and_a_guest_in_french(browser, stack):
    speaker = browser()
    sign_in(speaker, stack)
    room_id, token = create_room(speaker, stack, "Town hall")

    member = browser()
    sign_in(member, stack)
    member.goto(f"/r/{token}/?language=es-ES")
    guest = browser()
    guest.goto(f"/r/{token}/?language=fr-FR")
    for listener in (member, guest):
        sync_api.expect(listener.locator("#live-state")).to_contain_text("Waiting")

    speaker.goto(f"/live/?room={room_id}")
    sync_api.expect(speaker.locator("#live-room")).to_contain_text("Town hall")
    speaker.click("#live-toggle")
    sync_api.expect(speaker.locator("#live-root")).to_have_attribute(
        "data-state", "live", timeout=30_000
    )
    sync_api.expect(speaker.locator("#live-room-listeners")).to_contain_text(
        "2 listening", timeout=20_000
    )

    for listener, said in ((member, r"para|considerar"), (guest, r"pour|considérer|consid")):
        sync_api.expect(listener.locator("#live-state")).to_contain_text("Live")
        target = listener.locator(".caption-target .final").first
        sync_api.expect(target).to_have_text(re.compile(said, re.I), timeout=90_000)
        sync_api.expect(listener.locator(".caption-source .final").first).to_contain_text(
            "Dashwood"
        )
    for listener in (member, guest):
        wait_until(listener, "window.listenerStats.samplesPlayed > 16000", seconds=30)
    sync_api.expect(speaker.locator(".caption-source .final").first).to_contain_text("Dashwood")

    # The member switches to French mid-session, on the same page (no reload): the next
    # reading of the sentence comes in French.
    member.evaluate("window.notReloaded = true")
    member.select_option("#listen-language", "fr-FR")
    sync_api.expect(member.locator(".caption-target .final").first).to_have_text(
        re.compile(r"pour|considérer|consid", re.I), timeout=90_000
    )
    assert member.evaluate("window.notReloaded") is True

    speaker.click("#live-toggle")
    sync_api.expect(speaker.locator("#live-root")).to_have_attribute(
        "data-state", "ended", timeout=30_000
    )
    for listener in (member, guest):
        sync_api.expect(listener.locator("#live-state")).to_contain_text("stopped")

    ((session_id, languages),) = stack.query(
        "SELECT id, languages FROM interpreter_translationsession WHERE room_id = ?", room_id
    )
    assert sorted(re.findall(r"[a-z]{2}-[A-Z]{2}", languages)) == ["es-ES", "fr-FR"]
    saved = stack.query(
        "SELECT t.language FROM interpreter_utterancetranslation t "
        "JOIN interpreter_utterance u ON u.id = t.utterance_id WHERE u.session_id = ?",
        session_id,
    )
    assert {language for (language,) in saved} == {"es-ES", "fr-FR"}


def test_a_listener_is_told_when_the_speakers_worker_has_died(browser, stack):
    organiser = browser()
    sign_in(organiser, stack)
    room_id, token = create_room(organiser, stack, "Orphaned hall")
    # The database still names a speaker, but no worker carries them any more.
    stack.query(
        "UPDATE rooms_room SET speaker_id = (SELECT id FROM auth_user WHERE username = ?), "
        "speaking_since = CURRENT_TIMESTAMP WHERE id = ?",
        stack.username,
        room_id,
    )

    guest = browser()
    guest.goto(f"/r/{token}/?language=es-ES")

    sync_api.expect(guest.locator("#live-state")).to_contain_text(
        "The speaker's connection was lost", timeout=10_000
    )
