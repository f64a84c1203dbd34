"""Stop Twisted from parsing every form body that daphne receives, in its one reactor thread.

Twisted's ``http.Request`` parses each POSTed ``multipart/form-data`` body with the e-mail
package, to fill ``request.args``, before daphne sees the request. Daphne never reads
``args`` (Django parses the body itself), and the parse runs in the reactor, the thread
every page and WebSocket of the process waits on: a 50 MB upload held them all for about
3 s on a 2-vCPU VM, before the app could refuse it (bench/uploads.py, docs/benchmarks.md).

Twisted 24.7 and later let a request skip that parse (its ``parsePOSTFormSubmission``
argument); :func:`install` makes daphne's requests pass it. With an older Twisted, or
without daphne, it changes nothing. ``DAPHNE_PARSE_FORM_BODIES=true`` in the environment
keeps Twisted's behaviour.
"""

from __future__ import annotations

import inspect
import os

_ARGUMENT = "parsePOSTFormSubmission"


def install() -> bool:
    """Make daphne's HTTP requests skip Twisted's form parsing; idempotent. True if in effect."""
    if os.environ.get("DAPHNE_PARSE_FORM_BODIES", "").strip().lower() in {"1", "true", "yes"}:
        return False
    try:
        from daphne.http_protocol import WebRequest
        from twisted.web import http
    except ImportError:
        return False
    if _ARGUMENT not in inspect.signature(http.Request.__init__).parameters:
        return False
    if getattr(WebRequest, "_skips_form_parsing", False):
        return True
    original = WebRequest.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(_ARGUMENT, False)
        original(self, *args, **kwargs)

    WebRequest.__init__ = __init__
    WebRequest._skips_form_parsing = True
    return True
