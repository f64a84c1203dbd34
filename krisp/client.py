"""The façade the app uses: cached session keys and languages, and streams.

Session keys are reused until shortly before they expire, and concurrent callers share
one request. The language list is cached for a short time, never hard-coded. A client
may be used from several event loops (Django's sync views run coroutines on their own
loops), so its locks are kept per loop while its caches are shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx

from .config import SessionConfig
from .rest import DEFAULT_TIMEOUT, KrispRest, Language, SessionKey, validate_ttl
from .stream import KrispStream, StreamOptions

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.developers.krisp.ai/v2/sdk"
DEFAULT_WS_URL = "wss://streaming.krisp.ai/vt"


class KrispClient:
    """Talks to one Krisp-compatible service with one API key."""

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        ws_url: str = DEFAULT_WS_URL,
        session_key_ttl_minutes: int = 60,
        languages_ttl_seconds: float = 300.0,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        stream_options: StreamOptions | None = None,
    ) -> None:
        self.rest = KrispRest(api_key, api_base, timeout=timeout, transport=transport)
        self.ws_url = ws_url
        self.session_key_ttl_minutes = validate_ttl(session_key_ttl_minutes)
        self.languages_ttl_seconds = languages_ttl_seconds
        self.stream_options = stream_options or StreamOptions()
        self._key: SessionKey | None = None
        self._languages: list[Language] | None = None
        self._languages_fetched_at = 0.0
        self._locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _lock(self, name: str) -> asyncio.Lock:
        per_loop = self._locks.setdefault(asyncio.get_running_loop(), {})
        return per_loop.setdefault(name, asyncio.Lock())

    @property
    def _refresh_margin(self) -> timedelta:
        # Renew with a tenth of the key's life left (at least a minute), so no stream
        # starts with a key about to expire.
        return max(timedelta(minutes=1), timedelta(minutes=self.session_key_ttl_minutes / 10))

    async def session_key(self, refresh: bool = False) -> SessionKey:
        """A usable session key: the cached one, or a new one when ``refresh`` or stale."""
        stale = self._key
        async with self._lock("key"):
            now = datetime.now(UTC)
            key = self._key
            usable = key is not None and key.usable(now, self._refresh_margin)
            # A caller asking to refresh the key it was given gets a new one; a caller that
            # waited while another refreshed it takes that one.
            if usable and (not refresh or key is not stale):
                return key
            self._key = await self.rest.fetch_session_key(self.session_key_ttl_minutes)
            logger.info("Fetched a session key (id %s)", self._key.key_id)
            return self._key

    def forget_session_key(self) -> None:
        """Drop the cached key, e.g. after the service called it invalid."""
        self._key = None

    async def languages(self, refresh: bool = False) -> list[Language]:
        """The supported languages, cached for ``languages_ttl_seconds``."""
        async with self._lock("languages"):
            fresh = time.monotonic() - self._languages_fetched_at < self.languages_ttl_seconds
            if self._languages is not None and fresh and not refresh:
                return self._languages
            self._languages = await self.rest.fetch_languages()
            self._languages_fetched_at = time.monotonic()
            return self._languages

    async def _key_for_stream(self, refresh: bool) -> str:
        return (await self.session_key(refresh=refresh)).session_key

    @contextlib.asynccontextmanager
    async def stream(
        self, config: SessionConfig, options: StreamOptions | None = None
    ) -> AsyncIterator[KrispStream]:
        """Open a stream for ``config`` and close it on exit.

        Yields an open :class:`KrispStream` (ready received). Raises
        :class:`~krisp.errors.KrispConfigError` before connecting when the
        config is invalid, and the rest of the KrispError family when the service refuses.
        """
        options = options or self.stream_options
        stream = KrispStream(config, self._key_for_stream, self.ws_url, options)
        await stream.open()
        try:
            yield stream
        finally:
            await stream.close()
