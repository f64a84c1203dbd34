"""Under daphne, a frame the app sends is written at once, not on the reactor's next turn.

Each test drives a real ``twisted.internet.tcp.Connection`` over a socket pair, with a
stand-in for the reactor that only records which connections wait to be writable.
"""

from __future__ import annotations

import socket

import pytest
from twisted.internet import error, tcp

from interpreter.server_tuning import tcp_writes


class Reactor:
    """What ``FileDescriptor`` asks of a reactor when it queues a write (Twisted's names)."""

    def __init__(self) -> None:
        self.writers: set = set()

    def addWriter(self, writer) -> None:
        self.writers.add(writer)

    def removeWriter(self, writer) -> None:
        self.writers.discard(writer)


class Protocol:
    """Where a TLS connection's writes go instead of the socket."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


@pytest.fixture
def pair():
    """A connected Twisted connection and the socket at its other end."""
    tcp_writes.install()
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    reactor = Reactor()
    connection = tcp.Connection(ours, Protocol(), reactor)
    connection.connected = True
    yield connection, theirs, reactor
    ours.close()
    theirs.close()


def received(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(1 << 20)
        except BlockingIOError:
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_a_write_with_nothing_queued_reaches_the_socket_at_once(pair):
    connection, theirs, reactor = pair
    connection.write(b"one frame")
    assert received(theirs) == b"one frame"
    assert not reactor.writers


def test_what_the_socket_cannot_take_waits_and_later_writes_keep_their_order(pair):
    connection, theirs, reactor = pair
    connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    big = bytes(range(256)) * 8192  # 2 MiB, far more than the socket takes
    connection.write(big)
    assert reactor.writers == {connection}  # the rest waits for the reactor, as before
    got = received(theirs)  # room in the socket again, but the rest of big comes first
    assert 0 < len(got) < len(big)
    connection.write(b"after")  # behind big's rest, still in Twisted's list of writes
    connection.doWrite()
    got += received(theirs)
    assert len(got) < len(big)
    connection.write(b"later")  # behind what doWrite could not send
    while connection in reactor.writers:
        connection.doWrite()
        got += received(theirs)
    assert got == big + b"after" + b"later"


def test_a_write_on_a_broken_connection_is_left_to_twisted_to_report(pair):
    connection, theirs, reactor = pair
    theirs.close()
    connection.write(b"too late")
    assert reactor.writers == {connection}
    assert isinstance(connection.doWrite(), error.ConnectionLost)


def test_a_closing_connection_keeps_twisteds_queue(pair):
    connection, theirs, reactor = pair
    connection.disconnecting = True
    connection.write(b"last words")
    assert received(theirs) == b""
    assert reactor.writers == {connection}


def test_tls_keeps_its_own_path(pair):
    connection, theirs, _ = pair
    connection.TLS = True
    connection.write(b"secret")
    assert connection.protocol.written == [b"secret"]
    assert received(theirs) == b""


def test_the_live_consumer_installs_it():
    import interpreter.consumers  # noqa: F401  (installs on import, where daphne loads it)

    assert tcp.Connection.write is tcp_writes._write
