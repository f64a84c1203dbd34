"""Under daphne, a readable socket's reader is called without Twisted's log context.

Each test runs Twisted's real asyncio reactor on a fresh event loop, with a socket pair.
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from twisted.internet.asyncioreactor import AsyncioSelectorReactor
from twisted.python import context, log

from interpreter.server_tuning import reactor_callbacks


class Reader:
    """The part of a Twisted connection the reactor uses when its socket is readable."""

    def __init__(self, sock: socket.socket, fail: bool = False) -> None:
        self.sock = sock
        self.fail = fail
        self.reads: list[tuple[bytes, object]] = []

    def fileno(self) -> int:
        return self.sock.fileno()

    def logPrefix(self) -> str:
        return "a page's WebSocket"

    def doRead(self) -> None:
        data = self.sock.recv(1024)
        system = context.get(log.ILogContext).get("system")
        self.reads.append((data, system))
        if self.fail:
            raise SystemExit("not caught by the reactor's own handler")

    def connectionLost(self, reason) -> None:
        """Not expected here."""


@pytest.fixture
def reactor_and_pair():
    reactor_callbacks.install()
    loop = asyncio.new_event_loop()
    reactor = AsyncioSelectorReactor(loop)
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    yield reactor, loop, ours, theirs
    ours.close()
    theirs.close()
    loop.close()


def run_briefly(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(asyncio.sleep(0.05))


def test_a_readable_socket_is_read_without_a_log_context(reactor_and_pair):
    reactor, loop, ours, theirs = reactor_and_pair
    reader = Reader(ours)
    reactor.addReader(reader)

    theirs.send(b"a frame")
    run_briefly(loop)
    reactor.removeReader(reader)

    assert reader.reads == [(b"a frame", "-")]


def test_a_failing_reader_is_logged_with_its_prefix_and_the_loop_goes_on(reactor_and_pair):
    reactor, loop, ours, theirs = reactor_and_pair
    reader = Reader(ours, fail=True)
    logged: list[dict] = []
    log.addObserver(logged.append)
    try:
        reactor.addReader(reader)
        theirs.send(b"a frame")
        run_briefly(loop)
        reactor.removeReader(reader)
    finally:
        log.removeObserver(logged.append)

    assert [data for data, _ in reader.reads] == [b"a frame"]
    failures = [event for event in logged if event.get("isError")]
    assert failures and failures[0]["system"] == "a page's WebSocket"
    assert failures[0]["failure"].type is SystemExit
