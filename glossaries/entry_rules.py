"""Krisp's entry rules as glossary pages tell them: the rule, and a way to meet it.

The rules themselves are ``krisp.limits.entry_problem``, followed exactly: only letters,
digits, spaces and ``. ! ? & -``. Names often carry characters outside them (O'Brien,
McDonald’s, Jean–Luc), so when a term breaks the rules only by such characters, the
message says which and gives the nearest form the rules allow.
"""

from __future__ import annotations

from krisp.limits import entry_problem as krisp_entry_problem

# Characters common in names that the rules don't allow: what they are called, and what
# the nearest allowed form writes instead (nothing, or the plain hyphen the rules allow).
NAME_CHARACTERS = (
    ("apostrophes", "'’‘`´′", ""),
    ("dashes other than -", "‐‑‒–—―−", "-"),
    ("middle dots", "·‧", ""),
    ("commas", ",", ""),
)


def nearest_allowed_form(text: str) -> tuple[list[str], str] | None:
    """The kinds of name characters in ``text`` and ``text`` without them, when that form
    meets the rules; None when ``text`` has none of them or more than they are wrong."""
    kinds, suggestion = [], text
    for kind, characters, replacement in NAME_CHARACTERS:
        if any(ch in suggestion for ch in characters):
            kinds.append(kind)
            for ch in characters:
                suggestion = suggestion.replace(ch, replacement)
    suggestion = " ".join(suggestion.split())
    if not kinds or krisp_entry_problem(suggestion) is not None:
        return None
    return kinds, suggestion


def entry_problem(text: str) -> str | None:
    """Why Krisp would refuse ``text`` (see ``krisp.limits``), with the nearest allowed
    form when only name characters are in the way; None when it is a valid entry."""
    problem = krisp_entry_problem(text)
    if problem is None:
        return None
    nearest = nearest_allowed_form(text) if isinstance(text, str) else None
    if nearest is None:
        return problem
    kinds, suggestion = nearest
    return (
        f"{problem}; {' and '.join(kinds)} aren’t allowed in Krisp’s glossaries, so write "
        f"“{suggestion}”"
    )
