"""API keys (from the environment) and the short-lived session keys minted from them."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

MIN_TTL_MINUTES = 5
MAX_TTL_MINUTES = 1440
DEV_API_KEY = "localvt-dev-key"


class KeyStore:
    """Checks API keys and issues, checks and expires session keys (held in memory)."""

    def __init__(self, api_keys: set[str]) -> None:
        self.api_keys = {key for key in api_keys if key}
        self._sessions: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._next_id = 1

    def api_key_ok(self, authorization: str | None) -> bool:
        """True for ``Api-Key <key>`` (scheme in any case) naming a configured API key."""
        key = _credential(authorization)
        return key is not None and any(secrets.compare_digest(key, k) for k in self.api_keys)

    def issue(self, ttl_minutes: int, now: datetime | None = None) -> dict:
        """A new session key living ``ttl_minutes``, as Krisp's token endpoint answers."""
        now = now or datetime.now(UTC)
        expires = now + timedelta(minutes=ttl_minutes)
        key = "session_key_" + secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired(now)
            self._sessions[key] = expires
            key_id, self._next_id = self._next_id, self._next_id + 1
        return {
            "session_key": key,
            "expires_at": expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "key_id": key_id,
            "status": "active",
            "type": "session",
        }

    def session_key_ok(self, authorization: str | None, now: datetime | None = None) -> bool:
        """True for ``Api-Key <session key>`` naming a live session key."""
        key = _credential(authorization)
        if key is None:
            return False
        with self._lock:
            expires = self._sessions.get(key)
        return expires is not None and expires > (now or datetime.now(UTC))

    def _forget_expired(self, now: datetime) -> None:
        for key in [k for k, expires in self._sessions.items() if expires <= now]:
            del self._sessions[key]


def _credential(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, key = authorization.strip().partition(" ")
    if scheme.casefold() != "api-key" or not key.strip():
        return None
    return key.strip()
