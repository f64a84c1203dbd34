"""Typed events a stream yields, and the parser for the service's text frames.

The parser is lenient where Krisp's own SDK is: unknown or malformed frames are logged
and skipped, a missing ``final`` means final, and the old ``is_final`` spelling counts.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from .errors import KrispError, error_for_code

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ready:
    """The service took the config and is ready for audio."""


@dataclass(frozen=True)
class Transcript:
    """Recognised source speech; interim ones are replaced by the final one of an utterance."""

    text: str
    final: bool
    utterance_id: str
    start: datetime | None = None
    duration_ms: int = 0
    reference_id: str | None = None
    language: str | None = None
    # Where the utterance starts on the stream's audio timeline: set by the stream, not said
    # by the service, so it takes no part in comparing events.
    offset_ms: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Translation:
    """The translation of an utterance's text."""

    text: str
    final: bool
    utterance_id: str
    reference_id: str | None = None


@dataclass(frozen=True)
class ServiceError:
    """An error event the stream survived (a 500 the service reported and kept going)."""

    error: KrispError


@dataclass(frozen=True)
class Audio:
    """Translated speech: 16 kHz mono s16le PCM."""

    pcm: bytes


@dataclass(frozen=True)
class Reconnecting:
    """The connection dropped; the stream waits ``delay`` seconds and tries again."""

    attempt: int
    delay: float
    reason: str


@dataclass(frozen=True)
class Reconnected:
    """The stream is back; ``dropped_bytes`` of audio were lost while it was away (total),
    and ``resent_bytes`` that the old connection never finished were sent again."""

    attempt: int
    dropped_bytes: int
    resent_bytes: int = 0


Event = Ready | Transcript | Translation | ServiceError | Audio | Reconnecting | Reconnected


@dataclass(frozen=True)
class ErrorFrame:
    """An ``{"error": ...}`` frame, before the stream decides whether it is fatal."""

    error: KrispError


def parse_text_frame(text: str) -> Ready | Transcript | Translation | ErrorFrame | None:
    """The event in one text frame, or None (logged) when it is unknown or malformed."""
    try:
        data = json.loads(text)
    except ValueError:
        logger.warning("Skipped a text frame that is not JSON (%d chars)", len(text))
        return None
    if not isinstance(data, dict):
        logger.warning("Skipped a JSON frame that is not an object")
        return None
    try:
        if data.get("type") == "ready":
            return Ready()
        if isinstance(data.get("transcript"), dict):
            return _transcript(data["transcript"])
        if isinstance(data.get("translate"), dict):
            return _translation(data["translate"])
        if isinstance(data.get("error"), dict):
            return _error(data["error"])
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("Skipped a malformed event frame: %s", exc)
        return None
    logger.info("Skipped an unknown event frame with keys %s", sorted(data)[:5])
    return None


def _finality(body: dict) -> bool:
    for key in ("final", "is_final"):
        if key in body:
            value = body[key]
            if not isinstance(value, bool):
                raise TypeError(f"{key} must be a boolean")
            return value
    return True


def _text(body: dict) -> str:
    text = body["text"]
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    return text


def _utterance_id(body: dict) -> str:
    value = body["utterance_id"]
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise TypeError("utterance_id must be a non-empty string")
    return str(value)


def _optional_str(body: dict, key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def _transcript(body: dict) -> Transcript:
    start = body.get("start")
    started = None
    if isinstance(start, str):
        try:
            started = datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            logger.info("Transcript start %r is not ISO 8601; ignored", start[:40])
    duration = body.get("duration", 0)
    if not isinstance(duration, int | float) or isinstance(duration, bool) or duration < 0:
        duration = 0
    return Transcript(
        text=_text(body),
        final=_finality(body),
        utterance_id=_utterance_id(body),
        start=started,
        duration_ms=int(duration),
        reference_id=_optional_str(body, "reference_id"),
        language=_optional_str(body, "language"),
    )


def _translation(body: dict) -> Translation:
    return Translation(
        text=_text(body),
        final=_finality(body),
        utterance_id=_utterance_id(body),
        reference_id=_optional_str(body, "reference_id"),
    )


def _error(body: dict) -> ErrorFrame:
    code = body.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = 500
    reason = body.get("reason") if isinstance(body.get("reason"), str) else ""
    description = body.get("description") if isinstance(body.get("description"), str) else ""
    return ErrorFrame(error_for_code(code, reason, description))
