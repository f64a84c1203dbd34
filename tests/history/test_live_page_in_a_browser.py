"""A running session's page picks up new and updated utterances without a reload (Chromium)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from interpreter.models import Utterance, UtteranceTranslation

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


@pytest.fixture
def page(live_server, client, alice, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are
    # still plain synchronous calls, so Django's async-safety guard is lifted here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client.force_login(alice)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The favicon's 404 is logged as a console error too; script failures and CSP
        # refusals are what matter here.
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        browser.close()
        assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_running_session_shows_new_lines_and_late_translations_live(
    page, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running", lines=[(0, 500, "First line", "")])
    page.goto(f"/history/{session.pk}/")
    rows = page.locator("#transcript-rows tr")
    assert rows.count() == 1

    Utterance.objects.filter(utterance_id="u1").update(
        translation="Primera línea",
        updated_at=Utterance.objects.get().updated_at + timedelta(seconds=1),
    )
    Utterance.objects.create(
        session=session,
        utterance_id="u2",
        started_at=session.started_at + timedelta(seconds=4),
        text="<b>Second</b> line",
        translation="",
    )

    rows.nth(1).wait_for(timeout=8000)
    sync_api.expect(rows.nth(0).locator("td").nth(2)).to_have_text("Primera línea", timeout=8000)
    assert rows.nth(0).locator("td").all_text_contents() == [
        "00:00:00",
        "First line",
        "Primera línea",
    ]
    assert rows.nth(1).locator("td").all_text_contents() == ["00:00:04", "<b>Second</b> line", ""]

    session.status = "completed"
    session.save(update_fields=["status"])
    sync_api.expect(page.locator("#session-status")).to_have_text("Completed", timeout=8000)


@pytest.mark.django_db(transaction=True)
def test_a_running_session_with_nothing_said_shows_its_table_with_the_first_line(
    page, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running", lines=[])
    page.goto(f"/history/{session.pk}/")
    table = page.locator("#transcript-table")
    sync_api.expect(page.get_by_text("Nothing was said yet.")).to_be_visible()
    sync_api.expect(table).to_be_hidden()  # no header row over an empty table

    Utterance.objects.create(
        session=session,
        utterance_id="u1",
        started_at=session.started_at,
        text="First line",
        translation="Primera línea",
    )

    sync_api.expect(table).to_be_visible(timeout=8000)
    sync_api.expect(page.get_by_text("Nothing was said yet.")).to_have_count(0)
    assert page.locator("#transcript-rows tr td").all_text_contents() == [
        "00:00:00",
        "First line",
        "Primera línea",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_running_room_session_fills_each_language_and_adds_a_language_first_used_later(
    page, make_room_session
):
    session = make_room_session(
        status="running", languages=(), lines=[(0, 500, "First line", {"es-ES": "Primera"})]
    )
    page.goto(f"/history/{session.pk}/")
    rows = page.locator("#transcript-rows tr")
    headers = page.locator("#transcript-table thead th")
    sync_api.expect(headers).to_have_text(["Time", "Said (en-US)", "Translation (es-ES)"])

    # A French listener joins: the next line is said, and its French translation comes
    # later than its Spanish one, in a row of its own.
    second = Utterance.objects.create(
        session=session,
        utterance_id="u2",
        started_at=session.started_at + timedelta(seconds=4),
        text="Second line",
        translation="",
    )
    UtteranceTranslation.objects.create(utterance=second, language="es-ES", text="Segunda")
    rows.nth(1).wait_for(timeout=8000)
    UtteranceTranslation.objects.create(utterance=second, language="fr-FR", text="<i>Deuxième</i>")

    sync_api.expect(headers).to_have_text(
        ["Time", "Said (en-US)", "Translation (es-ES)", "Translation (fr-FR)"], timeout=8000
    )
    sync_api.expect(rows.nth(1).locator("td").nth(3)).to_have_text("<i>Deuxième</i>", timeout=8000)
    assert rows.nth(0).locator("td").all_text_contents() == [
        "00:00:00",
        "First line",
        "Primera",
        "",
    ]
    assert rows.nth(1).locator("td").all_text_contents() == [
        "00:00:04",
        "Second line",
        "Segunda",
        "<i>Deuxième</i>",
    ]
    langs = [[cell.get_attribute("lang") for cell in row.locator("td").all()] for row in rows.all()]
    assert langs == [[None, "en-US", "es-ES", "fr-FR"]] * 2
    assert headers.nth(3).get_attribute("scope") == "col"
