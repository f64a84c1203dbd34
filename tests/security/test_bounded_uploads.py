"""Glossary uploads are bounded, and a refused file is explained in words.

A request over UPLOAD_MAX_MB is refused before its file is stored; a file with more rows
than a glossary may hold is refused at the first row past the limit; a file that isn't
what its format says gets a sentence saying what to do, never a parser's exception name.
(How fast a refused 50 MB upload is answered is measured by bench/uploads.py.)
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from glossaries.models import MAX_TERMS_PER_GLOSSARY, VocabularyTerm
from tests.glossaries.importing import CSV_FORMAT, XLSX_FORMAT, csv_file, preview


def file_error(response) -> str:
    return " ".join(response.context["form"].errors.get("import_file", []))


def words(count: int) -> list[str]:
    """``count`` different terms a glossary accepts (letters only: digits are limited)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        f"term {letters[n // 676]}{letters[n // 26 % 26]}{letters[n % 26]}" for n in range(count)
    ]


@pytest.fixture
def medical(alpha, make_glossary):
    return make_glossary(alpha, name="Medical")


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    staff_alice_client, medical, settings
):
    settings.UPLOAD_MAX_MB = 1
    body = b"glossary,term\n" + b"Medical,MRI\n" * (1024 * 1024 // 12 + 1)
    upload = SimpleUploadedFile("big.csv", body, content_type="text/csv")

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert response.status_code == 413
    assert response.context["message"] == (
        "This file is larger than 1 MB, the most an import may be. Split it into smaller files."
    )
    assert 'href="/admin/glossaries/vocabularyterm/import/"' in response.content.decode()
    assert not VocabularyTerm.objects.exists()


def test_a_file_under_the_size_limit_is_read(staff_alice_client, medical, settings):
    settings.UPLOAD_MAX_MB = 1
    upload = csv_file(["glossary", "term"], [["Medical", "MRI"]])

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert "confirm_form" in response.context


def test_a_file_with_more_rows_than_a_glossary_holds_is_refused_at_the_first_row_past_it(
    staff_alice_client, medical
):
    rows = [["Medical", term] for term in words(MAX_TERMS_PER_GLOSSARY + 1)]
    upload = csv_file(["glossary", "term"], rows)
    # A broken line after the limit is never reached: reading stopped at the limit.
    upload = SimpleUploadedFile("many.csv", upload.read() + b'Medical,"never closed\n')

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert file_error(response) == (
        f"This file has more than {MAX_TERMS_PER_GLOSSARY} rows; a glossary holds at most "
        f"{MAX_TERMS_PER_GLOSSARY} terms or entries. Split it into files of at most "
        f"{MAX_TERMS_PER_GLOSSARY} rows."
    )
    assert not VocabularyTerm.objects.exists()


def test_a_file_of_exactly_the_limit_is_previewed(staff_alice_client, medical):
    rows = [["Medical", term] for term in words(MAX_TERMS_PER_GLOSSARY)]

    response = preview(staff_alice_client, "vocabularyterm", csv_file(["glossary", "term"], rows))

    assert "confirm_form" in response.context


def test_a_csv_that_isnt_utf8_says_how_to_save_it(staff_alice_client, medical):
    upload = SimpleUploadedFile("latin1.csv", "glossary,term\nMedical,Ménière\n".encode("latin-1"))

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert file_error(response) == (
        "This file isn't UTF-8 text; save it as “CSV UTF-8” and upload it again."
    )
    assert "UnicodeDecodeError" not in response.content.decode()


def test_a_csv_file_sent_as_xlsx_is_explained(staff_alice_client, medical):
    upload = csv_file(["glossary", "term"], [["Medical", "MRI"]])

    response = preview(staff_alice_client, "vocabularyterm", upload, XLSX_FORMAT)

    assert file_error(response) == (
        "This file isn't an Excel workbook (.xlsx). If it is CSV, choose the CSV format; "
        "otherwise save it again as .xlsx."
    )
    assert "BadZipFile" not in response.content.decode()


def test_a_workbook_sent_as_csv_is_explained(staff_alice_client, medical):
    book = openpyxl.Workbook()
    book.active.append(["glossary", "term"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("terms.xlsx", buffer.getvalue())

    response = preview(staff_alice_client, "vocabularyterm", upload, CSV_FORMAT)

    assert file_error(response) == (
        "This looks like an Excel workbook, not CSV: import it as XLSX (.xlsx)."
    )


def test_a_csv_with_an_unclosed_quote_names_the_line(staff_alice_client, medical, settings):
    upload = SimpleUploadedFile(
        "bad.csv", b'glossary,term\nMedical,MRI\nMedical,"x' + b"y" * 200_000
    )

    response = preview(staff_alice_client, "vocabularyterm", upload)

    assert file_error(response).startswith("Line 3 can't be read as CSV")


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_an_oversized_body_never_reaches_django(settings):
    """Through the app daphne serves: the declared length alone earns the 413 page; the
    body, which would be megabytes, is never handed to Django (it isn't even sent here)."""
    from asgiref.testing import ApplicationCommunicator

    from interpreter.asgi import application

    settings.UPLOAD_MAX_MB = 1
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/glossaries/1/import/",
        "raw_path": b"/glossaries/1/import/",
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "headers": [
            (b"host", b"localhost"),
            (b"content-type", b"multipart/form-data; boundary=b"),
            (b"content-length", str(50 * 1024 * 1024).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b"--b\r\n", "more_body": True})

    start = await app.receive_output(10)
    body = await app.receive_output(10)

    assert start["status"] == 413
    assert b"larger than 1 MB" in body["body"]
    await app.send_input({"type": "http.disconnect"})
    await app.wait(5)
