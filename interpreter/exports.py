"""Transcript exports: plain text, SubRip (SRT), WebVTT, JSON and CSV.

Pure functions with no Django in them: build ``Cue`` values once with ``cues_from`` and hand
them to a formatter. Times are milliseconds from the session's origin — its start, or the
first utterance's start when the service reported an earlier one — so the first cue of a
recording started with the session lines up with a video of it.

A room session's cues also carry each utterance's translation into every language its
listeners had open: SRT, WebVTT and text are written for one language at a time
(``Cue.in_language``), CSV and JSON with every language.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import spreadsheets

TextChoice = Literal["source", "target", "bilingual"]
TEXT_CHOICES: tuple[TextChoice, ...] = ("source", "target", "bilingual")

# An utterance saved without a duration still needs a cue a player will show.
DEFAULT_DURATION_MS = 2000

# A file name's title part: short enough to read, and in UTF-8 well inside the 255 bytes
# file systems allow once the date, time, language and extension are added.
NAME_TITLE_CHARS = 60
NAME_TITLE_BYTES = 120
NAME_LANGUAGE_CHARS = 35


@dataclass(frozen=True)
class Cue:
    """One utterance placed on the session's timeline."""

    start_ms: int
    end_ms: int
    source: str
    target: str
    started_at: datetime
    # A room session's translations by language: only the languages open when it was said.
    translations: Mapping[str, str] = field(default_factory=dict)

    def in_language(self, language: str) -> Cue:
        """This cue with its translation into ``language`` (a room's) as its target: empty
        when that language wasn't open for it."""
        return replace(self, target=self.translations.get(language, ""))

    def lines(self, text: TextChoice) -> list[str]:
        """The cue's non-blank lines for ``text`` (blank lines would end an SRT/VTT cue)."""
        parts = {"source": [self.source], "target": [self.target]}.get(
            text, [self.source, self.target]
        )
        return [line.strip() for part in parts for line in part.splitlines() if line.strip()]


