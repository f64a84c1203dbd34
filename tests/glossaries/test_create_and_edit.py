"""Owners and admins create glossaries and edit their settings."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Membership
from glossaries.models import Glossary

NEW = {"name": "Finance", "source_language": "en-US", "target_language": "es-ES"}


def test_an_owner_creates_a_glossary_in_the_current_account(alice_client, alpha):
    response = alice_client.post(reverse("glossary_create"), {**NEW, "account": 999})

    glossary = Glossary.objects.get()
    assert glossary.account == alpha
    assert response["Location"] == reverse("glossary_detail", args=[glossary.pk])


def test_an_admin_may_create_too(client, make_user, alpha):
    client.force_login(make_user("dave", alpha, role=Membership.Role.ADMIN))

    client.post(reverse("glossary_create"), NEW)

    assert Glossary.objects.filter(account=alpha, name="Finance").exists()


def test_it_refuses_a_name_the_account_already_uses_in_any_case(alice_client, alpha, make_glossary):
    make_glossary(alpha, name="finance")

    response = alice_client.post(reverse("glossary_create"), NEW)

    assert "already has a glossary with this name" in response.content.decode()
    assert Glossary.objects.count() == 1


def test_another_account_may_use_the_same_name(bob_client, alpha, make_glossary):
    make_glossary(alpha, name="Finance")

    bob_client.post(reverse("glossary_create"), NEW)

    assert Glossary.objects.filter(name="Finance").count() == 2


def test_editing_changes_the_settings_but_not_the_account(alice_client, alpha, beta, make_glossary):
    glossary = make_glossary(alpha, terms=["MRI"])
    changes = {
        "name": "Radiology",
        "source_language": "fr-FR",
        "target_language": "en-US",
        "description": "Imaging",
        "account": beta.pk,
    }

    response = alice_client.post(reverse("glossary_edit", args=[glossary.pk]), changes)

    assert response.status_code == 302
    glossary.refresh_from_db()
    assert (glossary.name, glossary.source_language, glossary.target_language) == (
        "Radiology",
        "fr-FR",
        "en-US",
    )
    assert glossary.account == alpha
    assert glossary.vocabulary.count() == 1


def test_forms_carry_a_csrf_token(alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha)

    for url in (
        reverse("glossary_create"),
        reverse("glossary_edit", args=[glossary.pk]),
        reverse("glossary_delete", args=[glossary.pk]),
        reverse("glossary_detail", args=[glossary.pk]),
    ):
        assert 'name="csrfmiddlewaretoken"' in alice_client.get(url).content.decode(), url
