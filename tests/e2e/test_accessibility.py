"""Every user-facing page passes an axe-core audit against WCAG 2.1 A and AA.

Chromium renders each page as a signed-in (or signed-out) person sees it, in the light and
the dark colour scheme; axe-core, injected into the page, reports what a screen-reader or
low-vision user would trip over.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from krisp.errors import KrispConnectionError

from .chromium import CHROMIUM, launch_args, when_started
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH
from .scripted_live import LINES, answer_with_captions
from .stack import PASSWORD, ROOT

sync_api = pytest.importorskip("playwright.sync_api")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What the server says when the service can't be reached.
SERVICE_FAILED = KrispConnectionError.user_message

pytestmark = [
    *CHROMIUM_WITH_SPEECH,
    pytest.mark.skipif(
        not AXE.exists(), reason="axe-core is not installed (run `npm ci` for node_modules)"
    ),
]

SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm
from interpreter.models import TranslationSession, Utterance, UtteranceTranslation
from rooms.models import Room

user = get_user_model().objects.get(username={username!r})
account = user.memberships.get().account
started = timezone.now() - timedelta(minutes=5)
session = TranslationSession.objects.create(
    user=user, account=account, title="Weekly planning", source_language="en-US",
    target_language="es-ES", voice="female", backend="localvt", started_at=started,
    ended_at=started + timedelta(seconds=42), status="completed",
    audio_in_seconds=42, audio_out_seconds=30,
)
for n, (text, translation) in enumerate([
    ("Good morning, everyone.", "Buenos días a todos."),
    ("Let us review the budget.", "Revisemos el presupuesto."),
]):
    Utterance.objects.create(
        session=session, utterance_id=f"u{{n}}", started_at=started + timedelta(seconds=5 * n),
        duration_ms=2000, text=text, translation=translation,
    )
failed = TranslationSession.objects.create(
    user=user, account=account, title="Dropped call", source_language="en-US",
    target_language="es-ES", voice="male", backend="localvt", status="failed",
    started_at=started - timedelta(hours=1), ended_at=started - timedelta(minutes=59),
    error="The connection was lost.",
)
glossary = Glossary.objects.create(
    account=account, name="Finance terms", source_language="en-US", target_language="es-ES",
    description="Budget words",
)
for term in ("EBITDA", "accounts payable"):
    VocabularyTerm.objects.create(glossary=glossary, term=term)
for source, target, note in [
    ("budget", "presupuesto", ""),
    ("cash flow", "flujo de caja", "Rather than flujo de efectivo"),
]:
    DictionaryEntry.objects.create(glossary=glossary, source=source, target=target, note=note)
room = Room.objects.create(
    account=account, owner=user, name="Town hall", source_language="en-US", access="link",
    link_expires_at=timezone.now() + timedelta(days=7),
)
room.glossaries.set([glossary])
board = TranslationSession.objects.create(
    user=user, account=account, source_language="en-US", target_language="es-ES",
    voice="female", backend="localvt", started_at=started - timedelta(hours=2),
    ended_at=started - timedelta(hours=2) + timedelta(minutes=3), status="completed",
    glossary=glossary, glossary_snapshot=glossary.snapshot(), faults=[43200, 70000],
)
Utterance.objects.create(
    session=board, utterance_id="u1", started_at=board.started_at + timedelta(seconds=2),
    duration_ms=2000, text="The budget is ready.", translation="El presupuesto está listo.",
)
town_hall = TranslationSession.objects.create(
    user=user, account=account, room=room, title=room.name, source_language="en-US",
    target_language="", voice="female", backend="localvt", languages=["es-ES", "fr-FR"],
    started_at=started - timedelta(hours=3),
    ended_at=started - timedelta(hours=3) + timedelta(minutes=2), status="completed",
)
for n, (text, translations) in enumerate([
    ("Welcome to the town hall.", {{"es-ES": "Bienvenidos al ayuntamiento."}}),
    ("Questions come at the end.", {{
        "es-ES": "Las preguntas, al final.", "fr-FR": "Les questions viennent à la fin.",
    }}),
]):
    said = Utterance.objects.create(
        session=town_hall, utterance_id=f"r{{n}}",
        started_at=town_hall.started_at + timedelta(seconds=4 * n), duration_ms=2000, text=text,
    )
    for language, translation in translations.items():
        UtteranceTranslation.objects.create(utterance=said, language=language, text=translation)
print(
    session.pk, account.slug, glossary.pk, failed.pk, room.pk, room.link_token, board.pk,
    town_hall.pk,
)
"""


