"""Import and export of one glossary's terms from its own pages, as the admin does it.

The same resources (``glossaries.resources``: Krisp's entry rules, no repeats, the size
limit), the same formats (``glossaries.formats``: bounded reading, no formula cells) and
the same all-or-nothing rule: a file with any bad row saves nothing. A file for one
glossary needs no ``glossary`` column; if it has one, every row must name this glossary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import QuerySet
from import_export.results import Result, RowResult

from .formats import GlossaryCSV, GlossaryXLSX
from .models import Glossary
from .resources import DictionaryEntryResource, GlossaryRowsResource, VocabularyTermResource
from .uploads import UploadError

logger = logging.getLogger(__name__)

KINDS = {"vocabulary": VocabularyTermResource, "dictionary": DictionaryEntryResource}
FORMATS = {"csv": GlossaryCSV, "xlsx": GlossaryXLSX}
ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: "New",
    RowResult.IMPORT_TYPE_UPDATE: "Changed",
    RowResult.IMPORT_TYPE_SKIP: "Unchanged",
}


@dataclass(frozen=True)
class RowProblem:
    """A bad row of a file: its number (1 is the first row under the header) and why."""

    row: int
    message: str


@dataclass(frozen=True)
class Outcome:
    """What an import did or would do: each good row's action and values, or the problems."""

    rows: list[tuple[str, list]]
    problems: list[RowProblem]
    columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def format_of(file_name: str) -> str:
    """``csv`` or ``xlsx`` from a file's name; UploadError for anything else."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise UploadError("Choose a .csv or .xlsx file (saved from a spreadsheet as CSV UTF-8).")
    return extension


def run_import(glossary: Glossary, kind: str, file_format: str, data: bytes, *, save: bool):
    """Check (``save=False``) or save a file of ``kind`` terms into ``glossary``.

    Saving is all or nothing, in one transaction. Raises UploadError for a file that can't
    be read; bad rows are the outcome's ``problems``.
    """
    resource = _resource(kind, Glossary.objects.filter(pk=glossary.pk))
    dataset = FORMATS[file_format]().create_dataset(data)
    if "glossary" not in dataset.headers:
        dataset.append_col([glossary.pk] * dataset.height, header="glossary")
    result = resource.import_data(
        dataset,
        dry_run=not save,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=True,
    )
    return _outcome(result, resource)


def export(glossary: Glossary, kind: str, file_format: str) -> bytes:
    """The glossary's ``kind`` terms as a file an import reads back unchanged."""
    resource = _resource(kind, Glossary.objects.filter(pk=glossary.pk))
    dataset = resource.export(queryset=resource.get_queryset().order_by(resource.key_field))
    dataset.title = f"{glossary.name} {kind}"
    return FORMATS[file_format]().export_data(dataset)


def _resource(kind: str, glossaries: QuerySet[Glossary]) -> GlossaryRowsResource:
    return KINDS[kind](glossaries=glossaries)


def _outcome(result: Result, resource: GlossaryRowsResource) -> Outcome:
    columns = [name for name in resource.text_fields] + (
        ["note"] if "note" in resource.fields else []
    )
    problems = [
        RowProblem(invalid.number, f"{_field_label(field)}{message}")
        for invalid in result.invalid_rows
        for field, messages in invalid.error_dict.items()
        for message in messages
    ]
    for number, row in enumerate(result.rows, start=1):
        for error in row.errors:
            logger.warning("A glossary import row failed", exc_info=error.error)
            problems.append(RowProblem(number, "This row could not be saved."))
    for error in result.base_errors:
        logger.warning("A glossary import failed", exc_info=error.error)
        problems.append(RowProblem(0, "The file could not be imported; nothing was saved."))
    rows = [
        (ACTIONS[row.import_type], [getattr(row.instance, name, "") for name in columns])
        for row in result.rows
        if row.import_type in ACTIONS and row.instance is not None
    ]
    return Outcome(rows=rows, problems=sorted(problems, key=lambda p: p.row), columns=columns)


def _field_label(field: str) -> str:
    return "" if field == "__all__" else f"{field}: "
