"""Speech sets for measuring recognition, made when they are needed (no audio is kept).

Each generated sentence (``bench/sentences.py``) is spoken by eSpeak NG (Debian's
espeak-ng) with one of several English voices, variants and speeds, turned into 16 kHz
mono by sox, padded with a little silence, and most get noise from sox's generators
(white, pink or brown, at 25, 20 or 15 dB below the speech) mixed in; all of it fixed
by the sentence's place in its list, so every run hears the same audio. LibriVox is the
five read sentences of Debian's pocketsphinx-testdata.

Run alone, it recognises a set offline (voice activity and the final recognition, as a
session does it, without real time) and prints each utterance's reference and what was
heard; this is how the development sets are looked at when tuning:

    .venv/bin/python bench/speech_sets.py [--set dev-repetition] [--vocabulary N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import sentences  # noqa: E402
from bench.wer import Errors, normalise, word_errors  # noqa: E402

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
RATE = 16000
FRAME = 640  # bytes: 20 ms
VOICES = (
    "en-us",
    "en-gb+f3",
    "en-gb-scotland+m3",
    "en-029",
    "en-us-nyc+f2",
    "en-gb-x-rp",
    "en-us+m7",
)
SPEEDS = (150, 170, 135, 185, 160)  # words a minute
NOISES = ((None, 0), ("pinknoise", 20), ("whitenoise", 25), ("brownnoise", 15), ("pinknoise", 15))
LEAD_SILENCE = 0.3  # seconds before the speech


@dataclass
class Clip:
    """One utterance to stream: its PCM, the words said and where speech ends in it."""

    name: str
    pcm: bytes
    reference: str
    last_speech_byte: int  # offset of the end of the last 20 ms frame with speech energy
    terms: tuple[str, ...] = field(default=())


SETS = {
    "librivox": "LibriVox, 5 read sentences (pocketsphinx-testdata)",
    "repetition": f"repetition, {len(sentences.EVAL_REPETITION)} eSpeak sentences (evaluation)",
    "terms": f"rare names and terms, {len(sentences.EVAL_TERMS)} eSpeak sentences (evaluation)",
    "dev-repetition": f"repetition, {len(sentences.DEV_REPETITION)} sentences (development)",
    "dev-terms": f"rare names and terms, {len(sentences.DEV_TERMS)} sentences (development)",
}


def load(name: str) -> list[Clip]:
    """The clips of set ``name`` (a key of :data:`SETS`)."""
    if name == "librivox":
        return librivox()
    spoken = {
        "repetition": [(s, ()) for s in sentences.EVAL_REPETITION],
        "terms": list(sentences.EVAL_TERMS),
        "dev-repetition": [(s, ()) for s in sentences.DEV_REPETITION],
        "dev-terms": list(sentences.DEV_TERMS),
    }[name]
    return [speak(f"{name}-{i:02d}", text, terms, i) for i, (text, terms) in enumerate(spoken)]


def vocabulary_of(clips: list[Clip]) -> list[str]:
    """Every term named by ``clips``, once, in order."""
    return list(dict.fromkeys(term for clip in clips for term in clip.terms))


def librivox() -> list[Clip]:
    references = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        match = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if match:
            references[match.group(2)] = match.group(1)
    clips = []
    for name, reference in sorted(references.items()):
        with wave.open(str(LIBRIVOX / f"{name}.wav")) as source:
            pcm = source.readframes(source.getnframes())
        clips.append(Clip(name, pcm, reference, last_speech_byte(pcm)))
    return clips


def last_speech_byte(pcm: bytes, floor: float = 300.0) -> int:
    """Where the last 20 ms frame louder than ``floor`` (RMS) ends."""
    samples = np.frombuffer(pcm, "<i2").astype(np.float64)
    frames = samples[: samples.size // 320 * 320].reshape(-1, 320)
    loud = np.nonzero(np.sqrt((frames**2).mean(axis=1)) > floor)[0]
    return int(loud[-1] + 1) * FRAME if loud.size else 0


def speak(name: str, text: str, terms: tuple[str, ...], index: int) -> Clip:
    """``text`` spoken with the voice, speed and noise that ``index`` picks."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed: run `make setup-dev`")
    voice = VOICES[index % len(VOICES)]
    speed = SPEEDS[index % len(SPEEDS)]
    noise, snr = NOISES[index % len(NOISES)]
    with tempfile.TemporaryDirectory() as tmp:
        raw, clean = Path(tmp) / "raw.wav", Path(tmp) / "clean.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True
        )
        subprocess.run(
            [
                "sox",
                "-R",  # repeatable dither
                "-G",  # no clipping on the way to 16 kHz
                str(raw),
                "-r",
                str(RATE),
                "-c",
                "1",
                "-b",
                "16",
                str(clean),
                "pad",
                str(LEAD_SILENCE),
                "0.2",
            ],
            check=True,
        )
        speech = _samples(clean)
        end = last_speech_byte(speech.astype("<i2").tobytes())
        if noise is not None:
            speech = speech + _unit(_noise(Path(tmp), noise, speech.size, index)) * _gain(
                speech, snr
            )
    pcm = np.clip(speech, -32768, 32767).astype("<i2").tobytes()
    return Clip(name, pcm, text, end, terms)


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        return np.frombuffer(clip.readframes(clip.getnframes()), "<i2").astype(np.float64)


