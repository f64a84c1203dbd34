"""Limits that keep one user from using more than a live meeting needs.

Starts per minute are counted in Django's cache (shared by every worker when Redis is
configured); audio pace is checked per connection with a token bucket.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from krisp.stream import BYTES_PER_SECOND

# How far ahead of the wall clock a browser may get: network hiccups deliver audio in
# bursts, but a live source can never run seconds ahead of real time.
PACE_ALLOWANCE_SECONDS = 3.0
# The longest server stall whose backlog of honest audio is still accepted.
LAG_TOLERANCE_SECONDS = 30.0
START_WINDOW_SECONDS = 60


class AudioPacer:
    """A token bucket of audio seconds that fills at real time.

    A page may be ``allowance_seconds`` ahead of real time at any moment. Unused time keeps
    accruing up to ``lag_tolerance_seconds``, because when this server falls behind, an
    honest page's frames wait in the socket and then arrive in a burst as long as the lag:
    that burst must not read as a page sending too fast.
    """

    def __init__(
        self,
        allowance_seconds: float = PACE_ALLOWANCE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        lag_tolerance_seconds: float = LAG_TOLERANCE_SECONDS,
    ) -> None:
        self.allowance = allowance_seconds
        self.cap = max(allowance_seconds, lag_tolerance_seconds)
        self._clock = clock
        self._tokens = allowance_seconds
        self._updated = clock()

    def grant(self, seconds: float) -> None:
        """Let the page be ``seconds`` further ahead, once: a resumed page sends the audio
        it held while its connection was down faster than real time."""
        self._tokens += seconds
        self.cap = max(self.cap, self._tokens)

    def take(self, nbytes: int) -> bool:
        """Spend ``nbytes`` of PCM; False when the audio is too far ahead of real time."""
        now = self._clock()
        self._tokens = min(self.cap, self._tokens + now - self._updated)
        self._updated = now
        self._tokens -= nbytes / BYTES_PER_SECOND
        return self._tokens >= 0


async def note_start(user_id: int) -> bool:
    """Count a session start for ``user_id``; False when the last minute had too many.

    A sliding window of start times, so a burst can't straddle a minute boundary. Two
    workers racing may both let one extra start through, which is harmless here.
    """
    key = f"live:starts:{user_id}"
    now = time.time()
    recent = [t for t in await cache.aget(key, []) if now - t < START_WINDOW_SECONDS]
    if len(recent) >= settings.LIVE_STARTS_PER_MINUTE:
        return False
    recent.append(now)
    await cache.aset(key, recent, START_WINDOW_SECONDS)
    return True
