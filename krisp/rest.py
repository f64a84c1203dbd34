"""The two REST calls: mint a session key, list the supported languages.

Header spellings follow the reference exactly (``api-key`` for the token, ``API-Key`` for
languages); the scheme word is case-insensitive on Krisp's side, but a faithful client
sends what the documentation shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from .errors import KrispConfigError, KrispConnectionError, KrispServerError, error_for_code

logger = logging.getLogger(__name__)

MIN_TTL_MINUTES = 5
MAX_TTL_MINUTES = 1440
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class SessionKey:
    """A short-lived key a stream authenticates with; never the account's API key."""

    session_key: str
    expires_at: datetime
    key_id: int | str | None
    status: str
    type: str

    def usable(self, now: datetime, margin: timedelta) -> bool:
        """True while the key has more than ``margin`` of life left."""
        return self.status == "active" and self.expires_at - now > margin

    def __repr__(self) -> str:
        return f"SessionKey(key_id={self.key_id!r}, expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True)
class Language:
    """A language the service translates from or to.

    ``targets`` is what it can be translated to, when the service says so: Krisp's list
    does not (any listed language to any other), localvt's adds ``translates_to``,
    because it serves only the pairs whose models are installed.
    """

    code: str
    name: str
    targets: tuple[str, ...] | None = None

    def translates_to(self, code: str) -> bool:
        """True when speech in this language can be translated into ``code``."""
        return code != self.code if self.targets is None else code in self.targets


def validate_ttl(ttl_minutes: int) -> int:
    """``ttl_minutes`` if Krisp accepts it (5..1440), else :class:`KrispConfigError`."""
    if isinstance(ttl_minutes, bool) or not isinstance(ttl_minutes, int):
        raise KrispConfigError("expiration_ttl must be a whole number of minutes")
    if not MIN_TTL_MINUTES <= ttl_minutes <= MAX_TTL_MINUTES:
        raise KrispConfigError(
            f"expiration_ttl must be between {MIN_TTL_MINUTES} and {MAX_TTL_MINUTES} minutes"
        )
    return ttl_minutes


class KrispRest:
    """Async REST calls against ``api_base`` (e.g. ``https://api.developers.krisp.ai/v2/sdk``)."""

    def __init__(
        self,
        api_key: str,
        api_base: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise KrispConfigError("No API key is configured (KRISP_API_KEY)")
        self._api_key = api_key
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout
        self._transport = transport

    async def fetch_session_key(self, ttl_minutes: int) -> SessionKey:
        """Mint a session key living ``ttl_minutes``; raises the KrispError family."""
        ttl = validate_ttl(ttl_minutes)
        body = await self._get(
            "/voice-translation/session/token",
            params={"expiration_ttl": str(ttl)},
            authorization=f"api-key {self._api_key}",
        )
        data = body.get("data")
        try:
            expires_at = datetime.fromisoformat(str(data["expires_at"]).replace("Z", "+00:00"))
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=UTC)
            key = data["session_key"]
            if not isinstance(key, str) or not key:
                raise TypeError("session_key must be a non-empty string")
            return SessionKey(
                session_key=key,
                expires_at=expires_at,
                key_id=data.get("key_id"),
                status=str(data.get("status", "active")),
                type=str(data.get("type", "session")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KrispServerError(f"The session-key answer is not understood: {exc}") from None

    async def fetch_languages(self) -> list[Language]:
        """The languages the service supports now; an answer without a data list is an error."""
        body = await self._get(
            "/voice-translation/languages", params=None, authorization=f"API-Key {self._api_key}"
        )
        data = body.get("data")
        if not isinstance(data, list):
            raise KrispServerError("The languages answer has no data list")
        languages = []
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("language_code"), str):
                logger.warning("Skipped a malformed language entry")
                continue
            code = item["language_code"]
            name = item.get("name") if isinstance(item.get("name"), str) else code
            languages.append(Language(code=code, name=name, targets=_targets(item)))
        return languages

    async def _get(self, path: str, *, params: dict | None, authorization: str) -> dict:
        url = self._api_base + path
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport, trust_env=False
            ) as http:
                response = await http.get(
                    url, params=params, headers={"Authorization": authorization}
                )
        except httpx.TimeoutException:
            raise KrispConnectionError(f"{path} timed out") from None
        except httpx.HTTPError as exc:
            raise KrispConnectionError(f"{path} failed: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise _http_error(path, response)
        try:
            body = response.json()
        except ValueError:
            raise KrispServerError(f"{path} answered with something that is not JSON") from None
        if not isinstance(body, dict):
            raise KrispServerError(f"{path} answered with JSON that is not an object")
        return body


def _http_error(path: str, response: httpx.Response):
    description = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            inner = body.get("error") if isinstance(body.get("error"), dict) else body
            description = str(inner.get("description") or inner.get("message") or "")[:300]
    except ValueError:
        description = response.text[:300]
    return error_for_code(
        response.status_code,
        response.reason_phrase,
        description or f"{path} answered HTTP {response.status_code}",
    )


def _targets(item: dict) -> tuple[str, ...] | None:
    """A language entry's ``translates_to`` codes, or None when it does not say."""
    targets = item.get("translates_to")
    if not isinstance(targets, list):
        return None
    return tuple(code for code in targets if isinstance(code, str))
