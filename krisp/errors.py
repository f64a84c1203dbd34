"""One exception family for every way the voice-translation service can fail.

Each error carries the service's ``code``, ``reason`` and ``description`` (as in the
reference's error event), a ``permanent`` flag that tells the caller whether retrying
the same request can help, and a ``user_message`` fit to show a person in a meeting.
The reference's codes map to classes: 400 :class:`KrispBadRequest`, 401
:class:`KrispUnauthorized`, 402 :class:`KrispPaymentRequired`, 429
:class:`KrispRateLimited`, 500 and anything unknown :class:`KrispServerError`; lost or
refused connections are :class:`KrispConnectionError`, and a config rejected before
connecting is :class:`KrispConfigError`. ``elsewhere`` marks the refusals that another
attempt through the same URL may get past, because a load balancer in front of several
engines picks again: a busy engine (429), a refused connection, a balancer with no engine
free (HTTP 502/503 at the handshake).
"""

from __future__ import annotations


class KrispError(Exception):
    """Base of the family. ``permanent`` means: do not retry this request as it is."""

    code: int = 500
    reason: str = "Internal Server Error"
    permanent: bool = False
    elsewhere: bool = False
    user_message: str = "The translation service had a problem. Please try again."

    def __init__(
        self,
        description: str = "",
        *,
        code: int | None = None,
        reason: str | None = None,
        permanent: bool | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        if reason is not None:
            self.reason = reason
        if permanent is not None:
            self.permanent = permanent
        self.description = description or self.reason
        super().__init__(f"{self.code} {self.reason}: {self.description}")

    def as_dict(self) -> dict:
        """The error as the reference's error event spells it, plus ``permanent``."""
        return {
            "code": self.code,
            "reason": self.reason,
            "description": self.description,
            "permanent": self.permanent,
        }


class KrispConfigError(KrispError):
    """The session config or a setting is invalid; found before anything was sent."""

    code = 400
    reason = "Invalid configuration"
    permanent = True
    user_message = "These session settings can't be used. Check the languages and glossary."


class KrispBadRequest(KrispError):
    """400: malformed request, audio format, language or voice the service refuses."""

    code = 400
    reason = "Bad Request"
    permanent = True
    user_message = (
        "The translation service refused these settings (language pair, voice or audio format)."
    )


class KrispUnauthorized(KrispError):
    """401: missing, invalid or expired key. Streams fetch a fresh session key once first."""

    code = 401
    reason = "Unauthorized"
    permanent = True
    user_message = (
        "The translation service did not accept our credentials. An administrator needs to "
        "check the API key."
    )


class KrispPaymentRequired(KrispError):
    """402: the Krisp balance is exhausted or the subscription expired."""

    code = 402
    reason = "Payment Required"
    permanent = True
    user_message = (
        "The translation service account has run out of balance or its subscription expired."
    )


class KrispRateLimited(KrispError):
    """429: too many requests or concurrent sessions; permanent for this attempt."""

    code = 429
    reason = "Too Many Requests"
    permanent = True
    elsewhere = True
    user_message = (
        "The translation service is at its limit of simultaneous sessions. "
        "Please wait a minute and start again."
    )


class KrispServerError(KrispError):
    """500 or an unknown code, or an answer the client cannot understand; retryable."""

    code = 500
    reason = "Internal Server Error"
    permanent = False
    user_message = "The translation service had a problem. Please try again."


class KrispConnectionError(KrispError):
    """The service could not be reached, stopped answering, or dropped the connection."""

    code = 503
    reason = "Connection failed"
    permanent = False
    user_message = "The translation service can't be reached right now. Please try again."


_BY_CODE: dict[int, type[KrispError]] = {
    400: KrispBadRequest,
    401: KrispUnauthorized,
    402: KrispPaymentRequired,
    429: KrispRateLimited,
    500: KrispServerError,
}


def error_for_code(code: int, reason: str = "", description: str = "") -> KrispError:
    """The typed error for an HTTP-style ``code``; unknown codes are server errors."""
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = KrispBadRequest if 400 <= code < 500 else KrispServerError
        return cls(description, code=code, reason=reason or None)
    return cls(description, reason=reason or None)
