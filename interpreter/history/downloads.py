"""A saved session as a download: which files a session's page offers, and each file's text
and name.

A plain session's subtitles and text are its source, its translation, or both. A room
session's are its source, its translation into one of its languages
(``text=target&language=<code>``), or the source with one language
(``text=bilingual&language=<code>``): a subtitle file holds one language's lines. Its CSV
and JSON carry every language.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils import timezone

from interpreter import exports
from interpreter.models import TranslationSession

from .languages import is_room_session, session_languages, translations_of

FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
# Formats that hold one language's lines (or the source's with one language's).
PER_LANGUAGE = ("txt", "srt", "vtt")


class Refused(ValueError):
    """A download asked for in a way this session can't give; the message says why."""


def text_choices(session: TranslationSession, languages: list[str] | None) -> list[tuple]:
    """The subtitle and text downloads offered, as (label, query string): source, target and
    both for a plain session (``languages`` None); the source, each language, and the source
    with each language for a room session."""
    if languages is None:
        return [(choice, f"text={choice}") for choice in exports.TEXT_CHOICES]
    return [
        ("Source", "text=source"),
        *((code, urlencode({"text": "target", "language": code})) for code in languages),
        *(
            (f"Source + {code}", urlencode({"text": "bilingual", "language": code}))
            for code in languages
        ),
    ]


def file_name(session: TranslationSession, extension: str, language: str = "") -> str:
    """The download's file name: the title and local start time (``exports.file_name``).

    The title is the user's, or the first words said; a session in which nothing was said
    is named ``session``, since its date-and-languages default would repeat the time.
    """
    title = session.title or session.opening_words
    return exports.file_name(title, timezone.localtime(session.started_at), extension, language)


def build(session: TranslationSession, fmt: str, text: str, language: str = "") -> tuple[str, str]:
    """The ``fmt`` file of ``session`` and its name. ``text`` is source, target or
    bilingual; ``language`` the room session's language for target or bilingual subtitles
    and text. Raises ``Refused`` for a choice the session can't give."""
    if text not in exports.TEXT_CHOICES:
        raise Refused("text must be source, target or bilingual")
    room = is_room_session(session)
    utterances = session.utterances.all()
    languages = session_languages(session) if room else []
    translations = translations_of(utterances)[0] if room else None
    cues = exports.cues_from(utterances, session.started_at, translations)
    per_language = fmt in PER_LANGUAGE and text != "source"
    if not room:
        if per_language and language not in ("", session.target_language):
            raise Refused(f"This session was translated into {session.target_language} only.")
        language = session.target_language
    elif per_language:
        if language not in languages:
            raise Refused(_language_needed(languages))
        cues = [cue.in_language(language) for cue in cues]
    if fmt == "json":
        body = exports.to_json(cues, _summary(session, languages, room), languages)
    elif fmt == "csv":
        # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
        body = "\ufeff" + exports.to_csv(cues, languages)
    elif fmt == "srt":
        body = exports.to_srt(cues, text)
    elif fmt == "vtt":
        body = exports.to_vtt(cues, text)
    else:
        targets = language if per_language or not room else ", ".join(languages)
        body = exports.to_txt(cues, text, heading=_heading(session, targets))
    suffix = ""
    if fmt in PER_LANGUAGE:
        suffix = {
            "source": session.source_language,
            "target": language,
            # A room's bilingual files name both languages, so each language's stays apart.
            "bilingual": f"{session.source_language}+{language}" if room else "",
        }[text]
    return body, file_name(session, fmt, suffix)


def _language_needed(languages: list[str]) -> str:
    """Why a room session's translation can't be downloaded as asked."""
    if not languages:
        return "Nobody listened to this room session in another language: only its source."
    return f"language must be one of this room session's languages: {', '.join(languages)}"


def _summary(session: TranslationSession, languages: list[str], room: bool) -> dict:
    summary = {
        "id": session.pk,
        "title": session.display_title,
        "source_language": session.source_language,
        "target_language": session.target_language,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "status": session.status,
        "error": session.error,
        # Milliseconds after started_at at which the engine or service failed and the
        # session went on.
        "faults": session.faults,
        "glossary": session.glossary_snapshot or None,
    }
    if room:
        # target_language is the language the speaker heard, if any; every utterance has
        # its "translations" into each of ``languages``.
        summary["room"] = session.room.name if session.room else None
        summary["languages"] = languages
    return summary


def _heading(session: TranslationSession, targets: str) -> str:
    """The text download's first lines: title, start, and the languages in the file."""
    started = timezone.localtime(session.started_at)
    return (
        f"{session.display_title}\n{started:%Y-%m-%d %H:%M} · {session.source_language} → {targets}"
    )
