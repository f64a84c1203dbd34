"""Audio a stream sent on its current connection whose final transcript hasn't come yet.

When a connection to the service drops, the service loses what it had heard of the utterance
in progress: its final never comes. Resending only what was never sent would leave that
speech out of the transcript; resending everything would make the service recognise again,
as new utterances, what it already finished. So the stream keeps every chunk it sent until
a final transcript covers it, and resends exactly those after a reconnect: the rule the live
page follows for its own socket (docs/protocol.md, "Exactly once").

A final covers audio up to its end, ``start + duration`` on the connection's timeline (the
reference's ``start`` is a UTC timestamp; the connection's timeline begins when its config
was sent, as localvt and a real-time stream both keep it). Offsets here are bytes of the
stream, counted from its first chunk. The kept audio is bounded; what falls off the bound
can't be resent, and is counted when a reconnect finds it missing.
"""

from __future__ import annotations

from collections import deque


class UnconfirmedAudio:
    """Sent chunks, oldest first, not yet covered by a final transcript."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._chunks: deque[tuple[int, bytes]] = deque()
        self._bytes = 0
        self.confirmed = 0  # stream offset up to which finals have covered the audio

    def sent(self, offset: int, chunk: bytes) -> None:
        """``chunk`` (starting at stream ``offset``) went out on the current connection."""
        if offset + len(chunk) <= self.confirmed:
            return
        self._chunks.append((offset, chunk))
        self._bytes += len(chunk)
        while self._bytes > self.max_bytes and len(self._chunks) > 1:
            _, dropped = self._chunks.popleft()
            self._bytes -= len(dropped)

    def confirm(self, upto: int) -> None:
        """A final covers the stream's audio up to offset ``upto``."""
        self.confirmed = max(self.confirmed, upto)
        while self._chunks and self._chunks[0][0] + len(self._chunks[0][1]) <= self.confirmed:
            _, chunk = self._chunks.popleft()
            self._bytes -= len(chunk)

    def take(self) -> tuple[list[tuple[int, bytes]], int]:
        """Everything kept, to send again on a new connection, and how many bytes between
        the last confirmed offset and the first kept chunk fell off the bound (lost)."""
        chunks = list(self._chunks)
        self._chunks.clear()
        self._bytes = 0
        lost = max(0, chunks[0][0] - self.confirmed) if chunks else 0
        return chunks, lost

    @property
    def kept_bytes(self) -> int:
        return self._bytes
