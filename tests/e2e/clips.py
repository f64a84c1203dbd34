"""The English speech both browser tests play into their microphone."""

from __future__ import annotations

import wave
from pathlib import Path

CLIP = Path(
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
)


def microphone_clip(directory: Path) -> Path:
    """The recording with a second of silence before and three after, played once."""
    path = directory / "microphone.wav"
    with wave.open(str(CLIP)) as source:
        params, speech = source.getparams(), source.readframes(source.getnframes())
    silence = b"\0" * params.sampwidth * params.framerate
    with wave.open(str(path), "wb") as target:
        target.setparams(params)
        target.writeframes(silence + speech + silence * 3)
    return path
