"""Daphne's requests don't have Twisted parse form bodies in the reactor thread.

Twisted's parse of a 50 MB multipart body held every page and WebSocket of the process for
about 3 s (bench/uploads.py); Django parses bodies itself, so daphne's requests skip it.
"""

from __future__ import annotations

from types import SimpleNamespace

from daphne.http_protocol import WebRequest
from twisted.internet.testing import StringTransport
from twisted.web.http import HTTPChannel

from interpreter.form_bodies import install

BODY = (
    b'--b\r\nContent-Disposition: form-data; name="import_file"; filename="a.csv"\r\n\r\n'
    b"glossary,term\r\n--b--\r\n"
)


def a_request_with_a_multipart_body() -> WebRequest:
    """A daphne request that has received a form post, without daphne's server around it."""
    channel = HTTPChannel()
    channel.factory = SimpleNamespace(server=SimpleNamespace(protocol_connected=lambda r: None))
    channel.makeConnection(StringTransport())
    request = WebRequest(channel)
    request.process = lambda: None  # what daphne does next is not under test
    request.requestHeaders.setRawHeaders(b"content-type", [b"multipart/form-data; boundary=b"])
    request.gotLength(len(BODY))
    request.handleContentChunk(BODY)
    request.requestReceived(b"POST", b"/import/", b"HTTP/1.1")
    return request


def test_a_multipart_post_is_left_for_django_to_parse():
    assert install() is True

    request = a_request_with_a_multipart_body()

    assert request.args == {}
    assert request.content.read() == BODY


def test_installing_twice_changes_nothing_more():
    assert install() is True
    assert install() is True
    assert a_request_with_a_multipart_body().args == {}
