"""daphne leaves form bodies to Django instead of having Twisted parse them in its reactor.

Twisted's ``http.Request`` parses every POSTed ``multipart/form-data`` body with the e-mail
package, to fill ``request.args``, before daphne sees the request. daphne never reads
``args`` (Django parses the body itself), and the parse runs in the reactor, the one thread
every page and WebSocket of the process waits on: a 50 MB upload held them all for about
3 s on a 2-vCPU VM before the app could refuse it (``bench/uploads.py``, docs/benchmarks.md).

Twisted's ``Request`` takes ``parsePOSTFormSubmission=False`` to skip that parse (a public
argument, since Twisted 24.7); :func:`install` makes daphne's requests pass it. It is not
part of ``interpreter.server_tuning``: it decides whether one upload can stall everybody, so
it is always on; with a Twisted without that argument it changes nothing.
"""

from __future__ import annotations

import inspect
from typing import Any

from daphne.http_protocol import WebRequest
from twisted.web import http

_ARGUMENT = "parsePOSTFormSubmission"
_original_init = WebRequest.__init__


def install() -> bool:
    """Make daphne's HTTP requests from now on skip Twisted's form parsing; True if they do."""
    if _ARGUMENT not in inspect.signature(http.Request.__init__).parameters:
        return False
    WebRequest.__init__ = _init
    return True


def _init(self: WebRequest, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault(_ARGUMENT, False)
    _original_init(self, *args, **kwargs)
