"""API keys (from the environment) and the short-lived session keys minted from them.

A session key is signed, not stored: ``session_key_`` + base64url(payload) + ``.`` +
base64url(HMAC-SHA256 of the payload). The payload carries the key's expiry and the
identity of the API key it was minted with: an HMAC of that API key, so the API key itself
is never in it. Every engine given the same secret (``LOCALVT_SECRET``) accepts every
engine's keys without sharing any state, which is what lets engines sit behind a load
balancer; an engine whose ``LOCALVT_API_KEYS`` no longer lists the API key refuses its
session keys at once, however long they had left. Without a secret an engine makes a random
one when it starts: its keys work on it alone and die with it, as keys held in memory did.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta

MIN_TTL_MINUTES = 5
MAX_TTL_MINUTES = 1440
MIN_SECRET_CHARS = 32
DEV_API_KEY = "localvt-dev-key"
PREFIX = "session_key_"


class KeyStore:
    """Checks API keys; issues and checks signed session keys."""

    def __init__(self, api_keys: set[str], secret: str | None = None) -> None:
        if secret is not None and len(secret) < MIN_SECRET_CHARS:
            raise ValueError(
                f"LOCALVT_SECRET must be at least {MIN_SECRET_CHARS} characters "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        self.api_keys = {key for key in api_keys if key}
        self.shared = secret is not None
        self._secret = secret.encode() if secret is not None else secrets.token_bytes(32)
        self._identities = {self._identity(key) for key in self.api_keys}

    def api_key(self, authorization: str | None) -> str | None:
        """The configured API key ``Api-Key <key>`` names (scheme in any case), or None."""
        key = _credential(authorization)
        if key is None:
            return None
        return next((k for k in self.api_keys if secrets.compare_digest(key, k)), None)

    def api_key_ok(self, authorization: str | None) -> bool:
        return self.api_key(authorization) is not None

    def issue(self, ttl_minutes: int, api_key: str, now: datetime | None = None) -> dict:
        """A new session key for ``api_key`` living ``ttl_minutes``, as Krisp's token
        endpoint answers."""
        now = now or datetime.now(UTC)
        expires = now + timedelta(minutes=ttl_minutes)
        key_id = secrets.randbelow(2**31 - 1) + 1
        payload = json.dumps(
            {"a": self._identity(api_key), "e": int(expires.timestamp() * 1000), "i": key_id},
            separators=(",", ":"),
        ).encode()
        key = f"{PREFIX}{_b64(payload)}.{_b64(self._sign(payload))}"
        return {
            "session_key": key,
            "expires_at": expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "key_id": key_id,
            "status": "active",
            "type": "session",
        }

    def session_key_ok(self, authorization: str | None, now: datetime | None = None) -> bool:
        """True for ``Api-Key <session key>`` naming a session key that this engine's
        secret signed, that has not expired, and whose API key is still configured."""
        key = _credential(authorization)
        if key is None or not key.startswith(PREFIX):
            return False
        body, _, signature = key.removeprefix(PREFIX).partition(".")
        try:
            payload = _unb64(body)
            if not hmac.compare_digest(_unb64(signature), self._sign(payload)):
                return False
            claims = json.loads(payload)
            expires_ms, identity = int(claims["e"]), str(claims["a"])
        except (ValueError, TypeError, KeyError, binascii.Error):
            return False
        now_ms = (now or datetime.now(UTC)).timestamp() * 1000
        return expires_ms > now_ms and identity in self._identities

    def accepts(self, authorization: str | None, now: datetime | None = None) -> bool:
        """True for an accepted API key or a live session key: what ``/vt`` and the
        languages endpoint take (see docs/localvt.md)."""
        return self.api_key_ok(authorization) or self.session_key_ok(authorization, now)

    def _identity(self, api_key: str) -> str:
        digest = hmac.new(self._secret, b"api-key\0" + api_key.encode(), hashlib.sha256)
        return _b64(digest.digest()[:16])

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, b"session-key\0" + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _credential(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, key = authorization.strip().partition(" ")
    if scheme.casefold() != "api-key" or not key.strip():
        return None
    return key.strip()
