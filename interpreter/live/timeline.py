"""Where a session's stream sits on the session's audio timeline, and catching up after a
resume.

The timeline counts every millisecond of audio since the session began. The first stream
starts at 0. A resumed session's new stream starts where its saved finals end, or where the
page's held audio starts if that is later (``base_ms``): audio the saved finals cover is not
heard again. The page then sends the audio it held while it was disconnected, faster than
real time, up to the live edge. Utterances that start before the live edge are "caught up"
(the page shows them as such); the first one at the live edge ends the catch-up. When the
held audio is long, its translated speech is skipped and only its captions are shown: the
meeting has moved on, and the page should hear the live speaker (docs/protocol.md,
"Resuming a session").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .limits import BYTES_PER_SECOND
from .protocol import ResumeRequest

if TYPE_CHECKING:
    from interpreter.models import Utterance

# The service's timestamps come in whole milliseconds: an utterance starting within a frame
# (20 ms) of the live edge is live.
FRAME_MS = 20


@dataclass
class Timeline:
    """One stream's place on its session's audio timeline, and its catch-up if resumed."""

    base_ms: int = 0  # where the stream's audio begins on the session's timeline
    resumed_from_ms: int = 0  # where the page's held audio begins
    live_edge_ms: int | None = None  # while catching up: where the held audio ends
    skip_speech: bool = False
    skipped_speech_bytes: int = 0
    caught_up: set[str] = field(default_factory=set)  # utterance ids heard from held audio

    @classmethod
    def resumed(cls, resume: ResumeRequest, saved_end_ms: int, longest_speech_ms: int) -> Timeline:
        """The timeline of a stream that carries a session on after ``resume``: the saved
        finals end at ``saved_end_ms``; held audio longer than ``longest_speech_ms`` is
        caught up with its captions only."""
        live_edge = resume.from_ms + resume.held_ms
        base = min(max(resume.from_ms, saved_end_ms), live_edge)
        timeline = cls(base_ms=base, resumed_from_ms=resume.from_ms)
        if live_edge > base:
            timeline.live_edge_ms = live_edge
            timeline.skip_speech = live_edge - base > longest_speech_ms
        return timeline

    @property
    def catching_up(self) -> bool:
        return self.live_edge_ms is not None

    def held_ms(self) -> int:
        """How much held audio the page will send before the live edge."""
        if self.live_edge_ms is None:
            return 0
        return self.live_edge_ms - self.base_ms

    def ready_fields(self, catch_up_rate: float) -> dict:
        """What a resumed page's ``ready`` says about where to start and how to catch up."""
        return {
            "resume_from_ms": self.base_ms,
            "catch_up_ms": self.held_ms(),
            "catch_up_rate": catch_up_rate,
            "catch_up_speech": "skipped" if self.skip_speech else "played",
        }

    def place(self, utterance_id: str, offset_ms: int, duration_ms: int) -> tuple[int, int]:
        """The utterance's range on the session's timeline, from the stream's offset; one
        that starts before the live edge is marked caught up."""
        start = self.base_ms + offset_ms
        if self.live_edge_ms is not None and start < self.live_edge_ms - FRAME_MS:
            self.caught_up.add(utterance_id)
        return start, start + duration_ms

    def reached_live_edge(self, start_ms: int) -> bool:
        """Whether an utterance starting at ``start_ms`` ends a catch-up still under way."""
        return self.live_edge_ms is not None and start_ms >= self.live_edge_ms - FRAME_MS

    def end_catch_up(self) -> dict:
        """The held audio is done: the page's ``caught_up`` message."""
        self.live_edge_ms = None
        self.skip_speech = False
        skipped = round(self.skipped_speech_bytes / BYTES_PER_SECOND, 1)
        return {"type": "caught_up", "speech_skipped_seconds": skipped}

    def skips(self, speech_bytes: int) -> bool:
        """Whether translated speech of this many bytes is skipped (and counted as such)."""
        if self.skip_speech:
            self.skipped_speech_bytes += speech_bytes
        return self.skip_speech


def replayed_messages(utterances: Iterable[Utterance]) -> list[dict]:
    """What a resumed page is sent of the finals saved after its held audio starts: each
    utterance's transcript and translation, marked replayed (it shows each id once)."""
    messages = []
    for utterance in utterances:
        common = {"utterance_id": utterance.utterance_id, "final": True, "caught_up": True}
        messages.append(
            {
                "type": "transcript",
                **common,
                "text": utterance.text,
                "start": utterance.started_at.isoformat(),
                "duration": utterance.duration_ms,
                "audio_start_ms": utterance.audio_start_ms,
                "audio_end_ms": utterance.audio_end_ms,
                "replayed": True,
            }
        )
        if utterance.translation:
            messages.append({"type": "translation", **common, "text": utterance.translation})
    return messages
