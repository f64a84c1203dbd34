"""A saved session's facts in words for the history pages: how long it ran, when the
engine or service failed, each interruption, and the glossary it was opened with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interpreter import exports
from interpreter.models import TranslationSession

# Who failed, by the session's ``backend``: our own engine, or Krisp's hosted service.
FAILED_WHO = {"localvt": "The engine", "krisp": "The translation service"}

# A glossary with more terms and entries than this is shown collapsed on the session page.
GLOSSARY_SHOWN_OPEN = 12

GAP_REASONS = {
    "server_restarting": "the server restarted",
    "connection_lost": "the connection was lost",
}


def duration_label(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def moment_label(ms: int) -> str:
    """``00:43`` into a session, ``1:02:05`` past the first hour."""
    minutes, seconds = divmod(max(0, ms) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def fault_summary(faults: list[int], shown: int | None = 3, who: str = "The engine") -> str:
    """``The engine failed at 00:43``, ``… at 00:43 and 01:10``, ``… and 4 more times``
    (every moment when ``shown`` is None); empty when it never failed."""
    if not faults:
        return ""
    times = [moment_label(ms) for ms in faults[:shown]]
    rest = len(faults) - len(times)
    if rest:
        listed = f"{', '.join(times)} and {rest} more time{'s' if rest > 1 else ''}"
    elif len(times) > 1:
        listed = f"{', '.join(times[:-1])} and {times[-1]}"
    else:
        listed = times[0]
    return f"{who} failed at {listed}"


def session_faults(session: TranslationSession, shown: int | None = 3) -> str:
    """:func:`fault_summary` naming what failed: the engine (localvt) or Krisp's service."""
    return fault_summary(session.faults, shown, FAILED_WHO.get(session.backend, "The engine"))


def gap_summary(session: TranslationSession, gap: dict) -> dict:
    """One recorded interruption of a session, in words: when, how long, what was kept."""
    try:
        lost_at = datetime.fromisoformat(gap["lost_at"])
        seconds = float(gap.get("seconds", 0))
        dropped = float(gap.get("dropped_seconds", 0))
    except (KeyError, TypeError, ValueError):
        return {"at": "", "text": "The connection was interrupted."}
    at = exports.clock(exports.offset_ms(lost_at, session.started_at))[:8]
    why = GAP_REASONS.get(gap.get("reason"), "the connection was lost")
    kept = (
        f"{dropped:.1f} s said meanwhile could not be interpreted"
        if dropped
        else "everything said meanwhile was interpreted"
    )
    return {"at": at, "text": f"At {at} {why} for {seconds:.1f} s; {kept}."}


def glossary_used(snapshot: Any) -> dict | None:
    """The glossary a session was opened with, exactly as it was sent (``glossary_snapshot``,
    see ``Glossary.snapshot``): its name, vocabulary terms and dictionary entries, and whether
    it is short enough to show open. None when the session had no glossary.

    The snapshot, not the glossary, because the glossary may have been edited or deleted since.
    """
    if not isinstance(snapshot, dict) or not snapshot:
        return None
    vocabulary = [str(term) for term in snapshot.get("vocabulary") or [] if str(term).strip()]
    dictionary = [
        (str(entry.get("source", "")), str(entry.get("target", "")))
        for entry in snapshot.get("translation_dictionary") or []
        if isinstance(entry, dict)
    ]
    return {
        "name": str(snapshot.get("name") or "").strip(),
        "vocabulary": vocabulary,
        "dictionary": dictionary,
        "open": len(vocabulary) + len(dictionary) <= GLOSSARY_SHOWN_OPEN,
    }
