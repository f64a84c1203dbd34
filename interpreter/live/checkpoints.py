"""Checkpoints of live sessions' audio counters: one database call per period per process.

While a session is live its row should hold roughly how much audio it has used, so that a
web process that dies mid-session still leaves the quota something to count. Saving each
session on its own timer costs a database call per session per period, and sessions started
together then save together: a burst on the one database thread that stalls the event loop
and the live audio. Instead each event loop runs one task, "live-checkpoints", that every
period writes the counters of all its live sessions that changed, in one call.

A checkpoint only ever updates rows still ``running``: the final counters that
``store.finish_session`` writes always win over a checkpoint that raced them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from channels.db import database_sync_to_async
from django.db import connection, transaction

from interpreter.models import TranslationSession

logger = logging.getLogger(__name__)

# Seconds between checkpoints; read each period, so tests can shorten it.
EVERY_SECONDS = 5.0

Counters = tuple[float, float]  # (audio_in_seconds, audio_out_seconds)
_COLUMNS = ("audio_in_seconds", "audio_out_seconds", "id", "status")


@database_sync_to_async
def save_counters(counters: dict[int, Counters]) -> None:
    """Write every session's counters in one transaction, leaving rows no longer running.

    One parameterised UPDATE run for all rows by the driver: for 100 sessions that took
    0.7 ms of CPU, against 12 ms for an ORM ``update()`` per row and 30 ms for
    ``bulk_update`` — time the database thread holds the GIL while live audio waits.
    """
    meta = TranslationSession._meta
    quote = connection.ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in _COLUMNS}
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column['audio_in_seconds']} = %s, "
        f"{column['audio_out_seconds']} = %s WHERE {column['id']} = %s AND {column['status']} = %s"
    )
    running = TranslationSession.Status.RUNNING.value
    rows = [(audio_in, audio_out, pk, running) for pk, (audio_in, audio_out) in counters.items()]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _Checkpoints:
    """The live sessions of one event loop, and the one task that saves them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.tracked: dict[int, Callable[[], Counters]] = {}
        self.saved: dict[int, Counters] = {}
        self.wake: asyncio.Future[None] = loop.create_future()
        self.task = loop.create_task(self._run(), name="live-checkpoints")

    async def _run(self) -> None:
        try:
            while self.tracked:
                self.wake = self.loop.create_future()
                await asyncio.wait({self.wake}, timeout=EVERY_SECONDS)
                if self.tracked:
                    await self._checkpoint()
        finally:
            # Forget this loop once nothing is tracked: the next session starts afresh.
            if _by_loop.get(self.loop) is self:
                del _by_loop[self.loop]

    async def _checkpoint(self) -> None:
        due = {}
        for session_id, counters in self.tracked.items():
            now = counters()
            if self.saved.get(session_id) != now:
                due[session_id] = now
        if not due:
            return
        try:
            await save_counters(due)
        except Exception:
            # The live sessions don't depend on this; the next period tries again.
            logger.warning("Could not checkpoint live sessions %s", sorted(due), exc_info=True)
            return
        for session_id, counters in due.items():
            if session_id in self.tracked:  # not one that ended during the write
                self.saved[session_id] = counters


# One per running event loop (tests run several); an entry goes when its task ends.
_by_loop: dict[asyncio.AbstractEventLoop, _Checkpoints] = {}


def track(session_id: int, counters: Callable[[], Counters]) -> None:
    """Checkpoint ``counters()`` of a session that has just gone live, until untracked."""
    loop = asyncio.get_running_loop()
    checkpoints = _by_loop.get(loop)
    if checkpoints is None:
        checkpoints = _by_loop[loop] = _Checkpoints(loop)
    checkpoints.tracked[session_id] = counters


def untrack(session_id: int) -> None:
    """Stop checkpointing a session (before its final counters are written); the last one
    to go wakes the task so it ends now rather than a period later."""
    checkpoints = _by_loop.get(asyncio.get_running_loop())
    if checkpoints is None:
        return
    checkpoints.tracked.pop(session_id, None)
    checkpoints.saved.pop(session_id, None)
    if not checkpoints.tracked and not checkpoints.wake.done():
        checkpoints.wake.set_result(None)
