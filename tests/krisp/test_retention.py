"""The audio a stream keeps until a final covers it: what it resends after a reconnect."""

from __future__ import annotations

from krisp.retention import UnconfirmedAudio


def chunks(audio: UnconfirmedAudio) -> list[int]:
    kept, _ = audio.take()
    return [offset for offset, _ in kept]


def test_a_final_releases_the_audio_it_covers_and_keeps_the_rest():
    audio = UnconfirmedAudio(max_bytes=10_000)
    for offset in range(0, 3200, 640):
        audio.sent(offset, bytes(640))
    audio.confirm(1300)  # the third chunk (1280..1920) is only partly covered

    assert chunks(audio) == [1280, 1920, 2560]


def test_past_its_bound_it_forgets_the_oldest_and_a_reconnect_counts_them_lost():
    audio = UnconfirmedAudio(max_bytes=1280)
    for offset in range(0, 3200, 640):
        audio.sent(offset, bytes(640))
    kept, lost = audio.take()

    assert [offset for offset, _ in kept] == [1920, 2560]
    assert lost == 1920


def test_audio_already_covered_is_not_kept():
    audio = UnconfirmedAudio(max_bytes=10_000)
    audio.confirm(1280)
    audio.sent(0, bytes(640))
    audio.sent(640, bytes(640))
    audio.sent(1280, bytes(640))

    assert chunks(audio) == [1280]
    assert audio.take() == ([], 0)
