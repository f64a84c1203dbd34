"""A glossary's languages are chosen from those the translation service offers, the list the
live page uses; a glossary whose pair the service no longer offers says so, and why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from glossaries.models import Glossary

NEW = {"name": "Finance", "source_language": "en-US", "target_language": "es-ES"}


def test_the_form_offers_the_services_languages_by_name(alice_client, alpha):
    form = alice_client.get(reverse("glossary_create")).context["form"]

    assert list(form.fields["source_language"].choices) == [
        ("", "Choose a language"),
        ("en-US", "English (United States) (en-US)"),
        ("es-ES", "Spanish (Spain) (es-ES)"),
        ("fr-FR", "French (fr-FR)"),
    ]


@pytest.mark.parametrize(
    ("source", "target"), [("en", "es"), ("xx-YY", "zz"), ("en-US", "de-DE"), ("English", "es-ES")]
)
def test_a_language_the_service_does_not_offer_is_refused(alice_client, alpha, source, target):
    response = alice_client.post(
        reverse("glossary_create"), {**NEW, "source_language": source, "target_language": target}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Glossary.objects.exists()


def test_a_language_into_itself_is_refused(alice_client, alpha):
    response = alice_client.post(reverse("glossary_create"), {**NEW, "target_language": "en-US"})

    assert "doesn’t translate" in response.content.decode()
    assert not Glossary.objects.exists()


def test_only_the_pairs_a_service_names_are_accepted(alice_client, alpha, language_service):
    # localvt says which targets each source has; here French only into English.
    language_service.languages = [
        {"name": "English", "language_code": "en-US", "translates_to": ["es-ES"]},
        {"name": "Spanish", "language_code": "es-ES", "translates_to": ["en-US"]},
        {"name": "French", "language_code": "fr-FR", "translates_to": ["en-US"]},
    ]

    refused = alice_client.post(reverse("glossary_create"), {**NEW, "source_language": "fr-FR"})
    created = alice_client.post(reverse("glossary_create"), NEW)

    assert "doesn’t translate French (fr-FR) into Spanish (es-ES)." in refused.content.decode()
    assert created.status_code == 302
    assert list(Glossary.objects.values_list("target_language", flat=True)) == ["es-ES"]


def test_a_glossary_whose_pair_is_no_longer_offered_is_marked_with_the_reason(
    alice_client, alpha, make_glossary
):
    old = make_glossary(alpha, name="Old", source_language="en-US", target_language="de-DE")
    make_glossary(alpha, name="Current")

    listing = alice_client.get(reverse("glossary_list")).content.decode()
    detail = alice_client.get(reverse("glossary_detail", args=[old.pk])).content.decode()

    reason = "The translation service doesn’t offer de-DE any more."
    assert listing.count("Not offered") == 1
    assert reason in listing
    assert reason in detail and "isn’t offered on the live page" in detail


def test_an_unreachable_service_is_said_and_a_new_glossary_waits_for_it(
    alice_client, alpha, make_glossary, settings
):
    make_glossary(alpha)
    settings.KRISP_API_BASE = "http://127.0.0.1:9/v2/sdk"  # nothing listens there

    listing = alice_client.get(reverse("glossary_list")).content.decode()
    response = alice_client.post(reverse("glossary_create"), NEW)

    assert "can’t be checked right now" in listing
    assert "Not offered" not in listing
    assert "the languages can’t be chosen" in response.content.decode()
    assert Glossary.objects.count() == 1


def test_a_glossary_no_longer_offered_can_still_be_renamed(alice_client, alpha, make_glossary):
    old = make_glossary(alpha, name="Old", source_language="en-US", target_language="de-DE")

    response = alice_client.post(
        reverse("glossary_edit", args=[old.pk]),
        {"name": "Older", "source_language": "en-US", "target_language": "de-DE"},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.name, old.target_language) == ("Older", "de-DE")
