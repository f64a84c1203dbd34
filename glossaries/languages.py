"""The language pairs a glossary can be for: those the configured service offers.

The same list, from the same service and settings, as the live page's: the service's
language list (``KrispClient.languages``, cached for KRISP_LANGUAGES_TTL_SECONDS) and
``krisp.Language.translates_to`` for which pairs exist. So a glossary can only be made for
a pair the live page can start, and one whose pair the service stopped offering is found
and explained instead of silently missing from the live page.

Glossaries never import the interpreter app (docs/architecture.md), so the list comes
through a client of its own here, built from the settings ``interpreter.voice`` reads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.conf import settings

from krisp import KrispClient, KrispError, Language

_lock = threading.Lock()
_client: KrispClient | None = None
_built_from: tuple | None = None


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
        languages = async_to_sync(_languages_client().languages)()
    except KrispError as exc:
        return Offer(error=exc.user_message)
    return Offer(
        names={language.code: language.name for language in languages},
        pairs=_pairs(languages),
    )


def _pairs(languages: list[Language]) -> dict[str, list[str]]:
    """Each language that translates into another, and what it translates into."""
    pairs = {
        source.code: [target.code for target in languages if source.translates_to(target.code)]
        for source in languages
    }
    return {source: targets for source, targets in pairs.items() if targets}


def _languages_client() -> KrispClient:
    """A client for the configured service, rebuilt when its settings change."""
    global _client, _built_from
    key = (
        settings.KRISP_API_KEY,
        settings.KRISP_API_BASE,
        settings.KRISP_WS_URL,
        settings.KRISP_LANGUAGES_TTL_SECONDS,
    )
    with _lock:
        if _client is None or _built_from != key:
            _client = KrispClient(
                settings.KRISP_API_KEY,
                api_base=settings.KRISP_API_BASE,
                ws_url=settings.KRISP_WS_URL,
                languages_ttl_seconds=settings.KRISP_LANGUAGES_TTL_SECONDS,
            )
            _built_from = key
        return _client
