"""Drive the admin's two-step import (upload and preview, then confirm) like a browser."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

CSV_FORMAT = "0"  # positions in the admins' import_formats: [CSV, XLSX]
XLSX_FORMAT = "1"


def csv_file(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("terms.csv", out.getvalue().encode(), content_type="text/csv")


def preview(client, model_name: str, upload: SimpleUploadedFile, file_format: str = CSV_FORMAT):
    """Upload a file to the import page of ``glossaries.<model_name>``: the dry-run preview."""
    return client.post(
        f"/admin/glossaries/{model_name}/import/",
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def confirm(client, model_name: str, preview_response):
    """Press "Confirm import" on a preview that offered it."""
    form = preview_response.context["confirm_form"]
    return client.post(f"/admin/glossaries/{model_name}/process_import/", form.initial)
