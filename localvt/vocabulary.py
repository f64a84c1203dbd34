"""A session's vocabulary: which terms bias Whisper, and the spelling fix after it.

Whisper takes vocabulary as a previous-text prompt (``<|startofprev|>`` and the terms).
The prompt may fill at most half of Whisper's 448-token context, as Whisper's own decoder
allows, while a glossary of 1,000 terms needs several thousand tokens; and terms that
have nothing to do with what was said still sway the decoder (four made-up names in the
prompt cost a LibriVox sentence its first two words). So the rule (stated in
``docs/localvt.md``): an utterance is first recognised without any prompt; only the terms
that sound like something heard in it go into the prompt of a second pass, closest first,
as many as fit. When none does, the first pass is the result and the vocabulary has cost
nothing; when some do, the second pass may only put terms in (:func:`with_terms`): every
other word is the first pass's.

The spelling fix (:func:`apply_vocabulary`) compares every run of one to three heard
words with every term, so it is done with rapidfuzz's C++ matrix of similarities: with
1,000 terms, difflib took ~1 s an utterance, on the event loop.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

# Whisper's context is 448 tokens; the prompt may use half of it, <|startofprev|> included.
PROMPT_TOKENS = 448 // 2 - 1
SPELLING_CUTOFF = 0.8
# How closely a term must sound like something heard to go into the prompt: below the
# spelling fix's cutoff, because Whisper hears a name it doesn't know far from its spelling
# ("Shimon Kalkzik" for "Siobhan Kowalczyk", 0.69). Chosen on the development sentences.
RELEVANT = 0.6

_WORD = re.compile(r"[\w'-]+")
_SOUNDS = (
    ("ph", "f"),
    ("ck", "k"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("y", "i"),
    ("oo", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("ea", "i"),
    ("w", "v"),
)


def sound_key(text: str, language: str = "en") -> str:
    """A rough, spelling-blind key for how ``text`` sounds: case and doubled letters never
    count. English also folds letters that sound alike there (``ph`` and ``f``, ``c`` and
    ``k``...); other languages, whose spelling those rules would mislead, fold accents
    instead, so "Jose" still meets "José"."""
    if language != "en":
        text = unicodedata.normalize("NFKD", text)
    key = "".join(ch for ch in text.casefold() if ch.isalnum())
    if language == "en":
        for spelled, sound in _SOUNDS:
            key = key.replace(spelled, sound)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass(frozen=True)
class _Keys:
    """A vocabulary's terms with their sound keys (terms whose key is too short to
    compare are left out)."""

    terms: tuple[str, ...]
    keys: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _keys(vocabulary: tuple[str, ...], language: str) -> _Keys:
    pairs = [(term, sound_key(term, language)) for term in vocabulary]
    pairs = [(term, key) for term, key in pairs if len(key) >= 3]
    return _Keys(tuple(t for t, _ in pairs), tuple(k for _, k in pairs))


def _runs(text: str, language: str) -> tuple[list[re.Match], list[tuple[int, int]], list[str]]:
    """The words of ``text``, and each run of one to three of them with its sound key."""
    words = list(_WORD.finditer(text))
    spans, keys = [], []
    for i in range(len(words)):
        for size in (1, 2, 3):
            if i + size > len(words):
                break
            spans.append((i, size))
            keys.append(sound_key(" ".join(m.group() for m in words[i : i + size]), language))
    return words, spans, keys


def _similarity(heard: list[str], keys: Sequence[str], cutoff: float = 0.0) -> np.ndarray:
    """Similarity (0..1) of each heard key (rows) to each term key (columns)."""
    scores = process.cdist(heard, keys, scorer=fuzz.ratio, score_cutoff=cutoff * 100, workers=1)
    return scores / 100.0


def apply_vocabulary(
    text: str, vocabulary: Sequence[str], *, language: str = "en", cutoff: float = SPELLING_CUTOFF
) -> str:
    """Replace runs of recognised words that sound like a vocabulary term with the term.

    Whisper spells a rare name the way it hears it ("Cooper Netties"); a run of one to
    three words whose rough sound (letters folded by :func:`sound_key` for ``language``,
    a Whisper code) is close enough to a vocabulary term's becomes the term. The closest
    runs win; runs never overlap.
    """
    if not vocabulary or not text:
        return text
    known = _keys(tuple(vocabulary), language)
    words, spans, heard = _runs(text, language)
    if not known.keys or not spans:
        return text
    scores = _similarity(heard, known.keys, cutoff)
    taken = _exact_terms(words, vocabulary)
    rows, columns = np.nonzero(scores)
    candidates = sorted(
        (
            (scores[r, c], -spans[r][1], spans[r][0], spans[r][1], known.terms[c])
            for r, c in zip(rows, columns, strict=True)
        ),
        reverse=True,
    )
    chosen = []
    for _ratio, _, i, size, term in candidates:
        span = set(range(i, i + size))
        if span & taken:
            continue
        taken |= span
        chosen.append((words[i].start(), words[i + size - 1].end(), term))
    for start, end, term in sorted(chosen, reverse=True):
        text = text[:start] + term + text[end:]
    return text


def _exact_terms(words: Sequence[re.Match], vocabulary: Sequence[str]) -> set[int]:
    """Indexes of words that already spell a vocabulary term; they are left alone."""
    taken: set[int] = set()
    spelled = [m.group().casefold() for m in words]
    at = {}
    for i, word in enumerate(spelled):
        at.setdefault(word, []).append(i)
    for term in vocabulary:
        parts = [m.group().casefold() for m in _WORD.finditer(term)]
        for i in at.get(parts[0], ()) if parts else ():
            if spelled[i : i + len(parts)] == parts:
                taken.update(range(i, i + len(parts)))
    return taken


def heard_terms(
    vocabulary: Sequence[str], heard: str, *, language: str = "en", floor: float = RELEVANT
) -> list[str]:
    """The terms of ``vocabulary`` that sound like a run of one to three words of
    ``heard`` (similarity of their sound keys at least ``floor``), closest first; equally
    close terms keep the vocabulary's order."""
    known = _keys(tuple(vocabulary), language)
    _, _, runs = _runs(heard, language)
    if not runs or not known.keys:
        return []
    best = _similarity(runs, known.keys, floor).max(axis=0)
    order = sorted(np.nonzero(best)[0], key=lambda i: (-best[i], i))
    return [known.terms[i] for i in order]


