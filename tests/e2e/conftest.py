"""Fixtures shared by the browser tests."""

from __future__ import annotations

import pytest

from .stack import running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """localvt and daphne for one test module (each browser gets a fresh database)."""
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture
def live_page(live_server, client, alice, alpha, tmp_path, monkeypatch):
    """Open /live/ for alice (Alpha, with a "Finance terms" glossary for English to Spanish)
    in Chromium at a viewport size; the service's languages come from a fake Krisp peer and
    the page's socket is answered by the test (see scripted_live)."""
    from django.test import override_settings

    from glossaries.models import Glossary
    from tests.fakekrisp import API_KEY, in_a_thread

    from .chromium import CHROMIUM, launch_args
    from .scripted_live import quiet_microphone

    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are
    # still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Glossary.objects.create(
        account=alpha, name="Finance terms", source_language="en-US", target_language="es-ES"
    )
    client.force_login(alice)
    cookie = client.cookies["sessionid"].value
    problems: list[str] = []
    with (
        in_a_thread() as peer,
        override_settings(
            KRISP_API_KEY=API_KEY, KRISP_API_BASE=peer.api_base, KRISP_WS_URL=peer.ws_url
        ),
        sync_api.sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=launch_args(quiet_microphone(tmp_path), loop=True)
        )

        def open_page(width: int, height: int):
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": height}
            )
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
            )
            return page

        yield open_page
        browser.close()
    assert problems == []
