"""Speech synthesis with eSpeak NG, from the library the ``espeakng-loader`` wheel bundles.

eSpeak NG keeps global state (one current voice, one callback), so every synthesis holds
one process-wide lock; a sentence takes a few milliseconds, so sessions barely queue.
Its 22,050 Hz output is resampled to the protocol's 16 kHz with soxr.
"""

from __future__ import annotations

import ctypes
import threading

import espeakng_loader
import numpy as np
import soxr

OUTPUT_RATE = 16000
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
VOICE_VARIANTS = {"male": "m3", "female": "f3"}


class SynthesisError(RuntimeError):
    """eSpeak NG refused a voice or a text."""


class Synthesizer:
    """Turns text into 16 kHz mono int16 PCM in a given eSpeak voice and gender."""

    def __init__(self, words_per_minute: int = 165) -> None:
        self._lock = threading.Lock()
        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        self._lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_path = str(espeakng_loader.get_data_path()).encode()
        rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 200, data_path, 0)
        if rate <= 0:
            raise SynthesisError("eSpeak NG failed to initialise")
        self.native_rate = rate
        self._chunks: list[np.ndarray] = []
        # Kept on self: ctypes must not garbage-collect a callback eSpeak still holds.
        self._callback = _SYNTH_CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
        self._current_voice: str | None = None

    def _collect(self, samples, count, _events) -> int:
        if count > 0 and samples:
            self._chunks.append(np.ctypeslib.as_array(samples, shape=(count,)).copy())
        return 0

    def has_voice(self, language: str) -> bool:
        """True when eSpeak NG can speak ``language`` (an eSpeak voice name such as ``es``)."""
        with self._lock:
            return self._set_voice(f"{language}+{VOICE_VARIANTS['female']}")

    def synthesize(self, text: str, language: str, gender: str) -> bytes:
        """``text`` spoken in ``language`` with a ``gender`` voice, as 16 kHz s16le PCM."""
        voice = f"{language}+{VOICE_VARIANTS[gender]}"
        encoded = text.encode("utf-8") + b"\0"
        with self._lock:
            if not self._set_voice(voice):
                raise SynthesisError(f"eSpeak NG has no voice {voice!r}")
            self._chunks = []
            status = self._lib.espeak_Synth(encoded, len(encoded), 0, 0, 0, _CHARS_UTF8, None, None)
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise SynthesisError(f"eSpeak NG could not speak this text (status {status})")
        if not chunks:
            return b""
        native = np.concatenate(chunks)
        resampled = soxr.resample(native, self.native_rate, OUTPUT_RATE, quality="HQ")
        return np.clip(resampled, -32768, 32767).astype("<i2").tobytes()

    def _set_voice(self, voice: str) -> bool:
        if voice == self._current_voice:
            return True
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            return False
        self._current_voice = voice
        return True
