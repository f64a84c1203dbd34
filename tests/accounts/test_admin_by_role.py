"""An account's owners and admins reach the admin by their role, without a staff flag, and
see only their accounts there; anyone else is kept out."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from glossaries.models import Glossary


@pytest.fixture
def make_glossary_in():
    def make(account, name: str) -> Glossary:
        return Glossary.objects.create(
            account=account, name=name, source_language="en-US", target_language="es-ES"
        )

    return make


def test_an_owner_without_the_staff_flag_uses_the_admin_for_their_account(
    alice_client, alice, alpha, beta, make_glossary_in
):
    make_glossary_in(alpha, "Alpha terms")
    make_glossary_in(beta, "Beta terms")
    assert not alice.is_staff

    index = alice_client.get("/admin/")
    glossaries = alice_client.get("/admin/glossaries/glossary/").content.decode()

    assert index.status_code == 200
    assert "Alpha terms" in glossaries and "Beta terms" not in glossaries
    assert alice_client.get("/admin/glossaries/vocabularyterm/import/").status_code == 200


def test_an_admin_by_role_gets_in_too(client, make_user, alpha):
    client.force_login(make_user("adam", alpha, role=Membership.Role.ADMIN))

    assert client.get("/admin/glossaries/glossary/").status_code == 200


def test_a_plain_member_is_refused_without_a_redirect_loop(client, carol):
    client.force_login(carol)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


def test_signing_in_to_the_admin_goes_through_the_sites_rate_limited_log_in(client, db):
    response = client.get("/admin/")
    login = client.get(response["Location"])

    assert login.status_code == 302
    assert login["Location"] == "/login/?next=%2Fadmin%2F"


def test_the_new_glossary_form_preselects_the_one_account_the_user_manages(alice_client, alpha):
    form = alice_client.get("/admin/glossaries/glossary/add/").context["adminform"].form

    assert form.initial["account"] == alpha.pk


def test_with_two_managed_accounts_the_user_chooses(client, make_user, alpha, beta):
    user = make_user("olga", alpha, role=Membership.Role.OWNER)
    Membership.objects.create(user=user, account=beta, role=Membership.Role.ADMIN)
    client.force_login(user)

    form = client.get("/admin/glossaries/glossary/add/").context["adminform"].form

    assert "account" not in form.initial
