"""Under ASGI the admin's import runs in a pool thread with its own database connection,
and still previews, confirms and saves.

(That other pages stay quick meanwhile is measured by bench/uploads.py, not timed here.)
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from glossaries.models import VocabularyTerm

from .importing import csv_file

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_import_previews_confirms_and_saves(alice, alpha, make_glossary):
    await sync_to_async(make_glossary)(alpha, name="Medical")
    alice.is_staff = True
    await alice.asave(update_fields=["is_staff"])
    client = AsyncClient()
    await client.aforce_login(alice)

    preview = await client.post(
        "/admin/glossaries/vocabularyterm/import/",
        {"import_file": csv_file(["glossary", "term"], [["Medical", "MRI"]]), "format": "0"},
    )
    confirm = await client.post(
        "/admin/glossaries/vocabularyterm/process_import/", preview.context["confirm_form"].initial
    )

    assert "MRI" in preview.content.decode()
    assert confirm.status_code == 302
    assert [t async for t in VocabularyTerm.objects.values_list("term", flat=True)] == ["MRI"]
