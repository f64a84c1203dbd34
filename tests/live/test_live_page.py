"""The live page: signed-in only, configured from the service's languages and the account."""

from __future__ import annotations

import json
import re
import socket

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import override_settings

from krisp import KrispConnectionError

pytestmark = pytest.mark.django_db(transaction=True)


def live_config(page) -> dict:
    html = page.content.decode()
    found = re.search(r'<script id="live-config" type="application/json">(.*?)</script>', html)
    assert found, "the page carries no live-config"
    return json.loads(found.group(1))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def service_down():
    port = closed_port()
    with override_settings(
        KRISP_API_BASE=f"http://127.0.0.1:{port}/v2/sdk", KRISP_WS_URL=f"ws://127.0.0.1:{port}/vt"
    ):
        yield


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    page = client.get("/live/")

    assert page.status_code == 302
    assert page["Location"].startswith("/login/")


async def test_the_page_carries_everything_live_js_needs(fake, alice_client, alpha):
    page = await sync_to_async(alice_client.get)("/live/")

    assert page.status_code == 200
    languages = [
        {"code": "en-US", "name": "English (United States)"},
        {"code": "es-ES", "name": "Spanish (Spain)"},
        {"code": "fr-FR", "name": "French"},
    ]
    assert live_config(page) == {
        "ws_path": "/ws/live/",
        "languages": {"sources": languages, "targets": languages},
        # Krisp's list does not say which pairs exist: any language to any other.
        "pairs": {
            "en-US": ["es-ES", "fr-FR"],
            "es-ES": ["en-US", "fr-FR"],
            "fr-FR": ["en-US", "es-ES"],
        },
        "defaults": {"source": "en-US", "target": "es-ES", "voice": "female"},
        "voices": [{"code": "female", "name": "Female"}, {"code": "male", "name": "Male"}],
        "glossaries": [],
        "backend": settings.VOICE_BACKEND,
        "history_url": "/history/",
        "limits": {
            "max_session_seconds": settings.LIVE_MAX_SESSION_SECONDS,
            "frame_bytes": 640,
            "hold_seconds": settings.LIVE_HOLD_SECONDS,
        },
        "room": None,
        "error": "",
    }


async def test_without_spanish_the_target_is_the_first_other_language(fake, alice_client, alpha):
    fake.languages = [
        {"name": "French", "language_code": "fr-FR"},
        {"name": "English (United States)", "language_code": "en-US"},
        {"name": "German", "language_code": "de-DE"},
    ]

    config = live_config(await sync_to_async(alice_client.get)("/live/"))

    assert config["defaults"] == {"source": "en-US", "target": "fr-FR", "voice": "female"}


async def test_only_the_pairs_the_service_names_are_offered(fake, alice_client, alpha):
    fake.languages = [
        {"name": "Esperanto", "language_code": "eo", "translates_to": []},
        {"name": "Spanish (Spain)", "language_code": "es-ES", "translates_to": ["en-US"]},
        {"name": "English (United States)", "language_code": "en-US", "translates_to": ["eo"]},
        {"name": "Catalan", "language_code": "ca-ES", "translates_to": []},
    ]

    config = live_config(await sync_to_async(alice_client.get)("/live/"))

    assert [item["code"] for item in config["languages"]["sources"]] == ["es-ES", "en-US"]
    assert [item["code"] for item in config["languages"]["targets"]] == ["eo", "en-US"]
    assert config["pairs"] == {"es-ES": ["en-US"], "en-US": ["eo"]}
    # English is the default source; Spanish is not one of its targets here.
    assert config["defaults"] == {"source": "en-US", "target": "eo", "voice": "female"}


def test_the_page_says_so_when_the_service_is_down(service_down, alice_client):
    page = alice_client.get("/live/")

    config = live_config(page)
    assert page.status_code == 200
    assert config["error"] == KrispConnectionError.user_message
    assert config["languages"] == {"sources": [], "targets": []}
    assert config["pairs"] == {}
    assert config["defaults"] == {"source": "", "target": "", "voice": "female"}


def test_only_the_current_accounts_glossaries_are_listed(
    service_down, alice_client, alpha, beta, make_glossary
):
    medical = make_glossary(alpha, "Medical", is_default=True)
    legal = make_glossary(alpha, "Legal", target="fr-FR")
    make_glossary(beta, "Beta's secret terms")

    glossaries = live_config(alice_client.get("/live/"))["glossaries"]

    assert glossaries == [
        {
            "id": legal.pk,
            "name": "Legal",
            "source_language": "en-US",
            "target_language": "fr-FR",
            "is_default": False,
        },
        {
            "id": medical.pk,
            "name": "Medical",
            "source_language": "en-US",
            "target_language": "es-ES",
            "is_default": True,
        },
    ]
