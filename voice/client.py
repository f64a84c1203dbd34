"""The app's one voice-translation client, built from settings.

Every part of the app (the live consumer, the live page's and rooms' language lists, the
``krisp`` command) reaches the service through :func:`voice_client`, so session keys and the
language list are cached once per process. The client is rebuilt when a test or an
operator changes the settings it was built from.
"""

from __future__ import annotations

import threading

from django.conf import settings

from krisp import KrispClient

_lock = threading.Lock()
_client: KrispClient | None = None
_built_from: tuple | None = None


def _settings_key() -> tuple:
    return (
        settings.KRISP_API_KEY,
        settings.KRISP_API_BASE,
        settings.KRISP_WS_URL,
        settings.KRISP_SESSION_KEY_TTL_MINUTES,
        settings.KRISP_LANGUAGES_TTL_SECONDS,
    )


def voice_client() -> KrispClient:
    """The shared :class:`KrispClient` for the configured back end (Krisp or localvt)."""
    global _client, _built_from
    key = _settings_key()
    with _lock:
        if _client is None or _built_from != key:
            _client = KrispClient(
                settings.KRISP_API_KEY,
                api_base=settings.KRISP_API_BASE,
                ws_url=settings.KRISP_WS_URL,
                session_key_ttl_minutes=settings.KRISP_SESSION_KEY_TTL_MINUTES,
                languages_ttl_seconds=settings.KRISP_LANGUAGES_TTL_SECONDS,
            )
            _built_from = key
        return _client
