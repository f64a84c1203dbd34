"""Ended sessions' garbage, collected a few seconds after they end rather than minutes later.

A session's own objects (its consumer, tasks, stream) are freed by reference counting as
its socket closes (``LiveSession.close``). What the server's libraries leave behind sits in
reference cycles: autobahn resolves a protocol's ``is_closed`` with the protocol itself,
Twisted's HTTP channel and the request it upgraded to a WebSocket point at each other, and
asyncio's socket transports keep a bound method of themselves: about 60 objects a session,
by then all in Python's oldest generation, so only a full collection frees them, and on a
busy worker Python runs one every few minutes. Between two, the garbage of every session
that ended piles up: in ``bench/soak.py`` (50 pages, a new session per page every minute),
before sessions' own objects were freed at once, daphne's RSS rose by ~30 MiB in three
minutes and kept that high-water mark, and the full collection that finally ran had tens of
thousands of dead objects to walk, 40–170 ms during which no live session's audio moved
(docs/benchmarks.md).

:func:`session_ended` schedules one full collection :data:`DELAY_SECONDS` later on the
running event loop; sessions that end meanwhile share it. Each then frees a few sessions'
garbage, walks only what is live besides (5–8 ms with 100 live sessions), and memory stays
level.
"""

from __future__ import annotations

import asyncio
import gc

# Seconds from a session's end to the collection that frees it; read at each end, so tests
# can shorten it.
DELAY_SECONDS = 10.0

_scheduled: dict[asyncio.AbstractEventLoop, asyncio.TimerHandle] = {}


def session_ended() -> None:
    """Ask for a full collection soon on this event loop, unless one is already due."""
    for closed in [loop for loop in _scheduled if loop.is_closed()]:
        del _scheduled[closed]  # a loop that closed first (tests run many)
    loop = asyncio.get_running_loop()
    if loop not in _scheduled:
        _scheduled[loop] = loop.call_later(DELAY_SECONDS, _collect, loop)


def _collect(loop: asyncio.AbstractEventLoop) -> None:
    _scheduled.pop(loop, None)
    gc.collect()
