"""A room session's languages side by side: which languages it has, and each utterance's
translation into each of them.

A room session (``room`` set) saves one ``UtteranceTranslation`` per language listeners had
open when the utterance was said; its ``translation`` column holds only the language the
speaker chose to hear, often none. ``TranslationSession.languages`` is written when the
session ends, so a running session's languages are also read from the translations saved so
far, and a language missing from the list for any reason is still shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Min, QuerySet

from interpreter.models import TranslationSession, Utterance, UtteranceTranslation


def is_room_session(session: TranslationSession) -> bool:
    """A session spoken into a room (still one after its room was deleted: ``languages``)."""
    return session.room_id is not None or bool(session.languages)


def ordered(saved: Iterable[str], found: Iterable[str]) -> list[str]:
    """The languages ``saved`` on the session, in their order, then any other ``found``."""
    languages = [str(language) for language in saved]
    return languages + [language for language in found if language not in languages]


def session_languages(session: TranslationSession) -> list[str]:
    """A room session's languages: those saved on it, then any other its translations are
    in, in the order each was first used."""
    found = (
        UtteranceTranslation.objects.filter(utterance__session=session)
        .values("language")
        .annotate(first=Min("utterance__started_at"))
        .order_by("first", "language")
        .values_list("language", flat=True)
    )
    return ordered(session.languages, found)


def languages_of_sessions(sessions: Iterable[TranslationSession]) -> dict[int, list[str]]:
    """:func:`session_languages` of several room sessions in one query (the history list)."""
    rooms = [session for session in sessions if is_room_session(session)]
    if not rooms:
        return {}
    found: dict[int, list[str]] = {session.pk: [] for session in rooms}
    rows = (
        UtteranceTranslation.objects.filter(utterance__session__in=[s.pk for s in rooms])
        .values("utterance__session_id", "language")
        .annotate(first=Min("utterance__started_at"))
        .order_by("first", "language")
        .values_list("utterance__session_id", "language")
    )
    for session_id, language in rows:
        found[session_id].append(language)
    return {session.pk: ordered(session.languages, found[session.pk]) for session in rooms}


def translations_of(
    utterances: QuerySet[Utterance],
) -> tuple[dict[int, dict[str, str]], dict[int, datetime]]:
    """Each of ``utterances``' translations by language (utterance pk → {language: text}),
    and when each utterance's newest translation was saved (utterance pk → time), in one
    query. Translations are written apart from their utterance, often later, so a page
    following a running session needs both."""
    by_utterance: dict[int, dict[str, str]] = {}
    changed: dict[int, datetime] = {}
    rows = UtteranceTranslation.objects.filter(utterance__in=utterances.values("pk"))
    fields = ("utterance_id", "language", "text", "updated_at")
    for utterance_id, language, text, updated_at in rows.values_list(*fields):
        by_utterance.setdefault(utterance_id, {})[language] = text
        changed[utterance_id] = max(updated_at, changed.get(utterance_id, updated_at))
    return by_utterance, changed
