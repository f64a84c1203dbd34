"""daphne keeps request bodies away from its reactor: Twisted neither parses form bodies nor
stores a body over the upload limit.

Everything daphne does with a request before the app sees it runs in the reactor, the one
thread every page and WebSocket of the process waits on. Two things there made one large
upload stall everybody (``bench/uploads.py``, docs/benchmarks.md):

- Twisted's ``http.Request`` parses every POSTed ``multipart/form-data`` body with the
  e-mail package, to fill ``request.args`` (about 3 s for 50 MB on a 2-vCPU VM). daphne
  never reads ``args``; Django parses bodies itself. Twisted's ``Request`` takes
  ``parsePOSTFormSubmission=False`` (a public argument since Twisted 24.7) to skip it.
- A body is written to a temporary file as it arrives, then read back in 8 KB pieces onto
  the application's queue (about 0.3 s for 50 MB). A body that declares more than the
  upload limit is now dropped as it arrives instead: the app gets an empty body and the
  declared length, and answers 413 (``glossaries.uploads``).

:func:`install` (from ``interpreter.asgi``, always on: it decides whether one upload can
stall everybody) applies both; with a Twisted without that argument, the parse stays.
"""

from __future__ import annotations

import inspect
from typing import Any

from daphne.http_protocol import WebRequest
from twisted.web import http

_ARGUMENT = "parsePOSTFormSubmission"
_original_init = WebRequest.__init__
_original_got_length = WebRequest.gotLength


class _Dropped:
    """A body nobody keeps: what arrives is thrown away, and it reads back empty."""

    closed = False

    def write(self, data: bytes) -> None:
        pass

    def read(self, size: int = -1) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def close(self) -> None:
        self.closed = True


def install(max_body_bytes: int) -> None:
    """From now on, daphne's requests skip Twisted's form parsing (where Twisted allows it)
    and drop a body declared longer than ``max_body_bytes``."""
    WebRequest.max_body_bytes = max_body_bytes
    WebRequest.gotLength = _got_length
    if _ARGUMENT in inspect.signature(http.Request.__init__).parameters:
        WebRequest.__init__ = _init


def _init(self: WebRequest, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault(_ARGUMENT, False)
    _original_init(self, *args, **kwargs)


def _got_length(self: WebRequest, length: int | None) -> None:
    if length is not None and length > self.max_body_bytes:
        self.content = _Dropped()
    else:
        _original_got_length(self, length)
