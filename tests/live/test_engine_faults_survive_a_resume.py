"""A session resumed on a new connection keeps the service faults of its earlier
connections: the saved session lists them all, in order."""

from __future__ import annotations

import pytest

from interpreter.live.protocol import ENGINE_FAULT
from interpreter.models import TranslationSession
from tests import fakekrisp
from tests.fakekrisp import labelled_frames

from .test_resuming_a_session import quick_tails, resume  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def faulty(fake):
    """Every connection: ready, a 500 the service survives, then finals of each 5 frames."""

    async def behaviour(conn: fakekrisp.Connection) -> None:
        ready = conn.ready

        async def ready_then_fault() -> None:
            await ready()
            await conn.error(500, "Internal Server Error", "Recognition failed")

        conn.ready = ready_then_fault
        await fakekrisp.timeline_echo(frames_per_utterance=5)(conn)

    fake.behaviour = behaviour
    return fake


async def test_the_faults_of_both_connections_are_saved(faulty, open_browser, alice_cookie):
    first = await open_browser(alice_cookie)
    session_id = (await first.start())["session_id"]
    await first.expect("error", message=ENGINE_FAULT)
    for frame in labelled_frames(0, 5):
        await first.send_audio(frame)
    await first.expect("translation", final=True, utterance_id="u1")
    await first.leave()

    second = await open_browser(alice_cookie)
    await second.start(**resume(session_id, from_ms=100, held_ms=0))
    await second.expect("error", message=ENGINE_FAULT)
    for frame in labelled_frames(5, 5):
        await second.send_audio(frame)
    await second.expect("translation", final=True, utterance_id="2:u1")
    await second.send({"type": "stop"})
    await second.expect("ended")

    row = await TranslationSession.objects.aget(pk=session_id)
    assert len(row.faults) == 2
    assert row.faults[0] <= row.faults[1]
