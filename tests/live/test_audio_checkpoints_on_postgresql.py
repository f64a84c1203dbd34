"""The checkpoint's one UPDATE on PostgreSQL, run by the PostgreSQL pass of `make test`.

The checkpoint writes SQL of its own (see interpreter.live.checkpoints); on SQLite the
tests of test_audio_checkpoints run it through whole live sessions.
"""

from __future__ import annotations

import pytest

from interpreter.live import checkpoints
from interpreter.models import TranslationSession

pytestmark = pytest.mark.postgres


def test_running_rows_get_their_counters_and_finished_ones_keep_theirs(make_session, alice, alpha):
    def a_session(status: str) -> TranslationSession:
        return make_session(
            alice, alpha, status=status, audio_in_seconds=1.0, audio_out_seconds=1.0
        )

    live = [a_session("running") for _ in range(3)]
    finished = a_session("completed")

    counters = {session.pk: (10.0 + n, 5.0 + n) for n, session in enumerate(live)}
    counters[finished.pk] = (99.0, 99.0)
    checkpoints.save_counters.func(counters)

    saved = {
        s.pk: (s.audio_in_seconds, s.audio_out_seconds) for s in TranslationSession.objects.all()
    }
    assert saved == {**counters, finished.pk: (1.0, 1.0)}
