"""daphne keeps request bodies out of its reactor thread: Twisted doesn't parse form bodies,
and a body declared over the upload limit is dropped as it arrives, never stored.

Both made one large upload hold every page and WebSocket of the process (bench/uploads.py).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from daphne.http_protocol import WebRequest
from twisted.internet.testing import StringTransport
from twisted.web.http import HTTPChannel

from interpreter.request_bodies import install

LIMIT = 1000
FORM = (
    b'--b\r\nContent-Disposition: form-data; name="import_file"; filename="a.csv"\r\n\r\n'
    b"glossary,term\r\n--b--\r\n"
)


@pytest.fixture(autouse=True)
def installed():
    install(max_body_bytes=LIMIT)


def a_request_that_received(body: bytes, declared: int | None = None) -> WebRequest:
    """A daphne request after ``body`` arrived, without daphne's server around it."""
    channel = HTTPChannel()
    channel.factory = SimpleNamespace(server=SimpleNamespace(protocol_connected=lambda r: None))
    channel.makeConnection(StringTransport())
    request = WebRequest(channel)
    request.process = lambda: None  # what daphne does next is not under test
    request.requestHeaders.setRawHeaders(b"content-type", [b"multipart/form-data; boundary=b"])
    request.gotLength(len(body) if declared is None else declared)
    for start in range(0, len(body), 100):
        request.handleContentChunk(body[start : start + 100])
    request.requestReceived(b"POST", b"/import/", b"HTTP/1.1")
    return request


def test_a_multipart_post_is_left_for_django_to_parse():
    request = a_request_that_received(FORM)

    assert request.args == {}
    assert request.content.read() == FORM


def test_a_body_declared_over_the_limit_is_dropped_as_it_arrives():
    request = a_request_that_received(FORM * 100)

    assert request.content.read() == b""
    assert request.args == {}


def test_a_body_at_the_limit_is_kept():
    body = FORM + b"x" * (LIMIT - len(FORM))

    assert a_request_that_received(body).content.read() == body


def test_installing_twice_changes_nothing_more():
    install(max_body_bytes=LIMIT)

    assert a_request_that_received(FORM).content.read() == FORM
