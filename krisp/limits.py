"""Krisp's documented limits on vocabulary terms and dictionary entries.

Krisp's SDK rejects an entry that breaks these rules, so both the client (before it
connects) and the glossary editor (before it saves) check them with this one function.
"""

from __future__ import annotations

MAX_ENTRY_CHARS = 120
MAX_ENTRY_WORDS = 3
MAX_SPECIAL_CHARS = 2
SPECIAL_PUNCTUATION = frozenset(".!?&-")


def entry_problem(text: str) -> str | None:
    """Say why ``text`` is not a valid Krisp vocabulary or dictionary entry, or None if it is.

    Rules (Krisp SDK): 1-120 characters; at most 3 words; at most 2 special characters,
    where digits and ``. ! ? & -`` count as special; only Unicode letters, digits, spaces
    and ``. ! ? & -`` are allowed.
    """
    if not isinstance(text, str):
        return "must be text"
    stripped = text.strip()
    if not stripped:
        return "must not be empty"
    if len(stripped) > MAX_ENTRY_CHARS:
        return f"must be at most {MAX_ENTRY_CHARS} characters (has {len(stripped)})"
    bad = sorted({ch for ch in stripped if not _allowed(ch)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:5])
        return f"may contain only letters, digits, spaces and . ! ? & - (found {shown})"
    words = stripped.split()
    if len(words) > MAX_ENTRY_WORDS:
        return f"must be at most {MAX_ENTRY_WORDS} words (has {len(words)})"
    specials = sum(1 for ch in stripped if ch.isdigit() or ch in SPECIAL_PUNCTUATION)
    if specials > MAX_SPECIAL_CHARS:
        return (
            f"may contain at most {MAX_SPECIAL_CHARS} digits or . ! ? & - characters "
            f"(has {specials})"
        )
    return None


def _allowed(ch: str) -> bool:
    return ch.isalpha() or ch.isdigit() or ch == " " or ch in SPECIAL_PUNCTUATION