def with_terms(heard: str, biased: str, terms: Sequence[str], *, language: str = "en") -> str:
    """``heard`` (recognised without a prompt) with each of ``terms`` that the prompted
    pass (``biased``) heard put in place of the words of ``heard`` that sound like it, at
    the same place (a run of one to four words, similarity at least :data:`RELEVANT`).
    Every other word is ``heard``'s: the prompt may only respell words as a term, never
    cost or add one, even when the terms it held were nothing like what was said."""
    first, second = heard.split(), biased.split()
    first_keys, second_keys = _plain(first), _plain(second)
    places = _places(first_keys, second_keys)
    chosen: list[tuple[float, int, int, str]] = []
    for term in terms:
        parts = _plain(term.split())
        for j in range(len(second_keys) - len(parts) + 1):
            if not parts or second_keys[j : j + len(parts)] != parts:
                continue
            low = max(0, min(places[j : j + len(parts)]) - 1)
            high = min(len(first), max(places[j : j + len(parts)]) + 2)
            runs = [(a, b) for a in range(low, high) for b in range(a + 1, min(a + 4, high) + 1)]
            if not runs:
                continue
            keys = [sound_key(" ".join(first[a:b]), language) for a, b in runs]
            scores = _similarity(keys, [sound_key(term, language)], RELEVANT)[:, 0]
            best = int(np.argmax(scores))
            if scores[best] > 0:
                chosen.append((float(scores[best]), *runs[best], term))
    taken: set[int] = set()
    replacements = []
    for _score, a, b, term in sorted(chosen, reverse=True):
        if taken & set(range(a, b)):
            continue
        taken.update(range(a, b))
        replacements.append((a, b, term))
    for a, b, term in sorted(replacements, reverse=True):
        trailing = re.sub(r"^.*?([^\w]*)$", r"\1", first[b - 1])
        first[a:b] = [term + trailing]
    return " ".join(first)


def _places(first: list[str], second: list[str]) -> list[int]:
    """For each word of ``second``, the index of the word of ``first`` at its place."""
    places = [0] * len(second)
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            places[j] = min(i1 + (j - j1), max(i1, i2 - 1))
    return places


def _plain(words: Sequence[str]) -> list[str]:
    """Each word without case or punctuation, so "Corpus." and "corpus" compare equal."""
    return [re.sub(r"[^\w]", "", unicodedata.normalize("NFC", w.casefold())) for w in words]


def fit_prompt(
    terms: Sequence[str],
    tokens_of: dict[str, list[int]],
    comma: list[int],
    budget: int = PROMPT_TOKENS,
) -> tuple[list[str], list[int]]:
    """The leading ``terms`` whose tokens (``tokens_of`` each term, ``comma`` between
    terms) fit in ``budget`` tokens, and those tokens; a term too long for what is left is
    skipped, so a shorter one after it may still go in."""
    used: list[str] = []
    tokens: list[int] = []
    for term in terms:
        piece = [*comma, *tokens_of[term]] if tokens else tokens_of[term]
        if len(tokens) + len(piece) > budget:
            continue
        used.append(term)
        tokens.extend(piece)
    return used, tokens
