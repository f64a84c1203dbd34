"""The language pairs a glossary can be for: those the configured service offers.

The same list the live page and rooms use (``voice.client.voice_client`` and
``voice.languages``, cached once per process), so a glossary can only be made for a pair
the live page can start, and one whose pair the service stopped offering is found and
explained instead of silently missing from the live page.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice.client import voice_client
from voice.languages import LanguageChoices, fetch_language_choices


@dataclass(frozen=True)
class Offer:
    """What the service offers, as a glossary's form and pages need it.

    ``error`` is the service's user-facing message when the list could not be fetched;
    then nothing is known to be offered or not.
    """

    choices: LanguageChoices

    @property
    def error(self) -> str:
        return self.choices.error

    @property
    def sources(self) -> list[tuple[str, str]]:
        return [(item["code"], self.label(item["code"])) for item in self.choices.sources]

    @property
    def targets(self) -> list[tuple[str, str]]:
        return [(item["code"], self.label(item["code"])) for item in self.choices.targets]

    def label(self, code: str) -> str:
        name = self.choices.name_of(code)
        return f"{name} ({code})" if name != code else code

    def _offers(self, code: str) -> bool:
        return any(item["code"] == code for item in (*self.choices.sources, *self.choices.targets))

    def pair_problem(self, source: str, target: str) -> str | None:
        """Why the service can't be used for ``source`` → ``target``, or None if it can.

        None too when the list couldn't be fetched: nothing is known then.
        """
        if self.error:
            return None
        if not self._offers(source):
            return f"The translation service doesn’t offer {source} any more."
        if not self._offers(target):
            return f"The translation service doesn’t offer {target} any more."
        if target not in self.choices.targets_for(source):
            return (
                f"The translation service doesn’t translate {self.label(source)} into "
                f"{self.label(target)}."
            )
        return None


def offered() -> Offer:
    """The service's current offer (cached by the client for KRISP_LANGUAGES_TTL_SECONDS)."""
    return Offer(fetch_language_choices(voice_client()))
