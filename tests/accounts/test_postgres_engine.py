"""The schema behaves the same on PostgreSQL (run by the PostgreSQL pass of `make test`)."""

import pytest
from django.db import IntegrityError, connection

from glossaries.models import Glossary


@pytest.mark.postgres
def test_it_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_glossary_names_are_unique_per_account_ignoring_case(alpha):
    Glossary.objects.create(
        account=alpha, name="Medical", source_language="en-US", target_language="es-ES"
    )

    with pytest.raises(IntegrityError):
        Glossary.objects.create(
            account=alpha, name="MEDICAL", source_language="en-US", target_language="es-ES"
        )
