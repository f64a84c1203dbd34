"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Served by daphne (`daphne interpreter.asgi:application`). WebSocket routes are wrapped in
the origin check and the session-based auth stack, so a consumer sees `scope["user"]`
and never a cross-origin socket. This is where daphne is told to fail a broken WebSocket with
a close code rather than a dropped connection (`interpreter.websocket_failures`) and to
keep request bodies out of its reactor (`interpreter.request_bodies`), where a body over the
upload limit never reaches Django (`glossaries.uploads.refuse_oversized_bodies`), and where
its per-frame work is trimmed (`interpreter.server_tuning`), once, unless `SERVER_TUNING` is
off.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpreter.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from glossaries.uploads import max_upload_bytes, refuse_oversized_bodies  # noqa: E402
from interpreter import request_bodies, server_tuning, websocket_failures  # noqa: E402
from interpreter.routing import websocket_urlpatterns  # noqa: E402
from interpreter.socket_session import socket_auth_stack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": refuse_oversized_bodies(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            socket_auth_stack(URLRouter(websocket_urlpatterns))
        ),
    }
)

websocket_failures.install()
request_bodies.install(max_body_bytes=max_upload_bytes())
server_tuning.install(enabled=settings.SERVER_TUNING)

# Everything loaded so far (Django, the apps, Twisted, the routes) lives as long as the
# process. Frozen, it is no longer walked by every full garbage collection, each of which
# would otherwise hold up all live audio for tens of milliseconds (docs/benchmarks.md).
# Start-up garbage is collected first, so that nothing dead is kept for ever.
gc.collect()
gc.freeze()