def name_part(text: str, chars: int = NAME_TITLE_CHARS, max_bytes: int = NAME_TITLE_BYTES) -> str:
    """``text`` as part of a file name that is safe on every common system.

    Letters (with their accents and vowel signs) and digits of any script are kept, so a
    Japanese or Hindi title stays readable; every run of anything else (spaces, slashes,
    quotes, dots, colons, control and invisible formatting characters) becomes one dash, and
    none is left at either end. Cut at a dash where it can, to ``chars`` characters and
    ``max_bytes`` bytes of UTF-8.
    """
    text = unicodedata.normalize("NFC", text)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else "-" for ch in text)
    part = re.sub(r"-+", "-", kept).strip("-")
    if len(part) > chars or len(part.encode()) > max_bytes:
        cut = part[:chars]
        while len(cut.encode()) > max_bytes:
            cut = cut[:-1]
        dash = cut.rfind("-")
        part = (cut[:dash] if dash > len(cut) // 2 else cut).strip("-")
    return part


def file_name(title: str, started: datetime, extension: str, language: str = "") -> str:
    """``<title>_<YYYY-MM-DD>_<HH-MM>[_<language>].<extension>``, e.g.
    ``Budget-review_2026-11-18_09-30_es-ES.srt``.

    The start time (``started``, in the reader's time zone) tells a day's sessions apart,
    so their files do not overwrite one another; a title with nothing usable in it gives
    ``session``.
    """
    parts = [name_part(title) or "session", f"{started:%Y-%m-%d_%H-%M}"]
    if language and (code := name_part(language, chars=NAME_LANGUAGE_CHARS)):
        parts.append(code)
    return f"{'_'.join(parts)}.{extension}"


def origin_of(session_started_at: datetime, first_utterance_at: datetime | None) -> datetime:
    """Time zero of a session's timeline."""
    if first_utterance_at is not None and first_utterance_at < session_started_at:
        return first_utterance_at
    return session_started_at


def offset_ms(moment: datetime, origin: datetime) -> int:
    return max(0, round((moment - origin).total_seconds() * 1000))


def cues_from(
    utterances: Iterable[Any],
    session_started_at: datetime,
    translations: Mapping[Any, Mapping[str, str]] | None = None,
) -> list[Cue]:
    """Cues for utterances (objects with started_at, duration_ms, text, translation, and pk
    when ``translations`` gives a room session's translations by utterance pk, then by
    language)."""
    rows = sorted(utterances, key=lambda u: u.started_at)
    origin = origin_of(session_started_at, rows[0].started_at if rows else None)
    cues = []
    for row in rows:
        start = offset_ms(row.started_at, origin)
        cues.append(
            Cue(
                start_ms=start,
                end_ms=start + (row.duration_ms or DEFAULT_DURATION_MS),
                source=row.text,
                target=row.translation,
                started_at=row.started_at,
                translations=dict(translations.get(row.pk, {})) if translations else {},
            )
        )
    return cues


def clock(ms: int, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or, with separator ",", ``HH:MM:SS,mmm`` (SRT)."""
    seconds, millis = divmod(max(0, ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def to_txt(cues: Sequence[Cue], text: TextChoice, heading: str = "") -> str:
    """One block per utterance: ``[HH:MM:SS] line``, the translation indented under it."""
    blocks = [heading.strip()] if heading.strip() else []
    for cue in cues:
        stamp = f"[{clock(cue.start_ms)[:8]}]"
        if text == "bilingual":
            lines = [f"{stamp} {' '.join(cue.lines('source'))}".rstrip()]
            if cue.lines("target"):
                lines.append(f"{' ' * len(stamp)} {' '.join(cue.lines('target'))}")
        elif cue.lines(text):
            lines = [f"{stamp} {' '.join(cue.lines(text))}"]
        else:
            continue
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Sequence[Cue], text: TextChoice) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, blank line between cues."""
    blocks = []
    for cue in cues:
        lines = cue.lines(text)
        if not lines:
            continue
        timing = f"{clock(cue.start_ms, ',')} --> {clock(cue.end_ms, ',')}"
        blocks.append("\n".join([str(len(blocks) + 1), timing, *lines]))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def escape_vtt(line: str) -> str:
    """WebVTT cue text: ``&`` and ``<`` start markup, and ``-->`` may never appear."""
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue], text: TextChoice) -> str:
    """WebVTT: the ``WEBVTT`` header, then ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` cues."""
    blocks = ["WEBVTT"]
    for cue in cues:
        lines = cue.lines(text)
        if not lines:
            continue
        timing = f"{clock(cue.start_ms)} --> {clock(cue.end_ms)}"
        blocks.append("\n".join([timing, *(escape_vtt(line) for line in lines)]))
    return "\n\n".join(blocks) + "\n"


def to_json(cues: Sequence[Cue], session: dict[str, Any], languages: Sequence[str] = ()) -> str:
    """``{"session": {...}, "utterances": [{start, end, started_at, text, translation}]}``.

    With a room session's ``languages``, each utterance also has ``translations``: a key per
    language, its text, or null where that language wasn't open when it was said.
    """
    utterances = []
    for cue in cues:
        utterance = {
            "start": cue.start_ms / 1000,
            "end": cue.end_ms / 1000,
            "started_at": cue.started_at.isoformat(),
            "text": cue.source,
            "translation": cue.target,
        }
        if languages:
            utterance["translations"] = {code: cue.translations.get(code) for code in languages}
        utterances.append(utterance)
    document = {"session": session, "utterances": utterances}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def to_csv(cues: Sequence[Cue], languages: Sequence[str] = ()) -> str:
    """One row per utterance: start, end (``HH:MM:SS.mmm``), text, translation; for a room
    session's ``languages``, a column per language instead of the one translation (empty
    where that language wasn't open when it was said).

    Text that a spreadsheet would run as a formula is neutralised (see ``spreadsheets``),
    in every column, the language codes of the header too.
    """
    if languages:
        header = [("start", "end", "text", *languages)]
        rows = (
            (
                clock(cue.start_ms),
                clock(cue.end_ms),
                cue.source,
                *(cue.translations.get(code, "") for code in languages),
            )
            for cue in cues
        )
    else:
        header = [("start", "end", "text", "translation")]
        rows = ((clock(cue.start_ms), clock(cue.end_ms), cue.source, cue.target) for cue in cues)
    return spreadsheets.csv_text([*header, *rows])