@pytest.fixture(scope="module")
def saved(stack):
    """A finished session with two utterances, a failed session, a glossary with terms, an
    untitled session opened with that glossary in which the engine failed twice, and a room
    session with a column per language (one cell empty: French opened later), for the
    stack's user."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interpreter.settings",
        "SECRET_KEY": "e2e-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{stack.database}",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("KRISP_API_KEY", "KRISP_API_BASE", "KRISP_WS_URL", "REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            SEED.format(username=stack.username),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    session_id, account_slug, glossary_id, failed_id, room_id, token, board_id, town_hall_id = (
        result.stdout.split()[-8:]
    )
    return {
        "session": session_id,
        "account": account_slug,
        "glossary": glossary_id,
        "failed": failed_id,
        "room": room_id,
        "token": token,
        "board": board_id,
        "town_hall": town_hall_id,
    }


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    clip = microphone_clip(tmp_path_factory.mktemp("microphone"))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=launch_args(clip, loop=True),
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in_state(browser, stack):
    """The cookies of one sign-in, shared by the module's tests: signing in for each page
    would run into the login form's rate limit."""
    context = browser.new_context(base_url=stack.url)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Username").fill(stack.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_url(f"{stack.url}/")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser, stack, signed_in_state):
    """A fresh tab, signed in or not. The app's CSP (rightly) refuses injected scripts, and
    axe has to be injected, so the tab bypasses CSP."""
    contexts, errors = [], []

    def open_page(signed_in_too: bool):
        context = browser.new_context(
            base_url=stack.url,
            bypass_csp=True,
            storage_state=signed_in_state if signed_in_too else None,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def audit(page) -> list[dict]:
    """axe's violations, plus its "needs review" results: those are checks axe could not
    finish, such as an aria-describedby that names no element on the page."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    review = [
        {**result, "id": f"{result['id']} (needs review)"} for result in results["incomplete"]
    ]
    return results["violations"] + review


def describe(problems: list[dict]) -> str:
    lines = [f"{len(problems)} accessibility problem(s):"]
    for problem in problems:
        nodes = problem["nodes"]
        targets = [" ".join(map(str, node["target"])) for node in nodes[:5]]
        more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
        lines.append(
            f"- {problem['id']} [{problem['impact']}] {problem['help']} "
            f"({len(nodes)} node(s)): {', '.join(targets)}{more}\n  {problem['helpUrl']}"
        )
    return "\n".join(lines)


def open_live_with_tab_source(page, saved) -> None:
    """/live/ with "A meeting in another tab" chosen, which reveals its instructions."""
    page.goto("/live/")
    page.get_by_label("A meeting in another tab").check()
    sync_api.expect(page.locator("#tab-help")).to_be_visible()


def interpret(page, saved) -> None:
    """/live/ while it interprets: captions and their translations on screen."""
    page.goto("/live/")
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "live", timeout=30_000
    )
    sync_api.expect(page.locator(".caption-target .final").first).not_to_be_empty(timeout=60_000)


def interpret_and_stop(page, saved) -> None:
    """/live/ after a session: ended, with the link to its saved transcript."""
    interpret(page, saved)
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "ended", timeout=20_000
    )


def fail_as_the_service_does(page, saved) -> None:
    """/live/ after the translation service failed: the error state and its alert. The
    socket is answered as the server answers when the service is unreachable: connecting,
    a fatal service_unavailable error, the session ended as failed, then the close."""

    def server(socket) -> None:
        def fail() -> None:
            for event in [
                {"type": "status", "state": "connecting"},
                {
                    "type": "error",
                    "code": "service_unavailable",
                    "message": SERVICE_FAILED,
                    "fatal": True,
                },
                {
                    "type": "ended",
                    "status": "failed",
                    "session_id": int(saved["failed"]),
                    "history_url": f"/history/{saved['failed']}/",
                },
            ]:
                socket.send(json.dumps(event))
            socket.close(code=1000)

        when_started(socket, fail)

    page.route_web_socket("**/ws/live/", server)
    page.goto("/live/")
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "error", timeout=20_000
    )
    sync_api.expect(page.locator("#live-alert")).to_have_text(SERVICE_FAILED)
    sync_api.expect(page.locator("#live-alert")).to_be_visible()


def reconnect(page, saved) -> None:
    """/live/ while it reconnects: the first socket gets ready and then drops; no later one
    is answered."""
    sockets = []

    def server(socket) -> None:
        sockets.append(socket)
        if len(sockets) > 1:
            return

        def ready_then_drop() -> None:
            socket.send(json.dumps({"type": "ready", "session_id": int(saved["session"])}))
            socket.close(code=1001)

        when_started(socket, ready_then_drop)

    page.route_web_socket("**/ws/live/", server)
    page.goto("/live/")
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute(
        "data-state", "reconnecting", timeout=20_000
    )
    sync_api.expect(page.locator("#live-notice")).to_contain_text("Reconnecting")


def interpret_scripted(page, saved) -> None:
    """/live/ while it interprets, its socket answered with scripted captions: the settings
    folded into the summary line above them. As few lines as the caption box holds: axe can't
    tell the background of a line scrolled out of its box ("partially obscured")."""
    lines = LINES[:6]
    answer_with_captions(page, lines, session_id=int(saved["session"]))
    page.goto("/live/")
    page.click("#live-toggle")
    sync_api.expect(page.locator("#live-root")).to_have_attribute("data-state", "live")
    sync_api.expect(page.locator(".caption-target .final").last).to_have_text(lines[-1][1])
    sync_api.expect(page.locator("#live-summary")).to_be_visible()


def open_the_sound_controls(page, saved) -> None:
    """/live/ while it interprets, with volume, mute and output reopened from the summary."""
    interpret_scripted(page, saved)
    page.get_by_role("button", name="Sound").click()
    sync_api.expect(page.get_by_label("Volume")).to_be_visible()


def show_large_captions(page, saved) -> None:
    """/live/ while it interprets, in large captions (full screen, white on black)."""
    interpret_scripted(page, saved)
    page.get_by_role("button", name="Large captions").click()
    sync_api.expect(page.locator("#large-captions-status")).to_contain_text("Large captions on")


def show_large_translations_only(page, saved) -> None:
    show_large_captions(page, saved)
    page.get_by_label("Translation only").check()
    sync_api.expect(page.locator(".caption-source").last).to_be_hidden()


def fail_to_log_in(page, saved) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    sync_api.expect(page.get_by_role("alert")).to_be_visible()


def submit_empty_glossary(page, saved) -> None:
    page.goto("/glossaries/new/")
    page.get_by_role("button", name="Create").click()
    sync_api.expect(page.locator(".field-error").first).to_be_visible()


def confirm_bulk_delete(page, saved) -> None:
    """The confirmation a manager sees after selecting sessions on /history/ and pressing
    "Delete selected…"; nothing is deleted until it is confirmed."""
    page.goto("/history/")
    page.get_by_label("Select Weekly planning").check()
    # "Dropped call", in which nothing was said, is not listed; the untitled session is, by
    # its first words.
    page.get_by_label("Select The budget is ready.").check()
    page.get_by_role("button", name="Delete selected").click()
    sync_api.expect(page.get_by_role("heading", name="Delete 2 sessions?")).to_be_visible()


def submit_empty_room(page, saved) -> None:
    page.goto("/rooms/new/")
    page.get_by_role("button", name="Create").click()
    sync_api.expect(page.locator(".field-error").first).to_be_visible()


def open_a_link_that_no_longer_works(page, saved) -> None:
    """/r/<token>/ with a token no room has (rotated, expired or mistyped): the 404 page."""
    response = page.goto(f"/r/{'x' * 43}/")
    assert response.status == 404
    sync_api.expect(
        page.get_by_role("heading", name="This link is no longer valid")
    ).to_be_visible()


# (name, path or steps, signed in?)
PAGES = [
    ("login", "/login/", False),
    ("login failed", fail_to_log_in, False),
    ("signup", "/signup/", False),
    ("password reset", "/password/reset/", False),
    ("home", "/", True),
    ("live before start", "/live/", True),
    ("live with tab source", open_live_with_tab_source, True),
    ("live while interpreting", interpret, True),
    ("live with the settings folded", interpret_scripted, True),
    ("live with the sound controls open", open_the_sound_controls, True),
    ("live in large captions", show_large_captions, True),
    ("live in large captions, translation only", show_large_translations_only, True),
    ("live after a session", interpret_and_stop, True),
    ("live while reconnecting", reconnect, True),
    ("live after the service failed", fail_as_the_service_does, True),
    ("history list", "/history/", True),
    ("saved session", "/history/{session}/", True),
    ("saved failed session in which nothing was said", "/history/{failed}/", True),
    ("saved session with a glossary and faults", "/history/{board}/", True),
    ("saved room session with a column per language", "/history/{town_hall}/", True),
    ("session delete confirm", "/history/{session}/delete/", True),
    ("bulk delete confirm", confirm_bulk_delete, True),
    ("glossary list", "/glossaries/", True),
    ("new glossary form", "/glossaries/new/", True),
    ("new glossary form with errors", submit_empty_glossary, True),
    ("glossary", "/glossaries/{glossary}/", True),
    ("glossary edit form", "/glossaries/{glossary}/edit/", True),
    ("glossary vocabulary", "/glossaries/{glossary}/vocabulary/", True),
    ("glossary dictionary", "/glossaries/{glossary}/dictionary/", True),
    ("glossary delete confirm", "/glossaries/{glossary}/delete/", True),
    ("room list", "/rooms/", True),
    ("new room form", "/rooms/new/", True),
    ("new room form with errors", submit_empty_room, True),
    ("room", "/rooms/{room}/", True),
    ("room edit form", "/rooms/{room}/edit/", True),
    ("room delete confirm", "/rooms/{room}/delete/", True),
    ("room listener page as a member", "/r/{token}/", True),
    ("room listener page as a guest", "/r/{token}/", False),
    ("room link no longer valid", open_a_link_that_no_longer_works, False),
    ("account", "/account/{account}/", True),
    ("password change", "/password/change/", True),
]


@pytest.mark.parametrize(
    ("target", "signed_in"),
    [pytest.param(target, signed_in, id=name) for name, target, signed_in in PAGES],
)
def test_page_has_no_accessibility_problems(open_page, stack, saved, target, signed_in):
    page = open_page(signed_in)
    if callable(target):
        target(page, saved)
    else:
        path = target.format(**saved)
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        assert page.url == f"{stack.url}{path}", f"{path} redirected to {page.url}"
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    report = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        problems = audit(page)
        if problems:
            report.append(f"In the {scheme} colour scheme, {describe(problems)}")
    assert not report, "\n".join(report)
