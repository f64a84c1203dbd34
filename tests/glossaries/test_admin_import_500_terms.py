"""A 500-term vocabulary imports through the admin in one go, and so does an XLSX file."""

from __future__ import annotations

import itertools
import string

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from glossaries.models import DictionaryEntry, VocabularyTerm

from .importing import XLSX_FORMAT, confirm, csv_file, preview


def _terms(count: int) -> list[str]:
    letters = itertools.product(string.ascii_lowercase, repeat=3)
    return [f"Term {''.join(next(letters))}" for _ in range(count)]


def test_it_imports_500_terms_after_the_preview(staff_alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, name="Medical")
    terms = _terms(500)
    upload = csv_file(["glossary", "term"], [["Medical", term] for term in terms])

    previewed = preview(staff_alice_client, "vocabularyterm", upload)

    assert previewed.status_code == 200
    assert "confirm_form" in previewed.context, previewed.context["result"].invalid_rows[:3]
    assert not VocabularyTerm.objects.exists()  # the preview is a dry run

    response = confirm(staff_alice_client, "vocabularyterm", previewed)

    assert response.status_code == 302
    assert sorted(glossary.vocabulary.values_list("term", flat=True)) == sorted(terms)


def test_reimporting_an_unchanged_file_changes_nothing(staff_alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, name="Medical", terms=["MRI"])
    upload = csv_file(["glossary", "term"], [[str(glossary.pk), "mri"]])

    previewed = preview(staff_alice_client, "vocabularyterm", upload)
    confirm(staff_alice_client, "vocabularyterm", previewed)

    assert list(glossary.vocabulary.values_list("term", flat=True)) == ["mri"]


def test_it_imports_dictionary_entries_from_xlsx(staff_alice_client, alpha, make_glossary):
    glossary = make_glossary(alpha, name="Medical", entries=[("stroke", "apoplejía")])
    sheet = tablib.Dataset(
        ["Medical", "stroke", "ictus", "clinical"],
        [glossary.pk, "heart attack", "infarto", None],
        headers=["glossary", "source", "target", "note"],
    )
    upload = SimpleUploadedFile("entries.xlsx", sheet.export("xlsx"))

    previewed = preview(staff_alice_client, "dictionaryentry", upload, XLSX_FORMAT)
    confirm(staff_alice_client, "dictionaryentry", previewed)

    assert list(DictionaryEntry.objects.values_list("source", "target", "note")) == [
        ("heart attack", "infarto", ""),
        ("stroke", "ictus", "clinical"),
    ]
