"""Decoder loops are cut where the audio says nothing was said; repetition that was said
stays word for word. Word times are as Whisper's alignment gives them."""

from __future__ import annotations

from localvt.loops import Word, looped, said


def speech_until(seconds: float, total: float) -> float:
    """Where the utterance's last speech ends (``total`` is how long it lasts)."""
    return seconds


def spoken(text: str, start: float = 0.0, per_word: float = 0.3) -> list[Word]:
    return [
        Word(" " + word, start + i * per_word, start + (i + 1) * per_word)
        for i, word in enumerate(text.split())
    ]


def text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


def test_a_clause_said_twice_is_kept_word_for_word():
    words = spoken(
        "we shall fight on the beaches, we shall fight on the landing grounds.", per_word=0.28
    )
    assert text(said(words, speech_until(3.4, 4.0))) == text(words)


def test_words_placed_after_the_speech_ended_are_cut():
    words = [*spoken("than he was."), Word(" Had", 1.3, 1.5), Word(" he", 1.5, 1.7)]
    assert text(said(words, speech_until(1.0, 2.0))) == "than he was."


def test_words_crammed_at_the_end_and_the_stretched_word_before_them_are_cut():
    words = [
        *spoken("close the door"),
        Word(" close", 0.9, 1.9),
        *(Word(" " + w, 1.9, 1.9) for w in ["the", "door", "close", "the", "door"]),
    ]
    assert text(said(words, speech_until(1.0, 2.0))) == "close the door"


def test_punctuation_stretched_over_the_trailing_silence_is_kept():
    words = [*spoken("stop stop stop"), Word(".", 0.9, 1.9)]
    assert text(said(words, speech_until(0.95, 2.0))) == "stop stop stop."


def test_quick_real_repetition_is_not_mistaken_for_cramming():
    words = spoken("no, no, no, that is not what I meant", per_word=0.18)
    assert text(said(words, speech_until(1.7, 2.2))) == text(words)


def test_a_result_that_loops_many_times_over_is_marked_but_said_repetition_is_not():
    assert looped("the the the the the the the the the the the the the the the the")
    assert not looped("We shall fight on the beaches, we shall fight on the landing grounds.")
    assert not looped("No, no, no, that is not what I meant.")
