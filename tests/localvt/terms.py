"""Vocabulary terms unrelated to any test speech: made-up product, drug and place names.

Deterministic, unique ignoring case, and each a valid Krisp entry (1 to 3 words of
letters, at most 2 digits), so a glossary may hold them. Made-up words are what a
glossary is for (the model has never seen them), and they cost Whisper's prompt the most
tokens, so 1,000 of them are the hardest vocabulary the product allows.
"""

from __future__ import annotations

import random

from krisp.limits import entry_problem

_ONSETS = ("b", "br", "d", "dr", "f", "g", "gr", "k", "kl", "l", "m", "n", "p", "pl", "r", "s")
_ONSETS += ("st", "t", "tr", "v", "z", "sh", "th", "qu", "h", "j")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "io", "ou", "y")
_CODAS = ("", "", "", "n", "r", "s", "x", "l", "m", "nd", "rt", "sk")


def _word(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3, 3, 4))
    word = "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    )
    return word.capitalize()


def unrelated_terms(count: int, seed: int = 1000) -> list[str]:
    """``count`` made-up terms of one to three words; the same list for the same seed."""
    rng = random.Random(seed)
    terms: list[str] = []
    seen: set[str] = set()
    while len(terms) < count:
        words = [_word(rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        if rng.random() < 0.1:
            words.append(str(rng.randint(2, 99)))
        term = " ".join(words[:3])
        if term.casefold() in seen or entry_problem(term):
            continue
        seen.add(term.casefold())
        terms.append(term)
    return terms
