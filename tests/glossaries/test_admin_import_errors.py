"""An import with bad rows: the preview lists each bad row, and nothing is saved."""

from __future__ import annotations

from glossaries.models import DictionaryEntry, VocabularyTerm

from .importing import confirm, csv_file, preview


def _validation_errors(response) -> dict[int, str]:
    """Row number → the row's error messages joined, from the preview."""
    result = response.context["result"]
    return {
        row.number: " ".join(
            message for messages in row.error_dict.values() for message in messages
        )
        for row in result.invalid_rows
    }


def test_the_preview_lists_every_bad_row_and_saves_nothing(
    staff_alice_client, alpha, beta, make_glossary
):
    medical = make_glossary(alpha, name="Medical", terms=["MRI"])
    make_glossary(beta, name="Beta legal")
    upload = csv_file(
        ["glossary", "term"],
        [
            ["Medical", "CT scan"],
            ["Medical", "one two three four"],
            ["Beta legal", "Planted"],
            [str(medical.pk), "ct SCAN"],
            ["Medical", "C++"],
            ["Nowhere", "Orphan"],
            ["Medical", "Ultrasound"],
        ],
    )

    response = preview(staff_alice_client, "vocabularyterm", upload)

    errors = _validation_errors(response)
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert "at most 3 words" in errors[2]
    assert "No glossary “Beta legal” in the accounts you manage." in errors[3]
    assert "repeats row 1 of this file" in errors[4]
    assert "only letters, digits, spaces" in errors[5]
    assert "No glossary “Nowhere”" in errors[6]
    assert "confirm_form" not in response.context
    assert "Line number" not in response.content.decode()  # row errors, not crashes
    assert list(VocabularyTerm.objects.values_list("term", flat=True)) == ["MRI"]


def test_a_row_naming_another_accounts_glossary_by_id_is_an_error_row(
    staff_alice_client, alpha, beta, make_glossary
):
    make_glossary(alpha, name="Medical")
    betas = make_glossary(beta, name="Beta legal")
    upload = csv_file(["glossary", "term"], [["Medical", "CT"], [str(betas.pk), "Planted"]])

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert _validation_errors(response) == {
        2: f"No glossary “{betas.pk}” in the accounts you manage."
    }
    assert not VocabularyTerm.objects.exists()


def test_a_dictionary_import_checks_both_sides(staff_alice_client, alpha, make_glossary):
    make_glossary(alpha, name="Medical")
    upload = csv_file(
        ["glossary", "source", "target", "note"],
        [["Medical", "stroke", "ictus", ""], ["Medical", "heart", "a;b", "bad target"]],
    )

    response = preview(staff_alice_client, "dictionaryentry", upload)

    errors = _validation_errors(response)
    assert list(errors) == [2]
    assert "only letters, digits, spaces" in errors[2]
    assert not DictionaryEntry.objects.exists()


def test_rows_past_the_per_glossary_limit_are_errors(
    staff_alice_client, alpha, make_glossary, monkeypatch
):
    monkeypatch.setattr("glossaries.resources.MAX_TERMS_PER_GLOSSARY", 3)
    make_glossary(alpha, name="Medical", terms=["MRI", "ECG"])
    upload = csv_file(
        ["glossary", "term"], [["Medical", "ECG"], ["Medical", "CT"], ["Medical", "PET"]]
    )

    response = preview(staff_alice_client, "vocabularyterm", upload)

    errors = _validation_errors(response)
    assert list(errors) == [3]
    assert "would hold more than 3 vocabulary terms" in errors[3]
    assert VocabularyTerm.objects.count() == 2


def test_a_file_that_went_bad_after_its_preview_imports_nothing(
    staff_alice_client, alpha, make_glossary, monkeypatch
):
    monkeypatch.setattr("glossaries.resources.MAX_TERMS_PER_GLOSSARY", 2)
    glossary = make_glossary(alpha, name="Medical")
    upload = csv_file(["glossary", "term"], [["Medical", "CT"], ["Medical", "PET"]])
    previewed = preview(staff_alice_client, "vocabularyterm", upload)
    VocabularyTerm.objects.create(glossary=glossary, term="MRI")  # someone else, meanwhile

    response = confirm(staff_alice_client, "vocabularyterm", previewed)

    assert response.status_code == 302
    assert list(glossary.vocabulary.values_list("term", flat=True)) == ["MRI"]
    assert "Nothing was imported" in staff_alice_client.get(response["Location"]).content.decode()


def test_a_file_without_the_glossary_column_is_refused(staff_alice_client, alpha, make_glossary):
    make_glossary(alpha, name="Medical")

    response = preview(staff_alice_client, "vocabularyterm", csv_file(["term"], [["CT"]]))

    assert response.context["result"].has_errors()
    assert "confirm_form" not in response.context
    assert not VocabularyTerm.objects.exists()


def test_the_import_page_names_the_expected_columns(staff_alice_client):
    html = staff_alice_client.get("/admin/glossaries/dictionaryentry/import/").content.decode()

    assert "glossary, source, target, note" in html
    assert "xlsx" in html
