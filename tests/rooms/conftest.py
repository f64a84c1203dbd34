"""Room fixtures: rooms of Alpha and Beta, clients per user, and the service's languages.

The languages come from a fake Krisp service on a real socket (tests.fakekrisp, English,
Spanish and French, any to any), run in a thread so plain synchronous tests can reach it.
"""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from glossaries.models import Glossary
from rooms.models import Room
from tests.fakekrisp import API_KEY, in_a_thread


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counts live in the cache; client addresses repeat between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def offered(service_down):
    """A fake service offering en-US, es-ES and fr-FR, and the settings pointing at it."""
    with (
        in_a_thread() as peer,
        override_settings(
            KRISP_API_KEY=API_KEY, KRISP_API_BASE=peer.api_base, KRISP_WS_URL=peer.ws_url
        ),
    ):
        yield peer


@pytest.fixture(autouse=True)
def service_down():
    """Settings pointing at a port nobody listens on: no test reaches a real service by
    accident; ``offered`` points them at the fake instead."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with override_settings(
        KRISP_API_BASE=f"http://127.0.0.1:{port}/v2/sdk", KRISP_WS_URL=f"ws://127.0.0.1:{port}/vt"
    ):
        yield


@pytest.fixture
def make_room(db):
    """Create a room of ``account``; ``glossaries`` are attached as given (unvalidated)."""

    def make(
        account,
        name: str = "Board meeting",
        owner=None,
        source_language: str = "en-US",
        target_languages=(),
        glossaries=(),
        **extra,
    ) -> Room:
        room = Room.objects.create(
            account=account,
            name=name,
            owner=owner,
            source_language=source_language,
            target_languages=list(target_languages),
            **extra,
        )
        room.glossaries.set(glossaries)
        return room

    return make


@pytest.fixture
def make_glossary(db):
    def make(account, name: str = "Medical", source="en-US", target="es-ES", **extra):
        return Glossary.objects.create(
            account=account, name=name, source_language=source, target_language=target, **extra
        )

    return make


@pytest.fixture
def client_for(db):
    """A signed-in test client for ``user`` (each call a separate browser)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
