"""The languages localvt knows: their BCP-47 codes, names, voices and Whisper codes.

A language is offered as a source when Whisper can recognise it and as a target when
eSpeak NG can speak it; which pairs connect them is up to :mod:`localvt.mt`.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = "en-US"


@dataclass(frozen=True)
class Language:
    """One language as the protocol names it, and how localvt hears and speaks it."""

    code: str  # BCP-47, as in a config's source_language / target_language
    name: str
    voice: str  # the eSpeak NG voice that speaks it


LANGUAGES = {
    language.code: language
    for language in (
        Language(ENGLISH, "English (United States)", "en-us"),
        Language("es-ES", "Spanish (Spain)", "es"),
        Language("ca-ES", "Catalan", "ca"),
        # eSpeak NG has no Galician voice; Portuguese is the closest it speaks.
        Language("gl-ES", "Galician", "pt"),
        Language("eo", "Esperanto", "eo"),
        Language("fr-FR", "French", "fr"),
    )
}


def whisper_language(code: str) -> str:
    """Whisper's language token for a BCP-47 code: its primary subtag (``es-ES`` → ``es``)."""
    return code.split("-", 1)[0].lower()
