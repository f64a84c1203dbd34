"""One row per service utterance, updated in place, whatever order its finals arrive in.

``interpreter.live.finals.write`` upserts a batch; these run it directly (synchronously, as
the database thread does) on this pass's database. The PostgreSQL pass runs the same tests
there (test_finals_rows_on_postgresql.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interpreter.live import finals
from interpreter.models import Utterance

pytestmark = pytest.mark.django_db

ARRIVED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SPOKEN = ARRIVED - timedelta(seconds=3)
Final = finals._Final


@pytest.fixture
def session_id(make_session, alice, alpha) -> int:
    return make_session(alice, alpha, status="running").pk


def write(session_id: int, **by_utterance: Final) -> None:
    finals.write.func({(session_id, uid): final for uid, final in by_utterance.items()})


def rows(session_id: int) -> list[tuple]:
    return list(
        Utterance.objects.filter(session_id=session_id)
        .order_by("utterance_id")
        .values_list("utterance_id", "text", "translation", "started_at", "duration_ms")
    )


def test_a_transcript_and_its_translation_in_one_batch_make_one_row(session_id):
    write(session_id, u1=Final(ARRIVED, "hello", SPOKEN, 1200, "hola"))

    assert rows(session_id) == [("u1", "hello", "hola", SPOKEN, 1200)]


def test_a_translation_first_starts_the_row_and_the_transcript_corrects_it(session_id):
    write(session_id, u1=Final(ARRIVED, translation="hola"))
    assert rows(session_id) == [("u1", "", "hola", ARRIVED, 0)]

    write(session_id, u1=Final(ARRIVED, "hello", SPOKEN, 1200))

    assert rows(session_id) == [("u1", "hello", "hola", SPOKEN, 1200)]


def test_a_resent_final_updates_its_row_in_place(session_id):
    write(session_id, u1=Final(ARRIVED, "hello", SPOKEN, 1200, "hola"))
    created = Utterance.objects.get().created_at

    write(session_id, u1=Final(ARRIVED, "hello there", SPOKEN, 1500))
    write(session_id, u1=Final(ARRIVED, translation="hola, ¿qué tal?"))

    assert rows(session_id) == [("u1", "hello there", "hola, ¿qué tal?", SPOKEN, 1500)]
    assert Utterance.objects.get().created_at == created


def test_a_transcript_without_a_start_time_starts_when_it_arrived(session_id):
    write(session_id, u1=Final(ARRIVED, "hello", None, 0))

    assert rows(session_id) == [("u1", "hello", "", ARRIVED, 0)]


def test_a_large_batch_is_written_whole(session_id):
    batch = {f"u{n:03}": Final(ARRIVED, f"line {n}", SPOKEN, n, f"línea {n}") for n in range(600)}

    write(session_id, **batch)

    saved = rows(session_id)
    assert len(saved) == 600
    assert saved[599] == ("u599", "line 599", "línea 599", SPOKEN, 599)
