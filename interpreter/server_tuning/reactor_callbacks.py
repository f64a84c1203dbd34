"""Twisted's asyncio reactor, made to call a socket's reader without a log context.

Under daphne, Twisted runs on asyncio: every readable socket (a page's WebSocket frame, 50
times a second per live page) is handed to ``log.callWithLogger``, which asks the
connection for its log prefix, copies the log-context dictionary twice and pushes it on a
thread-local stack, so that a message logged through Twisted's legacy ``log.msg`` inside
the read names the connection. That costs 2.7 µs per read, about 2 % of daphne's CPU per
relayed frame in ``bench/bridge.py`` (see docs/benchmarks.md). Nothing here logs through
``log.msg``: daphne and this app log with Python's ``logging``, and the reactor's own
failure log (``_readOrWrite``) does not read that context.

:func:`install` points the reactor module's ``callWithLogger`` at :func:`call_and_log_failure`,
which keeps what matters of it: an exception escaping the callback is logged with the
connection's prefix and goes no further, exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import asyncioreactor
from twisted.python import log


def install() -> None:
    """Patch the asyncio reactor for sockets registered from now on; idempotent."""
    asyncioreactor.callWithLogger = call_and_log_failure


def call_and_log_failure(logger: Any, func: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """``func(*args, **kw)``; a failure is logged as ``callWithLogger`` logs it, and dropped."""
    try:
        return func(*args, **kw)
    except KeyboardInterrupt:
        raise
    except BaseException:
        try:
            prefix = logger.logPrefix()
        except BaseException:
            prefix = "(buggy logPrefix method)"
        log.err(system=prefix)
