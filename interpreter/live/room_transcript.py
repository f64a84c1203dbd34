"""One saved transcript for a room, from the several streams that hear its speaker.

Each language in use has a stream of its own (a Krisp or localvt session), and each
recognises the same speech: the room's saved session must hold each utterance once, with its
translation in every language open at the time. Streams open and close as listeners come
and go, number their utterances afresh, and may cut speech into utterances a little
differently. So utterances are matched by where they lie on the speaker's audio timeline:
a final transcript that overlaps one already saved by at least half of the shorter of the
two is the same utterance (its translation joins that row); one that overlaps none is a new
utterance, saved with its own text. Whichever stream finishes an utterance first gives it its
text. A translation that comes before its stream's transcript waits for it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# Utterances remembered for matching: far more than streams run behind each other.
RECENT = 200


@dataclass
class _Placed:
    uid: str
    start: int
    end: int


class RoomTranscript:
    """Maps each stream's utterances onto the session's, one row per thing said."""

    def __init__(self, prefix: str = "") -> None:
        """``prefix`` goes before every utterance id: a resumed session's later segments
        must not reuse the ids its earlier ones saved."""
        self._prefix = prefix
        self._recent: list[_Placed] = []
        self._by_stream: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._waiting: dict[tuple[str, str], str] = {}
        self._count = 0

    def transcript(self, stream: str, service_uid: str, start: int, end: int) -> tuple[str, bool]:
        """The session's utterance id for ``stream``'s final ``service_uid`` covering
        ``start``..``end`` ms of the timeline, and whether it is new (to be saved with this
        text) rather than one another stream already saved."""
        placed = self._match(start, end)
        new = placed is None
        if new:
            self._count += 1
            placed = _Placed(f"{self._prefix}r{self._count}", start, end)
            self._recent.append(placed)
            del self._recent[:-RECENT]
        self._by_stream[(stream, service_uid)] = placed.uid
        while len(self._by_stream) > RECENT * 4:
            self._by_stream.popitem(last=False)
        return placed.uid, new

    def translation(self, stream: str, service_uid: str, text: str) -> str | None:
        """The session's utterance id that ``stream``'s translation of ``service_uid``
        belongs to, or None while its transcript hasn't come (it is kept until then)."""
        uid = self._by_stream.get((stream, service_uid))
        if uid is None:
            self._waiting[(stream, service_uid)] = text
            while len(self._waiting) > RECENT:
                self._waiting.pop(next(iter(self._waiting)))
        return uid

    def waiting_translation(self, stream: str, service_uid: str) -> str | None:
        """A translation that came before its transcript, now that it has come."""
        return self._waiting.pop((stream, service_uid), None)

    def _match(self, start: int, end: int) -> _Placed | None:
        best, best_overlap = None, 0
        for placed in reversed(self._recent):
            if placed.end <= start - 60_000:
                break  # a minute before: nothing older can overlap
            overlap = min(end, placed.end) - max(start, placed.start)
            shorter = max(1, min(end - start, placed.end - placed.start))
            if overlap * 2 >= shorter and overlap > best_overlap:
                best, best_overlap = placed, overlap
        return best
