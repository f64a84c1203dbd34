"""The glossary admin shows staff owners and admins their own accounts' glossaries only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossaries.models import Glossary

CHANGELISTS = [
    "/admin/glossaries/glossary/",
    "/admin/glossaries/vocabularyterm/",
    "/admin/glossaries/dictionaryentry/",
]


@pytest.fixture
def glossaries(make_glossary, alpha, beta):
    return {
        "alpha": make_glossary(
            alpha, name="Alpha medical", terms=["Alphaterm"], entries=[("alphasource", "x")]
        ),
        "beta": make_glossary(
            beta, name="Beta legal", terms=["Betaterm"], entries=[("betasource", "y")]
        ),
    }


@pytest.mark.parametrize("url", CHANGELISTS)
def test_staff_see_only_their_accounts_rows(staff_alice_client, glossaries, url):
    html = staff_alice_client.get(url).content.decode()

    assert "Alpha" in html or "alpha" in html
    assert "Beta" not in html
    assert "beta" not in html


def _changelist_queries(client) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELISTS[0])
    counts = {
        g.name: (g.vocabulary_count, g.dictionary_count) for g in response.context["cl"].result_list
    }
    return len(queries), counts


def test_the_list_counts_terms_without_a_query_per_glossary(
    staff_alice_client, alpha, make_glossary
):
    make_glossary(alpha, name="G0", terms=["one", "two"], entries=[("a", "b")])
    one_glossary, _ = _changelist_queries(staff_alice_client)
    for n in range(1, 6):
        make_glossary(alpha, name=f"G{n}", terms=["one", "two"], entries=[("a", "b")])

    six_glossaries, counts = _changelist_queries(staff_alice_client)

    assert six_glossaries == one_glossary
    assert counts == {f"G{n}": (2, 1) for n in range(6)}


def test_another_accounts_glossary_is_404_in_the_admin(staff_alice_client, glossaries):
    beta = glossaries["beta"]
    term = beta.vocabulary.get()
    entry = beta.dictionary.get()

    for url in (
        f"/admin/glossaries/glossary/{beta.pk}/change/",
        f"/admin/glossaries/glossary/{beta.pk}/delete/",
        f"/admin/glossaries/vocabularyterm/{term.pk}/change/",
        f"/admin/glossaries/dictionaryentry/{entry.pk}/change/",
    ):
        assert staff_alice_client.get(url).status_code == 404, url


def test_the_account_choices_are_the_accounts_they_manage(staff_alice_client, glossaries, beta):
    form = staff_alice_client.get("/admin/glossaries/glossary/add/").context["adminform"].form

    assert [a.slug for a in form.fields["account"].queryset] == ["alpha"]


def test_the_glossary_choices_of_a_term_are_their_accounts_glossaries(
    staff_alice_client, glossaries
):
    form = staff_alice_client.get("/admin/glossaries/vocabularyterm/add/").context["adminform"].form

    assert list(form.fields["glossary"].queryset) == [glossaries["alpha"]]


def test_posting_another_accounts_id_is_refused(staff_alice_client, glossaries, beta):
    response = staff_alice_client.post(
        "/admin/glossaries/glossary/add/",
        {
            "account": beta.pk,
            "name": "Planted",
            "source_language": "en-US",
            "target_language": "es-ES",
            "vocabulary-TOTAL_FORMS": "0",
            "vocabulary-INITIAL_FORMS": "0",
            "dictionary-TOTAL_FORMS": "0",
            "dictionary-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "account" in response.context["adminform"].form.errors
    assert not Glossary.objects.filter(name="Planted").exists()


def test_a_plain_member_who_is_staff_sees_nothing(client, carol, glossaries):
    carol.is_staff = True
    carol.save(update_fields=["is_staff"])
    client.force_login(carol)

    assert client.get(CHANGELISTS[0]).status_code == 403


def test_a_superuser_sees_every_account(client, make_user, glossaries):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    html = client.get(CHANGELISTS[0]).content.decode()

    assert "Alpha medical" in html
    assert "Beta legal" in html


def test_terms_are_edited_inline(staff_alice_client, glossaries):
    glossary = glossaries["alpha"]
    term = glossary.vocabulary.get()
    entry = glossary.dictionary.get()
    data = {
        "account": glossary.account_id,
        "name": glossary.name,
        "source_language": "en-US",
        "target_language": "es-ES",
        "vocabulary-TOTAL_FORMS": "3",
        "vocabulary-INITIAL_FORMS": "1",
        "vocabulary-0-id": term.pk,
        "vocabulary-0-glossary": glossary.pk,
        "vocabulary-0-term": "Renamed",
        "vocabulary-1-glossary": glossary.pk,
        "vocabulary-1-term": "Added",
        "vocabulary-2-glossary": glossary.pk,
        "vocabulary-2-term": "",
        "dictionary-TOTAL_FORMS": "1",
        "dictionary-INITIAL_FORMS": "1",
        "dictionary-0-id": entry.pk,
        "dictionary-0-glossary": glossary.pk,
        "dictionary-0-source": entry.source,
        "dictionary-0-target": entry.target,
        "dictionary-0-note": "",
    }
    url = f"/admin/glossaries/glossary/{glossary.pk}/change/"

    response = staff_alice_client.post(url, data)

    assert response.status_code == 302
    assert glossary.snapshot()["vocabulary"] == ["Added", "Renamed"]


def test_inline_terms_obey_krisps_rules_and_case_insensitive_uniqueness(
    staff_alice_client, glossaries
):
    glossary = glossaries["alpha"]
    data = {
        "account": glossary.account_id,
        "name": glossary.name,
        "source_language": "en-US",
        "target_language": "es-ES",
        "vocabulary-TOTAL_FORMS": "2",
        "vocabulary-INITIAL_FORMS": "0",
        "vocabulary-0-glossary": glossary.pk,
        "vocabulary-0-term": "New Term",
        "vocabulary-1-glossary": glossary.pk,
        "vocabulary-1-term": "new term",
        "dictionary-TOTAL_FORMS": "1",
        "dictionary-INITIAL_FORMS": "0",
        "dictionary-0-glossary": glossary.pk,
        "dictionary-0-source": "C++",
        "dictionary-0-target": "ok",
    }

    response = staff_alice_client.post(f"/admin/glossaries/glossary/{glossary.pk}/change/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Appears more than once in this glossary." in html
    assert "may contain only letters" in html
    assert glossary.vocabulary.count() == 1


def test_a_glossary_too_big_for_one_form_shows_its_terms_read_only(
    staff_alice_client, alpha, make_glossary, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60
    glossary = make_glossary(alpha, terms=["one", "two", "three", "four"])

    html = staff_alice_client.get(f"/admin/glossaries/glossary/{glossary.pk}/change/").content
    html = html.decode()

    assert "three" in html
    assert 'name="vocabulary-0-term"' not in html
    assert "too many terms to edit here" in html
    assert 'name="name"' in html


def test_staff_delete_their_own_glossary_in_the_admin(staff_alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, terms=["one"])
    url = f"/admin/glossaries/glossary/{glossary.pk}/delete/"

    response = staff_alice_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Glossary.objects.exists()
