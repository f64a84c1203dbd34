"""Glossary fixtures: a glossary factory and staff versions of alice (Alpha) and bob (Beta)."""

from __future__ import annotations

import pytest

from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm


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
def staff_alice_client(client, alice):
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    client.force_login(alice)
    return client


@pytest.fixture
def staff_bob_client(client, bob):
    bob.is_staff = True
    bob.save(update_fields=["is_staff"])
    client.force_login(bob)
    return client


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client
