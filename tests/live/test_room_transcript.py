"""A room's streams each recognise the same speech; the saved session holds it once.

``RoomTranscript`` matches each stream's finals by their place on the speaker's audio
timeline: overlapping by at least half of the shorter is the same utterance.
"""

from __future__ import annotations

from interpreter.live.room_transcript import RoomTranscript


def test_the_same_speech_from_two_streams_is_one_utterance_with_both_translations():
    transcript = RoomTranscript()

    first = transcript.transcript("es-ES", "a1", 1000, 3000)
    second = transcript.transcript("fr-FR", "b7", 1020, 2980)

    assert first == ("r1", True)
    assert second == ("r1", False)  # already saved: only its translation joins the row
    assert transcript.translation("es-ES", "a1", "hola") == "r1"
    assert transcript.translation("fr-FR", "b7", "salut") == "r1"


def test_speech_no_stream_has_placed_yet_is_a_new_utterance():
    transcript = RoomTranscript()
    transcript.transcript("es-ES", "a1", 1000, 3000)

    assert transcript.transcript("fr-FR", "b1", 3100, 4000) == ("r2", True)


def test_cut_differently_an_utterance_still_matches_the_one_it_mostly_overlaps():
    transcript = RoomTranscript()
    transcript.transcript("es-ES", "a1", 1000, 3000)
    transcript.transcript("es-ES", "a2", 3400, 6000)

    # French heard the second sentence from a little earlier, overlapping the first a bit.
    assert transcript.transcript("fr-FR", "b1", 2800, 6000) == ("r2", False)


def test_a_translation_before_its_transcript_waits_for_it():
    transcript = RoomTranscript()

    assert transcript.translation("es-ES", "a1", "hola") is None
    uid, _ = transcript.transcript("es-ES", "a1", 0, 900)

    assert transcript.waiting_translation("es-ES", "a1") == "hola"
    assert uid == "r1"
