"""Deleting a glossary asks first; the sessions that used it keep their snapshot."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from glossaries.models import Glossary, VocabularyTerm
from interpreter.models import TranslationSession


def test_it_asks_before_deleting(alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, name="Medical")

    page = alice_client.get(reverse("glossary_delete", args=[glossary.pk]))

    assert "Delete “Medical”?" in page.content.decode()
    assert Glossary.objects.exists()


def test_confirming_deletes_the_glossary_and_its_terms(alice, alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, terms=["MRI"])
    session = TranslationSession.objects.create(
        user=alice,
        account=alpha,
        source_language="en-US",
        target_language="es-ES",
        voice="female",
        backend="localvt",
        glossary=glossary,
        glossary_snapshot=glossary.snapshot(),
        ended_at=timezone.now(),
    )

    response = alice_client.post(reverse("glossary_delete", args=[glossary.pk]))

    assert response["Location"] == reverse("glossary_list")
    assert not Glossary.objects.exists()
    assert not VocabularyTerm.objects.exists()
    session.refresh_from_db()
    assert session.glossary is None
    assert session.glossary_snapshot["vocabulary"] == ["MRI"]
