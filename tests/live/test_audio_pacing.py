"""The too-fast rule refuses a page that outruns real time, not one this server kept waiting."""

from __future__ import annotations

from interpreter.live.limits import AudioPacer

FRAME = 640  # 20 ms


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_page_sending_in_real_time_is_never_refused():
    clock = Clock()
    pacer = AudioPacer(clock=clock)
    for _ in range(50 * 60):
        clock.now += 0.02
        assert pacer.take(FRAME)


def test_a_page_sending_ten_times_faster_than_real_time_is_refused_within_seconds():
    clock = Clock()
    pacer = AudioPacer(clock=clock)
    accepted = 0
    while accepted < 1000:
        clock.now += 0.002
        if not pacer.take(FRAME):
            break
        accepted += 1
    assert 100 < accepted < 200  # refused after ~3.3 s of audio in ~0.3 s


def test_the_backlog_after_a_server_stall_is_accepted():
    clock = Clock()
    pacer = AudioPacer(clock=clock)
    for _ in range(500):  # 10 s in real time
        clock.now += 0.02
        assert pacer.take(FRAME)
    clock.now += 10.0  # the server stalled; the page kept sending into the socket
    assert all(pacer.take(FRAME) for _ in range(500))  # 10 s of audio, read at once


def test_credit_for_idle_time_is_bounded():
    clock = Clock()
    pacer = AudioPacer(clock=clock)
    clock.now += 3600  # an hour of silence buys at most the lag tolerance
    accepted = 0
    while pacer.take(FRAME):
        accepted += 1
    assert accepted * 0.02 <= 30.0 + 0.02
