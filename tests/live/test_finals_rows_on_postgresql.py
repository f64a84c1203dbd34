"""The finals' upserts on PostgreSQL, run by the PostgreSQL pass of `make test`.

``interpreter.live.finals.write`` relies on the database's INSERT ... ON CONFLICT; these run
test_finals_rows.py's tests against PostgreSQL.
"""

from __future__ import annotations

import pytest

from . import test_finals_rows as on_any_database
from .test_finals_rows import session_id  # noqa: F401 (the fixture the tests take)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_transcript_and_its_translation_in_one_batch_make_one_row(session_id):  # noqa: F811
    on_any_database.test_a_transcript_and_its_translation_in_one_batch_make_one_row(session_id)


def test_a_translation_first_starts_the_row_and_the_transcript_corrects_it(session_id):  # noqa: F811
    on_any_database.test_a_translation_first_starts_the_row_and_the_transcript_corrects_it(
        session_id
    )


def test_a_resent_final_updates_its_row_in_place(session_id):  # noqa: F811
    on_any_database.test_a_resent_final_updates_its_row_in_place(session_id)


def test_a_transcript_without_a_start_time_starts_when_it_arrived(session_id):  # noqa: F811
    on_any_database.test_a_transcript_without_a_start_time_starts_when_it_arrived(session_id)


def test_a_large_batch_is_written_whole(session_id):  # noqa: F811
    on_any_database.test_a_large_batch_is_written_whole(session_id)
