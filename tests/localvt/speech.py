"""Speech clips for tests: LibriVox recordings and eSpeak NG sentences with rare names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np


def espeak_clip(text: str, directory: Path, voice: str = "en-us") -> bytes:
    """``text`` spoken by eSpeak NG (Debian's espeak-ng) in ``voice``, as 16 kHz mono
    s16le PCM."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed: run `make test` to install it")
    path = directory / "clip.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    import wave

    import soxr

    with wave.open(str(path)) as clip:
        rate = clip.getframerate()
        samples = np.frombuffer(clip.readframes(clip.getnframes()), "<i2").astype(np.float32)
    resampled = soxr.resample(samples, rate, 16000)
    return np.clip(resampled, -32768, 32767).astype("<i2").tobytes()


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, "<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
