"""The Krisp Voice Translation wire protocol, as localvt speaks it.

Parses the first (config) frame into :class:`SessionSettings` or a :class:`ProtocolError`
with the reference's code, reason and description, and builds the JSON events the server
sends. The ``transcript`` defaults follow the reference exactly: the object omitted means
every flag is true; the object present without ``interim`` means interim is false.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
VOICES = ("male", "female")
MAX_TERMS = 1000
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class ProtocolError(Exception):
    """A request the server refuses; ``code`` is the reference's HTTP-style code."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class SessionSettings:
    """A validated config frame."""

    source_language: str
    target_language: str
    voice: str
    vocabulary: tuple[str, ...] = ()
    dictionary: tuple[tuple[str, str], ...] = ()
    interim: bool = True
    final: bool = True
    translate: bool = True
    reference_id: str | None = None
    features: dict = field(default_factory=dict)


def parse_config(message: str | bytes, pairs: dict[str, tuple[str, ...]]) -> SessionSettings:
    """The settings in the first frame; ``pairs`` maps each source to its targets."""
    if isinstance(message, bytes):
        raise ProtocolError(400, "Audio arrived before the config message")
    try:
        data = json.loads(message)
    except ValueError:
        raise ProtocolError(400, "The config message is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
        raise ProtocolError(400, 'The first message must be {"config": {...}}')
    config = data["config"]
    _check_audio(config.get("audio", {}))
    source = _required_language(config, "source_language")
    target = _required_language(config, "target_language")
    if source not in pairs or target not in pairs[source]:
        raise ProtocolError(
            400,
            f"Unsupported language pair {source} -> {target}. Supported: {describe_pairs(pairs)}",
        )
    voice = config.get("voice")
    if voice is None:
        raise ProtocolError(400, "voice is required")
    if voice not in VOICES:
        raise ProtocolError(400, f"Invalid voice {voice!r}: use 'male' or 'female'")
    interim, final, translate = _transcript_flags(config.get("transcript"))
    metadata = config.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ProtocolError(400, "metadata must be an object")
    reference_id = metadata.get("reference_id")
    if reference_id is not None and not isinstance(reference_id, str | int):
        raise ProtocolError(400, "metadata.reference_id must be a string")
    features = config.get("features") or {}
    if not isinstance(features, dict):
        raise ProtocolError(400, "features must be an object")
    return SessionSettings(
        source_language=source,
        target_language=target,
        voice=voice,
        vocabulary=_vocabulary(config.get("vocabulary")),
        dictionary=_dictionary(config.get("translation_dictionary")),
        interim=interim,
        final=final,
        translate=translate,
        reference_id=None if reference_id is None else str(reference_id),
        features=features,
    )


def describe_pairs(pairs: dict[str, tuple[str, ...]]) -> str:
    """``pairs`` grouped by source for people: ``en-US -> es-ES, ca-ES; es-ES -> en-US``."""
    return "; ".join(f"{source} -> {', '.join(targets)}" for source, targets in pairs.items())


def _check_audio(audio: object) -> None:
    if not isinstance(audio, dict):
        raise ProtocolError(400, "audio must be an object")
    if audio.get("format", "pcm_s16le") != "pcm_s16le":
        raise ProtocolError(400, "Unsupported audio format: only pcm_s16le is supported")
    if audio.get("sample_rate", 16000) != 16000:
        raise ProtocolError(400, "Unsupported sample rate: only 16000 Hz is supported")
    if audio.get("channels", 1) != 1:
        raise ProtocolError(400, "Unsupported channel count: only mono (1) is supported")


def _required_language(config: dict, name: str) -> str:
    value = config.get(name)
    if value is None:
        raise ProtocolError(400, f"{name} is required")
    if not isinstance(value, str) or not _BCP47.match(value):
        raise ProtocolError(400, f"{name} must be a BCP-47 code such as en-US")
    return value


def _transcript_flags(transcript: object) -> tuple[bool, bool, bool]:
    if transcript is None:
        return True, True, True
    if not isinstance(transcript, dict):
        raise ProtocolError(400, "transcript must be an object")
    flags = []
    for name, default in (("interim", False), ("final", True), ("translate", True)):
        value = transcript.get(name, default)
        if not isinstance(value, bool):
            raise ProtocolError(400, f"transcript.{name} must be a boolean")
        flags.append(value)
    return flags[0], flags[1], flags[2]


def _vocabulary(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtocolError(400, "vocabulary must be a list of strings")
    if len(value) > MAX_TERMS:
        raise ProtocolError(400, f"vocabulary has more than {MAX_TERMS} terms")
    return tuple(v.strip() for v in value if v.strip())


def _dictionary(value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_TERMS:
        raise ProtocolError(400, f"translation_dictionary must be a list of at most {MAX_TERMS}")
    entries = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("source"), str)
            or not isinstance(item.get("target"), str)
        ):
            raise ProtocolError(
                400, "translation_dictionary entries must be {source: string, target: string}"
            )
        if item["source"].strip() and item["target"].strip():
            entries.append((item["source"].strip(), item["target"].strip()))
    return tuple(entries)


def ready() -> str:
    return json.dumps({"type": "ready"})


def error(code: int, description: str, reference_id: str | None = None) -> str:
    body = {"code": code, "reason": REASONS.get(code, "Error"), "description": description}
    if reference_id is not None:
        body["reference_id"] = reference_id
    return json.dumps({"error": body})


def transcript(
    text: str,
    *,
    final: bool,
    start: datetime,
    duration_ms: int,
    utterance_id: str,
    reference_id: str | None,
) -> str:
    body = {
        "text": text,
        "final": final,
        "start": start.isoformat(timespec="milliseconds"),
        "duration": duration_ms,
        "utterance_id": utterance_id,
    }
    if reference_id is not None:
        body["reference_id"] = reference_id
    return json.dumps({"transcript": body})


def translation(text: str, *, final: bool, utterance_id: str, reference_id: str | None) -> str:
    body = {"text": text, "final": final, "utterance_id": utterance_id}
    if reference_id is not None:
        body["reference_id"] = reference_id
    return json.dumps({"translate": body})
