"""Duplicating a glossary copies its terms under a fresh name, never as the default."""

from __future__ import annotations

from django.urls import reverse

from glossaries.models import Glossary


def test_it_copies_the_vocabulary_and_dictionary(alice_client, alpha, make_glossary):
    original = make_glossary(
        alpha, name="Medical", is_default=True, terms=["MRI", "ECG"], entries=[("stroke", "ictus")]
    )

    response = alice_client.post(reverse("glossary_duplicate", args=[original.pk]))

    copy = Glossary.objects.get(name="Medical (copy)")
    assert response["Location"] == reverse("glossary_detail", args=[copy.pk])
    assert copy.account == alpha
    assert not copy.is_default
    assert copy.snapshot()["vocabulary"] == ["ECG", "MRI"]
    assert copy.snapshot()["translation_dictionary"] == [{"source": "stroke", "target": "ictus"}]
    assert original.vocabulary.count() == 2


def test_a_second_copy_gets_a_numbered_name(alice_client, alpha, make_glossary):
    original = make_glossary(alpha, name="Medical")
    url = reverse("glossary_duplicate", args=[original.pk])

    alice_client.post(url)
    alice_client.post(url)

    assert set(Glossary.objects.values_list("name", flat=True)) == {
        "Medical",
        "Medical (copy)",
        "Medical (copy 2)",
    }


def test_duplicating_needs_a_post(alice_client, alpha, make_glossary):
    original = make_glossary(alpha)

    assert alice_client.get(reverse("glossary_duplicate", args=[original.pk])).status_code == 405
    assert Glossary.objects.count() == 1
