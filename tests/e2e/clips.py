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


LIBRIVOX = CLIP.parent
# The five LibriVox sentences of pocketsphinx-testdata, in the order they are read, and a
# phrase of each that recognition gets right: a reading whose every phrase is saved once, in
# order, lost nothing and doubled nothing.
READING = [
    ("sense_and_sensibility_01_austen_64kb-0870", "dashwood"),
    ("sense_and_sensibility_01_austen_64kb-0880", "young man"),
    ("sense_and_sensibility_01_austen_64kb-0890", "selfish"),
    ("sense_and_sensibility_01_austen_64kb-0920", "respectable"),
    ("sense_and_sensibility_01_austen_64kb-0930", "amiable himself"),
]
READING_LEAD_SECONDS = 3.0  # before the first sentence: time to press Start and connect


def reading_clip(directory: Path) -> Path:
    """The five sentences read one after another (1 s apart), 3 s of silence before them and
    4 s after, as one WAV for a microphone playing it once (about 36 s)."""
    path = directory / "reading.wav"
    with wave.open(str(LIBRIVOX / f"{READING[0][0]}.wav")) as first:
        params = first.getparams()
    second = b"\0" * params.sampwidth * params.framerate
    audio = [second * 3]
    for name, _ in READING:
        with wave.open(str(LIBRIVOX / f"{name}.wav")) as source:
            audio += [source.readframes(source.getnframes()), second]
    audio.append(second * 3)
    with wave.open(str(path), "wb") as target:
        target.setparams(params)
        target.writeframes(b"".join(audio))
    return path


def reading_words() -> list[str]:
    """Every word of the reading, in order (the recordings' own transcription)."""
    lines = (LIBRIVOX / "transcription").read_text().splitlines()
    words = []
    for name, _ in READING:
        line = next(line for line in lines if f"({name})" in line)
        words += line.split("(")[0].replace("<s>", "").replace("</s>", "").split()
    return words


def normalized(text: str) -> str:
    """Lower case, hyphens as spaces, no punctuation: how recognised text is compared."""
    text = text.lower().replace("-", " ")
    return " ".join("".join(ch for ch in text if ch.isalnum() or ch.isspace()).split())


def assert_read_once_in_order(transcript: str) -> None:
    """Each sentence's phrase is in ``transcript`` exactly once, and in reading order."""
    text = normalized(transcript)
    phrases = [phrase for _, phrase in READING]
    assert [text.count(phrase) for phrase in phrases] == [1] * len(phrases), text
    positions = [text.index(phrase) for phrase in phrases]
    assert positions == sorted(positions), text


def words_recovered(transcript: str) -> tuple[int, int]:
    """How many of the reading's words the transcript has, aligned in order; and how many
    there are."""
    import difflib

    reference = reading_words()
    hypothesis = normalized(transcript).split()
    matcher = difflib.SequenceMatcher(a=reference, b=hypothesis, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()), len(reference)
