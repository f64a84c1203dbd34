"""Run a slow sync view in a thread of its own, not the one all sync views share under ASGI.

Under daphne every sync view runs in one shared thread, so a view that works for seconds
(an import checking a thousand rows against the database) makes every other page wait.
:func:`off_the_shared_thread` runs the view, and renders its response, in a pool thread
instead, with its own database connection, closed when it is done. Under WSGI (and
Django's test client) each request already has its thread, so the view runs as usual.
"""

from __future__ import annotations

import functools

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections


def off_the_shared_thread(view):
    """Decorate a sync view (function or bound method) so ASGI runs it off the shared thread."""

    def in_own_thread(request, *args, **kwargs):
        close_old_connections()
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # templates may query too: here, not on the shared thread
            return response
        finally:
            connections.close_all()

    @functools.wraps(view)
    async def wrapper(request, *args, **kwargs):
        if isinstance(request, ASGIRequest):
            run = sync_to_async(in_own_thread, thread_sensitive=False)
        else:
            run = sync_to_async(view)
        return await run(request, *args, **kwargs)

    return wrapper
