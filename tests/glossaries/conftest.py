"""Glossary fixtures: the translation service the languages come from, a glossary factory
and staff versions of alice (Alpha) and bob (Beta)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm
from tests.conftest import signed_in_as_staff
from tests.fakekrisp import API_KEY, FakeKrisp


@pytest.fixture(autouse=True)
def language_service(settings):
    """A fake Krisp service (English, Spanish, French, any to any) that the app is pointed at.

    It runs on an event loop in a thread of its own, so sync tests and views reach it as
    they would a real service; ``.languages`` may be changed before the first page asks.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-krisp", daemon=True)
    thread.start()
    fake = FakeKrisp()
    asyncio.run_coroutine_threadsafe(fake.__aenter__(), loop).result(10)
    settings.KRISP_API_KEY = API_KEY
    settings.KRISP_API_BASE = fake.api_base
    settings.KRISP_WS_URL = fake.ws_url
    yield fake
    asyncio.run_coroutine_threadsafe(fake.__aexit__(None, None, None), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def make_glossary(db):
    """Create a glossary with ``terms`` and ``entries`` ((source, target) pairs)."""

    def make(
        account,
        name: str = "Medical",
        source_language: str = "en-US",
        target_language: str = "es-ES",
        terms=(),
        entries=(),
        **extra,
    ) -> Glossary:
        glossary = Glossary.objects.create(
            account=account,
            name=name,
            source_language=source_language,
            target_language=target_language,
            **extra,
        )
        VocabularyTerm.objects.bulk_create(VocabularyTerm(glossary=glossary, term=t) for t in terms)
        DictionaryEntry.objects.bulk_create(
            DictionaryEntry(glossary=glossary, source=s, target=t) for s, t in entries
        )
        return glossary

    return make


@pytest.fixture
def staff_bob_client(client, bob):
    return signed_in_as_staff(client, bob)


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client
