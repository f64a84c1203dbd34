"""What the service translates: its languages as page choices, and the pairs between them.

The list comes from the service itself (cached by the client), so no page hard-codes a
language; a service that can't be reached gives empty choices and a reason a user
understands, never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asgiref.sync import async_to_sync

from krisp import KrispClient, KrispError, Language


@dataclass(frozen=True)
class LanguageChoices:
    """Sources and targets as ``{"code", "name"}`` items, and each source's targets.

    ``error`` is the user-facing reason the list is empty when the service failed.
    """

    sources: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    pairs: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""

    def name_of(self, code: str) -> str:
        """The language's name, or its code when the service does not (or no longer) list it."""
        for item in (*self.sources, *self.targets):
            if item["code"] == code:
                return item["name"]
        return code

    def targets_for(self, source: str) -> list[str]:
        """The codes speech in ``source`` can be translated into (none for an unknown source)."""
        return list(self.pairs.get(source, []))


def language_choices(languages: list[Language]) -> LanguageChoices:
    """The sources, targets and the pairs between them.

    A language that does not say what it translates to (Krisp's list) goes to every other
    one; localvt says, and a target-only language (Esperanto) is not offered as a source.
    """
    codes = [language.code for language in languages]
    pairs = {
        language.code: [code for code in codes if language.translates_to(code)]
        for language in languages
    }
    pairs = {source: targets for source, targets in pairs.items() if targets}
    reachable = {target for targets in pairs.values() for target in targets}
    named = [{"code": language.code, "name": language.name} for language in languages]
    return LanguageChoices(
        sources=[item for item in named if item["code"] in pairs],
        targets=[item for item in named if item["code"] in reachable],
        pairs=pairs,
    )


def fetch_language_choices(client: KrispClient) -> LanguageChoices:
    """The choices ``client``'s service offers now; from synchronous code (views, forms)."""
    try:
        languages = async_to_sync(client.languages)()
    except KrispError as exc:
        return LanguageChoices(error=exc.user_message)
    return language_choices(languages)
