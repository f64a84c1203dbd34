"""One default glossary per account and language pair: choosing a new one moves the flag."""

from __future__ import annotations

from django.urls import reverse

from glossaries.models import Glossary


def _form(glossary: Glossary, **changes) -> dict:
    data = {
        "name": glossary.name,
        "source_language": glossary.source_language,
        "target_language": glossary.target_language,
        "description": glossary.description,
    }
    if glossary.is_default:
        data["is_default"] = "on"
    return {**data, **changes}


def test_making_a_glossary_the_default_unsets_the_previous_one(alice_client, alpha, make_glossary):
    old = make_glossary(alpha, name="Old", is_default=True)
    new = make_glossary(alpha, name="New")

    response = alice_client.post(
        reverse("glossary_edit", args=[new.pk]), _form(new, is_default="on")
    )

    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)


def test_other_pairs_and_accounts_keep_their_default(alice_client, alpha, beta, make_glossary):
    french = make_glossary(alpha, name="French", target_language="fr-FR", is_default=True)
    betas = make_glossary(beta, name="Beta", is_default=True)

    alice_client.post(
        reverse("glossary_create"),
        {
            "name": "Spanish",
            "source_language": "en-US",
            "target_language": "es-ES",
            "is_default": "on",
        },
    )

    assert Glossary.objects.get(name="Spanish").is_default
    french.refresh_from_db()
    betas.refresh_from_db()
    assert french.is_default and betas.is_default


def test_moving_a_default_to_another_pair_replaces_that_pairs_default(
    alice_client, alpha, make_glossary
):
    french = make_glossary(alpha, name="French", target_language="fr-FR", is_default=True)
    spanish = make_glossary(alpha, name="Spanish", is_default=True)

    alice_client.post(
        reverse("glossary_edit", args=[spanish.pk]), _form(spanish, target_language="fr-FR")
    )

    french.refresh_from_db()
    spanish.refresh_from_db()
    assert (french.is_default, spanish.is_default) == (False, True)


def test_the_admin_moves_the_default_too(staff_alice_client, alpha, make_glossary):
    old = make_glossary(alpha, name="Old", is_default=True)
    new = make_glossary(alpha, name="New")
    data = {
        **_form(new, is_default="on"),
        "account": alpha.pk,
        "vocabulary-TOTAL_FORMS": "0",
        "vocabulary-INITIAL_FORMS": "0",
        "dictionary-TOTAL_FORMS": "0",
        "dictionary-INITIAL_FORMS": "0",
    }

    response = staff_alice_client.post(f"/admin/glossaries/glossary/{new.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)
