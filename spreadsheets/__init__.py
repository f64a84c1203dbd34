"""User text written to spreadsheets (CSV and XLSX) that a spreadsheet never runs as a formula.

One place for every export of user text, so transcripts, glossaries and anything added
later are neutralised the same way. No Django here: the history exports and the glossary
import/export both use it.

- CSV has no cell types: a spreadsheet program runs any cell that starts with ``=``, ``+``,
  ``-`` or ``@`` (and, after trimming, a tab or carriage return) as a formula. Such a cell
  gets a leading apostrophe, which spreadsheets read as "this is text"; imports strip it
  again (:func:`from_csv_cell`), so an export read back is unchanged.
- XLSX does have cell types: every text value is written as a string cell (never a
  formula, whatever it starts with), and one that starts like a formula also carries the
  ``quotePrefix`` style, so editing it in Excel or LibreOffice doesn't turn it into one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_TEXT_MARK = "'"


def starts_like_a_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell that is never run as a formula (non-text passes through)."""
    return _TEXT_MARK + value if starts_like_a_formula(value) else value


def from_csv_cell(value: object) -> object:
    """Undo :func:`csv_cell` on a cell read back from a CSV file."""
    if isinstance(value, str) and value.startswith(_TEXT_MARK) and starts_like_a_formula(value[1:]):
        return value[1:]
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows (the first usually the header) as CSV text, every cell through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(rows: Iterable[Sequence[object]], title: str = "Sheet") -> bytes:
    """Rows as an XLSX workbook of one sheet in which no text cell is a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl makes any text starting with "=" a formula cell; text stays text.
        cell.data_type = "s"
        cell.quotePrefix = starts_like_a_formula(value)
    return cell


def _sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"
