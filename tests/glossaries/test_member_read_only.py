"""A plain member reads the account's glossaries but can't change them (403, no buttons)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from glossaries.models import Glossary


@pytest.fixture
def glossary(make_glossary, alpha):
    return make_glossary(alpha, name="Legal", terms=["habeas corpus"], entries=[("court", "corte")])


def test_a_member_sees_the_vocabulary_and_dictionary(carol_client, glossary):
    html = carol_client.get(reverse("glossary_detail", args=[glossary.pk])).content.decode()

    assert "habeas corpus" in html
    assert "corte" in html


def test_a_member_sees_no_edit_buttons(carol_client, glossary):
    detail = carol_client.get(reverse("glossary_detail", args=[glossary.pk])).content.decode()
    listing = carol_client.get(reverse("glossary_list")).content.decode()

    for route in ("glossary_edit", "glossary_vocabulary", "glossary_delete", "glossary_duplicate"):
        assert reverse(route, args=[glossary.pk]) not in detail
    assert reverse("glossary_create") not in listing


@pytest.mark.parametrize(
    "route",
    ["glossary_edit", "glossary_vocabulary", "glossary_dictionary", "glossary_delete"],
)
def test_a_member_is_refused_the_write_pages(carol_client, glossary, route):
    url = reverse(route, args=[glossary.pk])

    assert carol_client.get(url).status_code == 403
    assert carol_client.post(url, {"text": "x", "name": "x"}).status_code == 403
    assert Glossary.objects.filter(pk=glossary.pk, name="Legal").exists()
    assert glossary.vocabulary.count() == 1


def test_a_member_cannot_create_or_duplicate(carol_client, glossary):
    create = carol_client.post(
        reverse("glossary_create"),
        {"name": "Mine", "source_language": "en-US", "target_language": "es-ES"},
    )
    duplicate = carol_client.post(reverse("glossary_duplicate", args=[glossary.pk]))

    assert (create.status_code, duplicate.status_code) == (403, 403)
    assert Glossary.objects.count() == 1
