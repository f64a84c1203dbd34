"""What the service is told: languages, voice, the glossary's terms, and our session id."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from interpreter.models import TranslationSession

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_config_carries_the_choices_the_glossary_and_the_session_id(
    fake, open_browser, alice_cookie, alpha, make_glossary
):
    glossary = await sync_to_async(make_glossary)(
        alpha, terms=["Zanzibar", "Acme"], entries=[("forecast", "pronóstico")]
    )
    browser = await open_browser(alice_cookie)

    ready = await browser.start(voice="male", glossary=glossary.pk)

    config = fake.connections[0].config
    assert config == {
        "audio": {"format": "pcm_s16le", "sample_rate": 16000, "channels": 1},
        "source_language": "en-US",
        "target_language": "es-ES",
        "voice": "male",
        "transcript": {"interim": True, "final": True, "translate": True},
        "vocabulary": ["Acme", "Zanzibar"],
        "translation_dictionary": [{"source": "forecast", "target": "pronóstico"}],
        "metadata": {"reference_id": str(ready["session_id"])},
    }


async def test_the_session_keeps_exactly_the_glossary_it_sent(
    fake, open_browser, alice_cookie, alpha, make_glossary
):
    glossary = await sync_to_async(make_glossary)(
        alpha, terms=["Zanzibar"], entries=[("forecast", "pronóstico")]
    )
    browser = await open_browser(alice_cookie)

    ready = await browser.start(glossary=glossary.pk)

    session = await TranslationSession.objects.aget(pk=ready["session_id"])
    assert session.glossary_id == glossary.pk
    assert session.glossary_snapshot == {
        "glossary_id": glossary.pk,
        "name": "Medical",
        "vocabulary": ["Zanzibar"],
        "translation_dictionary": [{"source": "forecast", "target": "pronóstico"}],
    }
    assert session.glossary_snapshot["vocabulary"] == fake.connections[0].config["vocabulary"]


async def test_without_a_glossary_no_terms_are_sent(fake, open_browser, alice_cookie):
    browser = await open_browser(alice_cookie)

    ready = await browser.start()

    config = fake.connections[0].config
    assert "vocabulary" not in config
    assert "translation_dictionary" not in config
    session = await TranslationSession.objects.aget(pk=ready["session_id"])
    assert session.glossary_id is None
    assert session.glossary_snapshot == {}
