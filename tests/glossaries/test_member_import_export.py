"""A glossary's own pages import and export its terms, as the admin does: a preview of every
row (or every bad row), then an all-or-nothing save; downloads that import back unchanged."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from glossaries.models import MAX_TERMS_PER_GLOSSARY, DictionaryEntry, VocabularyTerm


def upload(client, glossary, kind: str, name: str, body: bytes):
    return client.post(
        reverse("glossary_import", args=[glossary.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, body)},
    )


def confirm(client, glossary):
    return client.post(reverse("glossary_import_confirm", args=[glossary.pk]), follow=True)


@pytest.fixture
def medical(alpha, make_glossary):
    return make_glossary(alpha, name="Medical", entries=[("stroke", "ictus")])


def test_an_owner_previews_every_row_then_saves_them(alice_client, medical):
    body = b"source,target,note\nstroke,accidente cerebrovascular,\nMRI,resonancia,scan\n"

    preview = upload(alice_client, medical, "dictionary", "terms.csv", body)
    saved = confirm(alice_client, medical)

    assert [(a, v) for a, v in preview.context["outcome"].rows] == [
        ("Changed", ["stroke", "accidente cerebrovascular", ""]),
        ("New", ["MRI", "resonancia", "scan"]),
    ]
    assert "Imported 2 rows into the dictionary." in saved.content.decode()
    assert dict(medical.dictionary.values_list("source", "target")) == {
        "stroke": "accidente cerebrovascular",
        "MRI": "resonancia",
    }


def test_a_file_with_bad_rows_lists_each_and_saves_nothing(alice_client, medical):
    body = b"source,target\nMRI,resonancia\none two three four,x\nmri,otra\nC++,c\n"

    preview = upload(alice_client, medical, "dictionary", "terms.csv", body)

    problems = {p.row: p.message for p in preview.context["outcome"].problems}
    assert sorted(problems) == [2, 3, 4]
    assert "at most 3 words" in problems[2]
    assert "repeats row 1" in problems[3]
    assert "only letters, digits, spaces" in problems[4]
    assert "Confirm import" not in preview.content.decode()
    assert confirm(alice_client, medical).redirect_chain[-1][0].endswith("/import/")
    assert list(medical.dictionary.values_list("source", flat=True)) == ["stroke"]


def test_a_file_that_went_bad_since_its_preview_saves_nothing(alice_client, medical):
    upload(alice_client, medical, "vocabulary", "terms.csv", b"term\nMRI\nCT\n")
    # Meanwhile the glossary filled up to one term short of its limit.
    letters = "abcdefghijklmnopqrstuvwxyz"
    VocabularyTerm.objects.bulk_create(
        VocabularyTerm(
            glossary=medical, term=f"t {letters[n // 676]}{letters[n // 26 % 26]}{letters[n % 26]}"
        )
        for n in range(MAX_TERMS_PER_GLOSSARY - 1)
    )

    saved = confirm(alice_client, medical)

    assert "Nothing was imported" in saved.content.decode()
    assert not medical.vocabulary.filter(term__in=["MRI", "CT"]).exists()


def test_a_row_naming_another_glossary_is_an_error(alice_client, alpha, medical, make_glossary):
    make_glossary(alpha, name="Legal")

    preview = upload(alice_client, medical, "vocabulary", "t.csv", b"glossary,term\nLegal,Court\n")

    assert "No glossary “Legal”" in preview.context["outcome"].problems[0].message


def test_an_unreadable_file_is_explained(alice_client, medical):
    preview = upload(alice_client, medical, "vocabulary", "terms.txt", b"term\nMRI\n")
    latin = upload(
        alice_client, medical, "vocabulary", "terms.csv", "term\nMénière\n".encode("latin-1")
    )

    assert preview.context["form"].errors["file"] == [
        "Choose a .csv or .xlsx file (saved from a spreadsheet as CSV UTF-8)."
    ]
    assert latin.context["form"].errors["file"] == [
        "This file isn't UTF-8 text; save it as “CSV UTF-8” and upload it again."
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_imports_back_unchanged(alice_client, medical, fmt):
    medical.dictionary.create(source="-itis", target="-itis", note="=suffix")
    download = alice_client.get(reverse("glossary_export", args=[medical.pk, "dictionary", fmt]))

    preview = upload(alice_client, medical, "dictionary", f"back.{fmt}", download.content)

    assert download["Content-Disposition"] == f'attachment; filename="medical-dictionary.{fmt}"'
    assert [action for action, _ in preview.context["outcome"].rows] == ["Unchanged"] * 2


def test_the_csv_download_has_the_glossary_and_its_entries(alice_client, medical):
    download = alice_client.get(reverse("glossary_export", args=[medical.pk, "dictionary", "csv"]))

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows == [["glossary", "source", "target", "note"], ["Medical", "stroke", "ictus", ""]]


def test_a_member_downloads_but_cannot_import(carol_client, medical):
    download = carol_client.get(reverse("glossary_export", args=[medical.pk, "vocabulary", "xlsx"]))
    page = carol_client.get(reverse("glossary_import", args=[medical.pk]))
    posted = upload(
        carol_client, medical, "dictionary", "t.csv", b"source,target\nMRI,resonancia\n"
    )

    assert (
        openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]["A1"].value == "glossary"
    )
    assert (page.status_code, posted.status_code) == (403, 403)
    assert DictionaryEntry.objects.count() == 1


def test_another_accounts_glossary_is_404(bob_client, medical):
    for url in (
        reverse("glossary_import", args=[medical.pk]),
        reverse("glossary_export", args=[medical.pk, "dictionary", "csv"]),
    ):
        assert bob_client.get(url).status_code == 404