def _noise(directory: Path, kind: str, samples: int, seed: int) -> np.ndarray:
    """``samples`` of sox's ``kind`` noise, the same for the same ``seed``."""
    path = directory / "noise.wav"
    seconds = samples / RATE
    subprocess.run(
        [
            "sox",
            "-R",
            "-n",
            "-r",
            str(RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(path),
            "synth",
            f"{seconds:.4f}",
            kind,
            "vol",
            "0.5",
        ],
        check=True,
    )
    noise = _samples(path)[:samples]
    rolled = np.roll(noise, seed * 997)  # sox -R gives one sequence; shift it per clip
    return np.pad(rolled, (0, samples - rolled.size))


def _gain(speech: np.ndarray, snr_db: float) -> float:
    """The factor that puts unit noise ``snr_db`` below the speech's loudness (RMS over
    the frames that hold speech)."""
    frames = speech[: speech.size // 320 * 320].reshape(-1, 320)
    loud = np.sqrt((frames**2).mean(axis=1))
    level = float(np.sqrt(np.mean(loud[loud > 300] ** 2))) if (loud > 300).any() else 1.0
    return level / 10 ** (snr_db / 20)


def _unit(noise: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(noise**2))) or 1.0
    return noise / rms


def recognise_offline(clips: list[Clip], vocabulary: list[str]) -> Errors:
    """Recognise ``clips`` as a session would, without real time; print each one."""
    from localvt.asr import Recognizer
    from localvt.vad import SAMPLE_RATE, Segmenter
    from localvt.vocabulary import apply_vocabulary

    recognizer = Recognizer(threads=2, workers=1)
    total = Errors()
    for clip in clips:
        segmenter = Segmenter()
        ended = segmenter.feed(clip.pcm + b"\0" * SAMPLE_RATE)
        heard = " ".join(
            apply_vocabulary(
                recognizer.transcribe(u.audio, accurate=True, hotwords=vocabulary),
                vocabulary,
            )
            for u in ended
        )
        errors = word_errors(normalise(clip.reference), normalise(heard))
        total += errors
        mark = "  " if errors.wer == 0 else f"** {errors.deletions} deleted,"
        print(f"{mark} {clip.name}\n   said:  {clip.reference}\n   heard: {heard}")
    print(f"WER {total.wer:.1%}, deleted {total.deleted:.1%} of {total.words} words")
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=sorted(SETS), default=None)
    parser.add_argument("--vocabulary", type=int, default=0, help="add N unrelated terms")
    parser.add_argument(
        "--without-terms", action="store_true", help="leave the set's own terms out"
    )
    arguments = parser.parse_args()
    if arguments.set is None:
        for key, description in SETS.items():
            clips = load(key)
            seconds = sum(len(c.pcm) for c in clips) / 2 / RATE
            print(f"{key}: {description}, {seconds:.1f} s")
    else:
        from tests.localvt.terms import unrelated_terms

        chosen = load(arguments.set)
        terms = [] if arguments.without_terms else vocabulary_of(chosen)
        recognise_offline(chosen, terms + unrelated_terms(arguments.vocabulary))
