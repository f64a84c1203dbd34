"""The language pairs a glossary can be for: those the configured service offers.

The list is the one the live page uses (``interpreter.voice.voice_client`` and
``interpreter.views.language_choices``), cached by the client, so a glossary can only be
made for a pair the live page can start, and a glossary whose pair the service stopped
offering is found and explained instead of silently missing from the live page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asgiref.sync import async_to_sync

from interpreter.views import language_choices
from interpreter.voice import voice_client
from krisp import KrispError


@dataclass(frozen=True)
class Offer:
    """What the service offers: language names by code, and each source's targets.

    ``error`` is the service's user-facing message when the list could not be fetched;
    then nothing is known to be offered or not.
    """

    names: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""

    @property
    def sources(self) -> list[tuple[str, str]]:
        return [(code, self.label(code)) for code in self.pairs]

    @property
    def targets(self) -> list[tuple[str, str]]:
        reachable = {target for targets in self.pairs.values() for target in targets}
        return [(code, self.label(code)) for code in self.names if code in reachable]

    def label(self, code: str) -> str:
        name = self.names.get(code)
        return f"{name} ({code})" if name and name != code else code

    def pair_problem(self, source: str, target: str) -> str | None:
        """Why the service can’t be used for ``source`` → ``target``, or None if it can.

        None too when the list couldn't be fetched: nothing is known then.
        """
        if self.error:
            return None
        if source not in self.names:
            return f"The translation service doesn’t offer {source} any more."
        if target not in self.names:
            return f"The translation service doesn’t offer {target} any more."
        if target not in self.pairs.get(source, []):
            return (
                f"The translation service doesn’t translate {self.label(source)} into "
                f"{self.label(target)}."
            )
        return None


def offered() -> Offer:
    """The service's current offer (cached by the client for KRISP_LANGUAGES_TTL_SECONDS)."""
    try:
        languages = async_to_sync(voice_client().languages)()
    except KrispError as exc:
        return Offer(error=exc.user_message)
    choices = language_choices(languages)
    return Offer(
        names={language.code: language.name for language in languages},
        pairs=choices["pairs"],
    )
