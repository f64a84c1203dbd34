"""The session config: the first text frame of every stream.

The reference's defaults for ``transcript`` differ between an omitted object (everything
true) and a partial one (``interim`` false), so :meth:`SessionConfig.to_message` always
sends all three flags explicitly and the service never has to guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import KrispConfigError
from .limits import entry_problem

AUDIO_FORMAT = "pcm_s16le"
SAMPLE_RATE = 16000
CHANNELS = 1
VOICES = ("male", "female")
MAX_REFERENCE_ID_CHARS = 128

# BCP-47 as Krisp uses it: a 2-3 letter language, then subtags (region, script, variant).
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_REFERENCE_ID = re.compile(r"^[\x21-\x7e]+$")


def is_language_code(code: object) -> bool:
    """True for a BCP-47 code such as ``en-US`` or ``eo``."""
    return isinstance(code, str) and bool(_BCP47.match(code))


@dataclass(frozen=True)
class DictionaryTerm:
    """One forced translation: whenever ``source`` is heard, ``target`` is said."""

    source: str
    target: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "target": self.target}


@dataclass(frozen=True)
class SessionConfig:
    """Everything a stream is opened with; validated before connecting."""

    source_language: str
    target_language: str
    voice: str
    vocabulary: tuple[str, ...] = ()
    translation_dictionary: tuple[DictionaryTerm, ...] = ()
    interim: bool = True
    final: bool = True
    translate: bool = True
    background_voice_cancellation: bool | None = None
    reference_id: str | None = None
    extra_metadata: dict = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Every reason the service would refuse this config; empty when it is valid."""
        found = []
        for name in ("source_language", "target_language"):
            if not is_language_code(getattr(self, name)):
                found.append(f"{name} must be a BCP-47 code such as en-US")
        if self.voice not in VOICES:
            found.append("voice must be 'male' or 'female'")
        seen = set()
        for term in self.vocabulary:
            problem = entry_problem(term)
            if problem:
                found.append(f"vocabulary term {term!r} {problem}")
            elif term.strip().casefold() in seen:
                found.append(f"vocabulary term {term!r} is repeated")
            else:
                seen.add(term.strip().casefold())
        sources = set()
        for entry in self.translation_dictionary:
            for side in ("source", "target"):
                value = getattr(entry, side)
                problem = entry_problem(value)
                if problem:
                    found.append(f"dictionary {side} {value!r} {problem}")
            key = entry.source.strip().casefold() if isinstance(entry.source, str) else None
            if key in sources:
                found.append(f"dictionary source {entry.source!r} is repeated")
            sources.add(key)
        if self.reference_id is not None and (
            not isinstance(self.reference_id, str)
            or len(self.reference_id) > MAX_REFERENCE_ID_CHARS
            or not _REFERENCE_ID.match(self.reference_id)
        ):
            found.append(
                f"metadata.reference_id must be 1-{MAX_REFERENCE_ID_CHARS} printable "
                "characters without spaces"
            )
        return found

    def validate(self) -> None:
        """Raise :class:`KrispConfigError` listing every problem, if there is any."""
        found = self.problems()
        if found:
            raise KrispConfigError("; ".join(found))

    def to_message(self) -> dict:
        """The ``{"config": {...}}`` frame, as the reference spells it."""
        config: dict = {
            "audio": {"format": AUDIO_FORMAT, "sample_rate": SAMPLE_RATE, "channels": CHANNELS},
            "source_language": self.source_language,
            "target_language": self.target_language,
            "voice": self.voice,
            "transcript": {
                "interim": self.interim,
                "final": self.final,
                "translate": self.translate,
            },
        }
        if self.vocabulary:
            config["vocabulary"] = [term.strip() for term in self.vocabulary]
        if self.translation_dictionary:
            config["translation_dictionary"] = [
                DictionaryTerm(e.source.strip(), e.target.strip()).to_json()
                for e in self.translation_dictionary
            ]
        if self.background_voice_cancellation is not None:
            config["features"] = {
                "background_voice_cancellation": self.background_voice_cancellation
            }
        metadata = dict(self.extra_metadata)
        if self.reference_id is not None:
            metadata["reference_id"] = self.reference_id
        if metadata:
            config["metadata"] = metadata
        return {"config": config}
