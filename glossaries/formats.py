"""The CSV and XLSX formats glossary terms are imported and exported in, admin and pages alike.

django-import-export's own formats write user text raw (a note ``=HYPERLINK(…)`` becomes
a live formula) and read a whole file however large, failing with a parser's exception
name. These read through ``glossaries.uploads`` (bounded, plain-language errors) and
write through ``spreadsheets`` (no cell is ever a formula), so an exported file imports
back unchanged.
"""

from __future__ import annotations

import tablib
from import_export.formats.base_formats import CSV, XLSX

import spreadsheets

from .models import MAX_TERMS_PER_GLOSSARY
from .uploads import read_table


def _rows(dataset: tablib.Dataset) -> list:
    return [dataset.headers or [], *dataset]


class GlossaryCSV(CSV):
    """CSV in UTF-8 with a byte-order mark (so Excel reads the accents right)."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def is_binary(self) -> bool:
        # Bytes in and out: decoding is ours, so a bad file gets a message, not an exception.
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes, **kwargs) -> tablib.Dataset:
        return read_table(in_stream, "csv", MAX_TERMS_PER_GLOSSARY)

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        return ("\ufeff" + spreadsheets.csv_text(_rows(dataset))).encode()


class GlossaryXLSX(XLSX):
    def create_dataset(self, in_stream: bytes, **kwargs) -> tablib.Dataset:
        return read_table(in_stream, "xlsx", MAX_TERMS_PER_GLOSSARY)

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        return spreadsheets.xlsx_bytes(_rows(dataset), title=dataset.title or "Glossary")


FORMATS = [GlossaryCSV, GlossaryXLSX]
