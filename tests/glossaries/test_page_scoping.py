"""Glossary pages show the current account's glossaries only; another account's are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from glossaries.models import Glossary

WRITE_ROUTES = [
    "glossary_edit",
    "glossary_vocabulary",
    "glossary_dictionary",
    "glossary_duplicate",
    "glossary_delete",
]


@pytest.fixture
def alphas_glossary(make_glossary, alpha):
    return make_glossary(alpha, name="Alpha secrets", terms=["Zanzibar"])


def test_the_list_shows_only_the_current_accounts_glossaries(
    bob_client, beta, make_glossary, alphas_glossary
):
    make_glossary(beta, name="Beta terms")

    html = bob_client.get(reverse("glossary_list")).content.decode()

    assert "Beta terms" in html
    assert "Alpha secrets" not in html


def test_it_hides_another_accounts_glossary(bob_client, alphas_glossary):
    url = reverse("glossary_detail", args=[alphas_glossary.pk])

    assert bob_client.get(url).status_code == 404


@pytest.mark.parametrize("route", WRITE_ROUTES)
def test_another_accounts_glossary_is_404_on_every_write_page(bob_client, alphas_glossary, route):
    url = reverse(route, args=[alphas_glossary.pk])

    assert bob_client.post(url, {"text": "hacked", "name": "hacked"}).status_code == 404
    assert Glossary.objects.filter(pk=alphas_glossary.pk, name="Alpha secrets").exists()
    assert list(alphas_glossary.vocabulary.values_list("term", flat=True)) == ["Zanzibar"]


def test_a_glossary_of_another_account_of_the_same_user_needs_switching_to(
    client, make_user, alpha, alphas_glossary, beta
):
    """Only the current account counts, so a page never mixes two accounts' data."""
    dora = make_user("dora", beta, role="admin")
    alpha.memberships.create(user=dora, role="member")
    client.force_login(dora)
    url = reverse("glossary_detail", args=[alphas_glossary.pk])

    assert client.get(url).status_code == 404
    client.post(reverse("switch_account"), {"account": alpha.pk, "next": "/"})
    assert client.get(url).status_code == 200


def test_pages_need_a_login(client, alphas_glossary):
    response = client.get(reverse("glossary_detail", args=[alphas_glossary.pk]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
