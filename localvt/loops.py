"""Decoder loops, told from what was said by evidence in the audio, not by the text.

Given a short window, Whisper sometimes goes on after the speech: it starts the utterance
over ("…than he was. Had he"), repeats its last clause, or adds a stock phrase. People
repeat themselves too, on purpose ("we shall fight on the beaches, we shall fight on the
landing grounds"), so the words alone can't tell a loop from speech; where Whisper placed
them can. Each word's time comes from Whisper's cross-attention alignment (the one its
word timestamps use), and the utterance's voice activity from Silero VAD:

- a word that starts after the last speech in the utterance was not said;
- a run of words crammed into less audio than anyone could say them in was not said
  either (the alignment squeezes words that have no audio of their own into a sliver).

Everything from the first such word on is dropped. The compression ratio of the text
(how well it zips: a loop repeats itself many times over) marks a whole result as a loop
when it is beyond anything said; the caller then decodes again without beam search.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

AFTER_SPEECH_SECONDS = 0.2  # alignment slack: a word may start this long after speech
CRAMMED_WORDS = 3  # this many words in a row...
CRAMMED_SECONDS = 0.12  # ...within this long were not said one after another
LOOPED_COMPRESSION = 2.4  # Whisper's own threshold for a looping result


@dataclass(frozen=True)
class Word:
    """A recognised word as Whisper spelled it (leading space and punctuation included),
    and where it was aligned in the utterance, in seconds."""

    text: str
    start: float
    end: float


def said(words: list[Word], last_speech: float) -> list[Word]:
    """The leading ``words`` up to the first one that evidence says was not said;
    ``last_speech`` is where the utterance's last speech ends (seconds, from
    :func:`localvt.vad.last_speech`).

    Punctuation is no sound, so it is never evidence (its alignment often stretches over
    trailing silence); it stays with the word before it. When crammed words follow a word
    stretched past the end of the speech, that word is where the loop began."""
    speech_ends = last_speech + AFTER_SPEECH_SECONDS
    spoken = [i for i, word in enumerate(words) if any(ch.isalnum() for ch in word.text)]
    for n, i in enumerate(spoken):
        run = [words[j] for j in spoken[n : n + CRAMMED_WORDS]]
        crammed = len(run) == CRAMMED_WORDS and run[-1].end - run[0].start < CRAMMED_SECONDS
        if words[i].start > speech_ends or crammed:
            if n and _middle(words[spoken[n - 1]]) > speech_ends:
                return words[: spoken[n - 1]]
            return words[:i]
    return words


def _middle(word: Word) -> float:
    return (word.start + word.end) / 2


def compression_ratio(text: str) -> float:
    """How many times over ``text`` zips (Whisper's measure of a looping result)."""
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def looped(text: str) -> bool:
    """True when ``text`` repeats itself beyond anything a person says in one utterance."""
    return compression_ratio(text) > LOOPED_COMPRESSION
