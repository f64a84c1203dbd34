"""A vocabulary of any size the product allows never costs recognition a word.

The recognizer is localvt's own, with the real Whisper model; the speech is a LibriVox
recording (read by a person nobody here chose) cut at several lengths, and the terms are
made up and unrelated to it.
"""

from __future__ import annotations

import numpy as np
import pytest

from localvt.asr import SAMPLE_RATE

from .conftest import DASHWOOD, read_pcm
from .terms import unrelated_terms

pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(not DASHWOOD.exists(), reason="pocketsphinx-testdata is not installed"),
]


def dashwood(seconds: float | None = None) -> np.ndarray:
    pcm = np.frombuffer(read_pcm(DASHWOOD), "<i2").astype(np.float32) / 32768.0
    return pcm if seconds is None else pcm[: int(seconds * SAMPLE_RATE)]


def words(text: str) -> list[str]:
    return [w.strip(".,;:!?").casefold() for w in text.split()]


@pytest.mark.parametrize("terms", [4, 10, 60, 1000])
def test_a_whole_sentence_is_heard_whole_whatever_the_vocabulary(localvt_engines, terms):
    recognizer = localvt_engines.recognizer
    heard = recognizer.transcribe(dashwood(), accurate=True, hotwords=unrelated_terms(terms))
    assert words(heard)[-4:] == ["to", "do", "for", "them"]
    assert words(heard) == words(recognizer.transcribe(dashwood(), accurate=True))


@pytest.mark.parametrize("seconds", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("terms", [4, 60, 1000])
def test_a_short_stretch_of_speech_is_heard_with_any_vocabulary_and_no_term_imposed(
    localvt_engines, seconds, terms
):
    recognizer = localvt_engines.recognizer
    vocabulary = unrelated_terms(terms)
    made_up = {word for term in vocabulary for word in words(term)}
    for accurate in (True, False):
        heard = words(
            recognizer.transcribe(dashwood(seconds), accurate=accurate, hotwords=vocabulary)
        )
        assert heard[:3] == ["and", "mr", "john"] or heard[:2] == ["mr", "john"], heard
        assert not set(heard) & made_up, heard
