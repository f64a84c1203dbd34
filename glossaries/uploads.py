"""Uploaded glossary files, read within bounds and refused in words a user understands.

Sync views share one thread under ASGI, so an upload must never keep it busy: a request
declaring a body over ``UPLOAD_MAX_MB`` gets an empty body from
:func:`refuse_oversized_bodies` (and, under daphne, was never stored:
``interpreter.request_bodies``), and :class:`RefuseOversizedUploads` answers it 413 before
any view parses anything; :func:`read_table` stops at the first row past the limit (a
glossary's entry limit) instead of reading the rest. Every failure is an
:class:`UploadError` whose message says what to do, never a parser's exception name.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile

import tablib
from django.conf import settings
from django.shortcuts import render

import spreadsheets

logger = logging.getLogger(__name__)

# What a workbook may unpack to: a few times its limit, still far from a zip bomb's gigabytes.
XLSX_UNPACKED_PER_UPLOADED_BYTE = 10
ZIP_SIGNATURE = b"PK\x03\x04"


class UploadError(ValueError):
    """A file that can't be imported; ``str()`` is the message to show."""


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def too_large_message() -> str:
    return (
        f"This file is larger than {settings.UPLOAD_MAX_MB} MB, the most an import may be. "
        "Split it into smaller files."
    )


REFUSED_SCOPE_KEY = "interpreter.oversized_body"


def refuse_oversized_bodies(app):
    """ASGI wrapper: an HTTP request declaring a body over ``UPLOAD_MAX_MB`` reaches Django
    with an empty body and ``scope[REFUSED_SCOPE_KEY]`` set, so Django never copies the
    body it would only refuse (about 50 ms of the event loop for 50 MB); the middleware
    below then answers 413."""

    async def bounded(scope, receive, send):
        if scope["type"] != "http" or _declared_length(scope) <= max_upload_bytes():
            return await app(scope, receive, send)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        scope = {**scope, "headers": headers, REFUSED_SCOPE_KEY: True}
        delivered = False

        async def empty_body():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"", "more_body": False}
            while True:  # the real body is read and dropped; a disconnect is passed on
                message = await receive()
                if message["type"] == "http.disconnect":
                    return message

        return await app(scope, empty_body, send)

    return bounded


def _declared_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


class RefuseOversizedUploads:
    """Middleware: a request whose body is over ``UPLOAD_MAX_MB`` is answered 413 at once.

    It runs before any view or ``process_view`` (CSRF's reads the body), so Django never
    parses the file: the page says the limit and links back to the form. Under ASGI,
    :func:`refuse_oversized_bodies` has already kept the body from Django.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        refused = getattr(request, "scope", {}).get(REFUSED_SCOPE_KEY, False)
        if refused or declared > max_upload_bytes():
            context = {"message": too_large_message(), "back": request.get_full_path()}
            return render(request, "glossaries/upload_too_large.html", context, status=413)
        return self.get_response(request)


def read_table(data: bytes, file_format: str, max_rows: int) -> tablib.Dataset:
    """The rows of an uploaded CSV or XLSX file under their header row.

    Blank rows are skipped; CSV cells an export marked as text (see ``spreadsheets``)
    are read back as written. Raises :class:`UploadError` for a file too large, not
    readable in ``file_format``, or with more than ``max_rows`` rows under its header.
    """
    if len(data) > max_upload_bytes():
        raise UploadError(too_large_message())
    rows = _csv_rows(data) if file_format == "csv" else _xlsx_rows(data)
    return _dataset(rows, max_rows)


def _csv_rows(data: bytes):
    if data.startswith(ZIP_SIGNATURE):
        raise UploadError("This looks like an Excel workbook, not CSV: import it as XLSX (.xlsx).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            "This file isn't UTF-8 text; save it as “CSV UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        raise UploadError("This file isn't CSV text; save it as “CSV UTF-8” and upload it again.")
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise UploadError(
                f"Line {reader.line_num} can't be read as CSV: a cell is too long or a quote "
                "is never closed."
            ) from None
        yield [spreadsheets.from_csv_cell(value) for value in row]


def _xlsx_rows(data: bytes):
    import openpyxl  # only imports need it; keeps page loads from paying for it

    not_a_workbook = UploadError(
        "This file isn't an Excel workbook (.xlsx). If it is CSV, choose the CSV format; "
        "otherwise save it again as .xlsx."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    if unpacked > len(data) * XLSX_UNPACKED_PER_UPLOADED_BYTE + 1024 * 1024:
        raise UploadError(
            "This workbook unpacks to far more than its size; save it again as .xlsx."
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        logger.info("An uploaded workbook could not be opened", exc_info=True)
        raise not_a_workbook from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except Exception:
        logger.info("An uploaded workbook could not be read", exc_info=True)
        raise UploadError(
            "This workbook's first sheet can't be read; save it again as .xlsx."
        ) from None
    finally:
        book.close()


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _dataset(rows, max_rows: int) -> tablib.Dataset:
    """A dataset of ``rows`` under the first non-blank row, stopping past ``max_rows``."""
    dataset = tablib.Dataset()
    width = 0
    for line, row in enumerate(rows, start=1):
        while row and _is_blank(row[-1]):
            row.pop()
        if not row:
            continue
        if not width:
            dataset.headers = [str(value).strip() if value is not None else "" for value in row]
            width = len(row)
            continue
        if len(row) > width:
            raise UploadError(
                f"Row {line} has more cells than the header row names columns ({width})."
            )
        if dataset.height >= max_rows:
            raise UploadError(
                f"This file has more than {max_rows} rows; a glossary holds at most "
                f"{max_rows} terms or entries. Split it into files of at most {max_rows} rows."
            )
        dataset.append(row + [None] * (width - len(row)))
    if not width:
        raise UploadError("This file is empty: it needs a header row and a row per term.")
    return dataset
