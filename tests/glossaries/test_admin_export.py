"""Exports carry the glossary's name with each row, and only the staff user's accounts' rows."""

from __future__ import annotations

import csv
import io

from .importing import CSV_FORMAT


def test_the_export_lists_only_their_accounts_terms(staff_alice_client, alpha, beta, make_glossary):
    make_glossary(alpha, name="Medical", entries=[("stroke", "ictus")])
    make_glossary(beta, name="Beta legal", entries=[("court", "corte")])

    response = staff_alice_client.post(
        "/admin/glossaries/dictionaryentry/export/",
        {
            "format": CSV_FORMAT,
            "resource": "0",
            "dictionaryentryresource_glossary": "on",
            "dictionaryentryresource_source": "on",
            "dictionaryentryresource_target": "on",
            "dictionaryentryresource_note": "on",
        },
    )

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["glossary", "source", "target", "note"], ["Medical", "stroke", "ictus", ""]]


def test_another_accounts_staff_cannot_export_through_a_filter(
    staff_bob_client, alpha, make_glossary
):
    glossary = make_glossary(alpha, name="Medical", terms=["Zanzibar"])

    response = staff_bob_client.post(
        f"/admin/glossaries/vocabularyterm/export/?glossary__id__exact={glossary.pk}",
        {
            "format": CSV_FORMAT,
            "resource": "0",
            "vocabularytermresource_glossary": "on",
            "vocabularytermresource_term": "on",
        },
    )

    assert "Zanzibar" not in response.content.decode()
